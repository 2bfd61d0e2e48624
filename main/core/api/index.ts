import type { Handlers } from '../router';
import type { CoreServices } from '../services';
import { configHandlers } from './config.handlers';
import { systemHandlers } from './system.handlers';

/** Every contract method, one domain file each. A method without a handler does not compile. */
export function createHandlers(services: CoreServices): Handlers {
  const system = systemHandlers(services);
  const config = configHandlers(services);
  assertNoOverlap([system, config]);
  return { ...system, ...config } satisfies Handlers;
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
