import type { Db } from '../db/connection';
import type { TimeSample } from './time-model';

/**
 * What the estimator learns from: the generation_records written for every finished attempt, and the
 * attempts table for failure rates. Reads only.
 */

/** Newest successful calls per backend the time model learns from. */
export const MAX_TIME_SAMPLES = 2_000;
/** A model's own history is used alone once it has this many calls; before, the backend's whole history. */
export const MIN_MODEL_SAMPLES = 20;
/** Newest finished attempts per backend behind the failure rates, and how far back they may go. */
export const FAILURE_WINDOW_ATTEMPTS = 500;
export const FAILURE_WINDOW_MS = 14 * 24 * 3_600_000;

interface RecordRow {
  model: string | null;
  megapixels: number;
  steps: number | null;
  images: number;
  prompt_chars: number;
  latency_ms: number;
  started_at: number | null;
  ended_at: number | null;
}

export class EstimatorHistory {
  private readonly selectRecords;
  private readonly selectVersion;
  private readonly selectOutcomes;

  constructor(private readonly db: Db) {
    // The time a call held its slot (attempt start to end: the call plus storing its images) is what the
    // queue waits on; latency_ms (the call alone) stands in when the attempt row is gone.
    this.selectRecords = db.prepare<[string, number], RecordRow>(
      `SELECT g.model, g.megapixels, g.steps, g.images, g.prompt_chars, g.latency_ms, a.started_at, a.ended_at
       FROM generation_records g LEFT JOIN attempts a ON a.id = g.attempt_id
       WHERE g.backend = ? AND g.success = 1 ORDER BY g.id DESC LIMIT ?`,
    );
    // Rowid bounds cost nothing to read (COUNT(*) would scan); records are only ever appended, or swapped
    // wholesale by a checkpoint restore, which moves the bounds too.
    this.selectVersion = db.prepare<[], { id: number | null; n: number | null }>('SELECT MAX(id) AS id, MIN(id) AS n FROM generation_records');
    this.selectOutcomes = db.prepare<[string, number, number], { outcome: string; error_class: string | null; n: number; ms: number | null }>(
      `SELECT outcome, error_class, COUNT(*) AS n, AVG(ended_at - started_at) AS ms FROM (
         SELECT outcome, error_class, started_at, ended_at FROM attempts
         WHERE backend = ? AND ended_at IS NOT NULL AND outcome IN ('succeeded','failed') AND started_at >= ?
         ORDER BY id DESC LIMIT ?)
       GROUP BY outcome, error_class`,
    );
  }

  /** Changes whenever a finished attempt is recorded: the key of every cached model. */
  version(): string {
    const row = this.selectVersion.get();
    return `${row?.id ?? 0}:${row?.n ?? 0}`;
  }

  /** Successful calls of a backend, newest first; the model's own when it has enough of them. */
  timeSamples(backend: string, model: string | null): TimeSample[] {
    const rows = this.selectRecords.all(backend, MAX_TIME_SAMPLES);
    const own = model === null ? [] : rows.filter((r) => r.model === model);
    const chosen = own.length >= MIN_MODEL_SAMPLES ? own : rows;
    return chosen.map((r) => ({
      megapixels: r.megapixels,
      steps: r.steps,
      images: r.images,
      prompt_chars: r.prompt_chars,
      ms: r.started_at !== null && r.ended_at !== null && r.ended_at >= r.started_at ? Math.max(r.ended_at - r.started_at, r.latency_ms) : r.latency_ms,
    }));
  }

  /** Outcome counts of a backend's recent attempts, by error class ('' for success). */
  outcomes(backend: string, now: number): { counts: Map<string, number>; failedMs: number | null; total: number } {
    const counts = new Map<string, number>();
    let failedMs = 0;
    let failed = 0;
    let total = 0;
    for (const row of this.selectOutcomes.all(backend, now - FAILURE_WINDOW_MS, FAILURE_WINDOW_ATTEMPTS)) {
      const key = row.outcome === 'succeeded' ? '' : (row.error_class ?? 'transient');
      counts.set(key, (counts.get(key) ?? 0) + row.n);
      total += row.n;
      if (row.outcome === 'failed' && row.ms !== null) {
        failedMs += row.ms * row.n;
        failed += row.n;
      }
    }
    return { counts, failedMs: failed > 0 ? failedMs / failed : null, total };
  }
}
