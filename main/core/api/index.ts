import type { Handlers } from '../router';
import type { CoreServices } from '../services';
import { checkpointsHandlers } from './checkpoints.handlers';
import { configHandlers } from './config.handlers';
import { jobsHandlers } from './jobs.handlers';
import { libraryHandlers } from './library.handlers';
import { queueHandlers } from './queue.handlers';
import { systemHandlers } from './system.handlers';

/** Every contract method, one domain file each. A method without a handler does not compile. */
export function createHandlers(services: CoreServices): Handlers {
  const parts = {
    system: systemHandlers(services),
    config: configHandlers(services),
    jobs: jobsHandlers(services),
    queue: queueHandlers(services),
    checkpoints: checkpointsHandlers(services),
    library: libraryHandlers(services),
  };
  assertNoOverlap(Object.values(parts));
  return { ...parts.system, ...parts.config, ...parts.jobs, ...parts.queue, ...parts.checkpoints, ...parts.library } satisfies Handlers;
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
