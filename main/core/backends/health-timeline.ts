import { HISTORY_LIMITS, type BackendsTimeline, type BackendTimelineRow, type TimelineBucket } from '../../../shared/domain/history';
import type { Db } from '../db/connection';

/**
 * `backends.timeline`: each backend's calls over the last hours, cut into equal time buckets, read from the
 * attempts table (the durable history; the manager's health window is in memory and 15 minutes long).
 * A call belongs to the bucket it ended in; calls still running are not counted yet. The outcome classes
 * follow the manager's health rules, so the timeline and the success rate tell the same story.
 */

/** Failures that are the job's fault, not the backend's (as the manager counts them). */
const REFUSED_CLASSES: ReadonlySet<string> = new Set(['content_blocked', 'bad_request']);

export type TimelineOutcome = 'succeeded' | 'failed' | 'rate_limited' | 'refused' | 'interrupted';

/** Which column of a bucket one finished attempt counts in. */
export function timelineOutcome(outcome: string | null, errorClass: string | null): TimelineOutcome {
  if (outcome === 'succeeded') return 'succeeded';
  if (outcome === 'interrupted' || outcome === 'canceled' || errorClass === 'canceled') return 'interrupted';
  if (errorClass === 'rate_limited') return 'rate_limited';
  if (errorClass !== null && REFUSED_CLASSES.has(errorClass)) return 'refused';
  return 'failed';
}

/**
 * The window: `buckets` equal slices ending at the next whole bucket after `now` (bucket edges stay put
 * between two calls a few seconds apart, so a live chart does not shimmer).
 */
export function timelineWindow(now: number, hours: number, buckets: number): { from: number; to: number; bucketMs: number } {
  const bucketMs = Math.max(1, Math.floor((hours * 3_600_000) / buckets));
  const to = (Math.floor(now / bucketMs) + 1) * bucketMs;
  return { from: to - bucketMs * buckets, to, bucketMs };
}

/** Latency histogram bins per factor e: a bin is 2.5% wide, so a median read from it is within 2.5%. */
const BINS_PER_E = 40;

interface CountRow {
  b: number;
  outcome: string | null;
  error_class: string | null;
  /** Latency bin of succeeded calls; null for the rest. */
  bin: number | null;
  n: number;
  lo: number | null;
  hi: number | null;
}

export class HealthTimeline {
  private readonly select;

  constructor(db: Db) {
    // One range scan per backend, answered from the attempts_timeline index (migration 0060) alone.
    // SQLite does the counting, and succeeded calls are also counted per latency bin (2.5% wide, with the
    // bin's lowest and highest value), so a median comes out of a few hundred rows however busy the day
    // was; sorting every latency of a 100,000-call day on the core's only thread would not.
    this.select = db.prepare<[number, number, number, string, number, number], CountRow>(
      `SELECT CAST((ended_at - ?) / ? AS INTEGER) AS b, outcome, error_class,
              CASE WHEN outcome = 'succeeded' AND latency_ms IS NOT NULL THEN CAST(ln(1 + max(latency_ms, 0)) * ? AS INTEGER) END AS bin,
              COUNT(*) AS n, MIN(latency_ms) AS lo, MAX(latency_ms) AS hi
       FROM attempts WHERE backend = ? AND ended_at >= ? AND ended_at < ?
       GROUP BY b, outcome, error_class, bin`,
    );
  }

  read(backends: readonly string[], options: { now: number; hours?: number | undefined; buckets?: number | undefined }): BackendsTimeline {
    const hours = options.hours ?? HISTORY_LIMITS.timelineHoursDefault;
    const count = options.buckets ?? HISTORY_LIMITS.timelineBucketsDefault;
    const { from, to, bucketMs } = timelineWindow(options.now, hours, count);
    const items: BackendTimelineRow[] = backends.map((backend) => {
      const buckets = emptyBuckets(from, bucketMs, count);
      const bins: Array<Array<{ bin: number; n: number; lo: number; hi: number }>> = Array.from({ length: count }, () => []);
      for (const row of this.select.all(from, bucketMs, BINS_PER_E, backend, from, to)) {
        const bucket = buckets[row.b];
        if (!bucket) continue;
        bucket[timelineOutcome(row.outcome, row.error_class)] += row.n;
        if (row.bin !== null && row.lo !== null && row.hi !== null) bins[row.b]!.push({ bin: row.bin, n: row.n, lo: row.lo, hi: row.hi });
      }
      buckets.forEach((bucket, i) => {
        bucket.p50_ms = medianOfBins(bins[i]!);
      });
      return { backend, buckets };
    });
    return { from, to, bucket_ms: bucketMs, items };
  }
}

/**
 * Nearest-rank median (rank ceil(n / 2), as the health window computes it) from latency bins: the bin that
 * holds that rank, and within it a value between its lowest and highest latency by the rank's position.
 * Exact when the bin holds one value (a single call, or calls that took the same time); otherwise within
 * the bin's own range, at most 2.5% wide.
 */
export function medianOfBins(bins: ReadonlyArray<{ bin: number; n: number; lo: number; hi: number }>): number | null {
  const total = bins.reduce((sum, b) => sum + b.n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(total / 2));
  let seen = 0;
  for (const b of [...bins].sort((x, y) => x.bin - y.bin)) {
    if (seen + b.n >= rank) {
      const within = b.n === 1 ? 0 : (rank - seen - 1) / (b.n - 1);
      return Math.max(0, Math.round(b.lo + (b.hi - b.lo) * within));
    }
    seen += b.n;
  }
  return null;
}

function emptyBuckets(from: number, bucketMs: number, count: number): TimelineBucket[] {
  return Array.from({ length: count }, (_, i) => ({ start: from + i * bucketMs, succeeded: 0, failed: 0, rate_limited: 0, refused: 0, interrupted: 0, p50_ms: null }));
}
