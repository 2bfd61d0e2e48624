import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import type { Config } from '../../../../shared/domain/config';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';

export interface ConfigState {
  config: Config | null;
  phase: 'loading' | 'ready' | 'error';
  error: ErrorInfo | null;
  load(): Promise<void>;
  /**
   * Loads once and follows `config.changed` (edits from the CLI or another window) and `library.changed`
   * (the page reloads onto the new library); returns the stop function.
   */
  start(): () => void;
}

export type ConfigStore = StoreApi<ConfigState>;

/**
 * After the app switched libraries (Settings → Library), every store of every window holds the old library's
 * state: reloading the page is the one way to be sure nothing stale survives. Tests pass their own.
 */
function reloadPage(): void {
  window.location.reload();
}

export function createConfigStore(client: ApexClient, options: { onLibraryChanged?: () => void } = {}): ConfigStore {
  const onLibraryChanged = options.onLibraryChanged ?? reloadPage;
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
        const stops = [
          client.on('config.changed', (config) => set({ config, phase: 'ready', error: null })),
          // The config store is the one store every window starts, so it also follows library switches.
          client.on('library.changed', () => onLibraryChanged()),
        ];
        return () => stops.forEach((stop) => stop());
      },
    };
  });
}
