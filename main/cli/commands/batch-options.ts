import { type Command, InvalidArgumentError } from 'commander';
import { BATCH_LIMITS, EXPANSION_MODES, type BatchDefaults, type BatchPreview, type BatchSubmitInput, type ExpansionMode } from '../../../shared/domain/batch';
import { BACKEND_IDS, BackendId } from '../../../shared/domain/config';
import { AspectRatio, LIMITS, MAX_SEED } from '../../../shared/domain/jobs';
import { IssueList } from '../../core/batch/issues';
import type { GlobalOptions } from '../context';

/**
 * The batch flags `run` and `estimate` share: defaults for every job of the files (a row's own value
 * wins) and how dynamic prompts expand. The values are checked again by the contract.
 */

export interface BatchFlags extends GlobalOptions {
  backend?: BackendId;
  project?: string;
  priority?: number;
  tags?: string[];
  negativePrompt?: string;
  width?: number;
  height?: number;
  aspectRatio?: string;
  steps?: number;
  cfgScale?: number;
  sampler?: string;
  count?: number;
  model?: string;
  qualityLevel?: number;
  maxCostUsd?: number;
  mode?: ExpansionMode;
  seed?: number;
  variants?: number;
  maxJobs?: number;
  skipBadRows?: boolean;
}

/** Issues printed on a terminal before "…and N more" (all of them are in --json). */
const ISSUES_SHOWN = 30;

function integer(min: number, max: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${what} is a whole number from ${min} to ${max}`);
    return n;
  };
}

function decimal(min: number, max: number, what: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`${what} is a number from ${min} to ${max}`);
    return n;
  };
}

function backend(value: string): BackendId {
  const parsed = BackendId.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`one of ${BACKEND_IDS.join(', ')}`);
  return parsed.data;
}

function mode(value: string): ExpansionMode {
  if (!(EXPANSION_MODES as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${EXPANSION_MODES.join(', ')}`);
  return value as ExpansionMode;
}

function ratio(value: string): string {
  if (!AspectRatio.safeParse(value).success) throw new InvalidArgumentError('an aspect ratio looks like 16:9');
  return value;
}

function tags(value: string): string[] {
  return value
    .split(/[;,]/)
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
}

export function addBatchFlags(command: Command): Command {
  return command
    .option('--backend <id>', 'pin every job to one backend (no fallback)', backend)
    .option('--project <name>', 'project for the new images')
    .option('--priority <n>', '1 (lowest) to 5 (most urgent); default 3', integer(1, 5, 'a priority'))
    .option('--tags <list>', 'tags for every job, separated by , or ;', tags)
    .option('--negative-prompt <text>', 'negative prompt for rows without one')
    .option('--width <px>', 'image width', integer(LIMITS.minSide, LIMITS.maxSide, 'a width'))
    .option('--height <px>', 'image height', integer(LIMITS.minSide, LIMITS.maxSide, 'a height'))
    .option('--aspect-ratio <w:h>', 'aspect ratio, e.g. 16:9', ratio)
    .option('--steps <n>', 'sampling steps (SDXL)', integer(1, 150, 'steps'))
    .option('--cfg-scale <x>', 'CFG scale (SDXL)', decimal(0, 30, 'a CFG scale'))
    .option('--sampler <name>', 'sampler (SDXL)')
    .option('--count <n>', 'images per job', integer(1, LIMITS.imagesPerJob, 'a count'))
    .option('--model <id>', 'model id (a provider model, or an SDXL checkpoint)')
    .option('--quality-level <n>', 'skip backends below this quality, 1–5', integer(1, 5, 'a quality level'))
    .option('--max-cost-usd <usd>', 'skip backends dearer than this per job', decimal(0, 1_000, 'a price'))
    .option('--mode <mode>', 'dynamic prompts: random (each job draws its own prompt) or combinatorial (every combination)', mode)
    .option('--seed <n>', 'seed of the random expansion (the output names the one it drew)', integer(0, MAX_SEED, 'a seed'))
    .option('--variants <n>', `random mode: prompts drawn per template row (default 1)`, integer(1, BATCH_LIMITS.maxVariants, 'variants'))
    .option('--max-jobs <n>', `refuse when the files would make more jobs (default ${BATCH_LIMITS.defaultMaxJobs.toLocaleString('en-US')})`, integer(1, LIMITS.jobsPerBatch, 'max jobs'))
    .option('--skip-bad-rows', 'queue the good rows of files that have bad ones (default: nothing from a file with errors)');
}

