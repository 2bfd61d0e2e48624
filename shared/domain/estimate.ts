import { z } from 'zod';
import { JobInput, LIMITS } from './jobs';

/**
 * Estimates and budgets (issue 7): what a job or a batch will cost and how long it will take before
 * anything is sent, how right past estimates were, and what has been spent. JSON only; every array and
 * string bounded; money in USD, times in milliseconds (epoch ms for instants).
 */

export const ESTIMATE_LIMITS = {
  /** Jobs looked at by `estimate.accuracy`. */
  accuracyWindowMax: 10_000,
  accuracyWindowDefault: 200,
  /** Days of history `budget.spend` can list. */
  spendDaysMax: 366,
  spendDaysDefault: 30,
  /** Monte Carlo runs of a batch simulation the caller may ask for. */
  simulationRunsMax: 1_000,
  /** Rows in per-backend listings (backend ids seen in history may include retired ones). */
  backendRows: 64,
  projectRows: 1_000,
  warnings: 50,
  text: 1_000,
  backendId: 50,
  modelId: 200,
} as const;

const Usd = z.number().min(0);
const Ms = z.number().min(0);
const Count = z.number().int().min(0);
const Share = z.number().min(0).max(1);
const BackendName = z.string().max(ESTIMATE_LIMITS.backendId);
const ModelName = z.string().max(ESTIMATE_LIMITS.modelId);
const Text = z.string().max(ESTIMATE_LIMITS.text);
/** A calendar date, YYYY-MM-DD. */
const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** How a price was worked out. */
export const PRICE_BASES = ['config_override', 'per_image', 'size_tier', 'image_tokens', 'free', 'unknown'] as const;
export const PriceBasis = z.enum(PRICE_BASES);
export type PriceBasis = z.infer<typeof PriceBasis>;

/** `priceFor(backend, model, request, config)`: the one answer to "what does this cost". */
export const PriceQuote = z.object({
  backend: BackendName,
  model: ModelName.nullable(),
  images: Count,
  usd_per_image: Usd,
  usd_total: Usd,
  basis: PriceBasis,
  /** Size tier the price depends on (Gemini 512 / 1K / 2K / 4K), when it does. */
  tier: z.string().max(20).nullable(),
  /** Image-output tokens billed per image, for providers that bill by token. */
  tokens_per_image: z.number().int().min(0).nullable(),
  /** False when the figure could not be checked against the provider's own price page. */
  confirmed: z.boolean(),
  /** Where the figure comes from, in words (a setting, or a price page with its date). */
  source: Text,
  table_version: z.string().max(40).nullable(),
  effective_from: DateText.nullable(),
});
export type PriceQuote = z.infer<typeof PriceQuote>;

/** One row of the price table, as `estimate.prices` shows it. */
export const PriceRow = z.object({
  backend: BackendName,
  model: ModelName,
  basis: PriceBasis,
  /** Price per image at each size tier (one row with tier null when the size does not matter). */
  tiers: z.array(z.object({ tier: z.string().max(20).nullable(), usd_per_image: Usd, tokens_per_image: z.number().int().min(0).nullable() })).max(8),
  confirmed: z.boolean(),
  source: Text,
  note: Text.nullable(),
  /** This is the model the backend is set to use. */
  in_use: z.boolean(),
});
export type PriceRow = z.infer<typeof PriceRow>;

export const PriceTable = z.object({
  table_version: z.string().max(40),
  effective_from: DateText,
  rows: z.array(PriceRow).max(100),
  /** `backends.<id>.cost_per_image` where set: it wins over the table. */
  overrides: z.array(z.object({ backend: BackendName, usd_per_image: Usd })).max(16),
  /** What each backend charges per image with its current model at 1K, override included. */
  effective: z.array(PriceQuote).max(16),
});
export type PriceTable = z.infer<typeof PriceTable>;

