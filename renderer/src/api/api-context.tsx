import { createContext, useContext, type ReactNode } from 'react';
import type { ApexClient } from '../../../shared/client';

/** The typed client reaches components through context only, so tests can hand in one over a fake transport. */
const ApiContext = createContext<ApexClient | null>(null);

export function ApiProvider({ client, children }: { client: ApexClient; children: ReactNode }) {
  return <ApiContext value={client}>{children}</ApiContext>;
}

export function useApi(): ApexClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi() needs an <ApiProvider> above it.');
  return client;
}
