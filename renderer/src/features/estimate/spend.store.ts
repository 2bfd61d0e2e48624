import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApexClient } from '../../../../shared/client';
import type { Accuracy, BudgetSpend, BudgetState, PriceTable } from '../../../../shared/domain/estimate';
import type { SpendHistory } from '../../../../shared/domain/history';
import { toErrorInfo, type ErrorInfo } from '../../lib/error-info';
import { createDelayedRun } from '../../lib/delayed-run';

/**
 * Spend so far (caps and the daily chart) and how right past estimates were. Follows `budget.changed` at
 * once for the meters, and reloads the chart and accuracy a little after jobs change (a batch finishing
 * sends many events; one reload covers them).
 */
export interface SpendState {
  budget: BudgetState | null;
  spend: BudgetSpend | null;
  history: SpendHistory | null;
  accuracy: Accuracy | null;
  /** Each backend's price per image now (a 1K image), overrides included. */
  prices: PriceTable | null;
  phase: 'loading' | 'ready' | 'error';
  error: ErrorInfo | null;
  load(): Promise<void>;
  start(): () => void;
}

export type SpendStore = StoreApi<SpendState>;

export const SPEND_DAYS = 30;
/** Jobs whose estimates are compared with what they really took. */
export const ACCURACY_WINDOW = 200;

export function createSpendStore(client: ApexClient, options: { reloadDelayMs?: number } = {}): SpendStore {
  const reloadDelayMs = options.reloadDelayMs ?? 5_000;
  let inFlight: Promise<void> | null = null;
  return createStore<SpendState>()((set) => {
    const load = (): Promise<void> => {
      inFlight ??= Promise.all([
        client.call('budget.spend', { days: SPEND_DAYS }),
        client.call('budget.history', { days: SPEND_DAYS }),
        client.call('estimate.accuracy', { last: ACCURACY_WINDOW }),
        client.call('estimate.prices'),
      ])
        .then(([spend, history, accuracy, prices]) => set({ spend, budget: spend.state, history, accuracy, prices, phase: 'ready', error: null }))
        .catch((error: unknown) => set({ phase: 'error', error: toErrorInfo(error) }))
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    };

    return {
      budget: null,
      spend: null,
      history: null,
      accuracy: null,
      prices: null,
      phase: 'loading',
      error: null,
      load,
      start() {
        void load();
        const reload = createDelayedRun(() => void load(), reloadDelayMs);
        const stops = [
          client.on('budget.changed', (budget) => {
            set({ budget });
            reload.schedule();
          }),
          client.on('jobs.changed', reload.schedule),
          client.on('config.changed', reload.schedule),
        ];
        return () => {
          reload.cancel();
          stops.forEach((stop) => stop());
        };
      },
    };
  });
}
