import { z } from 'zod';
import { JobStatus, LIMITS } from './jobs';

/** Limits of the Queue panel's reads (issue 8 part 2), named once and enforced at the contract. */
export const BATCH_LIMITS = {
  /** Batch groups per `batches.list` page. */
  batchesPerPage: 200,
  /** Job ids per group in `batches.jobIds`: the most one batch can hold. */
  idsPerGroup: LIMITS.jobsPerBatch,
  /** Rows per `batches.jobRows` call: a screenful many times over. */
  rowsPerCall: 500,
  /** Prompt characters a queue row carries (the full prompt is in `jobs.get`). */
  rowPromptChars: 300,
  /** Error-message characters a queue row carries. */
  rowErrorChars: 600,
} as const;

const Id = z.number().int().positive();
const Count = z.number().int().min(0);

export const StatusCounts = z.object({ queued: Count, running: Count, succeeded: Count, failed: Count, canceled: Count, held: Count });
export type StatusCounts = z.infer<typeof StatusCounts>;

/**
 * How long the rest of a batch will take. `throughput`: from how fast its own jobs have been finishing;
 * `estimates`: the time each job stored when queued, spread over `orchestrator.max_concurrent_jobs`;
 * null when there is nothing left or nothing to go on.
 */
export const BatchEta = z.object({
  remaining_ms: z.number().int().min(0).nullable(),
  basis: z.enum(['throughput', 'estimates']).nullable(),
});
export type BatchEta = z.infer<typeof BatchEta>;

/** One group of the Queue panel: a batch, or (id null) the prompts submitted one at a time. */
export const BatchSummary = z.object({
  id: Id.nullable(),
  name: z.string().nullable(),
  source_file: z.string().nullable(),
  created_at: z.number(),
  total: Count,
  counts: StatusCounts,
  images_done: Count,
  images_wanted: Count,
  /** What its calls cost so far (USD). */
  spent_usd: z.number().min(0),
  /** The stored estimates of its jobs not finished yet (USD). */
  remaining_usd: z.number().min(0),
  /** Stored estimates missing for some unfinished jobs: remaining_usd is then a lower bound. */
  remaining_partial: z.boolean(),
  started_at: z.number().nullable(),
  /** When its last job ended, once none is queued, running or held. */
  finished_at: z.number().nullable(),
  eta: BatchEta,
});
export type BatchSummary = z.infer<typeof BatchSummary>;

export const BatchListInput = z.strictObject({
  limit: z.number().int().min(1).max(BATCH_LIMITS.batchesPerPage).optional(),
  /** Keyset: batches older than this id (the `next` of the previous page). */
  before: Id.nullable().optional(),
});
export type BatchListInput = z.infer<typeof BatchListInput>;

export const BatchList = z.object({
  /** Newest batch first. */
  items: z.array(BatchSummary),
  next: Id.nullable(),
  /** Jobs submitted one at a time (not in a batch); null when there are none. */
  singles: BatchSummary.nullable(),
  /** Every job, for the panel's totals. */
  counts: StatusCounts,
});
export type BatchList = z.infer<typeof BatchList>;

export const BatchJobIdsInput = z.strictObject({
  /** null: the jobs submitted one at a time. */
  batch_id: Id.nullable(),
  status: z.array(JobStatus).max(6).optional(),
  backend: z.string().min(1).max(50).optional(),
});
export type BatchJobIdsInput = z.infer<typeof BatchJobIdsInput>;

/** Every matching job id of one group in queue order (priority, then submission). */
export const BatchJobIds = z.object({ ids: z.array(Id).max(BATCH_LIMITS.idsPerGroup), truncated: z.boolean() });
export type BatchJobIds = z.infer<typeof BatchJobIds>;

/** What one row of the Queue panel shows: small, so a screenful is one cheap call. */
export const QueueRow = z.object({
  id: Id,
  batch_id: Id.nullable(),
  /** The first BATCH_LIMITS.rowPromptChars characters. */
  prompt: z.string(),
  priority: z.number().int(),
  status: JobStatus,
  attempts: Count,
  /** Backend of the latest attempt, else the pinned one, else null (not tried yet). */
  backend: z.string().nullable(),
  pinned_backend: z.string().nullable(),
  images_done: Count,
  images_wanted: Count,
  estimated_cost: z.number().nullable(),
  actual_cost: z.number(),
  /** Time the job was expected to take when queued (ms). */
  estimated_ms: z.number().nullable(),
  not_before: z.number(),
  created_at: z.number(),
  started_at: z.number().nullable(),
  finished_at: z.number().nullable(),
  error_class: z.string().nullable(),
  error_message: z.string().nullable(),
});
export type QueueRow = z.infer<typeof QueueRow>;
