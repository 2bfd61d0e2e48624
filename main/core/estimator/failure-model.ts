import { ERROR_CLASSES, type ErrorClass } from '../backends/types';

/**
 * How often a backend's calls fail, and how: per error class, from its recent attempts, shrunk toward a
 * small default rate so that three lucky calls do not promise a flawless batch and one unlucky one does
 * not predict disaster. The simulation draws from this; the class decides what happens next exactly as
 * in the orchestrator (retry with backoff, cool down and fall back, take the backend out, fail).
 */

/** Default chance that a call fails transiently: remote services hiccup more than the artist's own GPU. */
const DEFAULT_TRANSIENT_RATE: Record<string, number> = { nano_banana: 0.02, imagen: 0.02, minimax: 0.03, sdxl: 0.005, demo: 0 };
const DEFAULT_TRANSIENT_RATE_OTHER = 0.02;
/** How many attempts the default rate is worth against history. */
const PRIOR_ATTEMPTS = 20;
/** A failed call takes this share of a successful one's time when history has no failed calls to measure. */
export const DEFAULT_FAILED_CALL_SHARE = 0.5;

export interface FailureModel {
  backend: string;
  /** Chance that one call fails, all classes together. */
  rate: number;
  classes: ReadonlyArray<{ errorClass: ErrorClass; p: number }>;
  /** Mean time of a failed call, when history has failed calls. */
  failedMs: number | null;
  /** One call's outcome: null for success, else the failure class. */
  draw(random: () => number): ErrorClass | null;
}

function asErrorClass(value: string): ErrorClass {
  return (ERROR_CLASSES as readonly string[]).includes(value) ? (value as ErrorClass) : 'transient';
}

/** `counts` maps an error class to its attempts ('' = succeeded), from EstimatorHistory.outcomes. */
export function failureModel(backend: string, counts: ReadonlyMap<string, number>, failedMs: number | null): FailureModel {
  let total = 0;
  const failures = new Map<ErrorClass, number>();
  for (const [key, n] of counts) {
    total += n;
    if (key === '') continue;
    const cls = asErrorClass(key);
    if (cls === 'canceled') continue;
    failures.set(cls, (failures.get(cls) ?? 0) + n);
  }
  const priorRate = DEFAULT_TRANSIENT_RATE[backend] ?? DEFAULT_TRANSIENT_RATE_OTHER;
  const classes: Array<{ errorClass: ErrorClass; p: number }> = [];
  const transient = failures.get('transient') ?? 0;
  classes.push({ errorClass: 'transient', p: (transient + PRIOR_ATTEMPTS * priorRate) / (total + PRIOR_ATTEMPTS) });
  for (const [cls, n] of failures) {
    if (cls !== 'transient') classes.push({ errorClass: cls, p: n / (total + PRIOR_ATTEMPTS) });
  }
  const live = classes.filter((c) => c.p > 0);
  const rate = live.reduce((s, c) => s + c.p, 0);
  return {
    backend,
    rate,
    classes: live,
    failedMs,
    draw(random) {
      let u = random();
      if (u >= rate) return null;
      for (const c of live) {
        if (u < c.p) return c.errorClass;
        u -= c.p;
      }
      return live.at(-1)?.errorClass ?? null;
    },
  };
}
