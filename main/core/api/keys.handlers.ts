import type { Handlers } from '../router';
import { testKey } from '../secrets/key-test';
import type { CoreServices } from '../services';

export function keysHandlers(services: CoreServices) {
  /** A key change takes effect at once: the cascade re-reads which backends have keys and wakes up. */
  const applied = async <T>(result: T): Promise<T> => {
    services.keys.refresh();
    await services.pipeline.refreshCredentials();
    services.events.emit('stats.changed', await services.status());
    return result;
  };
  return {
    'keys.set': async ({ backend, value }) => applied(await services.keys.set(backend, value)),
    'keys.delete': async ({ backend }) => applied(await services.keys.delete(backend)),
    'keys.status': () => services.keys.status(),
    'keys.test': (input) => testKey(input, { keys: services.keys, manager: services.pipeline.backendManager }),
  } satisfies Pick<Handlers, 'keys.set' | 'keys.delete' | 'keys.status' | 'keys.test'>;
}
