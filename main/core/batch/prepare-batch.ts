import { randomInt } from 'node:crypto';
import { basename } from 'node:path';
import { BATCH_LIMITS, type BatchDefaults, type BatchFormat, type BatchPreviewInput, type BatchSubmitInput, type ExpansionMode, type ExpansionSettings } from '../../../shared/domain/batch';
import type { BackendId, Config } from '../../../shared/domain/config';
import { LIMITS, MAX_SEED, type JobInput } from '../../../shared/domain/jobs';
import { backendSettings } from '../backends/pool';
import type { BackendInterface } from '../backends/types';
import { normalizeJob } from '../queue/normalize-job';
import { capabilityProblem, cascadeCandidates, noCandidateCan } from './capability-check';
import { FileIssues, IssueList, type Position } from './issues';
import { modelFamily } from './model-family';
import { parseBatchFile } from './parse-file';
import { seededRng } from './prng';
import type { RawRow } from './raw-row';
import { checkDefaults, checkFields, mergeDefaults, toJobFields, type CheckedRow, type RowField } from './row-fields';
import { checkTemplate, countCombinations, drawPrompt, enumeratePrompts, type ExpandContext } from './template-expand';
import { isDynamic, mayBeTemplate, parseTemplate, TemplateError, type TemplateNode } from './template-parse';
import { wildcardFolder, type WildcardSource } from './wildcards';

/**
 * Parse → check → expand, for every file of one call, without touching the queue: what a preview shows
 * and what a submit queues come from this one function, so they cannot disagree. Every problem is
 * collected (file, line, column, field, reason); nothing stops at the first.
 */

/** A file as read by the caller: its text, or why it could not be read. */
export interface LoadedSource {
  name: string;
  path: string | null;
  text: string | null;
  failure: string | null;
}

export interface PrepareOptions {
  mode: ExpansionMode;
  seed: number;
  variants: number;
  maxJobs: number;
  skipBadRows: boolean;
  /** Call-level defaults (CLI flags, the app's batch settings): over a file's own defaults, under its rows. */
  defaults: BatchDefaults;
  wildcards: WildcardSource;
  config: Config;
  /** The registered backend clients, for their capabilities. */
  registry: ReadonlyMap<string, BackendInterface>;
}

export interface PreparedJob {
  input: JobInput;
  line: number;
}

export interface PreparedFile {
  name: string;
  path: string | null;
  format: BatchFormat | null;
  rows: number;
  templateRows: number;
  /** Jobs of the rows without errors (all of them are queued only when the file has no error, or bad rows are skipped). */
  jobs: PreparedJob[];
  /** Jobs the rows would make, counted before expansion (equals jobs.length unless the cap stopped expansion). */
  plannedJobs: number;
  defaults: BatchDefaults;
  /** The templates as written, `line N: …`, stored with the batch. */
  templates: string[];
  issues: FileIssues;
}

export interface PreparedBatch {
  files: PreparedFile[];
  issues: IssueList;
  expansion: ExpansionSettings;
  /** Why nothing may be queued (an error that skipping bad rows cannot fix), or null. */
  blocked: string | null;
}

/** Random mode redraws this often to avoid giving one row's jobs the same prompt twice. */
const MAX_DRAWS_PER_JOB = 16;

interface ParsedText {
  text: string;
  node: TemplateNode | null;
}

interface RowPlan {
  row: CheckedRow;
  fields: Omit<JobInput, 'prompt'>;
  prompt: ParsedText;
  negative: ParsedText | null;
  jobs: number;
}

interface FilePlan {
  file: PreparedFile;
  plans: RowPlan[];
}

export function prepareBatch(sources: readonly LoadedSource[], options: PrepareOptions): PreparedBatch {
  const issues = new IssueList();
  const ctx: ExpandContext = { wildcards: options.wildcards, mode: options.mode };
  const expansion: ExpansionSettings = { mode: options.mode, seed: options.seed, variants: options.variants, max_jobs: options.maxJobs };
  const filePlans = sources.map((source) => planFile(source, issues, ctx, options));

  const planned = filePlans.reduce((sum, f) => sum + f.plans.reduce((n, p) => n + p.jobs, 0), 0);
  let blocked: string | null = null;
  if (planned > options.maxJobs) {
    blocked = capMessage(filePlans, planned, options);
    const biggest = biggestRow(filePlans);
    issues.error(biggest?.file.name ?? sources[0]?.name ?? '', biggest?.plan.row.positions.prompt ?? biggest?.plan.row.at ?? null, 'prompt', blocked, 'batch');
  } else {
    for (const filePlan of filePlans) expandFile(filePlan, ctx, options);
  }
  return { files: filePlans.map((f) => f.file), issues, expansion, blocked };
}

