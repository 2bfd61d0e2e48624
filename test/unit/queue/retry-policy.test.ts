import { describe, expect, it } from 'vitest';
import { BACKOFF_BASE_MS, BACKOFF_CAP_MS, MAX_RATE_LIMITED_REQUEUES, backoffDelay, decideRetry, type RetryInputs } from '../../../main/core/queue/retry-policy';

const base: RetryInputs = {
  errorClass: 'transient',
  countedAttempts: 0,
  rateLimitedAttempts: 0,
  maxAttempts: 5,
  autoRetry: true,
  retryAfterMs: null,
  pinned: false,
  fallbackOnBlock: false,
  now: 1_000_000,
  random: () => 0.5,
};

describe('retry policy (DESIGN §4 error classes → the job’s next step)', () => {
  it('backs off exponentially with full jitter up to a cap, never below the provider delay', () => {
    expect(backoffDelay(1, null, () => 0.999)).toBeLessThan(BACKOFF_BASE_MS);
    expect(backoffDelay(3, null, () => 0.999)).toBeGreaterThan(BACKOFF_BASE_MS * 3.9);
    expect(backoffDelay(30, null, () => 0.999)).toBeLessThanOrEqual(BACKOFF_CAP_MS);
    expect(backoffDelay(1, null, () => 0)).toBe(0);
    expect(backoffDelay(1, 7_000, () => 0)).toBe(7_000);
  });

  it('retries transient, timeout and no-image failures until max_attempts, counting each', () => {
    for (const errorClass of ['transient', 'timeout', 'no_image'] as const) {
      expect(decideRetry({ ...base, errorClass })).toMatchObject({ kind: 'retry', counts_attempt: true });
      expect(decideRetry({ ...base, errorClass, countedAttempts: 4 })).toMatchObject({ kind: 'fail' });
      expect(decideRetry({ ...base, errorClass, autoRetry: false })).toMatchObject({ kind: 'fail' });
    }
    const retry = decideRetry({ ...base, countedAttempts: 2 });
    if (retry.kind !== 'retry') throw new Error('expected retry');
    expect(retry.not_before).toBeGreaterThan(base.now);
  });

  it('requeues rate-limited jobs without burning an attempt, capped', () => {
    expect(decideRetry({ ...base, errorClass: 'rate_limited' })).toMatchObject({ kind: 'retry', counts_attempt: false, not_before: base.now });
    expect(decideRetry({ ...base, errorClass: 'rate_limited', pinned: true, retryAfterMs: 30_000 })).toMatchObject({ kind: 'retry', not_before: base.now + 30_000 });
    expect(decideRetry({ ...base, errorClass: 'rate_limited', rateLimitedAttempts: MAX_RATE_LIMITED_REQUEUES + 1 })).toMatchObject({ kind: 'fail' });
  });

  it('falls back on auth, quota and retired models unless pinned', () => {
    for (const errorClass of ['auth', 'quota_exhausted', 'model_gone'] as const) {
      expect(decideRetry({ ...base, errorClass })).toMatchObject({ kind: 'retry', counts_attempt: false });
      expect(decideRetry({ ...base, errorClass, pinned: true })).toMatchObject({ kind: 'fail' });
    }
  });

  it('fails content blocks unless the job allows a fallback, and never retries bad requests', () => {
    expect(decideRetry({ ...base, errorClass: 'content_blocked' })).toMatchObject({ kind: 'fail' });
    expect(decideRetry({ ...base, errorClass: 'content_blocked', fallbackOnBlock: true })).toMatchObject({ kind: 'retry' });
    expect(decideRetry({ ...base, errorClass: 'content_blocked', fallbackOnBlock: true, pinned: true })).toMatchObject({ kind: 'fail' });
    expect(decideRetry({ ...base, errorClass: 'bad_request' })).toMatchObject({ kind: 'fail' });
  });
});
