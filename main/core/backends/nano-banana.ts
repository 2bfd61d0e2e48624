import { z } from 'zod';
import { nearestAspectRatio } from './aspect-ratio';
import { classifyGoogleHttpError, geminiNoImageError, type GoogleCallContext } from './google-errors';
import { headerSafeKey, parseProviderJson, readText, sendRequest, type FetchLike, type ProviderCall } from './http-errors';
import { decodeBase64Image } from './image-bytes';
import { settleParallel } from './parallel';
import { BackendError, type BackendCapabilities, type BackendInterface, type CallOptions, type GeneratedImage, type GenerationRequest, type GenerationResult } from './types';
import { providerFetch } from './provider-fetch';

/**
 * "Nano Banana": Gemini's native image models through `POST {base_url}/v1beta/models/{model}:generateContent`
 * with `x-goog-api-key` (research/backends.md §1). gemini-2.5-flash-image was shut down on 2026-10-02;
 * the default is its GA successor gemini-3.1-flash-image (the model id is config, `backends.nano_banana.model`).
 *
 * What the API has and has not: an aspect ratio and a size tier (generationConfig.imageConfig), no
 * negative prompt, no image count (one image per call, so `count` becomes parallel calls), and a seed
 * field whose effect on image models is unconfirmed — so no seed is promised or recorded.
 */

/** Ratios every Gemini image model accepts (research §1.2). */
export const GEMINI_ASPECT_RATIOS = ['1:1', '2:3', '3:2', '3:4', '4:3', '4:5', '5:4', '9:16', '16:9', '21:9'] as const;
/** Extreme ratios only Gemini 3.1 Flash Image documents (the Cloud AspectRatio enum). */
export const GEMINI_EXTREME_ASPECT_RATIOS = ['1:4', '4:1', '1:8', '8:1'] as const;
const EXTREME_RATIO_MODELS = /^gemini-3\.1-flash-image/;
/** Models with one size only (1K): imageSize is not sent to them and bigger requests are refused. */
const ONE_K_ONLY_MODELS = /^gemini-2\.5-flash-image/;

/** Size tiers by requested megapixels: 1K ≈ 1 MP, 2K ≈ 4 MP, 4K ≈ 16 MP; a request goes to the smallest tier that covers it. */
const TIER_1K_MAX_MEGAPIXELS = 1.2;
const TIER_2K_MAX_MEGAPIXELS = 4.5;
/** Parallel calls for one job: a job wanting more images goes to a backend that batches. */
const MAX_PARALLEL_CALLS = 4;
/** Gemini takes long prompts (tokens, not characters); this keeps a runaway batch row from being sent. */
const MAX_PROMPT_CHARS = 8_000;

export const NANO_BANANA_CAPABILITIES: BackendCapabilities = {
  min_side: 64,
  // The 4K tier at 21:9 is about 6 000 px wide.
  max_side: 6_144,
  aspect_ratios: [...GEMINI_ASPECT_RATIOS, ...GEMINI_EXTREME_ASPECT_RATIOS],
  max_images_per_request: MAX_PARALLEL_CALLS,
  negative_prompt: false,
  seed: false,
  max_prompt_chars: MAX_PROMPT_CHARS,
};

export interface NanoBananaSettings {
  model: string;
  base_url: string;
}

export interface NanoBananaOptions {
  /** Read at call time: a settings change applies to the next call. */
  settings: () => NanoBananaSettings;
  fetch?: FetchLike;
}

const Part = z.looseObject({
  text: z.string().optional(),
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).optional(),
  thought: z.boolean().optional(),
});
const GenerateContentResponse = z.looseObject({
  candidates: z
    .array(
      z.looseObject({
        content: z.looseObject({ parts: z.array(Part).optional() }).optional(),
        finishReason: z.string().optional(),
        finishMessage: z.string().optional(),
      }),
    )
    .optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional(), blockReasonMessage: z.string().optional() }).optional(),
  modelVersion: z.string().optional(),
});
type GenerateContentResponse = z.infer<typeof GenerateContentResponse>;

export interface ImageConfig {
  aspectRatio: string;
  imageSize?: '2K' | '4K';
}

export function createNanoBananaClient(options: NanoBananaOptions): BackendInterface {
  const fetchImpl = options.fetch ?? providerFetch;
  return {
    id: 'nano_banana',
    paid: true,
    capabilities: NANO_BANANA_CAPABILITIES,
    async generate(request: GenerationRequest, call: CallOptions): Promise<GenerationResult> {
      const settings = options.settings();
      const model = modelId(request.model ?? settings.model);
      const imageConfig = planImageConfig(request, model);
      const apiKey = requireKey(call.credential);
      const url = `${trimSlash(settings.base_url)}/v1beta/models/${encodeURIComponent(model)}:generateContent`;
      const context = googleContext(model);
      const body = JSON.stringify({
        contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
        generationConfig: { responseModalities: ['IMAGE'], imageConfig },
      });
      const providerCall: ProviderCall = { provider: context.provider, signal: call.signal };
      // One image per call; every call is billed, so images that arrived are kept even if a sibling failed.
      const images = await settleParallel(request.count, () => generateOne(url, apiKey, body, context, providerCall, fetchImpl));
      return { images, model, seed: null, provider_cost_usd: null };
    },
    async health(call: CallOptions): Promise<void> {
      const settings = options.settings();
      const model = modelId(settings.model);
      const context = googleContext(model);
      const providerCall: ProviderCall = { provider: context.provider, signal: call.signal };
      const response = await sendRequest(
        `${trimSlash(settings.base_url)}/v1beta/models/${encodeURIComponent(model)}`,
        { method: 'GET', headers: { 'x-goog-api-key': requireKey(call.credential) } },
        providerCall,
        fetchImpl,
      );
      const text = await readText(response, providerCall);
      if (!response.ok) throw classifyGoogleHttpError(response, text, context);
    },
  };
}

