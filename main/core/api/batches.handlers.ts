import { BatchSummaries } from '../queue/batch-summaries';
import type { Handlers } from '../router';
import type { CoreServices } from '../services';

/** The Queue panel's reads (issue 8 part 2). */
export function batchesHandlers(services: CoreServices) {
  const summaries = new BatchSummaries(services.pipeline.db, () => services.config.get().orchestrator.max_concurrent_jobs);
  return {
    'batches.list': (input) => summaries.list(input ?? {}),
    'batches.jobIds': (input) => summaries.jobIds(input),
    'batches.jobRows': ({ ids }) => ({ items: summaries.rows(ids) }),
  } satisfies Pick<Handlers, 'batches.list' | 'batches.jobIds' | 'batches.jobRows'>;
}
