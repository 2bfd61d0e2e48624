import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventHub } from '../../../main/core/events';
import { defaultConfig } from '../../../shared/domain/config';
import type { EventMessage } from '../../../shared/wire';

describe('EventHub', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('delivers the first event at once and coalesces a burst into one delivery per interval', () => {
    vi.useFakeTimers();
    const hub = new EventHub({ intervalMs: 100 });
    const seen: EventMessage[] = [];
    hub.subscribe((message) => seen.push(message));
    const configs = Array.from({ length: 50 }, (_, i) => {
      const config = defaultConfig();
      config.orchestrator.max_attempts = i + 1;
      return config;
    });
    for (const config of configs) hub.emit('config.changed', config);
    expect(seen).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(seen).toHaveLength(2);
    expect(seen[1]?.payload).toEqual(configs[49]);
    vi.advanceTimersByTime(1000);
    expect(seen).toHaveLength(2);
  });

  it('keeps event names independent and merges with a custom merger', () => {
    vi.useFakeTimers();
    const hub = new EventHub({
      intervalMs: 100,
      mergers: { 'config.changed': (older, newer) => ({ ...newer, budget: { ...newer.budget, daily_usd: (older.budget.daily_usd ?? 0) + (newer.budget.daily_usd ?? 0) } }) },
    });
    const seen: EventMessage[] = [];
    hub.subscribe((message) => seen.push(message));
    const withBudget = (daily: number) => ({ ...defaultConfig(), budget: { daily_usd: daily, monthly_usd: null } });
    hub.emit('config.changed', withBudget(1));
    hub.emit('config.changed', withBudget(2));
    hub.emit('config.changed', withBudget(3));
    vi.advanceTimersByTime(100);
    expect(seen.map((m) => m.name)).toEqual(['config.changed', 'config.changed']);
    expect(seen[1]?.payload).toMatchObject({ budget: { daily_usd: 5 } });
  });

  it('survives a throwing listener and stops after close', () => {
    const hub = new EventHub({ intervalMs: 0 });
    const seen: string[] = [];
    hub.subscribe(() => {
      throw new Error('window gone');
    });
    hub.subscribe((message) => seen.push(message.name));
    hub.emit('config.changed', defaultConfig());
    hub.close();
    hub.emit('config.changed', defaultConfig());
    expect(seen).toEqual(['config.changed']);
  });
});
