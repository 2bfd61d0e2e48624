import type { Accuracy, AccuracyRow } from '../../../shared/domain/estimate';
import type { Db } from '../db/connection';
import { CONFIDENCE_BAND } from './time-model';

/**
 * The accuracy loop: every job stores its estimate when it is queued (time with its 80% interval, cost,
 * backend); once it has succeeded, the estimate is compared with what the successful call really took
 * (attempt start to end) and what the job really cost. The mean absolute percentage error per backend is
 * reported by `estimate.accuracy`, and the hit rates feed the confidence shown with new estimates.
 */

export const DEFAULT_ACCURACY_WINDOW = 200;

interface Row {
  estimated_cost: number | null;
  estimated_ms: number;
  estimated_ms_low: number | null;
  estimated_ms_high: number | null;
  actual_cost: number;
  backend: string;
  started_at: number;
  ended_at: number;
}

export interface Outcome {
  backend: string;
  estimatedMs: number;
  lowMs: number | null;
  highMs: number | null;
  actualMs: number;
  estimatedUsd: number | null;
  actualUsd: number;
}

/** Hits within ±25% of the estimate, for confidence calibration. */
export interface BandHits {
  timeHits: number;
  timeTrials: number;
  costHits: number;
  costTrials: number;
}

export class AccuracyLedger {
  private readonly select;

  constructor(db: Db) {
    this.select = db.prepare<[number], Row>(
      `SELECT j.estimated_cost, j.estimated_ms, j.estimated_ms_low, j.estimated_ms_high, j.actual_cost, a.backend, a.started_at, a.ended_at
       FROM jobs j JOIN attempts a ON a.job_id = j.id AND a.outcome = 'succeeded'
       WHERE j.status = 'succeeded' AND j.finished_at IS NOT NULL AND j.estimated_ms IS NOT NULL AND a.ended_at IS NOT NULL
       ORDER BY j.finished_at DESC LIMIT ?`,
    );
  }

  /** The last `window` succeeded jobs that carried an estimate, newest first. */
  outcomes(window: number): Outcome[] {
    return this.select.all(window).map((r) => ({
      backend: r.backend,
      estimatedMs: r.estimated_ms,
      lowMs: r.estimated_ms_low,
      highMs: r.estimated_ms_high,
      actualMs: Math.max(0, r.ended_at - r.started_at),
      estimatedUsd: r.estimated_cost,
      actualUsd: r.actual_cost,
    }));
  }

  report(window: number, backend: string | undefined): Accuracy {
    const outcomes = this.outcomes(window).filter((o) => backend === undefined || o.backend === backend);
    const byBackend = new Map<string, Outcome[]>();
    for (const o of outcomes) byBackend.set(o.backend, [...(byBackend.get(o.backend) ?? []), o]);
    return {
      window,
      overall: summarize('all', outcomes),
      per_backend: [...byBackend].map(([id, list]) => summarize(id, list)).sort((a, b) => b.jobs - a.jobs),
    };
  }

  hitsByBackend(window: number): Map<string, BandHits> {
    const hits = new Map<string, BandHits>();
    for (const o of this.outcomes(window)) {
      const h = hits.get(o.backend) ?? { timeHits: 0, timeTrials: 0, costHits: 0, costTrials: 0 };
      if (o.actualMs > 0) {
        h.timeTrials += 1;
        if (withinBand(o.estimatedMs, o.actualMs)) h.timeHits += 1;
      }
      if (o.estimatedUsd !== null) {
        h.costTrials += 1;
        if (withinBand(o.estimatedUsd, o.actualUsd)) h.costHits += 1;
      }
      hits.set(o.backend, h);
    }
    return hits;
  }
}

/** |estimate − actual| / actual; a free job estimated free is exact, one estimated as paid is 100% off. */
export function absolutePercentageError(estimate: number, actual: number): number {
  if (actual === 0) return estimate === 0 ? 0 : 1;
  return Math.abs(estimate - actual) / Math.abs(actual);
}

function withinBand(estimate: number, actual: number): boolean {
  return absolutePercentageError(estimate, actual) <= CONFIDENCE_BAND;
}

function summarize(backend: string, outcomes: readonly Outcome[]): AccuracyRow {
  const timed = outcomes.filter((o) => o.actualMs > 0);
  const costed = outcomes.filter((o): o is Outcome & { estimatedUsd: number } => o.estimatedUsd !== null);
  const intervals = timed.filter((o) => o.lowMs !== null && o.highMs !== null);
  const share = (n: number, of: number) => (of === 0 ? null : n / of);
  const meanOf = (values: number[]) => (values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length);
  return {
    backend,
    jobs: outcomes.length,
    time_mape: meanOf(timed.map((o) => absolutePercentageError(o.estimatedMs, o.actualMs))),
    cost_mape: meanOf(costed.map((o) => absolutePercentageError(o.estimatedUsd, o.actualUsd))),
    interval_coverage: share(intervals.filter((o) => o.actualMs >= o.lowMs! && o.actualMs <= o.highMs!).length, intervals.length),
    time_within_25_percent: share(timed.filter((o) => withinBand(o.estimatedMs, o.actualMs)).length, timed.length),
    cost_within_25_percent: share(costed.filter((o) => withinBand(o.estimatedUsd, o.actualUsd)).length, costed.length),
  };
}
