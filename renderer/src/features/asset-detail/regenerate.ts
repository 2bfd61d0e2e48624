import type { AssetDetail } from '../../../../shared/domain/assets';
import type { BackendId } from '../../../../shared/domain/config';
import { LIMITS, MAX_SEED, type BatchInput, type JobInput, type JobParamsInput } from '../../../../shared/domain/jobs';

/**
 * "Generate again" and "Variations" as queue input, built from what the library knows about an image.
 * A generated image repeats its job exactly (prompt, negative prompt, every parameter, the seed, its
 * project and tags). An imported image brings what its tool wrote; values the queue cannot take (a
 * ComfyUI seed beyond 32 bits, another tool's checkpoint name, a size out of range) are left out, and
 * each is named in `notes` so the artist knows what will differ.
 */

export const VARIATIONS = { min: 1, max: 16, default: 4 } as const;

export interface Recipe {
  assetId: number;
  prompt: string;
  negative_prompt: string | null;
  params: JobParamsInput;
  project: string | null;
  tags: string[];
  /** What will differ from the original, in a sentence each. */
  notes: string[];
}

export type RecipeResult = { ok: true; recipe: Recipe } | { ok: false; reason: string };

function intIn(value: unknown, min: number, max: number): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : null;
}

export function recipeOf(asset: AssetDetail): RecipeResult {
  const prompt = asset.prompt?.trim() ?? '';
  if (prompt.length === 0) return { ok: false, reason: 'This image has no prompt to generate from.' };
  if (prompt.length > LIMITS.promptChars) return { ok: false, reason: `Its prompt has ${prompt.length.toLocaleString('en-US')} characters; the queue takes at most ${LIMITS.promptChars.toLocaleString('en-US')}.` };

  const notes: string[] = [];
  const p = asset.params ?? {};
  const params: JobParamsInput = {};
  const generated = asset.source === 'generated';

  const width = intIn(p.width, LIMITS.minSide, LIMITS.maxSide);
  const height = intIn(p.height, LIMITS.minSide, LIMITS.maxSide);
  if (width !== null && height !== null) {
    params.width = width;
    params.height = height;
  } else if (p.width !== undefined || p.height !== undefined) {
    notes.push(`The size ${String(p.width)} × ${String(p.height)} is outside ${LIMITS.minSide}–${LIMITS.maxSide} px: the backend's default size is used.`);
  }
  if (typeof p.aspect_ratio === 'string' && /^\d{1,2}:\d{1,2}$/.test(p.aspect_ratio)) params.aspect_ratio = p.aspect_ratio;
  const steps = intIn(p.steps, 1, 150);
  if (steps !== null) params.steps = steps;
  else if (typeof p.steps === 'number') notes.push(`${p.steps} steps is outside 1–150: the backend's default is used.`);
  if (typeof p.cfg_scale === 'number' && p.cfg_scale >= 0 && p.cfg_scale <= 30) params.cfg_scale = p.cfg_scale;
  else if (typeof p.cfg_scale === 'number') notes.push(`CFG scale ${p.cfg_scale} is outside 0–30: the backend's default is used.`);
  if (typeof p.sampler === 'string' && p.sampler.length >= 1 && p.sampler.length <= 100) params.sampler = p.sampler;
  const quality = intIn(p.quality_level, 1, 5);
  if (quality !== null) params.quality_level = quality;

  const rawSeed = asset.seed ?? (typeof p.seed === 'number' ? p.seed : null);
  const seed = intIn(rawSeed, 0, MAX_SEED);
  if (seed !== null) params.seed = seed;
  else if (rawSeed !== null) notes.push(`Seed ${rawSeed} is beyond the queue's 0–${MAX_SEED}: a new seed is drawn, so the image will differ.`);
  else notes.push('The image has no recorded seed: a new seed is drawn.');

  if (generated) {
    const count = intIn(p.count, 1, LIMITS.imagesPerJob);
    if (count !== null) params.count = count;
    if (typeof p.model === 'string' && p.model.length >= 1 && p.model.length <= 200) params.model = p.model;
  } else {
    const model = asset.model ?? (typeof p.model === 'string' ? p.model : null);
    if (model) notes.push(`The model “${model}” belongs to the tool that made the file: the chosen backend's own model is used.`);
  }

  let negative = asset.negative_prompt;
  if (negative !== null && negative.length > LIMITS.promptChars) {
    notes.push(`The negative prompt is longer than ${LIMITS.promptChars.toLocaleString('en-US')} characters and is left out.`);
    negative = null;
  }
  const project = generated && asset.job_project !== null && asset.job_project.trim().length > 0 && asset.job_project.length <= LIMITS.projectChars ? asset.job_project : null;
  const tags = generated ? asset.job_tags.filter((tag) => tag.trim().length > 0 && tag.length <= LIMITS.tagChars).slice(0, LIMITS.tagsPerJob) : [];
  return { ok: true, recipe: { assetId: asset.id, prompt, negative_prompt: negative, params, project, tags, notes } };
}

function jobOf(recipe: Recipe, params: JobParamsInput, backend: BackendId | null): JobInput {
  const job: JobInput = { prompt: recipe.prompt, params };
  if (recipe.negative_prompt !== null && recipe.negative_prompt.length > 0) job.negative_prompt = recipe.negative_prompt;
  if (backend !== null) job.backend = backend;
  if (recipe.project !== null) job.project = recipe.project;
  if (recipe.tags.length > 0) job.tags = recipe.tags;
  return job;
}

/** The same job again: same prompt, parameters and seed; `backend` pins it, null lets the cascade choose. */
export function generateAgainInput(recipe: Recipe, backend: BackendId | null): JobInput {
  return jobOf(recipe, { ...recipe.params }, backend);
}

/** `count` one-image jobs with the same parameters and a fresh random seed each (-1), as one batch. */
export function variationsInput(recipe: Recipe, count: number, backend: BackendId | null): BatchInput {
  if (!Number.isInteger(count) || count < VARIATIONS.min || count > VARIATIONS.max) {
    throw new RangeError(`variations: ask for ${VARIATIONS.min}–${VARIATIONS.max} images, not ${count}.`);
  }
  const params: JobParamsInput = { ...recipe.params, seed: -1, count: 1 };
  return {
    name: `Variations of image ${recipe.assetId}`,
    jobs: Array.from({ length: count }, () => jobOf(recipe, { ...params }, backend)),
  };
}
