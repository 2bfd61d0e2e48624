import { z } from 'zod';
import { Config, ConfigPatch } from './domain/config';
import { AuditEntry, Checkpoint, ReconcileReport } from './domain/checkpoints';
import {
  AssetsAdded,
  BatchInput,
  JobDetail,
  JobInput,
  JobListInput,
  JobPage,
  JobSelection,
  JobsChanged,
  LIMITS,
  Priority,
  QueueState,
} from './domain/jobs';
import { Status } from './domain/status';

/**
 * THE contract between the renderer (or CLI, or tests) and the core. Every method and event is declared
 * once, with bounds on every string and array. JSON only: no Date, Buffer or class instances, so the
 * WebSocket transport behaves exactly like Electron IPC. Image bytes never cross it (they are served by URL).
 */

function method<I extends z.ZodType, O extends z.ZodType>(input: I, output: O) {
  return { input, output };
}

const NoInput = z.undefined();
const Id = z.number().int().positive();
const Ids = z.array(Id).min(1).max(LIMITS.idsPerCall);

export const methods = {
  'system.ping': method(
    z.object({ echo: z.string().max(256).optional() }).optional(),
    z.object({ pong: z.literal(true), echo: z.string().max(256).nullable(), time: z.number().int() }),
  ),
  'system.status': method(NoInput, Status),
  'config.get': method(NoInput, Config),
  'config.update': method(ConfigPatch, Config),

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

  'checkpoints.create': method(z.strictObject({ name: z.string().trim().min(1).max(200).optional() }).optional(), Checkpoint),
  'checkpoints.list': method(NoInput, z.object({ items: z.array(Checkpoint) })),
  'checkpoints.restore': method(z.strictObject({ id: Id }), z.object({ restored: Checkpoint, safety: Checkpoint })),

  'library.check': method(z.strictObject({ repair: z.boolean().optional() }).optional(), ReconcileReport),

  'audit.list': method(
    z
      .strictObject({
        kind: z.string().max(50).optional(),
        job_id: Id.optional(),
        before: Id.optional(),
        limit: z.number().int().min(1).max(LIMITS.pageSize).optional(),
      })
      .optional(),
    z.object({ items: z.array(AuditEntry), next: Id.nullable() }),
  ),
} as const;

export const events = {
  'config.changed': Config,
  'stats.changed': Status,
  'jobs.changed': JobsChanged,
  'assets.added': AssetsAdded,
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What callers pass (defaults optional). */
export type CallInput<M extends MethodName> = z.input<Methods[M]['input']>;
/** What handlers receive (defaults applied). */
export type HandlerInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodResult<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const METHOD_NAMES = Object.keys(methods) as MethodName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** Own-property check: never `name in methods`, which would accept `__proto__` and `toString`. */
export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}
