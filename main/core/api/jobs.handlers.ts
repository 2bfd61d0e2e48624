import { AppError } from '../../../shared/errors';
import type { Handlers } from '../router';
import type { CoreServices } from '../services';

export function jobsHandlers(services: CoreServices) {
  const { pipeline } = services;
  const changed = (ids: number[]) => {
    services.events.emit('jobs.changed', { ids: ids.slice(0, 1_000), batch_ids: [], all: ids.length > 1_000 });
    pipeline.orchestrator.wake();
  };

  return {
    'jobs.submit': (input) => {
      const { job_ids } = pipeline.jobs.submit({ jobs: [input] }, { asBatch: false, now: Date.now() });
      changed(job_ids);
      return { job_id: job_ids[0]! };
    },
    'jobs.submitBatch': (input) => {
      const { batch_id, job_ids } = pipeline.jobs.submit(input, { asBatch: true, now: Date.now() });
      services.events.emit('jobs.changed', { ids: job_ids.slice(0, 1_000), batch_ids: [batch_id!], all: job_ids.length > 1_000 });
      pipeline.orchestrator.wake();
      return { batch_id: batch_id!, job_ids };
    },
    'jobs.get': ({ id }) => {
      const { job, attempts } = pipeline.jobs.require(id);
      const progress = job.status === 'succeeded' ? 1 : Math.min(1, job.asset_ids.length / job.params.count);
      return { job, attempts, progress };
    },
    'jobs.list': (input) => pipeline.jobs.list(input ?? {}),
    'jobs.cancel': (selection) => {
      const ids = pipeline.jobs.select(selection);
      if (ids.length === 0) throw new AppError('NOT_FOUND', 'None of those jobs exist.', {});
      const { canceled, running } = pipeline.jobs.cancel(ids, Date.now());
      pipeline.orchestrator.abortJobs(running);
      changed(canceled);
      return { canceled: canceled.length };
    },
    'jobs.retry': (input) => {
      // `failed: true` alone means every failed job; with ids or a batch it narrows them to the failed ones.
      const statuses = input.failed ? (['failed'] as const) : (['failed', 'canceled'] as const);
      const named = input.ids !== undefined || input.batch_id !== undefined;
      const ids = named ? pipeline.jobs.select({ ids: input.ids, batch_id: input.batch_id }, statuses) : pipeline.jobs.withStatus('failed');
      const created = pipeline.jobs.retry(ids, Date.now());
      changed(created);
      return { job_ids: created };
    },
    'jobs.setPriority': ({ ids, priority }) => {
      const changedCount = pipeline.jobs.setPriority(ids, priority, Date.now());
      changed(ids);
      return { changed: changedCount };
    },
    'jobs.runNext': ({ ids }) => {
      const changedCount = pipeline.jobs.runNext(ids, Date.now());
      changed(ids);
      return { changed: changedCount };
    },
    'jobs.release': (selection) => {
      const ids = pipeline.jobs.select(selection, ['held']);
      const released = pipeline.jobs.release(ids, Date.now());
      changed(ids);
      return { released };
    },
  } satisfies Pick<Handlers, 'jobs.submit' | 'jobs.submitBatch' | 'jobs.get' | 'jobs.list' | 'jobs.cancel' | 'jobs.retry' | 'jobs.setPriority' | 'jobs.runNext' | 'jobs.release'>;
}
