import { z } from 'zod';
import { BATCH_LIMITS, BatchJobIds, BatchJobIdsInput, BatchList, BatchListInput, QueueRow } from '../domain/batches';
import { Id, method } from './method';

/** The Queue panel's reads: batch groups with their totals, the ids of a group, and the rows on screen. */
export const batchesMethods = {
  'batches.list': method(BatchListInput.optional(), BatchList),
  'batches.jobIds': method(BatchJobIdsInput, BatchJobIds),
  /** Rows for these ids, in the order asked; ids that no longer exist are left out. */
  'batches.jobRows': method(z.strictObject({ ids: z.array(Id).min(1).max(BATCH_LIMITS.rowsPerCall) }), z.object({ items: z.array(QueueRow) })),
} as const;
