import type { Handlers } from '../router';
import type { CoreServices } from '../services';

export function backendsHandlers(services: CoreServices) {
  return {
    'backends.health': async () => {
      await services.pipeline.backendsReady();
      return services.pipeline.backendManager.health();
    },
  } satisfies Pick<Handlers, 'backends.health'>;
}