// ------------------------------------------------------------------ phase 1: parse, check, count

function planFile(source: LoadedSource, list: IssueList, ctx: ExpandContext, options: PrepareOptions): FilePlan {
  const issues = new FileIssues(source.name, list);
  const file: PreparedFile = {
    name: source.name,
    path: source.path,
    format: null,
    rows: 0,
    templateRows: 0,
    jobs: [],
    plannedJobs: 0,
    defaults: options.defaults,
    templates: [],
    issues,
  };
  if (source.text === null) {
    issues.whole(null, null, source.failure ?? 'could not be read');
    return { file, plans: [] };
  }
  const parsed = parseBatchFile(source.name, source.text, issues);
  file.format = issues.failed && parsed.rows.length === 0 ? null : parsed.format;
  if (parsed.defaults) file.defaults = mergeDefaults(checkDefaults(parsed.defaults.fields, parsed.defaults.at, issues), options.defaults);

  // A template as the default negative prompt is expanded per job like a row's own.
  const defaultNegative = file.defaults.negative_prompt ? parseText(file.defaults.negative_prompt, 'negative_prompt', null, 0, issues, ctx) : null;
  const negativeFromDefaults = defaultNegative?.node ? defaultNegative : null;

  const warnedKeys = new Set<string>();
  const plans: RowPlan[] = [];
  for (const row of parsed.rows) {
    const plan = planRow(row, issues, ctx, options, warnedKeys, negativeFromDefaults);
    if (plan) plans.push(plan);
  }
  const lines = new Set([...parsed.rows.map((r) => r.at.line), ...issues.badLines]);
  file.rows = lines.size;
  file.templateRows = plans.filter((p) => p.prompt.node || p.negative?.node).length;
  file.plannedJobs = plans.reduce((n, p) => n + p.jobs, 0);
  file.templates = plans.filter((p) => p.prompt.node || p.negative?.node).map((p) => describeTemplate(p));
  if (!issues.failed && file.rows === 0) issues.whole(null, null, 'has no prompts (blank lines and # comments are skipped)');
  return { file, plans };
}

function planRow(row: RawRow, issues: FileIssues, ctx: ExpandContext, options: PrepareOptions, warnedKeys: Set<string>, defaultNegative: ParsedText | null): RowPlan | null {
  const checked = checkFields(row.fields, row.at, issues, warnedKeys);
  const line = row.at.line;
  const promptText = checked.values.prompt as string | undefined;
  if (promptText === undefined) {
    if (!issues.isBad(line)) issues.rowAt(line, checked.positions.prompt ?? row.at, 'prompt', 'a prompt is required');
    return null;
  }
  const prompt = parseText(promptText, 'prompt', checked.positions.prompt ?? row.at, line, issues, ctx);
  const ownNegative = checked.values.negative_prompt as string | undefined;
  const negative = ownNegative !== undefined ? parseText(ownNegative, 'negative_prompt', checked.positions.negative_prompt ?? row.at, line, issues, ctx) : defaultNegative;
  if (prompt === null || (ownNegative !== undefined && negative === null) || issues.isBad(line)) return null;

  let jobs: number;
  try {
    if (options.mode === 'random') jobs = prompt.node || negative?.node ? options.variants : 1;
    else jobs = (prompt.node ? countCombinations(prompt.node, ctx) : 1) * (negative?.node ? countCombinations(negative.node, ctx) : 1);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    issues.rowAt(line, checked.positions.prompt ?? row.at, 'prompt', error.message);
    return null;
  }
  return { row: checked, fields: toJobFields(checked.values), prompt, negative, jobs };
}

