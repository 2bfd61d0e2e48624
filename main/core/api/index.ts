import type { Handlers } from '../router';
import type { CoreServices } from '../services';
import { assetsHandlers } from './assets.handlers';
import { batchHandlers } from './batch.handlers';
import { backendsHandlers } from './backends.handlers';
import { budgetHandlers } from './budget.handlers';
import { checkpointsHandlers } from './checkpoints.handlers';
import { configHandlers } from './config.handlers';
import { estimateHandlers } from './estimate.handlers';
import { historyHandlers } from './history.handlers';
import { importHandlers } from './import.handlers';
import { jobsHandlers } from './jobs.handlers';
import { keysHandlers } from './keys.handlers';
import { libraryHandlers } from './library.handlers';
import { libraryHostHandlers } from './library-host.handlers';
import { organiseHandlers } from './organise.handlers';
import { queueHandlers } from './queue.handlers';
import { systemHandlers } from './system.handlers';
import { uploadsHandlers } from './uploads.handlers';
import { batchesHandlers } from './batches.handlers';

/** Every contract method, one domain file each. A method without a handler does not compile. */
export function createHandlers(services: CoreServices): Handlers {
  const parts = {
    system: systemHandlers(services),
    config: configHandlers(services),
    jobs: jobsHandlers(services),
    queue: queueHandlers(services),
    checkpoints: checkpointsHandlers(services),
    library: libraryHandlers(services),
    backends: backendsHandlers(services),
    keys: keysHandlers(services),
    import: importHandlers(services),
    estimate: estimateHandlers(services),
    budget: budgetHandlers(services),
    batch: batchHandlers(services),
    assets: assetsHandlers(services),
    organise: organiseHandlers(services),
    history: historyHandlers(services),
    libraryHost: libraryHostHandlers(services),
    uploads: uploadsHandlers(services),
    batches: batchesHandlers(services),
  };
  assertNoOverlap(Object.values(parts));
  return { ...parts.system, ...parts.config, ...parts.jobs, ...parts.queue, ...parts.checkpoints, ...parts.library, ...parts.backends, ...parts.keys, ...parts.import, ...parts.estimate, ...parts.budget, ...parts.batch, ...parts.assets, ...parts.organise, ...parts.history, ...parts.libraryHost, ...parts.uploads, ...parts.batches } satisfies Handlers;
}

/** Two domain files claiming the same method would silently shadow each other; refuse at start-up. */
function assertNoOverlap(parts: readonly object[]): void {
  const seen = new Set<string>();
  for (const part of parts) {
    for (const key of Object.keys(part)) {
      if (seen.has(key)) throw new Error(`Handler for ${key} is defined twice`);
      seen.add(key);
    }
  }
}
