import type { Handlers } from '../router';
import type { CoreServices } from '../services';

export function checkpointsHandlers(services: CoreServices) {
  const { pipeline } = services;
  return {
    'checkpoints.create': (input) => pipeline.checkpoints.create(input?.name ?? null, 'manual'),
    'checkpoints.list': () => ({ items: pipeline.checkpoints.list() }),
    'checkpoints.restore': async ({ id }) => {
      const result = await pipeline.restoreCheckpoint(id);
      services.events.emit('jobs.changed', { ids: [], batch_ids: [], all: true });
      services.events.emit('stats.changed', await services.status());
      return result;
    },
  } satisfies Pick<Handlers, 'checkpoints.create' | 'checkpoints.list' | 'checkpoints.restore'>;
}
