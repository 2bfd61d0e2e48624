import type { BackendId } from '../../../../shared/domain/config';
import type { JobEstimate } from '../../../../shared/domain/estimate';
import { LIMITS, MAX_SEED, type JobInput } from '../../../../shared/domain/jobs';
import { BACKEND_LABELS, duration, usd } from '../../lib/format';
import { isBackendId, sizeParams } from './defaults-form';

/** The prompt bar's fields as the form holds them, and the one job they make. */
export interface PromptForm {
  prompt: string;
  negative: string;
  /** A SIZE_PRESETS id, '' for the backend's default. */
  size: string;
  count: string;
  /** '' or -1: drawn at submission. */
  seed: string;
  backend: '' | BackendId;
  priority: '1' | '2' | '3' | '4' | '5';
}

export const EMPTY_PROMPT_FORM: PromptForm = { prompt: '', negative: '', size: '', count: '1', seed: '', backend: '', priority: '3' };

export type PromptJob = { ok: true; job: JobInput } | { ok: false; field: 'prompt' | 'count' | 'seed'; reason: string };

function wholeNumber(text: string): number | null {
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : null;
}

/** The job the bar would queue, or the first field that is wrong and why. */
export function promptJob(form: PromptForm): PromptJob {
  const prompt = form.prompt.trim();
  if (prompt === '') return { ok: false, field: 'prompt', reason: 'Write a prompt first.' };
  if (prompt.length > LIMITS.promptChars) return { ok: false, field: 'prompt', reason: `A prompt may be at most ${LIMITS.promptChars.toLocaleString('en-US')} characters.` };
  const count = wholeNumber(form.count);
  if (count === null || count < 1 || count > LIMITS.imagesPerJob) return { ok: false, field: 'count', reason: `Images: a whole number from 1 to ${LIMITS.imagesPerJob}.` };
  let seed: number | undefined;
  if (form.seed.trim() !== '') {
    const parsed = wholeNumber(form.seed);
    if (parsed === null || parsed < -1 || parsed > MAX_SEED) return { ok: false, field: 'seed', reason: `Seed: empty or -1 for random, else a whole number from 0 to ${MAX_SEED.toLocaleString('en-US')}.` };
    if (parsed >= 0) seed = parsed;
  }
  const negative = form.negative.trim().slice(0, LIMITS.promptChars);
  const job: JobInput = {
    prompt,
    params: { ...sizeParams(form.size), count, ...(seed !== undefined ? { seed } : {}) },
    priority: Number(form.priority),
    ...(negative !== '' ? { negative_prompt: negative } : {}),
    ...(form.backend !== '' ? { backend: form.backend } : {}),
  };
  return { ok: true, job };
}

/** "≈ $0.039 · about 12 s · Nano Banana", or why nothing can take the job. */
export function estimateText(estimate: JobEstimate): string {
  if (estimate.backend === null) return `No backend can take it: ${estimate.unroutable_reason ?? 'none is set up'}`;
  const backend = isBackendId(estimate.backend) ? BACKEND_LABELS[estimate.backend] : estimate.backend;
  const cost = estimate.estimated_cost === 0 ? 'Free' : `≈ ${usd(estimate.estimated_cost)}`;
  const unconfirmed = estimate.cost && !estimate.cost.confirmed ? ' (unconfirmed price)' : '';
  return `${cost}${unconfirmed} · about ${duration(Math.max(1, estimate.estimated_time_seconds))} · ${backend}`;
}
