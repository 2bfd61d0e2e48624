import type { JobConstraints, JobInput, JobParams } from '../../../shared/domain/jobs';
import { MAX_SEED } from '../../../shared/domain/jobs';

export const DEFAULT_SIDE = 1024;
export const DEFAULT_PRIORITY = 3;

/** A job ready to insert: defaults applied, seed drawn, nothing left optional. */
export interface NormalizedJob {
  prompt: string;
  negative_prompt: string | null;
  params: JobParams;
  priority: number;
  pinned_backend: string | null;
  constraints: JobConstraints;
  project: string | null;
  tags: string[];
}

export type JobDefaults = Partial<Omit<JobInput, 'prompt'>>;

/**
 * Applies batch defaults under a job's own fields and fills what is still missing. The seed is drawn here,
 * once, and stored: a retry or a crash re-run then asks the backend for the same image.
 */
export function normalizeJob(input: JobInput, defaults: JobDefaults = {}, random: () => number = Math.random): NormalizedJob {
  const params = { ...defaults.params, ...stripUndefined(input.params ?? {}) };
  const [width, height] = size(params.width, params.height, params.aspect_ratio ?? null);
  const seed = params.seed === undefined || params.seed === null || params.seed < 0 ? Math.floor(random() * (MAX_SEED + 1)) : params.seed;
  return {
    prompt: input.prompt,
    negative_prompt: pick(input.negative_prompt, defaults.negative_prompt) ?? null,
    params: {
      width,
      height,
      aspect_ratio: params.aspect_ratio ?? null,
      steps: params.steps ?? null,
      cfg_scale: params.cfg_scale ?? null,
      sampler: params.sampler ?? null,
      seed,
      count: params.count ?? 1,
      quality_level: params.quality_level ?? null,
      model: params.model ?? null,
    },
    priority: input.priority ?? defaults.priority ?? DEFAULT_PRIORITY,
    pinned_backend: pick(input.backend, defaults.backend) ?? null,
    constraints: { ...defaults.constraints, ...stripUndefined(input.constraints ?? {}) },
    project: pick(input.project, defaults.project) ?? null,
    tags: [...new Set([...(defaults.tags ?? []), ...(input.tags ?? [])])],
  };
}

/** Exact pixels win; an aspect ratio alone gives a ~1 megapixel size in steps of 64, as image models expect. */
function size(width: number | undefined, height: number | undefined, aspect: string | null): [number, number] {
  if (width !== undefined && height !== undefined) return [width, height];
  if (aspect) {
    const [w, h] = aspect.split(':').map(Number) as [number, number];
    if (w > 0 && h > 0) {
      const scale = Math.sqrt((DEFAULT_SIDE * DEFAULT_SIDE) / (w * h));
      return [round64(w * scale), round64(h * scale)];
    }
  }
  if (width !== undefined) return [width, width];
  if (height !== undefined) return [height, height];
  return [DEFAULT_SIDE, DEFAULT_SIDE];
}

function round64(value: number): number {
  return Math.max(64, Math.round(value / 64) * 64);
}

function pick<T>(own: T | undefined, fallback: T | undefined): T | undefined {
  return own !== undefined ? own : fallback;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
