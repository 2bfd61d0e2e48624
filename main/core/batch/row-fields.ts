import { z } from 'zod';
import { BACKEND_IDS } from '../../../shared/domain/config';
import { AspectRatio, LIMITS, MAX_SEED, type JobInput } from '../../../shared/domain/jobs';
import type { BatchDefaults } from '../../../shared/domain/batch';
import type { FileIssues, Position } from './issues';
import type { RawField } from './raw-row';

/**
 * The batch row fields of DESIGN §8, checked with zod (one schema, one pass per row) so every problem
 * names its own field and position. Keys are case-insensitive; camelCase, spaces and dashes are accepted (`negativePrompt`,
 * `Negative Prompt`, `negative-prompt` are all `negative_prompt`).
 */
export const ROW_FIELDS = [
  'prompt',
  'negative_prompt',
  'width',
  'height',
  'aspect_ratio',
  'steps',
  'cfg_scale',
  'sampler',
  'seed',
  'count',
  'backend',
  'model',
  'priority',
  'quality_level',
  'project',
  'tags',
  'max_cost_usd',
  'fallback_on_block',
] as const;
export type RowField = (typeof ROW_FIELDS)[number];

/** Other names artists' files use for the same fields (A1111 flag names among them). */
const ALIASES: Readonly<Record<string, RowField>> = {
  sampler_name: 'sampler',
  sd_model: 'model',
  negative: 'negative_prompt',
  cfg: 'cfg_scale',
  quality: 'quality_level',
  tag: 'tags',
};

/** Edit distance within which an unknown key is taken for a typo (an error) rather than an extra column (a warning). */
const TYPO_DISTANCE = 2;
/** How much of a bad value is quoted back in an error. */
const QUOTED_VALUE_CHARS = 40;

/** `negativePrompt`, `Negative Prompt`, `NEGATIVE-PROMPT` → `negative_prompt`. */
export function normalizeKey(key: string): string {
  return key
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_')
    .replace(/_+/g, '_');
}

export type KeyMatch = { kind: 'field'; field: RowField } | { kind: 'typo'; suggestion: RowField } | { kind: 'unknown' };

/** Keys repeat on every row of a file: remember the answer (bounded: keys come from files). */
const KEY_CACHE = new Map<string, KeyMatch>();
const KEY_CACHE_SIZE = 512;

export function matchKey(key: string): KeyMatch {
  const cached = KEY_CACHE.get(key);
  if (cached) return cached;
  const match = matchKeyUncached(key);
  if (KEY_CACHE.size >= KEY_CACHE_SIZE) KEY_CACHE.clear();
  KEY_CACHE.set(key, match);
  return match;
}

function matchKeyUncached(key: string): KeyMatch {
  const normalized = normalizeKey(key);
  if ((ROW_FIELDS as readonly string[]).includes(normalized)) return { kind: 'field', field: normalized as RowField };
  // Own keys only: a column named `constructor` must not find Object's.
  if (Object.hasOwn(ALIASES, normalized)) return { kind: 'field', field: ALIASES[normalized]! };
  let best: { field: RowField; distance: number } | null = null;
  for (const field of ROW_FIELDS) {
    const distance = editDistance(normalized, field);
    if (distance <= TYPO_DISTANCE && (best === null || distance < best.distance)) best = { field, distance };
  }
  return best ? { kind: 'typo', suggestion: best.field } : { kind: 'unknown' };
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > TYPO_DISTANCE) return TYPO_DISTANCE + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

// ---- value coercion: CSV and A1111 give strings, JSON gives numbers; empty and null mean "not given" ----

