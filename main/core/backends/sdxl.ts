import type { FetchLike } from './http-errors';
import { a1111Generate, a1111Health } from './sdxl-a1111';
import { comfyGenerate, comfyHealth, COMFY_POLL_INTERVAL_MS } from './sdxl-comfyui';
import { BackendError, type BackendCapabilities, type BackendInterface, type CallOptions, type GenerationRequest, type GenerationResult } from './types';
import { providerFetch } from './provider-fetch';

/**
 * `sdxl`: SDXL on the artist's own machine, through AUTOMATIC1111/Forge (`/sdapi/v1/txt2img`) or ComfyUI
 * (`/prompt` + `/history` + `/view`), chosen by `backends.sdxl.flavor` at call time so switching in
 * Settings needs no restart. Not paid. An optional credential "user:password" is sent as HTTP Basic
 * (A1111's --api-auth, or a proxy in front of ComfyUI).
 *
 * Generation settings come from config (checkpoint, sampler, steps, cfg_scale); a job's own values win.
 * A job's `model` names the checkpoint for that job.
 */

/** SDXL is trained around 1 MP; 2048 per side is what the WebUIs allow without tiling extensions. */
const MIN_SIDE = 64;
const MAX_SIDE = 2_048;
/** The latent is 1/8 of the image: both servers need sides in steps of 8. */
const SIDE_MULTIPLE = 8;
/** One batch; more images than this are better queued as separate jobs on a desktop GPU. */
const MAX_BATCH = 8;
const MAX_PROMPT_CHARS = 8_000;

export const SDXL_CAPABILITIES: BackendCapabilities = {
  min_side: MIN_SIDE,
  max_side: MAX_SIDE,
  aspect_ratios: [],
  max_images_per_request: MAX_BATCH,
  negative_prompt: true,
  seed: true,
  max_prompt_chars: MAX_PROMPT_CHARS,
};

export interface SdxlSettings {
  flavor: 'a1111' | 'comfyui';
  base_url: string;
  checkpoint: string | null;
  sampler: string;
  steps: number;
  cfg_scale: number;
}

/** A job may name its own sampler; the request carries it when the queue passes one. */
export type SdxlRequest = GenerationRequest;

/** Everything one SDXL call needs, resolved from the job and the settings. */
export interface SdxlPlan {
  prompt: string;
  negative_prompt: string;
  width: number;
  height: number;
  count: number;
  seed: number;
  steps: number;
  cfg_scale: number;
  sampler: string;
  /** Null on A1111 keeps the server's loaded checkpoint; ComfyUI needs one. */
  checkpoint: string | null;
}

/** The artist's server for one call. */
export interface SdxlServer {
  baseUrl: string;
  /** "user:password" for HTTP Basic, or null. */
  credential: string | null;
  signal: AbortSignal;
  fetch: FetchLike;
}

export interface SdxlOptions {
  settings: () => SdxlSettings;
  fetch?: FetchLike;
  /** How often ComfyUI's /history is polled (tests shorten it). */
  comfyPollIntervalMs?: number;
}

export function createSdxlClient(options: SdxlOptions): BackendInterface {
  const fetchImpl = options.fetch ?? providerFetch;
  const pollMs = options.comfyPollIntervalMs ?? COMFY_POLL_INTERVAL_MS;
  return {
    id: 'sdxl',
    paid: false,
    capabilities: SDXL_CAPABILITIES,
    async generate(request: GenerationRequest, call: CallOptions): Promise<GenerationResult> {
      const settings = options.settings();
      const plan = planSdxl(request, settings);
      const server: SdxlServer = { baseUrl: settings.base_url.replace(/\/+$/, ''), credential: call.credential, signal: call.signal, fetch: fetchImpl };
      return settings.flavor === 'a1111' ? a1111Generate(plan, server) : comfyGenerate(plan, server, pollMs);
    },
    async health(call: CallOptions): Promise<void> {
      const settings = options.settings();
      const server: SdxlServer = { baseUrl: settings.base_url.replace(/\/+$/, ''), credential: call.credential, signal: call.signal, fetch: fetchImpl };
      await (settings.flavor === 'a1111' ? a1111Health(server) : comfyHealth(server));
    },
  };
}

/** Resolves the call's settings, or `bad_request` before any call when SDXL cannot make the request. */
export function planSdxl(request: SdxlRequest, settings: SdxlSettings): SdxlPlan {
  for (const [name, side] of [['width', request.width], ['height', request.height]] as const) {
    if (!Number.isInteger(side) || side < MIN_SIDE || side > MAX_SIDE || side % SIDE_MULTIPLE !== 0) {
      throw new BackendError('bad_request', `SDXL makes sides of ${MIN_SIDE}–${MAX_SIDE} px in steps of ${SIDE_MULTIPLE}; the ${name} asked for is ${side}.`);
    }
  }
  if (request.count < 1 || request.count > MAX_BATCH) throw new BackendError('bad_request', `The sdxl backend makes 1–${MAX_BATCH} images per call; this job wants ${request.count}.`);
  if (request.prompt.length > MAX_PROMPT_CHARS) throw new BackendError('bad_request', `The prompt is ${request.prompt.length} characters; the sdxl backend sends at most ${MAX_PROMPT_CHARS}.`);
  const checkpoint = request.model ?? settings.checkpoint;
  if (settings.flavor === 'comfyui' && (checkpoint === null || checkpoint.trim() === '')) {
    throw new BackendError('bad_request', 'ComfyUI needs a checkpoint file name: set backends.sdxl.checkpoint (e.g. sd_xl_base_1.0.safetensors; ComfyUI lists them at /object_info/CheckpointLoaderSimple).');
  }
  return {
    prompt: request.prompt,
    negative_prompt: request.negative_prompt ?? '',
    width: request.width,
    height: request.height,
    count: request.count,
    seed: request.seed,
    steps: request.steps ?? settings.steps,
    cfg_scale: request.cfg_scale ?? settings.cfg_scale,
    sampler: request.sampler ?? settings.sampler,
    checkpoint: checkpoint === null || checkpoint.trim() === '' ? null : checkpoint.trim(),
  };
}
