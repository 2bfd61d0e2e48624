import { z } from 'zod';
import { nearestAspectRatio } from './aspect-ratio';
import { clip, headerSafeKey, httpFailure, parseProviderJson, readText, sendRequest, tryParseJson, type FetchLike, type ProviderCall } from './http-errors';
import { decodeBase64Image } from './image-bytes';
import { minimaxCodeError } from './minimax-errors';
import { BackendError, type BackendCapabilities, type BackendInterface, type CallOptions, type GenerationRequest, type GenerationResult } from './types';
import { providerFetch } from './provider-fetch';

/**
 * MiniMax `image-01` (research/backends.md §3): `POST {base_url}/v1/image_generation`, Bearer key,
 * `response_format: "base64"`, `n` images per call, a seed, and either an aspect ratio or exact
 * width/height (512–2048, multiples of 8; image-01 only). No negative prompt. Errors come in
 * `base_resp.status_code`, usually inside an HTTP 200 (minimax-errors.ts). There is no cheap call to test
 * a key with, so this client has no health().
 */

export const MINIMAX_ASPECT_RATIOS = ['1:1', '16:9', '4:3', '3:2', '2:3', '3:4', '9:16', '21:9'] as const;
const MIN_SIDE = 512;
const MAX_SIDE = 2_048;
const SIDE_MULTIPLE = 8;
const MAX_IMAGES = 9;
const MAX_PROMPT_CHARS = 1_500;
/** Models that take exact pixel sizes; others (image-01-live) take only an aspect ratio. */
const EXACT_SIZE_MODELS = new Set(['image-01']);

export const MINIMAX_CAPABILITIES: BackendCapabilities = {
  min_side: MIN_SIDE,
  max_side: MAX_SIDE,
  aspect_ratios: MINIMAX_ASPECT_RATIOS,
  max_images_per_request: MAX_IMAGES,
  negative_prompt: false,
  seed: true,
  max_prompt_chars: MAX_PROMPT_CHARS,
};

export interface MinimaxSettings {
  model: string;
  base_url: string;
}

export interface MinimaxOptions {
  settings: () => MinimaxSettings;
  fetch?: FetchLike;
}

const BaseResp = z.looseObject({ status_code: z.number().int(), status_msg: z.string().optional() });
/** Counts are strings in live answers and numbers in some docs: read both. */
const Count = z.union([z.number(), z.string()]).optional();
const ImageGenerationResponse = z.looseObject({
  id: z.string().optional(),
  data: z.looseObject({ image_base64: z.array(z.string()).nullish(), image_urls: z.array(z.string()).nullish() }).nullish(),
  metadata: z.looseObject({ success_count: Count, failed_count: Count }).nullish(),
  base_resp: BaseResp,
});
const ErrorBody = z.looseObject({ base_resp: BaseResp });

export interface MinimaxRequestBody {
  model: string;
  prompt: string;
  response_format: 'base64';
  n: number;
  seed: number;
  prompt_optimizer: false;
  aspect_ratio?: string;
  width?: number;
  height?: number;
}

export function createMinimaxClient(options: MinimaxOptions): BackendInterface {
  const fetchImpl = options.fetch ?? providerFetch;
  return {
    id: 'minimax',
    paid: true,
    capabilities: MINIMAX_CAPABILITIES,
    async generate(request: GenerationRequest, call: CallOptions): Promise<GenerationResult> {
      const settings = options.settings();
      const model = request.model ?? settings.model;
      const body = planMinimaxBody(request, model);
      const key = headerSafeKey(call.credential, 'No usable MiniMax API key is set: add one in Settings (or APEX_MINIMAX_API_KEY).');
      const providerCall: ProviderCall = { provider: `MiniMax (${model})`, signal: call.signal };
      const response = await sendRequest(
        `${settings.base_url.replace(/\/+$/, '')}/v1/image_generation`,
        { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) },
        providerCall,
        fetchImpl,
      );
      const traceId = response.headers.get('trace-id');
      const text = await readText(response, providerCall);
      if (!response.ok) {
        const coded = ErrorBody.safeParse(tryParseJson(text));
        if (coded.success && coded.data.base_resp.status_code !== 0) {
          throw minimaxCodeError(coded.data.base_resp.status_code, coded.data.base_resp.status_msg ?? '', response.status, traceId);
        }
        throw httpFailure(response, providerCall, clip(text) || null);
      }
      const answer = parseProviderJson(text, ImageGenerationResponse, providerCall, response.status);
      if (answer.base_resp.status_code !== 0) throw minimaxCodeError(answer.base_resp.status_code, answer.base_resp.status_msg ?? '', response.status, traceId);
      const encoded = answer.data?.image_base64 ?? [];
      if (encoded.length === 0) {
        const failed = Number(answer.metadata?.failed_count ?? 0);
        throw new BackendError('no_image', `MiniMax answered without an image${failed > 0 ? ` (${failed} failed)` : ''}.`, {
          httpStatus: response.status,
          providerMessage: clip(`${answer.base_resp.status_msg ?? 'success'}; success_count ${String(answer.metadata?.success_count ?? 0)}, failed_count ${String(answer.metadata?.failed_count ?? 0)}`),
        });
      }
      // MiniMax does not say the format (JPEG in practice): the bytes do.
      const images = encoded.map((data) => decodeBase64Image(data, null, providerCall.provider));
      return { images, model, seed: request.seed, provider_cost_usd: null };
    },
  };
}

/** The request body, or `bad_request` before any call when MiniMax cannot make the request. */
export function planMinimaxBody(request: Pick<GenerationRequest, 'prompt' | 'width' | 'height' | 'aspect_ratio' | 'count' | 'seed'>, model: string): MinimaxRequestBody {
  if (request.count < 1 || request.count > MAX_IMAGES) throw new BackendError('bad_request', `MiniMax makes 1–${MAX_IMAGES} images per call; this job wants ${request.count}.`);
  if (request.prompt.length > MAX_PROMPT_CHARS) throw new BackendError('bad_request', `The prompt is ${request.prompt.length} characters; MiniMax accepts ${MAX_PROMPT_CHARS}.`);
  const base: MinimaxRequestBody = { model, prompt: request.prompt, response_format: 'base64', n: request.count, seed: request.seed, prompt_optimizer: false };
  if (request.aspect_ratio) {
    if (!(MINIMAX_ASPECT_RATIOS as readonly string[]).includes(request.aspect_ratio)) {
      throw new BackendError('bad_request', `MiniMax does not make ${request.aspect_ratio} images; it makes ${MINIMAX_ASPECT_RATIOS.join(', ')}.`);
    }
    return { ...base, aspect_ratio: request.aspect_ratio };
  }
  if (!EXACT_SIZE_MODELS.has(model)) return { ...base, aspect_ratio: nearestAspectRatio(request.width, request.height, MINIMAX_ASPECT_RATIOS) };
  for (const [name, side] of [['width', request.width], ['height', request.height]] as const) {
    if (side < MIN_SIDE || side > MAX_SIDE || side % SIDE_MULTIPLE !== 0) {
      throw new BackendError('bad_request', `MiniMax makes sides of ${MIN_SIDE}–${MAX_SIDE} px in steps of ${SIDE_MULTIPLE}; the ${name} asked for is ${side}.`);
    }
  }
  return { ...base, width: request.width, height: request.height };
}