function blankToUndefined(value: unknown): unknown {
  if (value === null) return undefined;
  if (typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

function toNumber(decimalComma: boolean) {
  return (value: unknown): unknown => {
    const v = blankToUndefined(value);
    if (typeof v !== 'string') return v;
    let text = v.trim();
    // `7,5` in a semicolon CSV from a European spreadsheet; never for whole numbers, where `1,024` is ambiguous.
    if (decimalComma && /^-?\d+,\d+$/.test(text)) text = text.replace(',', '.');
    const n = Number(text);
    return text !== '' && Number.isFinite(n) ? n : v;
  };
}

function toText(value: unknown): unknown {
  const v = blankToUndefined(value);
  return typeof v === 'string' ? v.trim() : v;
}

function toBoolean(value: unknown): unknown {
  const v = blankToUndefined(value);
  if (typeof v !== 'string') return v;
  const text = v.trim().toLowerCase();
  if (['true', 'yes', '1'].includes(text)) return true;
  if (['false', 'no', '0'].includes(text)) return false;
  return v;
}

function toTags(value: unknown): unknown {
  const v = blankToUndefined(value);
  if (typeof v === 'string') return v.split(/[;,]/).map((tag) => tag.trim()).filter((tag) => tag !== '');
  return v;
}

function toBackend(value: unknown): unknown {
  const v = blankToUndefined(value);
  return typeof v === 'string' ? v.trim().toLowerCase().replace(/[\s-]+/g, '_') : v;
}

function toSeed(value: unknown): unknown {
  const v = toNumber(false)(value);
  return typeof v === 'string' && v.trim().toLowerCase() === 'random' ? -1 : v;
}

const wholeNumber = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be ${min} to ${max}` })
    .max(max, { error: `must be ${min} to ${max}` });
const decimal = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .min(min, { error: `must be ${min} to ${max}` })
    .max(max, { error: `must be ${min} to ${max}` });
const text = (max: number) => z.string({ error: 'must be text' }).min(1).max(max, { error: `must be at most ${max} characters` });

/** A blank cell or null is "not given" (the batch default applies), not a bad value. */
const optional = <T extends z.ZodType>(schema: T) => schema.optional();

const FIELD_SCHEMAS: Record<RowField, z.ZodType> = {
  // Templates are checked for length again after expansion; here the written text is bounded.
  prompt: z.preprocess(toText, optional(text(LIMITS.promptChars))),
  negative_prompt: z.preprocess(toText, optional(text(LIMITS.promptChars))),
  width: z.preprocess(toNumber(false), optional(wholeNumber(LIMITS.minSide, LIMITS.maxSide))),
  height: z.preprocess(toNumber(false), optional(wholeNumber(LIMITS.minSide, LIMITS.maxSide))),
  aspect_ratio: z.preprocess(toText, optional(AspectRatio)),
  steps: z.preprocess(toNumber(false), optional(wholeNumber(1, 150))),
  cfg_scale: z.preprocess(toNumber(true), optional(decimal(0, 30))),
  sampler: z.preprocess(toText, optional(text(100))),
  seed: z.preprocess(toSeed, optional(wholeNumber(-1, MAX_SEED))),
  count: z.preprocess(toNumber(false), optional(wholeNumber(1, LIMITS.imagesPerJob))),
  backend: z.preprocess(toBackend, optional(z.enum(BACKEND_IDS, { error: `must be one of ${BACKEND_IDS.join(', ')}` }))),
  model: z.preprocess(toText, optional(text(200))),
  priority: z.preprocess(toNumber(false), optional(wholeNumber(1, 5))),
  quality_level: z.preprocess(toNumber(false), optional(wholeNumber(1, 5))),
  project: z.preprocess(toText, optional(text(LIMITS.projectChars))),
  tags: z.preprocess(
    toTags,
    z
      .array(z.string({ error: 'tags must be text' }).trim().min(1).max(LIMITS.tagChars, { error: `a tag may be at most ${LIMITS.tagChars} characters` }), {
        error: 'must be tags separated by ; or , (or a JSON array of strings)',
      })
      .max(LIMITS.tagsPerJob, { error: `at most ${LIMITS.tagsPerJob} tags` })
      .optional(),
  ),
  max_cost_usd: z.preprocess(toNumber(true), optional(decimal(0, 1_000))),
  fallback_on_block: z.preprocess(toBoolean, optional(z.boolean({ error: 'must be true or false' }))),
};

/** A row's checked values, and where each came from (later checks point at the same place). */
export interface CheckedRow {
  at: Position;
  values: Partial<Record<RowField, unknown>>;
  positions: Partial<Record<RowField, Position>>;
}

/** A bad value as the file wrote it: text in quotes, JSON numbers and objects as JSON, shortened. */
function quote(value: unknown): string {
  const cut = (text: string) => (text.length > QUOTED_VALUE_CHARS ? `${text.slice(0, QUOTED_VALUE_CHARS)}…` : text);
  return typeof value === 'string' ? JSON.stringify(cut(value)) : cut(JSON.stringify(value) ?? String(value));
}

/** All fields in one schema: one zod pass per row (a 10,000-row file is 10,000 passes, not 100,000). */
const ROW_SCHEMA = z.object(FIELD_SCHEMAS);

/**
 * Checks every field of a row with zod and reports each bad one where it is. Unknown keys close to a
 * field name are taken for typos (errors, with the suggestion); others are extra columns, ignored with a
 * warning once per file.
 */
export function checkFields(fields: readonly RawField[], at: Position, issues: FileIssues, warnedKeys: Set<string>, rowLine = at.line): CheckedRow {
  const input: Partial<Record<RowField, unknown>> = {};
  // A raw field is its own position: where each field came from, kept even for a blank value, so that
  // "a prompt is required" points at the empty cell.
  const raws: Partial<Record<RowField, RawField>> = {};
  for (const raw of fields) {
    const match = matchKey(raw.key);
    if (match.kind === 'typo') {
      issues.rowAt(rowLine, raw, raw.key, `unknown field (did you mean ${match.suggestion}?)`);
      continue;
    }
    if (match.kind === 'unknown') {
      if (!warnedKeys.has(raw.key)) {
        warnedKeys.add(raw.key);
        issues.warn(raw, raw.key, `not a batch field; ignored (fields: ${ROW_FIELDS.join(', ')})`);
      }
      continue;
    }
    const before = raws[match.field];
    if (before !== undefined && blankToUndefined(raw.value) !== undefined) {
      if (blankToUndefined(before.value) !== undefined) issues.warn(raw, match.field, 'given twice; the last one counts');
    } else if (before !== undefined) continue; // a blank repeat does not undo a value
    input[match.field] = raw.value;
    raws[match.field] = raw;
  }
  const parsed = ROW_SCHEMA.safeParse(input);
  if (parsed.success) return { at, values: parsed.data as CheckedRow['values'], positions: raws };
  // Reported in the order the row wrote them, not the schema's.
  const found = parsed.error.issues.map((issue) => ({ field: issue.path[0] as RowField, message: issue.message })).sort((a, b) => (raws[a.field]?.column ?? 0) - (raws[b.field]?.column ?? 0));
  for (const { field, message } of found) {
    const raw = raws[field];
    issues.rowAt(rowLine, raw ?? at, field, `${message}${raw ? ` (got ${quote(raw.value)})` : ''}`);
  }
  return { at, values: {}, positions: raws };
}

const PARAM_FIELDS: ReadonlySet<string> = new Set(['width', 'height', 'aspect_ratio', 'steps', 'cfg_scale', 'sampler', 'seed', 'count', 'quality_level', 'model']);
const CONSTRAINT_FIELDS: ReadonlySet<string> = new Set(['max_cost_usd', 'fallback_on_block']);

/**
 * The checked fields shaped as the queue's `JobInput` (prompt excluded: the caller expands it first).
 * A plain loop: this runs once per row, and a 10,000-row file should not wait on object spreads.
 */
export function toJobFields(values: CheckedRow['values']): Omit<JobInput, 'prompt'> {
  const job: Record<string, unknown> = {};
  let params: Record<string, unknown> | null = null;
  let constraints: Record<string, unknown> | null = null;
  // Keys are canonical field names only (checkFields sets nothing else).
  for (const key of Object.keys(values)) {
    const value = values[key as RowField];
    if (value === undefined || key === 'prompt') continue;
    if (PARAM_FIELDS.has(key)) (params ??= {})[key] = value;
    else if (CONSTRAINT_FIELDS.has(key)) (constraints ??= {})[key] = value;
    else job[key] = value;
  }
  if (params) job.params = params;
  if (constraints) job.constraints = constraints;
  return job as Omit<JobInput, 'prompt'>;
}

/** File-level defaults (JSON `{defaults, jobs}`): the same fields as a row, without a prompt. */
export function checkDefaults(fields: readonly RawField[], at: Position, issues: FileIssues): BatchDefaults {
  const errorsBefore = issues.errors;
  const checked = checkFields(fields, at, issues, new Set(), at.line);
  // A bad default would silently be missing from every job: the file as a whole is unusable.
  if (issues.errors > errorsBefore) issues.whole(at, 'defaults', 'the file\'s defaults have errors (listed here); none of its jobs can be queued without them');
  if (checked.positions.prompt) issues.warn(checked.positions.prompt, 'prompt', 'a default prompt is ignored; every job needs its own');
  return toJobFields(checked.values);
}

/** Merges batch defaults: `over` wins field by field, params and constraints merge, tags add up. */
export function mergeDefaults(under: BatchDefaults, over: BatchDefaults): BatchDefaults {
  const merged: BatchDefaults = { ...under, ...over };
  if (under.params || over.params) merged.params = { ...under.params, ...over.params };
  if (under.constraints || over.constraints) merged.constraints = { ...under.constraints, ...over.constraints };
  if (under.tags || over.tags) merged.tags = [...new Set([...(under.tags ?? []), ...(over.tags ?? [])])];
  return merged;
}
