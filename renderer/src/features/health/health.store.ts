import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import type { BackendsHealth } from '../../../../shared/domain/backends';
import type { BackendsTimeline } from '../../../../shared/domain/history';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { createDelayedRun } from '../../lib/delayed-run';
import { TIMELINE_RANGES, type TimelineRange } from './health-view';

/**
 * Each backend's health (breaker, success rate, latency, last error) and its timeline. Health follows
 * `backends.changed`; the timeline is reloaded a moment after calls end (one reload per burst) and on a
 * slow timer so old buckets slide out.
 */
export interface HealthState {
  health: BackendsHealth | null;
  timeline: BackendsTimeline | null;
  range: TimelineRange;
  phase: 'loading' | 'ready' | 'error';
  error: ErrorInfo | null;
  /** Set when `now` moved past a reading: the panel re-renders relative times. */
  now: number;
  load(): Promise<void>;
  setRange(range: TimelineRange): void;
  start(): () => void;
}

export type HealthStore = StoreApi<HealthState>;

export function createHealthStore(client: ApexClient, options: { reloadDelayMs?: number; pollMs?: number } = {}): HealthStore {
  const reloadDelayMs = options.reloadDelayMs ?? 3_000;
  const pollMs = options.pollMs ?? 30_000;
  let inFlight: Promise<void> | null = null;
  let again = false;

  return createStore<HealthState>()((set, get) => {
    const load = (): Promise<void> => {
      if (inFlight) {
        // A range change while a load runs must not be lost: load once more after it.
        again = true;
        return inFlight;
      }
      const { hours, buckets } = TIMELINE_RANGES[get().range];
      inFlight = Promise.all([client.call('backends.health'), client.call('backends.timeline', { hours, buckets })])
        .then(([health, timeline]) => set({ health, timeline, phase: 'ready', error: null, now: Date.now() }))
        .catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) }))
        .finally(() => {
          inFlight = null;
          if (again) {
            again = false;
            void load();
          }
        });
      return inFlight;
    };

    return {
      health: null,
      timeline: null,
      range: '24h',
      phase: 'loading',
      error: null,
      now: Date.now(),
      load,
      setRange(range) {
        if (range === get().range) return;
        set({ range });
        void load();
      },
      start() {
        void load();
        const reload = createDelayedRun(() => void load(), reloadDelayMs);
        const poll = setInterval(() => void load(), pollMs);
        const tick = setInterval(() => set({ now: Date.now() }), 5_000);
        const stops = [
          client.on('backends.changed', (health) => {
            set({ health, now: Date.now() });
            reload.schedule();
          }),
        ];
        return () => {
          reload.cancel();
          clearInterval(poll);
          clearInterval(tick);
          stops.forEach((stop) => stop());
        };
      },
    };
  });
}
