import { BatchPreview, BatchPreviewInput, BatchSubmitInput, BatchSubmitResult } from '../domain/batch';
import { method } from './method';

/** Batch files: parse, validate and expand dynamic prompts; preview without queueing, or queue in one call. */
export const batchMethods = {
  /** Counts, the first expanded prompts, every error and warning, and the routing forecast; queues nothing. */
  'batch.preview': method(BatchPreviewInput, BatchPreview),
  /** Parses, validates, expands and queues one batch per file, all or nothing. */
  'batch.submit': method(BatchSubmitInput, BatchSubmitResult),
} as const;
