import type { GenerationFields } from './types';

/**
 * Small coercions every parser needs: metadata written by other tools is untyped JSON or text, so a
 * "seed" may be a number, a numeric string, a float or garbage. Anything that is not clearly the
 * thing asked for becomes null rather than a wrong value.
 */

/** Longest prompt kept in a column (the raw metadata keeps everything); far beyond any real prompt. */
export const MAX_FIELD_CHARS = 100_000;
/** Model and sampler names are short identifiers (the sidecar allows 200); longer means we picked up the wrong thing. */
export const MAX_NAME_CHARS = 200;

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse that returns undefined instead of throwing (metadata is often not JSON at all). */
export function tryParseJson(text: string): unknown {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return undefined;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
}

export function parseJsonObject(text: string | undefined | null): JsonObject | null {
  if (text === undefined || text === null) return null;
  const value = tryParseJson(text);
  return isObject(value) ? value : null;
}

/** A prompt-like text: trimmed, empty → null, capped. */
export function text(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (trimmed === '') return null;
  return trimmed.length > MAX_FIELD_CHARS ? trimmed.slice(0, MAX_FIELD_CHARS) : trimmed;
}

/** A short name (model, sampler): trimmed, empty or implausibly long → null. */
export function name(value: unknown): string | null {
  const t = text(value);
  return t !== null && t.length <= MAX_NAME_CHARS ? t : null;
}

/**
 * A whole number that survives a round trip through a JavaScript number. ComfyUI seeds go up to 2^64,
 * past what a double holds exactly: those become null here (the raw metadata keeps the digits).
 */
export function integer(value: unknown): number | null {
  const n = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}

export function positiveInteger(value: unknown): number | null {
  const n = integer(value);
  return n !== null && n > 0 ? n : null;
}

export function decimal(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** The first argument that is not null. */
export function first<T>(...values: Array<T | null | undefined>): T | null {
  for (const value of values) if (value !== null && value !== undefined) return value;
  return null;
}

/** Field by field: the first non-null wins. */
export function mergeFields(preferred: GenerationFields, fallback: GenerationFields): GenerationFields {
  return {
    prompt: first(preferred.prompt, fallback.prompt),
    negative_prompt: first(preferred.negative_prompt, fallback.negative_prompt),
    seed: first(preferred.seed, fallback.seed),
    steps: first(preferred.steps, fallback.steps),
    sampler: first(preferred.sampler, fallback.sampler),
    cfg_scale: first(preferred.cfg_scale, fallback.cfg_scale),
    width: first(preferred.width, fallback.width),
    height: first(preferred.height, fallback.height),
    model: first(preferred.model, fallback.model),
  };
}
