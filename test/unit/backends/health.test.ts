import { describe, expect, it } from 'vitest';
import { HealthWindow, percentile } from '../../../main/core/backends/health';

describe('HealthWindow', () => {
  it('reports success rate, p50/p95 of answered calls and the last error', () => {
    const health = new HealthWindow(60_000, 100);
    for (let i = 1; i <= 20; i++) health.record({ at: i, kind: 'ok', latencyMs: i * 10 });
    health.record({ at: 30, kind: 'failed', latencyMs: 5, errorClass: 'timeout', message: 'no answer in 120 s' });
    expect(health.stats(100)).toEqual({
      calls: 21,
      success_rate: 20 / 21,
      p50_ms: 100,
      p95_ms: 190,
      last_error: { error_class: 'timeout', message: 'no answer in 120 s', at: 30 },
    });
  });

  it("does not hold refused prompts against the backend's success rate, but shows them as the last error", () => {
    const health = new HealthWindow();
    health.record({ at: 1, kind: 'ok', latencyMs: 50 });
    health.record({ at: 2, kind: 'refused', latencyMs: 40, errorClass: 'content_blocked', message: 'SAFETY' });
    expect(health.stats(3)).toMatchObject({ calls: 2, success_rate: 1, last_error: { error_class: 'content_blocked' } });
  });

  it('looks only at the window and keeps at most maxSamples, but remembers the last error', () => {
    const health = new HealthWindow(1_000, 3);
    health.record({ at: 0, kind: 'failed', latencyMs: 1, errorClass: 'transient', message: 'down' });
    for (let i = 1; i <= 5; i++) health.record({ at: 500 + i, kind: 'ok', latencyMs: 10 });
    expect(health.stats(600)).toMatchObject({ calls: 3, success_rate: 1, last_error: { error_class: 'transient' } });
    expect(health.stats(5_000)).toMatchObject({ calls: 0, success_rate: null, p50_ms: null, p95_ms: null });
  });

  it('knows whether the backend answered since a time (proof of life)', () => {
    const health = new HealthWindow();
    health.record({ at: 10, kind: 'failed', latencyMs: 1, errorClass: 'transient' });
    expect(health.answeredSince(0)).toBe(false);
    health.record({ at: 20, kind: 'refused', latencyMs: 1, errorClass: 'bad_request' });
    expect(health.answeredSince(15)).toBe(true);
    expect(health.answeredSince(25)).toBe(false);
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.95)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile([1, 2, 3, 4], 0.95)).toBe(4);
  });
});
