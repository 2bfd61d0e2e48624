import { z } from 'zod';
import { Config } from './domain/config';
import { AssetsAdded, JobsChanged } from './domain/jobs';
import { Status } from './domain/status';
import { BackendsHealth } from './domain/backends';
import { backendsMethods } from './methods/backends';
import { keysMethods } from './methods/keys';
import { checkpointsMethods } from './methods/checkpoints';
import { jobsMethods } from './methods/jobs';
import { systemMethods } from './methods/system';
import { ImportProgress } from './domain/import';
import { libraryImportMethods } from './methods/library-import';
import { BudgetState } from './domain/estimate';
import { budgetMethods } from './methods/budget';
import { estimateMethods } from './methods/estimate';
import { batchMethods } from './methods/batch';
import { AssetsChanged } from './domain/assets';
import { assetsMethods } from './methods/assets';
import { organiseMethods } from './methods/organise';
import { historyMethods } from './methods/history';
import { LibraryChanged, libraryHostMethods } from './methods/library-host';
import { uploadsMethods } from './methods/uploads';
import { batchesMethods } from './methods/batches';

/**
 * THE contract between the renderer (or CLI, or tests) and the core. Every method and event is declared
 * once, with bounds on every string and array, in one file per domain under shared/methods/. JSON only:
 * no Date, Buffer or class instances, so the WebSocket transport behaves exactly like Electron IPC.
 * Image bytes never cross it (they are served by URL).
 */
export const methods = {
  ...systemMethods,
  ...jobsMethods,
  ...checkpointsMethods,
  ...backendsMethods,
  ...keysMethods,
  ...libraryImportMethods,
  ...estimateMethods,
  ...batchMethods,
  ...budgetMethods,
  ...assetsMethods,
  ...organiseMethods,
  ...historyMethods,
  ...libraryHostMethods,
  ...uploadsMethods,
  ...batchesMethods,
} as const;


export const events = {
  'config.changed': Config,
  'stats.changed': Status,
  'jobs.changed': JobsChanged,
  'assets.added': AssetsAdded,
  'backends.changed': BackendsHealth,
  'import.progress': ImportProgress,
  'budget.changed': BudgetState,
  'assets.changed': AssetsChanged,
  'library.changed': LibraryChanged,
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
