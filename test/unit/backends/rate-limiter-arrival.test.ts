import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../main/core/backends/rate-limiter';

/** The provider counts calls when they ARRIVE: a call keeps its place until 60 s after the latest it can have arrived. */
describe('RateLimiter with an arrival margin', () => {
  it('frees a finished call 60 s after its end when it ended within the margin', () => {
    const limiter = new RateLimiter(2, { arrivalMarginMs: 2_000 });
    const first = limiter.record(0);
    limiter.finish(first, 500);
    const second = limiter.record(10_000);
    expect(limiter.canStart(20_000)).toBe(false);
    // Dispatch time alone would free the first place at 60 000; it may have reached the provider at 500.
    expect(limiter.canStart(60_000)).toBe(false);
    expect(limiter.nextFreeAt(60_000)).toBe(60_500);
    expect(limiter.canStart(60_500)).toBe(true);
    limiter.finish(second, 70_000); // a long call: assumed to have arrived within the margin of its dispatch
    limiter.record(60_500);
    expect(limiter.canStart(71_999)).toBe(false);
    expect(limiter.nextFreeAt(71_999)).toBe(72_000);
    expect(limiter.canStart(72_000)).toBe(true);
  });

  it('counts a call still running until 60 s after dispatch + margin', () => {
    const limiter = new RateLimiter(1, { arrivalMarginMs: 2_000 });
    limiter.record(0);
    expect(limiter.nextFreeAt(1_000)).toBe(62_000);
    expect(limiter.canStart(61_999)).toBe(false);
    expect(limiter.canStart(62_000)).toBe(true);
  });

  it('counts calls that end out of order correctly', () => {
    const limiter = new RateLimiter(2, { arrivalMarginMs: 2_000 });
    limiter.record(0); // still running: place until 62 000
    const quick = limiter.record(1_000);
    limiter.finish(quick, 1_100); // place until 61 100
    expect(limiter.canStart(61_099)).toBe(false);
    expect(limiter.canStart(61_100)).toBe(true);
    limiter.record(61_100);
    expect(limiter.nextFreeAt(61_200)).toBe(62_000);
  });
});
