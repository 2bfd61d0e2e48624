import type { Config } from '../../../shared/domain/config';
import type { BackendPool } from '../backends/pool';
import type { BackendInterface } from '../backends/types';
import type { Db } from '../db/connection';
import type { EventHub } from '../events';
import type { Logger } from '../log';
import type { CredentialSource } from '../ports';
import type { JobStore } from '../queue/job-store';
import { BudgetGate } from './budget';
import { Estimator } from './estimator';

export { BudgetGate } from './budget';
export { Estimator } from './estimator';
export { priceFor } from './prices';

export interface EstimatesOptions {
  db: Db;
  config: () => Config;
  registry: ReadonlyMap<string, BackendInterface>;
  credentials: CredentialSource;
  events: EventHub;
  jobs: JobStore;
  /** The live cascade: it consults the budget before giving a job to a paid backend. */
  pool: BackendPool;
  paused: () => boolean;
  log: Logger;
}

/**
 * Wires estimates and budgets into a library (issue 7): new jobs store their estimate when queued, the
 * cascade consults the budget caps, the budget is looked at again whenever jobs or settings change (so the app hears `budget.changed` and a
 * raised cap lifts a stop), and the estimator re-reads credentials when keys or settings change
 * (createCore reads them once before the first call).
 */
export function createEstimates(options: EstimatesOptions): { budget: BudgetGate; estimator: Estimator } {
  const budget = new BudgetGate({ db: options.db, config: options.config, registry: options.registry, events: options.events });
  const estimator = new Estimator({ db: options.db, config: options.config, registry: options.registry, credentials: options.credentials, budget, paused: options.paused });
  options.jobs.estimateHook = (jobs) => estimator.forQueue(jobs);
  options.pool.budget = budget;
  options.events.subscribe((message) => {
    if (!options.db.open) return;
    // A key set or removed shows as a change of the backends' health: queued estimates should route with it.
    if (message.name === 'config.changed' || message.name === 'backends.changed') {
      estimator.refreshCredentials().catch((error: unknown) => options.log.warn('reading credentials for estimates failed', { error: String(error) }));
    }
    if (message.name !== 'jobs.changed' && message.name !== 'config.changed') return;
    try {
      budget.refresh(Date.now());
    } catch (error) {
      options.log.warn('budget refresh failed', { error: String(error) });
    }
  });
  return { budget, estimator };
}
