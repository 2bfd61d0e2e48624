import type { ErrorClass } from '../backends/types';

export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
/** Rate-limit requeues do not burn attempts, but they are capped so a job cannot bounce forever (BullMQ #1571). */
export const MAX_RATE_LIMITED_REQUEUES = 50;
export const DEFAULT_RATE_LIMIT_DELAY_MS = 10_000;

export interface RetryInputs {
  errorClass: ErrorClass;
  /** Attempts that already counted toward max_attempts, not including this one. */
  countedAttempts: number;
  /** Attempts ended by rate limits so far for this job, including this one. */
  rateLimitedAttempts: number;
  maxAttempts: number;
  autoRetry: boolean;
  retryAfterMs: number | null;
  /** The job is pinned to one backend: there is nowhere to fall back to. */
  pinned: boolean;
  fallbackOnBlock: boolean;
  now: number;
  random: () => number;
}

export type RetryDecision =
  | { kind: 'retry'; not_before: number; counts_attempt: boolean; reason: string }
  | { kind: 'fail'; reason: string };

/**
 * DESIGN §4's error taxonomy turned into the job's next step. The backend-side action (cooling a
 * rate-limited backend, taking one out for auth or a retired model) is the router's; this decides only
 * what happens to the job.
 */
export function decideRetry(inputs: RetryInputs): RetryDecision {
  const { errorClass: cls, now } = inputs;
  const attemptsAfter = inputs.countedAttempts + 1;
  switch (cls) {
    case 'rate_limited':
      if (inputs.rateLimitedAttempts > MAX_RATE_LIMITED_REQUEUES) return { kind: 'fail', reason: 'rate limited too many times' };
      // Not counted: the job goes back at once (another backend may take it) or after the provider's delay when pinned.
      return { kind: 'retry', not_before: inputs.pinned ? now + (inputs.retryAfterMs ?? DEFAULT_RATE_LIMIT_DELAY_MS) : now, counts_attempt: false, reason: 'rate limited' };
    case 'quota_exhausted':
    case 'auth':
    case 'model_gone':
      // The backend is taken out until the artist acts; another backend can serve the job unless it is pinned.
      if (inputs.pinned) return { kind: 'fail', reason: `${cls.replace('_', ' ')} on the pinned backend` };
      return { kind: 'retry', not_before: now, counts_attempt: false, reason: 'falling back' };
    case 'content_blocked':
      if (!inputs.pinned && inputs.fallbackOnBlock) return { kind: 'retry', not_before: now, counts_attempt: true, reason: 'content blocked: trying another backend' };
      return { kind: 'fail', reason: 'content blocked' };
    case 'bad_request':
      return { kind: 'fail', reason: 'the provider refused the request' };
    case 'canceled':
      return { kind: 'fail', reason: 'canceled' };
    case 'transient':
    case 'timeout':
    case 'no_image':
      if (!inputs.autoRetry) return { kind: 'fail', reason: 'automatic retry is off' };
      if (attemptsAfter >= inputs.maxAttempts) return { kind: 'fail', reason: `gave up after ${attemptsAfter} attempts` };
      return { kind: 'retry', not_before: now + backoffDelay(attemptsAfter, inputs.retryAfterMs, inputs.random), counts_attempt: true, reason: 'retrying with backoff' };
  }
}

/** Exponential backoff with full jitter (uniform in [0, min(cap, base·2^(n−1))]), never below the provider's delay. */
export function backoffDelay(attempt: number, retryAfterMs: number | null, random: () => number): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.max(retryAfterMs ?? 0, Math.floor(random() * ceiling));
}
