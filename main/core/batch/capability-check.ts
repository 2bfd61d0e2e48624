import { BACKEND_IDS, type BackendId, type Config } from '../../../shared/domain/config';
import { backendSettings } from '../backends/pool';
import type { BackendCapabilities, BackendInterface } from '../backends/types';
import type { NormalizedJob } from '../queue/normalize-job';

/**
 * Whether a backend can make what a row asks for, from the registered clients' own `capabilities`: size,
 * aspect ratio, images per request, prompt length. Checked when the batch is added so a row no backend can
 * make is an error with its line, not a failed job an hour later.
 */

export interface CapabilityProblem {
  /** The row field the problem is about. */
  field: 'width' | 'aspect_ratio' | 'count' | 'prompt' | 'negative_prompt';
  reason: string;
}

export function capabilityProblem(caps: BackendCapabilities, job: Pick<NormalizedJob, 'params' | 'prompt'>): CapabilityProblem | null {
  const { width, height, count, aspect_ratio: ratio } = job.params;
  if (ratio && caps.aspect_ratios.length > 0 && !caps.aspect_ratios.includes(ratio)) {
    return { field: 'aspect_ratio', reason: `does not offer ${ratio} (it offers ${caps.aspect_ratios.join(', ')})` };
  }
  if (Math.max(width, height) > caps.max_side || Math.min(width, height) < caps.min_side) {
    return { field: 'width', reason: `does not make ${width}×${height} images (${caps.min_side}–${caps.max_side} px per side)` };
  }
  if (count > caps.max_images_per_request) return { field: 'count', reason: `makes at most ${caps.max_images_per_request} images per job (asked: ${count})` };
  if (job.prompt.length > caps.max_prompt_chars) return { field: 'prompt', reason: `takes prompts up to ${caps.max_prompt_chars} characters (this one: ${job.prompt.length})` };
  return null;
}

/**
 * Backends an unpinned job could go to: the enabled real ones, or the demo when no real one is registered
 * and enabled (the demo is never a silent fallback for a real job; the routing forecast tells the rest).
 */
export function cascadeCandidates(registry: ReadonlyMap<string, BackendInterface>, config: Config): BackendInterface[] {
  const enabled = [...registry.values()].filter((b) => isKnown(b.id) && backendSettings(config, b.id).enabled);
  const real = enabled.filter((b) => b.id !== 'demo');
  return real.length > 0 ? real : enabled;
}

function isKnown(id: string): id is BackendId {
  return (BACKEND_IDS as readonly string[]).includes(id);
}

/** Null when at least one candidate can make the job; else each candidate's reason. */
export function noCandidateCan(candidates: readonly BackendInterface[], job: Pick<NormalizedJob, 'params' | 'prompt'>): CapabilityProblem | null {
  if (candidates.length === 0) return null; // nothing enabled: the forecast says so, the row itself is fine
  const problems: Array<{ id: string; problem: CapabilityProblem }> = [];
  for (const backend of candidates) {
    const problem = capabilityProblem(backend.capabilities, job);
    if (problem === null) return null;
    problems.push({ id: backend.id, problem });
  }
  return { field: problems[0]!.problem.field, reason: `no enabled backend can make it: ${problems.map((p) => `${p.id} ${p.problem.reason}`).join('; ')}` };
}
