import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../main/core/backends/rate-limiter';

describe('RateLimiter (sliding minute)', () => {
  it('allows at most N starts in any 60 s window', () => {
    const limiter = new RateLimiter(3);
    for (const t of [0, 10_000, 20_000]) {
      expect(limiter.canStart(t)).toBe(true);
      limiter.record(t);
    }
    expect(limiter.canStart(59_999)).toBe(false);
    expect(limiter.nextFreeAt(30_000)).toBe(60_000);
    expect(limiter.canStart(60_000)).toBe(true);
    limiter.record(60_000);
    expect(limiter.canStart(69_999)).toBe(false);
    expect(limiter.canStart(70_000)).toBe(true);
  });

  it('never limits without a rate and follows a changed limit', () => {
    const limiter = new RateLimiter(null);
    for (let t = 0; t < 1000; t++) limiter.record(t);
    expect(limiter.canStart(1000)).toBe(true);
    limiter.setLimit(1);
    limiter.record(2000);
    expect(limiter.canStart(2001)).toBe(false);
  });
});
