import type { Handlers } from '../router';
import type { CoreServices } from '../services';

export function configHandlers(services: CoreServices) {
  return {
    'config.get': () => services.config.get(),
    'config.update': async (patch) => {
      const config = services.config.update(patch);
      services.events.emit('config.changed', config);
      services.events.emit('stats.changed', await services.status());
      return config;
    },
  } satisfies Pick<Handlers, 'config.get' | 'config.update'>;
}
