import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import type { Config } from '../../../../shared/domain/config';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';

export interface ConfigState {
  config: Config | null;
  phase: 'loading' | 'ready' | 'error';
  error: ErrorInfo | null;
  load(): Promise<void>;
  /** Loads once and follows `config.changed` (edits from the CLI or another window); returns the stop function. */
  start(): () => void;
}

export type ConfigStore = StoreApi<ConfigState>;

export function createConfigStore(client: ApexClient): ConfigStore {
  return createStore<ConfigState>()((set) => {
    const load = async (): Promise<void> => {
      set({ phase: 'loading', error: null });
      try {
        set({ config: await client.call('config.get'), phase: 'ready' });
      } catch (error) {
        set({ phase: 'error', error: toErrorInfo(error) });
      }
    };

    return {
      config: null,
      phase: 'loading',
      error: null,
      load,
      start() {
        void load();
        return client.on('config.changed', (config) => set({ config, phase: 'ready', error: null }));
      },
    };
  });
}