/** Parses a prompt that may be a template; reports syntax errors and unknown wildcards at the field. */
function parseText(text: string, field: RowField, at: Position | null, rowLine: number, issues: FileIssues, ctx: ExpandContext): ParsedText | null {
  if (!mayBeTemplate(text)) return { text, node: null };
  const report = (reason: string) => (at ? issues.rowAt(rowLine, at, field, reason) : issues.whole(null, field, `the default ${field}: ${reason}`));
  let node: TemplateNode;
  try {
    node = parseTemplate(text);
    if (!isDynamic(node)) return { text: staticText(node), node: null };
    checkTemplate(node, ctx);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    report(error.offset !== null ? `${error.message} (at character ${error.offset + 1})` : error.message);
    return null;
  }
  if (text.includes('${') && at) issues.warn(at, field, 'dynamic-prompt variables (${…}) are not supported; they stay in the prompt as written');
  return { text, node };
}

/** A template without choices (only escapes such as `\{`): its text with the escapes resolved. */
function staticText(node: TemplateNode): string {
  if (node.kind === 'text') return node.text;
  if (node.kind === 'seq') return node.parts.map(staticText).join('');
  return '';
}

function describeTemplate(plan: RowPlan): string {
  const parts = [`line ${plan.row.at.line}: ${plan.prompt.text}`];
  if (plan.negative?.node) parts.push(`  negative: ${plan.negative.text}`);
  return parts.join('\n');
}

// ------------------------------------------------------------------ the job cap

function biggestRow(files: readonly FilePlan[]): { file: PreparedFile; plan: RowPlan } | null {
  let best: { file: PreparedFile; plan: RowPlan } | null = null;
  for (const f of files) for (const plan of f.plans) if (!best || plan.jobs > best.plan.jobs) best = { file: f.file, plan };
  return best;
}

function capMessage(files: readonly FilePlan[], planned: number, options: PrepareOptions): string {
  const biggest = biggestRow(files);
  const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'endless');
  const where = biggest && biggest.plan.jobs > 1 ? ` The largest is ${biggest.file.name} line ${biggest.plan.row.at.line}, which makes ${fmt(biggest.plan.jobs)} prompts.` : '';
  const fix = options.mode === 'combinatorial' ? 'Narrow the template, switch to random mode, or raise max_jobs' : 'Use fewer rows or variants, or raise max_jobs';
  return `These files would make ${fmt(planned)} jobs, more than the cap of ${fmt(options.maxJobs)}.${where} ${fix} (at most ${fmt(LIMITS.jobsPerBatch)}). Nothing was expanded.`;
}

// ------------------------------------------------------------------ phase 2: expand and check against the backends

function expandFile(filePlan: FilePlan, ctx: ExpandContext, options: PrepareOptions): void {
  const { file, plans } = filePlan;
  const warned = new Set<string>();
  const candidates = cascadeCandidates(options.registry, options.config);
  // Rows that ask alike route alike: the verdict depends only on the routing fields, and a 10,000-row
  // file has a handful of distinct ones.
  const verdicts = new Map<string, RouteVerdict>();
  for (const plan of plans) {
    const { row } = plan;
    const line = row.at.line;
    const pairs = expandRow(plan, file.name, ctx, options, file.issues);
    if (pairs === null) continue;
    const key = routeKey(plan.fields);
    let verdict = verdicts.get(key);
    if (!verdict) {
      verdict = routeRow(plan.fields, file.defaults, candidates, options);
      verdicts.set(key, verdict);
    }
    for (const warning of verdict.warnings) {
      if (warned.has(warning.key)) continue;
      warned.add(warning.key);
      file.issues.warn(row.positions[warning.field] ?? row.positions.backend ?? row.at, warning.field, warning.reason);
    }
    if (verdict.error) {
      file.issues.rowAt(line, positionOf(row, verdict.error.field), verdict.error.field, verdict.error.reason);
      continue;
    }
    if (verdict.pinModel) plan.fields.backend = verdict.pinModel;
    const tooLong = pairs.find(([prompt]) => prompt.length > verdict.maxPromptChars);
    if (tooLong) {
      const who = verdict.pinned ?? 'any enabled backend';
      file.issues.rowAt(line, row.positions.prompt ?? row.at, 'prompt', `${who} takes prompts up to ${verdict.maxPromptChars} characters; this one (expanded) has ${tooLong[0].length}`);
      continue;
    }
    if (file.issues.isBad(line)) continue;
    for (const [prompt, negative] of pairs) {
      // Most rows make one job: it takes the row's own fields object instead of a copy.
      const input = pairs.length === 1 ? (plan.fields as JobInput) : ({ ...plan.fields } as JobInput);
      input.prompt = prompt;
      if (negative !== undefined) input.negative_prompt = negative;
      file.jobs.push({ input, line });
    }
  }
}

