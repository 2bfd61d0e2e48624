import { BACKEND_IDS, Config, type BackendId, type ConfigPatch } from '../../../../shared/domain/config';
import { summarizeIssues } from '../../../../shared/validation';

/**
 * The settings editor's view-model, pure so it is unit-tested without a DOM. The editor keeps three
 * configs: `base` (what the core had when editing began), `draft` (the artist's edits) and `remote` (the
 * newest the core sent). Saving sends only what the artist changed (`buildPatch(base, draft)`), which the
 * core merges into its current file, so an edit made elsewhere meanwhile (the CLI, another window) to
 * another field is never overwritten with a stale value.
 */

export interface EditorState {
  base: Config;
  draft: Config;
  /** The core's latest config; differs from `base` when it changed elsewhere during editing. */
  remote: Config;
  /** Field path (`backends.sdxl.steps`) → the core's reason, from the last failed save. */
  serverErrors: Record<string, string>;
}

export type EditorAction =
  | { type: 'remote'; config: Config }
  | { type: 'set'; path: FieldPath; value: unknown }
  | { type: 'move'; id: BackendId; delta: number }
  | { type: 'reorder'; id: BackendId; toIndex: number }
  | { type: 'revert' }
  | { type: 'saved'; config: Config }
  | { type: 'save-failed'; field: string | null; reason: string };

/** A path into the config, as zod and the core name it: `['backends', 'sdxl', 'steps']`. */
export type FieldPath = readonly [string, string, string?];

export function initialEditorState(config: Config): EditorState {
  return { base: config, draft: config, remote: config, serverErrors: {} };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  switch (action.type) {
    case 'remote':
      // Nothing edited: follow the core. Edited: keep the edits, remember what the core has now.
      return isDirty(state) ? { ...state, remote: action.config } : initialEditorState(action.config);
    case 'set':
      return { ...state, draft: setAt(state.draft, action.path, action.value), serverErrors: withoutKey(state.serverErrors, pathKey(action.path)) };
    case 'move': {
      const order = cascadeOrder(state.draft);
      const from = order.indexOf(action.id);
      return from < 0 ? state : { ...state, draft: applyOrder(state.draft, moveItem(order, from, from + action.delta)) };
    }
    case 'reorder': {
      const order = cascadeOrder(state.draft);
      const from = order.indexOf(action.id);
      return from < 0 ? state : { ...state, draft: applyOrder(state.draft, moveItem(order, from, action.toIndex)) };
    }
    case 'revert':
      return initialEditorState(state.remote);
    case 'saved':
      return initialEditorState(action.config);
    case 'save-failed':
      return { ...state, serverErrors: { ...state.serverErrors, [action.field ?? '(root)']: action.reason } };
  }
}

/** Backends in the order the cascade tries them: lower priority first, ties in the documented order. */
export function cascadeOrder(config: Config): BackendId[] {
  return [...BACKEND_IDS].sort((a, b) => config.backends[a].priority - config.backends[b].priority || BACKEND_IDS.indexOf(a) - BACKEND_IDS.indexOf(b));
}

function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const target = Math.max(0, Math.min(items.length - 1, to));
  const out = [...items];
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(target, 0, item);
  return out;
}

/**
 * Gives the backends priorities that follow `order`, reusing the numbers they already have: the sorted
 * priorities are handed out along the new order, so swapping two neighbours changes exactly those two and a
 * distant number such as demo's 9 stays where it is. Ties are broken upwards (the order must be strict).
 */
export function applyOrder(config: Config, order: readonly BackendId[]): Config {
  const numbers = order.map((id) => config.backends[id].priority).sort((a, b) => a - b);
  const backends = { ...config.backends };
  let previous = 0;
  const assigned = order.map((id, index) => {
    const priority = Math.max(numbers[index] ?? 0, previous + 1);
    previous = priority;
    return [id, priority] as const;
  });
  // Only when the artist had crowded everything near the top could a number pass 99: renumber then.
  const renumber = previous > 99;
  assigned.forEach(([id, priority], index) => Object.assign(backends, { [id]: { ...config.backends[id], priority: renumber ? index + 1 : priority } }));
  return { ...config, backends };
}

function setAt(config: Config, path: FieldPath, value: unknown): Config {
  const [section, key, leaf] = path;
  if (section === 'backends' && leaf !== undefined) {
    const id = key as BackendId;
    return { ...config, backends: { ...config.backends, [id]: { ...config.backends[id], [leaf]: value } } };
  }
  if (section === 'orchestrator') return { ...config, orchestrator: { ...config.orchestrator, [key]: value } };
  if (section === 'budget') return { ...config, budget: { ...config.budget, [key]: value } };
  return config;
}

