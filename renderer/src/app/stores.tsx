import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useApi } from '../api/api-context';
import { createConfigStore, type ConfigState, type ConfigStore } from '../features/settings/config.store';
import { createStatusStore, type StatusState, type StatusStore } from '../features/status/status.store';

/**
 * Stores are built once per client and handed down by context: no module-global client or store, so a test
 * renders the app against a fake transport with nothing to reset.
 */
interface Stores {
  status: StatusStore;
  config: ConfigStore;
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ children }: { children: ReactNode }) {
  const client = useApi();
  const [stores] = useState<Stores>(() => ({ status: createStatusStore(client), config: createConfigStore(client) }));

  // Subscriptions live as long as the app: one poll and one event listener per store.
  useEffect(() => {
    const stops = [stores.status.getState().start(), stores.config.getState().start()];
    return () => stops.forEach((stop) => stop());
  }, [stores]);

  return <StoresContext value={stores}>{children}</StoresContext>;
}

function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('Store hooks need a <StoresProvider> above them.');
  return stores;
}

export function useStatusStore<T>(selector: (state: StatusState) => T): T {
  return useStore(useStores().status, selector);
}

export function useConfigStore<T>(selector: (state: ConfigState) => T): T {
  return useStore(useStores().config, selector);
}
