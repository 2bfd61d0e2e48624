import { z } from 'zod';
import { KeyBackendId, KeySetInput, KeySetResult, KeysStatus, KeyTestInput, KeyTestResult } from '../domain/backends';
import { NoInput, method } from './method';

/**
 * API keys in the OS keychain. Values go in (keys.set, keys.test) and never come out: callers learn only
 * whether a key is set and where it comes from.
 */
export const keysMethods = {
  'keys.set': method(KeySetInput, KeySetResult),
  'keys.delete': method(z.strictObject({ backend: KeyBackendId }), z.object({ backend: KeyBackendId, deleted: z.boolean(), still_set_by: z.string().max(100).nullable() })),
  'keys.status': method(NoInput, KeysStatus),
  /** The cheapest real call the provider offers, with the stored key or one just typed in. */
  'keys.test': method(KeyTestInput, KeyTestResult),
} as const;
