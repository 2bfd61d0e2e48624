import { describe, expect, it } from 'vitest';
import { CircuitBreaker, DEFAULT_BREAKER_SETTINGS, type BreakerSettings } from '../../../main/core/backends/breaker';

const settings: BreakerSettings = { windowMs: 60_000, maxCalls: 10, minCalls: 4, failureRatio: 0.5, cooldownBaseMs: 1_000, cooldownMaxMs: 8_000 };

/** Records outcomes one millisecond apart from `start`; returns the time after the last. */
function feed(breaker: CircuitBreaker, outcomes: readonly boolean[], start = 0): number {
  outcomes.forEach((ok, i) => breaker.record(ok, start + i));
  return start + outcomes.length;
}

describe('CircuitBreaker', () => {
  it('stays closed below the minimum number of calls, however many of them failed', () => {
    const breaker = new CircuitBreaker(settings);
    feed(breaker, [false, false, false]);
    expect(breaker.state(10)).toBe('closed');
    expect(breaker.permission(10)).toEqual({ allowed: true, probe: false });
  });

  it('opens when at least half of at least N calls failed, and says why and until when', () => {
    const breaker = new CircuitBreaker(settings);
    const t = feed(breaker, [true, false, true]);
    expect(breaker.record(false, t)).toBe('open');
    expect(breaker.state(t)).toBe('open');
    const permission = breaker.permission(t);
    expect(permission).toMatchObject({ allowed: false, state: 'open', until: t + 1_000 });
    expect(permission.allowed === false && permission.reason).toBe('circuit open: 2 of its last 4 calls failed (next test call in 1 s)');
  });

  it('stays closed while fewer than half fail', () => {
    const breaker = new CircuitBreaker(settings);
    feed(breaker, [true, true, false, true, true, false, true]);
    expect(breaker.state(100)).toBe('closed');
  });

  it('forgets calls older than the window and beyond the last maxCalls', () => {
    const breaker = new CircuitBreaker(settings);
    feed(breaker, [false, false, false], 0);
    // Those failures are more than a minute old: one new failure is 1 of 1.
    expect(breaker.record(false, 70_000)).toBeNull();
    expect(breaker.state(70_000)).toBe('closed');

    const busy = new CircuitBreaker(settings);
    feed(busy, Array.from({ length: 10 }, () => true), 0);
    // Only the last 10 count: 5 failures after 10 successes is 5 of 10 → open.
    const t = feed(busy, [false, false, false, false], 10);
    expect(busy.state(t)).toBe('closed');
    expect(busy.record(false, t)).toBe('open');
  });

  it('turns half-open after the cool-down and lets exactly one test call through', () => {
    const breaker = new CircuitBreaker(settings);
    const opened = feed(breaker, [false, false, false, false]);
    const due = opened - 1 + 1_000;
    expect(breaker.state(due - 1)).toBe('open');
    expect(breaker.state(due)).toBe('half_open');
    expect(breaker.permission(due)).toEqual({ allowed: true, probe: true });
    breaker.onStart(due);
    expect(breaker.permission(due + 1)).toMatchObject({ allowed: false, state: 'half_open', until: null });
  });

  it('closes on a successful test call and forgets the old failures', () => {
    const breaker = new CircuitBreaker(settings);
    const t = feed(breaker, [false, false, false, false]) + 1_000;
    breaker.onStart(t);
    expect(breaker.record(true, t + 5)).toBe('closed');
    expect(breaker.state(t + 5)).toBe('closed');
    // A fresh window: one failure does not reopen it.
    expect(breaker.record(false, t + 6)).toBeNull();
    expect(breaker.retryTime()).toBeNull();
  });

  it('doubles the cool-down after each failed test call, up to the cap, and resets it after a recovery', () => {
    const breaker = new CircuitBreaker(settings);
    let t = feed(breaker, [false, false, false, false]) - 1;
    const cooldowns: number[] = [];
    for (let i = 0; i < 5; i++) {
      const retryAt = breaker.retryTime()!;
      cooldowns.push(retryAt - t);
      t = retryAt;
      breaker.onStart(t);
      expect(breaker.record(false, t)).toBe('open');
    }
    expect(cooldowns).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
    const permission = breaker.permission(t);
    expect(permission.allowed === false && permission.reason).toMatch(/^circuit open: its test call failed too/);
    t = breaker.retryTime()!;
    breaker.onStart(t);
    breaker.record(true, t);
    t = feed(breaker, [false, false, false, false], t + 1) - 1;
    expect(breaker.retryTime()! - t).toBe(1_000);
  });

  it('ignores answers of calls that were already running when it opened', () => {
    const breaker = new CircuitBreaker(settings);
    const t = feed(breaker, [false, false, false, false]);
    expect(breaker.record(true, t + 10)).toBeNull();
    expect(breaker.state(t + 10)).toBe('open');
  });

  it('frees the test slot when the test call is abandoned (canceled, app stopping)', () => {
    const breaker = new CircuitBreaker(settings);
    const t = feed(breaker, [false, false, false, false]) + 1_000;
    breaker.onStart(t);
    breaker.onAbandon();
    expect(breaker.permission(t)).toEqual({ allowed: true, probe: true });
  });

  it('defaults to N = 4 calls, 50 %, and a 5 s cool-down doubling to 5 minutes', () => {
    expect(DEFAULT_BREAKER_SETTINGS).toMatchObject({ minCalls: 4, failureRatio: 0.5, cooldownBaseMs: 5_000, cooldownMaxMs: 300_000 });
    const breaker = new CircuitBreaker();
    expect([1, 2, 3, 7, 12].map((n) => breaker.cooldownFor(n))).toEqual([5_000, 10_000, 20_000, 300_000, 300_000]);
  });
});
