import type { Handlers } from '../router';
import type { CoreServices } from '../services';

export function queueHandlers(services: CoreServices) {
  const { pipeline } = services;
  const announce = async () => {
    services.events.emit('stats.changed', await services.status());
    return pipeline.queueState();
  };
  return {
    'queue.state': () => pipeline.queueState(),
    'queue.pause': () => {
      pipeline.orchestrator.pause();
      return announce();
    },
    'queue.resume': () => {
      pipeline.orchestrator.resume();
      return announce();
    },
  } satisfies Pick<Handlers, 'queue.state' | 'queue.pause' | 'queue.resume'>;
}
