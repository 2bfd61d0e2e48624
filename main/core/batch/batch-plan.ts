import { BATCH_LIMITS, type BatchFileSummary, type BatchIssue, type BatchPreview } from '../../../shared/domain/batch';
import type { Config } from '../../../shared/domain/config';
import { BatchInput } from '../../../shared/domain/jobs';
import { AppError } from '../../../shared/errors';
import type { BackendPool } from '../backends/pool';
import { normalizeJob, type NormalizedJob } from '../queue/normalize-job';
import { IssueList } from './issues';
import type { PreparedBatch, PreparedFile } from './prepare-batch';
import { forecastRouting, roundUsd } from './routing-forecast';

/**
 * What a prepared batch becomes: a preview (counts, first prompts, issues, routing, cost) or the batches
 * the queue takes. Both read the same PreparedBatch, so what the artist previewed is what gets queued.
 */

/** Longest `template` text stored with a batch (BatchInput.template's bound). */
const TEMPLATE_CHARS = 100_000;
/** Issues quoted in the message of a refused submit (all of them are in a preview). */
const ISSUES_IN_MESSAGE = 20;

/** Jobs a submit would queue from this file now. */
function queuedJobs(file: PreparedFile, skipBadRows: boolean): PreparedFile['jobs'] {
  if (file.issues.failed) return [];
  if (!skipBadRows && file.issues.errors > 0) return [];
  return file.jobs;
}

/** Images the jobs ask for (a job without its own count takes the batch default, else 1). */
export function countImages(jobs: PreparedFile['jobs'], file: PreparedFile): number {
  return jobs.reduce((sum, job) => sum + (job.input.params?.count ?? file.defaults.params?.count ?? 1), 0);
}

function summary(file: PreparedFile): BatchFileSummary {
  const jobs = file.jobs.length > 0 || file.plannedJobs === 0 ? file.jobs : null;
  return {
    name: file.name,
    path: file.path,
    format: file.format,
    rows: file.rows,
    bad_rows: file.issues.badRows,
    template_rows: file.templateRows,
    // Before expansion stopped at the cap, the planned count is all there is.
    jobs: jobs ? jobs.length : file.plannedJobs,
    images: jobs ? countImages(jobs, file) : file.plannedJobs,
    errors: file.issues.errors,
    warnings: file.issues.warnings,
  };
}

function blockingReason(prepared: PreparedBatch, skipBadRows: boolean): string | null {
  if (prepared.blocked) return prepared.blocked;
  const errors = prepared.issues.errors;
  if (errors > 0 && !skipBadRows) return `${errors} error${errors === 1 ? '' : 's'} in the batch files; nothing was queued (fix them, or skip bad rows)`;
  const total = prepared.files.reduce((n, f) => n + queuedJobs(f, skipBadRows).length, 0);
  if (total === 0) return 'there is nothing to queue: no file has a usable row';
  return null;
}

/** Errors first: a warning never pushes an error past the listing limit. */
export function listIssues(prepared: PreparedBatch): BatchIssue[] {
  const issues = prepared.issues.items;
  return [...issues.filter((i) => i.severity === 'error'), ...issues.filter((i) => i.severity === 'warning')].slice(0, BATCH_LIMITS.issuesListed);
}

export interface PreviewDeps {
  pool: BackendPool;
  config: Config;
  now: number;
  previewPrompts: number;
  skipBadRows: boolean;
}

export function buildPreview(prepared: PreparedBatch, deps: PreviewDeps): BatchPreview {
  const files = prepared.files.map(summary);
  const prompts: BatchPreview['prompts'] = [];
  const normalized: NormalizedJob[] = [];
  for (const file of prepared.files) {
    for (const job of file.jobs) {
      if (prompts.length < deps.previewPrompts) prompts.push({ file: file.name, line: job.line, prompt: job.input.prompt, negative_prompt: job.input.negative_prompt ?? file.defaults.negative_prompt ?? null });
      normalized.push(normalizeJob(job.input, file.defaults, () => 0));
    }
  }
  const routing = forecastRouting(normalized, deps.pool, deps.config, deps.now);
  const issues = prepared.issues.items;
  return {
    ok: blockingReason(prepared, deps.skipBadRows) === null,
    expansion: prepared.expansion,
    totals: {
      files: files.length,
      rows: files.reduce((n, f) => n + f.rows, 0),
      bad_rows: files.reduce((n, f) => n + f.bad_rows, 0),
      jobs: files.reduce((n, f) => n + f.jobs, 0),
      images: files.reduce((n, f) => n + f.images, 0),
      errors: prepared.issues.errors,
      warnings: prepared.issues.warnings,
    },
    files,
    prompts,
    issues: listIssues(prepared),
    issues_truncated: issues.length > BATCH_LIMITS.issuesListed,
    routing,
    cost: { usd: roundUsd(routing.backends.reduce((sum, b) => sum + b.cost_usd, 0)), basis: 'price_per_image' },
  };
}

/** The batches to queue, one per file with jobs; refuses (INVALID_INPUT, naming file, line and field) when something blocks. */
export function toBatchInputs(prepared: PreparedBatch, skipBadRows: boolean): Array<{ file: PreparedFile; batch: BatchInput }> {
  const reason = blockingReason(prepared, skipBadRows);
  if (reason !== null) {
    const errors = prepared.issues.items.filter((i) => i.severity === 'error');
    const first = errors[0];
    const listed = errors.slice(0, ISSUES_IN_MESSAGE).map((issue) => `  ${IssueList.format(issue)}`);
    if (errors.length > ISSUES_IN_MESSAGE) listed.push(`  …and ${errors.length - ISSUES_IN_MESSAGE} more`);
    throw new AppError('INVALID_INPUT', [`${reason.charAt(0).toUpperCase()}${reason.slice(1)}.`, ...listed].join('\n'), {
      file: first?.file ?? null,
      line: first?.line ?? null,
      column: first?.column ?? null,
      field: first?.field ?? null,
      errors: prepared.issues.errors,
    });
  }
  const out: Array<{ file: PreparedFile; batch: BatchInput }> = [];
  for (const file of prepared.files) {
    const jobs = queuedJobs(file, skipBadRows);
    if (jobs.length === 0) continue;
    const template = templateText(file.templates);
    const batch = BatchInput.parse({
      name: file.name.slice(0, 200),
      source_file: file.path ?? file.name,
      template: template.text,
      expansion: {
        mode: prepared.expansion.mode,
        seed: prepared.expansion.seed,
        variants: prepared.expansion.variants,
        format: file.format,
        rows: file.rows,
        template_rows: file.templateRows,
        templates_stored: template.stored,
        skipped_rows: file.issues.badRows,
      },
      defaults: Object.keys(file.defaults).length > 0 ? file.defaults : undefined,
      jobs: jobs.map((job) => job.input),
    });
    out.push({ file, batch });
  }
  return out;
}

/** The file's templates as written, as many as fit the stored column (the count says how many did). */
function templateText(templates: readonly string[]): { text: string | null; stored: number } {
  if (templates.length === 0) return { text: null, stored: 0 };
  let text = '';
  let stored = 0;
  for (const template of templates) {
    const next = text === '' ? template : `${text}\n${template}`;
    if (next.length > TEMPLATE_CHARS) break;
    text = next;
    stored += 1;
  }
  return { text: stored > 0 ? text : null, stored };
}

