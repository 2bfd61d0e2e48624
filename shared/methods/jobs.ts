import { z } from 'zod';
import { BatchInput, JobDetail, JobInput, JobListInput, JobPage, JobSelection, LIMITS, Priority, QueueState } from '../domain/jobs';
import { Id, NoInput, method } from './method';

const Ids = z.array(Id).min(1).max(LIMITS.idsPerCall);

/** The durable queue: jobs, batches, and the queue itself. */
export const jobsMethods = {
  'jobs.submit': method(JobInput, z.object({ job_id: Id })),
  'jobs.submitBatch': method(BatchInput, z.object({ batch_id: Id, job_ids: z.array(Id) })),
  'jobs.get': method(z.strictObject({ id: Id }), JobDetail),
  'jobs.list': method(JobListInput.optional(), JobPage),
  /** Cancel jobs or a whole batch; running calls are aborted. */
  'jobs.cancel': method(JobSelection, z.object({ canceled: z.number().int() })),
  /** Retry failed or canceled jobs as new jobs linked to the old ones (`failed: true` takes every failed job). */
  'jobs.retry': method(
    z
      .strictObject({ ids: Ids.optional(), batch_id: Id.optional(), failed: z.literal(true).optional() })
      .refine((s) => s.ids !== undefined || s.batch_id !== undefined || s.failed === true, 'name job ids, a batch, or failed: true'),
    z.object({ job_ids: z.array(Id) }),
  ),
  'jobs.setPriority': method(z.strictObject({ ids: Ids, priority: Priority }), z.object({ changed: z.number().int() })),
  /** Put the jobs ahead of everything queued, in the order given. */
  'jobs.runNext': method(z.strictObject({ ids: Ids }), z.object({ changed: z.number().int() })),
  /** Release jobs held after a crash (recovery: "hold") back into the queue. */
  'jobs.release': method(JobSelection, z.object({ released: z.number().int() })),

  'queue.state': method(NoInput, QueueState),
  'queue.pause': method(NoInput, QueueState),
  'queue.resume': method(NoInput, QueueState),
} as const;
