import type { BatchSubmitInput } from '../../../shared/domain/batch';
import type { BatchEstimate } from '../../../shared/domain/estimate';
import { LIMITS, type JobInput } from '../../../shared/domain/jobs';
import { AppError } from '../../../shared/errors';
import { toBatchInputs } from '../batch/batch-plan';
import { prepareBatch, prepareOptionsFrom } from '../batch/prepare-batch';
import { loadSources } from '../batch/sources';
import type { Core } from '../index';
import type { JobDefaults } from '../queue/normalize-job';
import { usd } from './budget';

/**
 * Batch files → `estimate.batch`, for the CLI's `estimate` and `run`: the files are prepared exactly as
 * `batch.preview` and `batch.submit` prepare them (same parser, checks and expansion), and the jobs they
 * would queue are estimated together. Null when the files queue nothing (their errors are reported by the
 * preview or the submit, which name file, line and field).
 */
export async function estimateBatchFiles(core: Core, input: BatchSubmitInput): Promise<BatchEstimate | null> {
  const config = await core.client.call('config.get');
  const prepared = prepareBatch(
    loadSources(input.sources, { allowPaths: true }),
    prepareOptionsFrom(input, { wildcardsDir: core.library.wildcards, config, registry: core.pipeline.registry }),
  );
  let batches: ReturnType<typeof toBatchInputs>;
  try {
    batches = toBatchInputs(prepared, input.skip_bad_rows ?? false);
  } catch (error) {
    if (error instanceof AppError && error.code === 'INVALID_INPUT') return null;
    throw error;
  }
  const jobs = batches.flatMap(({ batch }) => batch.jobs.map((job) => withDefaults(job, batch.defaults ?? {})));
  if (jobs.length === 0) return null;
  return core.client.call('estimate.batch', { jobs: jobs.slice(0, LIMITS.jobsPerBatch) });
}

/**
 * `run`'s budget check: with a cap set, a batch whose estimate would pass it is refused (BUDGET_EXCEEDED,
 * exit code 2) unless the artist allows it. Returns the estimate when one was made.
 */
export async function checkRunBudget(core: Core, input: BatchSubmitInput, allowOverBudget: boolean, warn: (message: string) => void): Promise<BatchEstimate | null> {
  const { budget } = await core.client.call('config.get');
  if (budget.daily_usd === null && budget.monthly_usd === null) return null;
  const estimate = await estimateBatchFiles(core, input);
  if (!estimate?.over_budget) return estimate;
  const over = estimate.budget.find((check) => check.over)!;
  const message =
    `This batch would cost about ${usd(estimate.cost.expected_usd)}; with ${usd(over.spent_usd)} spent` +
    `${over.queued_usd > 0 ? ` and ${usd(over.queued_usd)} already queued` : ''} ${over.period === 'daily' ? 'today' : 'this month'}, ` +
    `the ${over.period} budget of ${usd(over.cap_usd)} would be passed (${usd(over.after_usd)}).`;
  if (!allowOverBudget) {
    throw new AppError(
      'BUDGET_EXCEEDED',
      `${message} Nothing was queued. Raise budget.${over.period}_usd in apex_config.json, or run again with --allow-over-budget (paid backends still stop at the cap).`,
      { period: over.period, cap_usd: over.cap_usd, spent_usd: over.spent_usd, batch_usd: over.batch_usd },
    );
  }
  warn(`${message} Queued anyway (--allow-over-budget): paid backends stop at the cap and the rest waits for the next ${over.period === 'daily' ? 'day' : 'month'} or a raised cap.`);
  return estimate;
}

/** A job with its batch defaults folded in, as normalizeJob applies them (the job's own fields win). */
export function withDefaults(job: JobInput, defaults: JobDefaults): JobInput {
  const own = <T>(value: T | undefined, fallback: T | undefined): T | undefined => (value !== undefined ? value : fallback);
  const params = { ...defaults.params, ...stripUndefined(job.params ?? {}) };
  const constraints = { ...defaults.constraints, ...stripUndefined(job.constraints ?? {}) };
  const tags = [...new Set([...(defaults.tags ?? []), ...(job.tags ?? [])])];
  return stripUndefined({
    prompt: job.prompt,
    negative_prompt: own(job.negative_prompt, defaults.negative_prompt),
    params: Object.keys(params).length > 0 ? params : undefined,
    priority: own(job.priority, defaults.priority),
    backend: own(job.backend, defaults.backend),
    constraints: Object.keys(constraints).length > 0 ? constraints : undefined,
    project: own(job.project, defaults.project),
    tags: tags.length > 0 ? tags.slice(0, LIMITS.tagsPerJob) : undefined,
  }) as JobInput;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
