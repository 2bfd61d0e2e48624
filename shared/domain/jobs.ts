import { z } from 'zod';
import { BackendId } from './config';
import { Routing } from './backends';

/** Explicit limits: every one is named here and enforced at the contract. */
export const LIMITS = {
  promptChars: 8_000,
  tagChars: 100,
  tagsPerJob: 50,
  projectChars: 200,
  imagesPerJob: 16,
  minSide: 64,
  maxSide: 8_192,
  jobsPerBatch: 50_000,
  pageSize: 500,
  idsPerCall: 10_000,
} as const;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled', 'held'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

export const Priority = z.number().int().min(1).max(5);
const Id = z.number().int().positive();
export const MAX_SEED = 4_294_967_295;

export const AspectRatio = z.string().regex(/^\d{1,2}:\d{1,2}$/, 'an aspect ratio looks like 16:9');

/** Generation parameters as the artist gives them (every one optional; defaults come from the backend). */
export const JobParamsInput = z.strictObject({
  width: z.number().int().min(LIMITS.minSide).max(LIMITS.maxSide).optional(),
  height: z.number().int().min(LIMITS.minSide).max(LIMITS.maxSide).optional(),
  aspect_ratio: AspectRatio.nullable().optional(),
  steps: z.number().int().min(1).max(150).nullable().optional(),
  cfg_scale: z.number().min(0).max(30).nullable().optional(),
  sampler: z.string().min(1).max(100).nullable().optional(),
  /** -1 or absent: a random seed is drawn at submission and stored, so a re-run repeats the image. */
  seed: z.number().int().min(-1).max(MAX_SEED).nullable().optional(),
  count: z.number().int().min(1).max(LIMITS.imagesPerJob).optional(),
  quality_level: z.number().int().min(1).max(5).nullable().optional(),
  model: z.string().min(1).max(200).nullable().optional(),
});
export type JobParamsInput = z.infer<typeof JobParamsInput>;

/** Parameters as stored on a job: complete, seed fixed. */
export const JobParams = z.object({
  width: z.number().int(),
  height: z.number().int(),
  aspect_ratio: z.string().nullable(),
  steps: z.number().int().nullable(),
  cfg_scale: z.number().nullable(),
  sampler: z.string().nullable(),
  seed: z.number().int().min(0).max(MAX_SEED),
  count: z.number().int().min(1),
  quality_level: z.number().int().nullable(),
  model: z.string().nullable(),
});
export type JobParams = z.infer<typeof JobParams>;

export const JobConstraints = z.strictObject({
  /** Skip backends whose price for this job is above this. */
  max_cost_usd: z.number().min(0).max(1_000).nullable().optional(),
  /** Fall back to another backend when one blocks the prompt for content (default: fail with the reason). */
  fallback_on_block: z.boolean().optional(),
});
export type JobConstraints = z.infer<typeof JobConstraints>;

const Tag = z.string().trim().min(1).max(LIMITS.tagChars);

export const JobInput = z.strictObject({
  prompt: z.string().trim().min(1, 'a prompt is required').max(LIMITS.promptChars),
  negative_prompt: z.string().max(LIMITS.promptChars).nullable().optional(),
  params: JobParamsInput.optional(),
  priority: Priority.optional(),
  /** Pin the job to one backend; no fallback then. */
  backend: BackendId.nullable().optional(),
  constraints: JobConstraints.optional(),
  project: z.string().trim().min(1).max(LIMITS.projectChars).nullable().optional(),
  tags: z.array(Tag).max(LIMITS.tagsPerJob).optional(),
});
export type JobInput = z.infer<typeof JobInput>;

export const BatchInput = z.strictObject({
  name: z.string().max(200).nullable().optional(),
  source_file: z.string().max(4096).nullable().optional(),
  template: z.string().max(100_000).nullable().optional(),
  /** How a template was expanded (mode, seed), stored with the batch for reproducibility. */
  expansion: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable().optional(),
  /** Applied to every job; a job's own fields win. */
  defaults: JobInput.omit({ prompt: true }).partial().optional(),
  jobs: z.array(JobInput).min(1).max(LIMITS.jobsPerBatch),
});
export type BatchInput = z.infer<typeof BatchInput>;