/** The contract input for `batch.preview` / `batch.submit` from the files and flags. */
export function batchInput(files: readonly string[], flags: BatchFlags): BatchSubmitInput {
  const params: NonNullable<BatchDefaults['params']> = {};
  if (flags.width !== undefined) params.width = flags.width;
  if (flags.height !== undefined) params.height = flags.height;
  if (flags.aspectRatio !== undefined) params.aspect_ratio = flags.aspectRatio;
  if (flags.steps !== undefined) params.steps = flags.steps;
  if (flags.cfgScale !== undefined) params.cfg_scale = flags.cfgScale;
  if (flags.sampler !== undefined) params.sampler = flags.sampler;
  if (flags.count !== undefined) params.count = flags.count;
  if (flags.model !== undefined) params.model = flags.model;
  if (flags.qualityLevel !== undefined) params.quality_level = flags.qualityLevel;
  const defaults: BatchDefaults = {};
  if (Object.keys(params).length > 0) defaults.params = params;
  if (flags.backend) defaults.backend = flags.backend;
  if (flags.project) defaults.project = flags.project;
  if (flags.priority) defaults.priority = flags.priority;
  if (flags.tags && flags.tags.length > 0) defaults.tags = flags.tags;
  if (flags.negativePrompt) defaults.negative_prompt = flags.negativePrompt;
  if (flags.maxCostUsd !== undefined) defaults.constraints = { max_cost_usd: flags.maxCostUsd };
  const input: BatchSubmitInput = { sources: files.map((path) => ({ path })), defaults };
  if (flags.mode) input.mode = flags.mode;
  if (flags.seed !== undefined) input.seed = flags.seed;
  if (flags.variants !== undefined) input.variants = flags.variants;
  if (flags.maxJobs !== undefined) input.max_jobs = flags.maxJobs;
  if (flags.skipBadRows) input.skip_bad_rows = true;
  return input;
}

const usd = (value: number) => `$${value.toFixed(value !== 0 && value < 0.1 ? 4 : 2)}`;

/** Routing and cost lines of a preview, for people. */
export function describeRouting(preview: BatchPreview): string[] {
  const lines: string[] = [];
  const { backends, unroutable } = preview.routing;
  if (backends.length > 0) {
    lines.push('Routing now (first choice of the cascade):');
    for (const b of backends) lines.push(`  ${b.backend.padEnd(12)} ${b.jobs} jobs, ${b.images} images, ${usd(b.cost_usd)}`);
  }
  if (unroutable.jobs > 0) {
    lines.push(`  no backend  ${unroutable.jobs} jobs, ${unroutable.images} images:`);
    for (const r of unroutable.reasons) lines.push(`    ${r.jobs} × ${r.reason}`);
  }
  lines.push(`Cost: about ${usd(preview.cost.usd)} (price per image × images; retries and fallbacks not counted)`);
  return lines;
}

/** Errors and warnings, located, for people. */
export function describeIssues(preview: BatchPreview): string[] {
  const lines: string[] = [];
  const shown = preview.issues.slice(0, ISSUES_SHOWN);
  const errors = shown.filter((i) => i.severity === 'error');
  const warnings = shown.filter((i) => i.severity === 'warning');
  if (errors.length > 0) lines.push(`Errors (${preview.totals.errors}):`, ...errors.map((i) => `  ${IssueList.format(i)}`));
  if (warnings.length > 0) lines.push(`Warnings (${preview.totals.warnings}):`, ...warnings.map((i) => `  ${IssueList.format(i)}`));
  const hidden = preview.totals.errors + preview.totals.warnings - shown.length;
  if (hidden > 0) lines.push(`  …and ${hidden} more (--json lists up to ${BATCH_LIMITS.issuesListed})`);
  return lines;
}

/** Counts per file and in total, for people. */
export function describeCounts(preview: BatchPreview): string[] {
  const lines = preview.files.map(
    (f) => `${f.name}${f.format ? ` (${f.format})` : ''}: ${f.rows} rows → ${f.jobs} jobs, ${f.images} images${f.bad_rows > 0 ? `, ${f.bad_rows} bad rows` : ''}${f.template_rows > 0 ? `, ${f.template_rows} templates` : ''}`,
  );
  const t = preview.totals;
  const e = preview.expansion;
  lines.push(`Total: ${t.jobs} jobs, ${t.images} images from ${t.rows} rows in ${t.files} file${t.files === 1 ? '' : 's'} (${e.mode} expansion, seed ${e.seed})`);
  return lines;
}
