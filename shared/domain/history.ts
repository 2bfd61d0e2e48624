import { z } from 'zod';
import { BatchEstimate, ESTIMATE_LIMITS } from './estimate';

/**
 * History views for the Health and Estimate panels (issue 8 parts 4 and 6): each backend's calls over the
 * last hours in time buckets (`backends.timeline`), and spend per local day split by backend
 * (`budget.history`). Both are read from the attempts table (one row per backend call), so they survive
 * restarts and agree with `budget.spend` and `backends.health`. JSON only; every array bounded.
 */

export const HISTORY_LIMITS = {
  /** How far back a timeline may look: a week. */
  timelineHoursMax: 168,
  timelineHoursDefault: 24,
  /** Buckets a timeline is cut into. */
  timelineBucketsMin: 4,
  timelineBucketsMax: 96,
  timelineBucketsDefault: 24,
} as const;

const Count = z.number().int().min(0);
const Usd = z.number().min(0);
const BackendName = z.string().max(ESTIMATE_LIMITS.backendId);
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const TimelineInput = z
  .strictObject({
    hours: z.number().int().min(1).max(HISTORY_LIMITS.timelineHoursMax).optional(),
    buckets: z.number().int().min(HISTORY_LIMITS.timelineBucketsMin).max(HISTORY_LIMITS.timelineBucketsMax).optional(),
  })
  .optional();
export type TimelineInput = z.infer<typeof TimelineInput>;

/**
 * Calls of one backend that ended inside one bucket, by what they say about the backend:
 * `failed` counts down, timeouts, key and quota trouble and no-image answers; `rate_limited` the 429s;
 * `refused` prompts the backend refused (content blocked, bad request: the job's fault, not the backend's);
 * `interrupted` calls cut off by a crash, a shutdown or a cancel.
 */
export const TimelineBucket = z.object({
  /** Bucket start, epoch ms; the bucket covers [start, start + bucket_ms). */
  start: z.number().int(),
  succeeded: Count,
  failed: Count,
  rate_limited: Count,
  refused: Count,
  interrupted: Count,
  /** Median latency of the succeeded calls; null when none succeeded. */
  p50_ms: Count.nullable(),
});
export type TimelineBucket = z.infer<typeof TimelineBucket>;

export const BackendTimelineRow = z.object({
  backend: BackendName,
  buckets: z.array(TimelineBucket).max(HISTORY_LIMITS.timelineBucketsMax),
});
export type BackendTimelineRow = z.infer<typeof BackendTimelineRow>;

export const BackendsTimeline = z.object({
  from: z.number().int(),
  to: z.number().int(),
  bucket_ms: z.number().int().min(1),
  items: z.array(BackendTimelineRow).max(ESTIMATE_LIMITS.backendRows),
});
export type BackendsTimeline = z.infer<typeof BackendsTimeline>;

export const SpendHistoryInput = z
  .strictObject({
    days: z.number().int().min(1).max(ESTIMATE_LIMITS.spendDaysMax).optional(),
  })
  .optional();
export type SpendHistoryInput = z.infer<typeof SpendHistoryInput>;

/** One local day: what was spent, split by backend (billed, possibly billed and in-flight calls, as budget.spend counts them). */
export const SpendDay = z.object({
  day: DateText,
  usd: Usd,
  attempts: Count,
  by_backend: z.array(z.object({ backend: BackendName, usd: Usd })).max(ESTIMATE_LIMITS.backendRows),
});
export type SpendDay = z.infer<typeof SpendDay>;

export const SpendHistory = z.object({
  from: z.number().int(),
  to: z.number().int(),
  /** Oldest first, one entry per local day (days without spend included, with 0). */
  days: z.array(SpendDay).max(ESTIMATE_LIMITS.spendDaysMax),
  /** Every backend that spent something in the range, dearest first: the chart's series order. */
  backends: z.array(BackendName).max(ESTIMATE_LIMITS.backendRows),
  total_usd: Usd,
});
export type SpendHistory = z.infer<typeof SpendHistory>;

/** `estimate.files`: batch files estimated as `batch.submit` would queue them; null when they would queue nothing. */
export const FilesEstimate = z.object({
  estimate: BatchEstimate.nullable(),
  /** Jobs left out of the estimate because their rows have errors (when bad rows are skipped). */
  skipped_rows: Count,
});
export type FilesEstimate = z.infer<typeof FilesEstimate>;