/** A learned duration: the point estimate and its 80% prediction interval. */
export const TimeEstimate = z.object({
  expected_ms: Ms,
  low_ms: Ms,
  high_ms: Ms,
  /** Coverage the interval aims for (0.8: four runs in five land inside). */
  interval: z.literal(0.8),
  /** Finished calls of this backend the model learned from (0: defaults only). */
  samples: Count,
  source: z.enum(['defaults', 'history']),
  /** Chance that the real time lands within ±25% of `expected_ms`, from held-out history and past estimates. */
  confidence: Share,
});
export type TimeEstimate = z.infer<typeof TimeEstimate>;

export const Skipped = z.object({ backend: BackendName, reason: Text });

/** `estimate.job`: the original APEX `estimate_generation` for one job. */
export const JobEstimate = z.object({
  /** The backend the cascade would give the job now; null when none can take it. */
  backend: BackendName.nullable(),
  model: ModelName.nullable(),
  unroutable_reason: Text.nullable(),
  cost: PriceQuote.nullable(),
  time: TimeEstimate.nullable(),
  /** Original APEX names: USD, seconds, and 0..1 (chance both time and cost land within ±25%). */
  estimated_cost: Usd,
  estimated_time_seconds: z.number().min(0),
  confidence_score: Share,
  /** The rest of the cascade, in the order it would fall back. */
  fallbacks: z
    .array(z.object({ backend: BackendName, model: ModelName.nullable(), usd_total: Usd, confirmed: z.boolean(), expected_ms: Ms }))
    .max(16),
  skipped: z.array(Skipped).max(16),
});
export type JobEstimate = z.infer<typeof JobEstimate>;

/** One period's cap against spend so far, what is queued and the batch. */
export const BudgetCheck = z.object({
  period: z.enum(['daily', 'monthly']),
  cap_usd: Usd,
  spent_usd: Usd,
  /** Estimated cost of jobs already waiting in the queue. */
  queued_usd: Usd,
  batch_usd: Usd,
  /** spent + queued + this batch (expected). */
  after_usd: Usd,
  over: z.boolean(),
  /** The cap would be passed if every job ended on its most expensive fallback. */
  over_worst_case: z.boolean(),
});
export type BudgetCheck = z.infer<typeof BudgetCheck>;

export const BatchBackendShare = z.object({
  backend: BackendName,
  model: ModelName.nullable(),
  /** Expected number of the batch's jobs this backend finishes (mean over the simulation runs). */
  jobs: z.number().min(0),
  images: z.number().min(0),
  expected_usd: Usd,
  share: Share,
  confirmed: z.boolean(),
});

/** `estimate.batch`: the queue simulated with the cascade, limits and failure rates seen so far. */
export const BatchEstimate = z.object({
  jobs: Count,
  images: Count,
  unroutable_jobs: Count,
  cost: z.object({
    /** Mean over the simulation runs (rate-limit spill-over, failures and fallbacks included). */
    expected_usd: Usd,
    /** 10th and 90th percentile of the runs. */
    low_usd: Usd,
    high_usd: Usd,
    /** Every job on the backend the cascade gives it first: the sum of the priced images. */
    planned_usd: Usd,
    /** Every job on the most expensive backend of its cascade: the ceiling a fallback can reach. */
    fallback_max_usd: Usd,
    /** Every price used is confirmed against the provider's page (or is your own setting). */
    confirmed: z.boolean(),
    unconfirmed_backends: z.array(BackendName).max(16),
  }),
  /** From now until the batch's last job ends: median and 80% interval of the runs. */
  makespan: z.object({ expected_ms: Ms, low_ms: Ms, high_ms: Ms }),
  per_backend: z.array(BatchBackendShare).max(16),
  failures: z.object({
    expected_failed_jobs: z.number().min(0),
    expected_retries: z.number().min(0),
    expected_fallbacks: z.number().min(0),
  }),
  /** Original APEX names for the headline figures. */
  estimated_cost: Usd,
  estimated_time_seconds: z.number().min(0),
  confidence_score: Share,
  simulation: z.object({
    runs: z.number().int().min(1),
    seed: z.number().int(),
    /** Jobs already queued or running that share the backends with this batch. */
    queue_ahead: Count,
  }),
  budget: z.array(BudgetCheck).max(2),
  /** A cap would be passed: the app asks before queueing, the CLI refuses without --allow-over-budget. */
  over_budget: z.boolean(),
  warnings: z.array(Text).max(ESTIMATE_LIMITS.warnings),
});
export type BatchEstimate = z.infer<typeof BatchEstimate>;