export function pathKey(path: FieldPath): string {
  return path.filter((part) => part !== undefined).join('.');
}

function withoutKey(record: Record<string, string>, key: string): Record<string, string> {
  if (!(key in record)) return record;
  const { [key]: _removed, ...rest } = record;
  return rest;
}

function sameValue(a: unknown, b: unknown): boolean {
  return Object.is(a, b);
}

/** Only the fields the artist changed, per section and backend; `{}` when nothing did. */
export function buildPatch(base: Config, draft: Config): ConfigPatch {
  const patch: ConfigPatch = {};
  const backends: NonNullable<ConfigPatch['backends']> = {};
  for (const id of BACKEND_IDS) {
    const changed = changedFields(base.backends[id], draft.backends[id]);
    if (changed) Object.assign(backends, { [id]: changed });
  }
  if (Object.keys(backends).length > 0) patch.backends = backends;
  const orchestrator = changedFields(base.orchestrator, draft.orchestrator);
  if (orchestrator) patch.orchestrator = orchestrator;
  const budget = changedFields(base.budget, draft.budget);
  if (budget) patch.budget = budget;
  return patch;
}

function changedFields<T extends object>(before: T, after: T): Partial<T> | null {
  const out: Partial<T> = {};
  let any = false;
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (!sameValue(before[key], after[key])) {
      out[key] = after[key];
      any = true;
    }
  }
  return any ? out : null;
}

export function isDirty(state: Pick<EditorState, 'base' | 'draft'>): boolean {
  return Object.keys(buildPatch(state.base, state.draft)).length > 0;
}

/** How many fields differ, for "3 unsaved changes". */
export function changeCount(state: Pick<EditorState, 'base' | 'draft'>): number {
  const patch = buildPatch(state.base, state.draft);
  let count = 0;
  for (const id of BACKEND_IDS) count += Object.keys(patch.backends?.[id] ?? {}).length;
  return count + Object.keys(patch.orchestrator ?? {}).length + Object.keys(patch.budget ?? {}).length;
}

/** True when the core's settings changed elsewhere since editing began (the save still applies on top). */
export function changedElsewhere(state: EditorState): boolean {
  return Object.keys(buildPatch(state.base, state.remote)).length > 0;
}

/**
 * The draft checked with the same zod schema the core uses: field path → reason. A number field left
 * empty holds NaN (see `numberFromInput`), reported as "enter a number".
 */
export function validateDraft(draft: Config): Record<string, string> {
  const parsed = Config.safeParse(draft);
  if (parsed.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of summarizeIssues(parsed.error)) {
    if (!(issue.path in errors)) errors[issue.path] = plainReason(issue.reason);
  }
  return errors;
}

/** zod's wording in the artist's: "Too small: expected number to be >=1" → "at least 1". */
export function plainReason(reason: string): string {
  if (/received NaN/i.test(reason)) return 'enter a number';
  const small = /^Too small: expected number to be >=?(\S+)$/.exec(reason);
  if (small) return `at least ${small[1]}`;
  const big = /^Too big: expected number to be <=?(\S+)$/.exec(reason);
  if (big) return `at most ${big[1]}`;
  if (/expected int, received number/i.test(reason)) return 'a whole number';
  return reason;
}

/**
 * What a number input's text means: a number, NaN for text that is not one, and for a nullable field an
 * empty box means null ("no limit", "use the price table").
 */
export function numberFromInput(text: string, nullable: boolean): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return nullable ? null : Number.NaN;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : Number.NaN;
}

/** The text a number input shows for a value (empty for null and NaN). */
export function inputFromNumber(value: number | null): string {
  return value === null || Number.isNaN(value) ? '' : String(value);
}

/** The core reports the first bad field as `details.field` (`backends.sdxl.steps`) and `details.reason`. */
export function serverFieldError(error: unknown): { field: string | null; reason: string } | null {
  if (typeof error !== 'object' || error === null || !('code' in error) || !('details' in error)) return null;
  const { code, details } = error as { code: unknown; details: Record<string, unknown> };
  if (code !== 'INVALID_INPUT' && code !== 'CONFIG_INVALID') return null;
  const field = typeof details.field === 'string' ? details.field : typeof details.path === 'string' ? details.path.replace(/^\$\./, '') : null;
  const reason = typeof details.reason === 'string' ? details.reason : 'not accepted';
  return { field, reason };
}