export const AttemptSummary = z.object({
  id: Id,
  number: z.number().int(),
  backend: z.string(),
  model: z.string().nullable(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  outcome: z.enum(['succeeded', 'failed', 'interrupted', 'canceled']).nullable(),
  error_class: z.string().nullable(),
  error_message: z.string().nullable(),
  http_status: z.number().int().nullable(),
  retry_after_ms: z.number().int().nullable(),
  cost_usd: z.number(),
  possibly_billed: z.boolean(),
  latency_ms: z.number().int().nullable(),
  /** Which backend the cascade chose and why it passed over the ones before it. */
  routing: Routing.nullable(),
});
export type AttemptSummary = z.infer<typeof AttemptSummary>;

export const JobSummary = z.object({
  id: Id,
  batch_id: Id.nullable(),
  prompt: z.string(),
  negative_prompt: z.string().nullable(),
  params: JobParams,
  priority: z.number().int(),
  status: JobStatus,
  attempts: z.number().int().min(0),
  not_before: z.number(),
  pinned_backend: z.string().nullable(),
  /** Backend of the latest attempt. */
  backend: z.string().nullable(),
  project: z.string().nullable(),
  tags: z.array(z.string()),
  estimated_cost: z.number().nullable(),
  actual_cost: z.number(),
  error_class: z.string().nullable(),
  error_message: z.string().nullable(),
  retried_from: Id.nullable(),
  created_at: z.number(),
  started_at: z.number().nullable(),
  finished_at: z.number().nullable(),
  asset_ids: z.array(Id),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const JobDetail = z.object({
  job: JobSummary,
  attempts: z.array(AttemptSummary),
  /** Images made so far over images wanted (0..1). */
  progress: z.number().min(0).max(1),
});
export type JobDetail = z.infer<typeof JobDetail>;

export const JobListInput = z.strictObject({
  status: z.array(JobStatus).max(JOB_STATUSES.length).optional(),
  batch_id: Id.optional(),
  backend: z.string().max(50).optional(),
  /** Keyset cursor: the `next` of the previous page. */
  after: z.string().max(100).nullable().optional(),
  limit: z.number().int().min(1).max(LIMITS.pageSize).optional(),
  /** queue: dispatch order (priority, then submission); newest: latest submitted first. */
  order: z.enum(['queue', 'newest']).optional(),
});
export type JobListInput = z.infer<typeof JobListInput>;

export const JobPage = z.object({ items: z.array(JobSummary), next: z.string().nullable() });

export const JobSelection = z
  .strictObject({
    ids: z.array(Id).max(LIMITS.idsPerCall).optional(),
    batch_id: Id.optional(),
  })
  .refine((s) => (s.ids?.length ?? 0) > 0 || s.batch_id !== undefined, 'name job ids or a batch');
export type JobSelection = z.infer<typeof JobSelection>;

export const QueueState = z.object({
  paused: z.boolean(),
  orchestrator: z.enum(['running', 'paused', 'stopped']),
  /** Why the orchestrator is stopped, when it is (another process holds the library, not started). */
  reason: z.string().nullable(),
  counts: z.object({ queued: z.number(), running: z.number(), succeeded: z.number(), failed: z.number(), canceled: z.number(), held: z.number() }),
});
export type QueueState = z.infer<typeof QueueState>;

export const JobsChanged = z.object({
  /** Changed job ids (capped); `all` is true when more changed than are listed. */
  ids: z.array(Id).max(1_000),
  batch_ids: z.array(Id).max(1_000),
  all: z.boolean(),
});
export type JobsChanged = z.infer<typeof JobsChanged>;

export const AssetsAdded = z.object({ ids: z.array(Id).max(1_000), count: z.number().int().min(0) });
export type AssetsAdded = z.infer<typeof AssetsAdded>;