/** Where a capability problem points: the size problem at whichever size field the row gave. */
function positionOf(row: CheckedRow, field: RowField): Position {
  const at = field === 'width' ? (row.positions.width ?? row.positions.height ?? row.positions.aspect_ratio) : row.positions[field];
  return at ?? row.at;
}

/** The row's (prompt, negative prompt) pairs; null when the expansion broke a limit (reported). */
function expandRow(plan: RowPlan, fileName: string, ctx: ExpandContext, options: PrepareOptions, issues: FileIssues): Array<[string, string | undefined]> | null {
  const line = plan.row.at.line;
  const at = plan.row.positions.prompt ?? plan.row.at;
  // A static negative prompt (escapes resolved); a dynamic one is drawn per job; none: the defaults apply at submission.
  const negativeText = plan.negative && !plan.negative.node ? plan.negative.text : undefined;
  const pairs: Array<[string, string | undefined]> = [];
  try {
    if (!plan.prompt.node && !plan.negative?.node) {
      pairs.push([plan.prompt.text, negativeText]);
    } else if (options.mode === 'random') {
      const seen = new Set<string>();
      for (let variant = 0; variant < plan.jobs; variant++) {
        const rng = seededRng(options.seed, basename(fileName), line, variant);
        let pair: [string, string | undefined] = ['', undefined];
        for (let draw = 0; draw < MAX_DRAWS_PER_JOB; draw++) {
          pair = [plan.prompt.node ? drawPrompt(plan.prompt.node, ctx, rng, variant) : plan.prompt.text, plan.negative?.node ? drawPrompt(plan.negative.node, ctx, rng, variant) : negativeText];
          if (!seen.has(`${pair[0]}\u0000${pair[1] ?? ''}`)) break;
        }
        seen.add(`${pair[0]}\u0000${pair[1] ?? ''}`);
        pairs.push(pair);
      }
    } else {
      const rng = seededRng(options.seed, basename(fileName), line, 'combinatorial');
      const negatives = plan.negative?.node ? [...enumeratePrompts(plan.negative.node, ctx, rng)] : [negativeText];
      const prompts = plan.prompt.node ? enumeratePrompts(plan.prompt.node, ctx, rng) : [plan.prompt.text];
      for (const prompt of prompts) for (const negative of negatives) pairs.push([prompt, negative]);
    }
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    issues.rowAt(line, at, 'prompt', error.message);
    return null;
  }
  const empty = pairs.find(([prompt]) => prompt.trim() === '');
  if (empty) {
    issues.rowAt(line, at, 'prompt', 'the template can expand to an empty prompt');
    return null;
  }
  const long = pairs.find(([prompt, negative]) => prompt.length > LIMITS.promptChars || (negative?.length ?? 0) > LIMITS.promptChars);
  if (long) {
    issues.rowAt(line, at, 'prompt', `an expanded prompt has ${Math.max(long[0].length, long[1]?.length ?? 0)} characters; at most ${LIMITS.promptChars}`);
    return null;
  }
  return pairs;
}

/** What the backends say about a row, whatever its prompt: computed once per distinct routing fields. */
interface RouteVerdict {
  /** The backend the jobs are pinned to (null: the cascade chooses). */
  pinned: string | null;
  /** A model without a backend: the backend its jobs are sent to. */
  pinModel: BackendId | null;
  maxPromptChars: number;
  error: { field: RowField; reason: string } | null;
  warnings: Array<{ key: string; field: RowField; reason: string }>;
}

