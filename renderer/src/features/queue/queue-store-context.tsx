import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { QueueState, QueueStore } from './queue.store';

/** The panel's store reaches its rows through context: each row subscribes to its own job only. */
export const QueueStoreContext = createContext<QueueStore | null>(null);

export function useQueueStore<T>(selector: (state: QueueState) => T): T {
  const store = useContext(QueueStoreContext);
  if (!store) throw new Error('Queue components need the QueuePanel store above them.');
  return useStore(store, selector);
}

export function useQueueStoreApi(): QueueStore {
  const store = useContext(QueueStoreContext);
  if (!store) throw new Error('Queue components need the QueuePanel store above them.');
  return store;
}
