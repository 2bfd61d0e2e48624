import type { LastError } from '../../../shared/domain/backends';

/**
 * Health of one backend over a recent window: success rate, p50/p95 latency of answered calls and the
 * last error. Ephemeral on purpose (LiteLLM keeps router health in memory too, research/anchors.md §4.2);
 * the attempts table is the durable history, and the manager replays its recent rows at start.
 */

/** How far back the numbers look. */
export const HEALTH_WINDOW_MS = 15 * 60_000;
/** At most this many recent calls are kept per backend. */
export const HEALTH_MAX_SAMPLES = 200;
/** Longest error message kept (provider messages can be long JSON). */
export const LAST_ERROR_MAX_CHARS = 1_000;

/**
 * ok: the backend answered with images. failed: a backend-health failure (down, timeout, rate limit, key).
 * refused: the backend answered but refused the job (content blocked, bad request): the job's fault.
 */
export type CallKind = 'ok' | 'failed' | 'refused';

export interface CallSample {
  at: number;
  kind: CallKind;
  latencyMs: number;
  errorClass?: string | null;
  message?: string | null;
}

export interface HealthStats {
  calls: number;
  success_rate: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
  last_error: LastError | null;
}

export class HealthWindow {
  private samples: CallSample[] = [];
  private lastError: LastError | null = null;

  constructor(
    private readonly windowMs: number = HEALTH_WINDOW_MS,
    private readonly maxSamples: number = HEALTH_MAX_SAMPLES,
  ) {}

  record(sample: CallSample): void {
    this.samples.push(sample);
    if (this.samples.length > this.maxSamples) this.samples.splice(0, this.samples.length - this.maxSamples);
    if (sample.kind !== 'ok') {
      this.lastError = {
        error_class: sample.errorClass ?? 'unknown',
        message: (sample.message ?? '').slice(0, LAST_ERROR_MAX_CHARS),
        at: sample.at,
      };
    }
  }

  /** Whether the backend answered properly at least once in the window (proof of life for a local server). */
  answeredSince(since: number): boolean {
    return this.samples.some((s) => s.at >= since && s.kind !== 'failed');
  }

  stats(now: number): HealthStats {
    const recent = this.samples.filter((s) => s.at >= now - this.windowMs);
    const ok = recent.filter((s) => s.kind === 'ok');
    const failed = recent.filter((s) => s.kind === 'failed').length;
    const latencies = ok.map((s) => s.latencyMs).sort((a, b) => a - b);
    return {
      calls: recent.length,
      success_rate: ok.length + failed === 0 ? null : ok.length / (ok.length + failed),
      p50_ms: percentile(latencies, 0.5),
      p95_ms: percentile(latencies, 0.95),
      last_error: this.lastError,
    };
  }
}

/** Nearest-rank percentile of sorted values; null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return Math.round(sorted[rank - 1]!);
}
