import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import type { Status } from '../../../../shared/domain/status';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';

export interface StatusState {
  /** The last status that arrived; kept when a later refresh fails so the frame does not go blank. */
  status: Status | null;
  phase: 'loading' | 'ready' | 'error';
  error: ErrorInfo | null;
  refresh(): Promise<void>;
  /** Starts polling and listening for `stats.changed`; returns the function that stops both. */
  start(): () => void;
}

export type StatusStore = StoreApi<StatusState>;

export interface StatusStoreOptions {
  /**
   * `stats.changed` carries every change the core knows about; the poll is the safety net for anything
   * that is not an event yet (uptime, keychain changes made outside the app).
   */
  pollMs?: number;
}

export function createStatusStore(client: ApexClient, options: StatusStoreOptions = {}): StatusStore {
  const pollMs = options.pollMs ?? 4000;
  let inFlight: Promise<void> | null = null;

  return createStore<StatusState>()((set) => {
    const refresh = (): Promise<void> => {
      // One call at a time: a slow core must not pile up requests behind the timer.
      inFlight ??= client
        .call('system.status')
        .then((status) => set({ status, phase: 'ready', error: null }))
        .catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) }))
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    };

    return {
      status: null,
      phase: 'loading',
      error: null,
      refresh,
      start() {
        void refresh();
        const timer = setInterval(() => void refresh(), pollMs);
        const unsubscribe = client.on('stats.changed', (status) => set({ status, phase: 'ready', error: null }));
        return () => {
          clearInterval(timer);
          unsubscribe();
        };
      },
    };
  });
}