export const EstimateBatchInput = z.strictObject({
  jobs: z.array(JobInput).min(1).max(LIMITS.jobsPerBatch),
  /** Applied to every job; a job's own fields win (as in jobs.submitBatch). */
  defaults: JobInput.omit({ prompt: true }).partial().optional(),
  /** Monte Carlo runs (default: as many as fit a fixed amount of work, at least a few). */
  runs: z.number().int().min(1).max(ESTIMATE_LIMITS.simulationRunsMax).optional(),
  /** Seed of the simulation's random numbers: the same seed gives the same estimate. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
  /** Count the jobs already in the queue ahead of this batch (default true). */
  include_queue: z.boolean().optional(),
});
export type EstimateBatchInput = z.infer<typeof EstimateBatchInput>;

export const AccuracyRow = z.object({
  backend: BackendName,
  jobs: Count,
  /** Mean absolute percentage error (0.12 = 12%) of the time and cost stored when the job was queued. */
  time_mape: z.number().min(0).nullable(),
  cost_mape: z.number().min(0).nullable(),
  /** Share of jobs whose real time fell inside the stored 80% interval. */
  interval_coverage: Share.nullable(),
  /** Share of jobs whose real time was within ±25% of the estimate (what `confidence` predicts). */
  time_within_25_percent: Share.nullable(),
  cost_within_25_percent: Share.nullable(),
});
export type AccuracyRow = z.infer<typeof AccuracyRow>;

export const Accuracy = z.object({
  window: z.number().int().min(1),
  overall: AccuracyRow,
  per_backend: z.array(AccuracyRow).max(ESTIMATE_LIMITS.backendRows),
});
export type Accuracy = z.infer<typeof Accuracy>;

export const AccuracyInput = z
  .strictObject({
    last: z.number().int().min(1).max(ESTIMATE_LIMITS.accuracyWindowMax).optional(),
    backend: BackendName.optional(),
  })
  .optional();

/** One budget period now (local time of this machine). */
export const BudgetPeriodState = z.object({
  cap_usd: Usd.nullable(),
  /** Billed (or possibly billed) since the period started, calls in flight included. */
  spent_usd: Usd,
  remaining_usd: Usd.nullable(),
  reached: z.boolean(),
  starts_at: z.number().int(),
  resets_at: z.number().int(),
});
export type BudgetPeriodState = z.infer<typeof BudgetPeriodState>;

/** The `budget.changed` event and the head of `budget.spend`. */
export const BudgetState = z.object({
  /** Periods follow this machine's local time zone (IANA name). */
  time_zone: z.string().max(100),
  daily: BudgetPeriodState,
  monthly: BudgetPeriodState,
  /** `stopped`: a cap keeps paid backends from taking jobs; free ones (local SDXL) still work. */
  paid_dispatch: z.enum(['open', 'stopped']),
  reason: Text.nullable(),
  resumes_at: z.number().int().nullable(),
});
export type BudgetState = z.infer<typeof BudgetState>;

export const SpendInput = z
  .strictObject({
    days: z.number().int().min(1).max(ESTIMATE_LIMITS.spendDaysMax).optional(),
  })
  .optional();

export const BudgetSpend = z.object({
  state: BudgetState,
  from: z.number().int(),
  to: z.number().int(),
  total_usd: Usd,
  /** Part of the total from calls cut off by a crash or shutdown, priced by the price table. */
  possibly_billed_usd: Usd,
  by_day: z.array(z.object({ day: DateText, usd: Usd, attempts: Count })).max(ESTIMATE_LIMITS.spendDaysMax + 1),
  by_backend: z.array(z.object({ backend: BackendName, usd: Usd, attempts: Count, images: Count })).max(ESTIMATE_LIMITS.backendRows),
  by_project: z.array(z.object({ project: z.string().max(LIMITS.projectChars).nullable(), usd: Usd, attempts: Count })).max(ESTIMATE_LIMITS.projectRows),
});
export type BudgetSpend = z.infer<typeof BudgetSpend>;