async function generateOne(url: string, apiKey: string, body: string, context: GoogleCallContext, call: ProviderCall, fetchImpl: FetchLike): Promise<GeneratedImage> {
  const response = await sendRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': apiKey }, body }, call, fetchImpl);
  const text = await readText(response, call);
  if (!response.ok) throw classifyGoogleHttpError(response, text, context);
  return imageFromAnswer(parseProviderJson(text, GenerateContentResponse, call, response.status), context.provider);
}

/**
 * The image of a 200 answer: the last non-thought part with image data (Gemini 3 models send up to two
 * interim "thought" images first). No image is never success: the answer says why (block, filter, text).
 */
export function imageFromAnswer(answer: GenerateContentResponse, provider: string): GeneratedImage {
  const candidate = answer.candidates?.[0];
  const parts = candidate?.content?.parts ?? [];
  const image = parts.filter((p) => p.thought !== true && p.inlineData && p.inlineData.mimeType.startsWith('image/')).at(-1)?.inlineData;
  if (image) return decodeBase64Image(image.data, image.mimeType, provider);
  const text = parts
    .filter((p) => p.thought !== true && typeof p.text === 'string')
    .map((p) => p.text)
    .join(' ')
    .trim();
  throw geminiNoImageError(
    {
      blockReason: answer.promptFeedback?.blockReason ?? null,
      blockReasonMessage: answer.promptFeedback?.blockReasonMessage ?? null,
      finishReason: candidate?.finishReason ?? null,
      finishMessage: candidate?.finishMessage ?? null,
      text: text === '' ? null : text,
    },
    provider,
  );
}

/**
 * generationConfig.imageConfig for a request, or `bad_request` before any call when the model cannot make
 * it. An explicit aspect ratio is sent as is; exact pixels go to the nearest supported ratio and the
 * smallest size tier that covers them (Gemini makes its own pixel sizes per ratio and tier).
 */
export function planImageConfig(request: Pick<GenerationRequest, 'width' | 'height' | 'aspect_ratio' | 'count' | 'prompt'>, model: string): ImageConfig {
  const allowed: readonly string[] = EXTREME_RATIO_MODELS.test(model) ? NANO_BANANA_CAPABILITIES.aspect_ratios : GEMINI_ASPECT_RATIOS;
  if (request.count < 1 || request.count > MAX_PARALLEL_CALLS) {
    throw new BackendError('bad_request', `Nano Banana makes one image per call and runs at most ${MAX_PARALLEL_CALLS} calls for a job; this job wants ${request.count}.`);
  }
  if (request.prompt.length > MAX_PROMPT_CHARS) {
    throw new BackendError('bad_request', `The prompt is ${request.prompt.length} characters; Nano Banana is sent at most ${MAX_PROMPT_CHARS}.`);
  }
  const maxSide = NANO_BANANA_CAPABILITIES.max_side;
  if (Math.max(request.width, request.height) > maxSide) {
    throw new BackendError('bad_request', `Nano Banana makes images up to about ${maxSide} px per side (its 4K tier); ${request.width}×${request.height} was asked for.`);
  }
  let aspectRatio: string;
  if (request.aspect_ratio) {
    if (!allowed.includes(request.aspect_ratio)) {
      throw new BackendError('bad_request', `${model} does not make ${request.aspect_ratio} images; it makes ${allowed.join(', ')}.`);
    }
    aspectRatio = request.aspect_ratio;
  } else {
    aspectRatio = nearestAspectRatio(request.width, request.height, allowed);
  }
  const megapixels = (request.width * request.height) / 1_000_000;
  const tier = megapixels <= TIER_1K_MAX_MEGAPIXELS ? null : megapixels <= TIER_2K_MAX_MEGAPIXELS ? '2K' : '4K';
  if (tier === null) return { aspectRatio };
  if (ONE_K_ONLY_MODELS.test(model)) {
    throw new BackendError('bad_request', `${model} makes 1K images only (about 1 megapixel); ${request.width}×${request.height} needs the ${tier} tier of a Gemini 3 image model (backends.nano_banana.model).`);
  }
  return { aspectRatio, imageSize: tier };
}

function googleContext(model: string): GoogleCallContext {
  return { provider: `Gemini (${model})`, model, modelSetting: 'backends.nano_banana.model' };
}

function requireKey(credential: string | null): string {
  return headerSafeKey(credential, 'No usable Gemini API key is set for nano_banana: add one in Settings (or APEX_NANO_BANANA_API_KEY).');
}

/** "models/gemini-x" and "gemini-x" both name the same model. */
function modelId(model: string): string {
  return model.replace(/^models\//, '');
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