function routeKey(fields: Omit<JobInput, 'prompt'>): string {
  const p = fields.params;
  // `\u0001` cannot appear in a backend id, a number or a ratio; a model id holding one only costs a cache miss.
  return `${fields.backend ?? ''}\u0001${p?.width ?? ''}\u0001${p?.height ?? ''}\u0001${p?.aspect_ratio ?? ''}\u0001${p?.count ?? ''}\u0001${p?.model ?? ''}\u0001${fields.negative_prompt !== undefined}`;
}

/**
 * A model id without a backend pins the row to that model's backend, since no other backend knows the
 * model; a pinned backend must be registered and able to make the size, ratio and count; an unpinned row
 * needs at least one enabled backend that can.
 */
function routeRow(fields: Omit<JobInput, 'prompt'>, defaults: BatchDefaults, candidates: readonly BackendInterface[], options: PrepareOptions): RouteVerdict {
  const base = normalizeJob({ prompt: '', ...fields }, defaults, () => 0);
  const verdict: RouteVerdict = { pinned: base.pinned_backend, pinModel: null, maxPromptChars: LIMITS.promptChars, error: null, warnings: [] };
  const fail = (field: RowField, reason: string): RouteVerdict => ({ ...verdict, error: { field, reason } });

  const model = base.params.model;
  if (model) {
    const family = modelFamily(model, options.config);
    if (verdict.pinned) {
      if (family.recognised && family.backend !== verdict.pinned && verdict.pinned !== 'demo') return fail('model', `${model} is ${family.name}, but this row's backend is ${verdict.pinned}`);
    } else {
      verdict.pinned = family.backend;
      verdict.pinModel = family.backend;
      verdict.warnings.push({
        key: `model:${model}`,
        field: 'model',
        reason: family.recognised
          ? `${model} is ${family.name}: these jobs go to ${family.backend} only (no fallback to another backend)`
          : `${model} is not a Gemini, Imagen or MiniMax model id, so it is taken for an SDXL checkpoint: these jobs go to sdxl only`,
      });
    }
  }

  if (verdict.pinned) {
    const backend = options.registry.get(verdict.pinned);
    if (!backend) return fail('backend', `${verdict.pinned} is not available in this build`);
    const problem = capabilityProblem(backend.capabilities, base);
    if (problem) return fail(problem.field, `${verdict.pinned} ${problem.reason}`);
    if (base.negative_prompt && !backend.capabilities.negative_prompt) {
      verdict.warnings.push({ key: `negative:${verdict.pinned}`, field: 'negative_prompt', reason: `${verdict.pinned} has no negative prompt; it is ignored there` });
    }
    if (!backendSettings(options.config, verdict.pinned as BackendId).enabled) {
      verdict.warnings.push({ key: `disabled:${verdict.pinned}`, field: 'backend', reason: `${verdict.pinned} is disabled in settings: these jobs wait until it is enabled` });
    }
    verdict.maxPromptChars = backend.capabilities.max_prompt_chars;
    return verdict;
  }
  const problem = noCandidateCan(candidates, base);
  if (problem) return fail(problem.field, problem.reason);
  if (candidates.length > 0) verdict.maxPromptChars = Math.max(...candidates.map((b) => b.capabilities.max_prompt_chars));
  return verdict;
}

/**
 * The options of a preview, a submit or an estimate, from the call's input: one place for the defaults,
 * so what an estimate or preview shows is what a submit with the same input (and seed) queues.
 */
export function prepareOptionsFrom(
  input: BatchPreviewInput | BatchSubmitInput,
  context: { wildcardsDir: string; config: Config; registry: ReadonlyMap<string, BackendInterface> },
): PrepareOptions {
  return {
    mode: input.mode ?? 'random',
    // Drawn here and returned with the preview, so a submit with the previewed seed queues exactly the previewed prompts.
    seed: input.seed ?? randomInt(0, MAX_SEED + 1),
    variants: input.variants ?? 1,
    maxJobs: input.max_jobs ?? BATCH_LIMITS.defaultMaxJobs,
    skipBadRows: input.skip_bad_rows ?? false,
    defaults: input.defaults ?? {},
    wildcards: wildcardFolder(context.wildcardsDir),
    config: context.config,
    registry: context.registry,
  };
}
