import { z } from 'zod';
import { nearestAspectRatio } from './aspect-ratio';
import { classifyGoogleHttpError, imagenNoImageError, type GoogleCallContext } from './google-errors';
import { headerSafeKey, parseProviderJson, readText, sendRequest, type FetchLike, type ProviderCall } from './http-errors';
import { googleAuthTokenProvider, readServiceAccount, type AccessTokenProvider } from './imagen-auth';
import { decodeBase64Image } from './image-bytes';
import { BackendError, type BackendCapabilities, type BackendInterface, type CallOptions, type GenerationRequest, type GenerationResult } from './types';
import { providerFetch } from './provider-fetch';

/**
 * Imagen through `:predict` (research/backends.md §2): `{instances:[{prompt}], parameters:{sampleCount,
 * aspectRatio, …}}` → `predictions[].bytesBase64Encoded`. Two ways in, chosen by `backends.imagen.auth`:
 *   api_key  POST {base_url}/v1beta/models/{model}:predict with x-goog-api-key (the Gemini API — where
 *            Imagen was shut down on 2026-08-17, so a 404 there is `model_gone` and says so);
 *   vertex   POST https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:predict
 *            with a Bearer token made from a service-account key (imagen-auth.ts).
 *
 * Not sent: a seed (Vertex-only, and only with the SynthID watermark turned off, which this app does not
 * do behind the artist's back) and a negative prompt (Vertex-only, and not supported by Imagen 3.0-002 and
 * newer) — so neither is promised in the capabilities.
 */

export const IMAGEN_ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'] as const;
/** sampleCount range of :predict. */
const MAX_SAMPLES = 4;
/** Imagen's prompt limit is 480 tokens; ~4 characters per token leaves room for non-English prompts. */
const MAX_PROMPT_CHARS = 2_000;
/** Size tiers: 1K ≈ 1 MP, 2K ≈ 4 MP (sampleImageSize, Imagen 4 Standard and Ultra only). */
const TIER_1K_MAX_MEGAPIXELS = 1.2;
const TIER_2K_MAX_MEGAPIXELS = 4.5;
/** Imagen 4 Fast has one size. */
const ONE_K_ONLY_MODELS = /fast/;
/** What the api_key mode calls by default; in vertex mode this default means "the regional Vertex host". */
const GEMINI_API_HOST = 'https://generativelanguage.googleapis.com';
const VERTEX_LOCATION = /^[a-z0-9-]{1,40}$/;
/** Google Cloud project ids: 6–30 lowercase letters, digits, hyphens (older ones may contain a domain and colon). */
const VERTEX_PROJECT = /^[a-z0-9.:-]{6,63}$/;
export const IMAGEN_GEMINI_API_SHUTDOWN = '2026-08-17';

export const IMAGEN_CAPABILITIES: BackendCapabilities = {
  min_side: 64,
  // The 2K tier at 16:9 is 2816 × 1536.
  max_side: 2_816,
  aspect_ratios: IMAGEN_ASPECT_RATIOS,
  max_images_per_request: MAX_SAMPLES,
  negative_prompt: false,
  seed: false,
  max_prompt_chars: MAX_PROMPT_CHARS,
};

export interface ImagenSettings {
  model: string;
  base_url: string;
  auth: 'api_key' | 'vertex';
  vertex_project: string | null;
  vertex_location: string;
}

export interface ImagenOptions {
  settings: () => ImagenSettings;
  fetch?: FetchLike;
  /** Vertex access tokens; google-auth-library by default, a stub in tests. */
  tokenProvider?: AccessTokenProvider;
}

const PredictResponse = z.looseObject({
  predictions: z
    .array(
      z.looseObject({
        bytesBase64Encoded: z.string().optional(),
        mimeType: z.string().optional(),
        raiFilteredReason: z.string().optional(),
      }),
    )
    .optional(),
});

export interface ImagenParameters {
  sampleCount: number;
  aspectRatio: string;
  includeRaiReason: true;
  sampleImageSize?: '2K';
}

/** Where and how one call goes: the URL, the auth header and the words used in errors. */
interface Route {
  url: string;
  headers: Record<string, string>;
  context: GoogleCallContext;
}

export function createImagenClient(options: ImagenOptions): BackendInterface {
  const fetchImpl = options.fetch ?? providerFetch;
  let tokens: AccessTokenProvider | null = options.tokenProvider ?? null;
  const tokenProvider = (): AccessTokenProvider => (tokens ??= googleAuthTokenProvider());

  async function route(model: string, settings: ImagenSettings, call: CallOptions, suffix: ':predict' | ''): Promise<Route> {
    const credential = call.credential?.trim() ?? '';
    if (settings.auth === 'api_key') {
      if (credential.startsWith('{') || /[/\\]/.test(credential)) {
        throw new BackendError('auth', 'The imagen credential is a service-account key, but backends.imagen.auth is "api_key": set it to "vertex" (with vertex_project and vertex_location), or store a Gemini API key.');
      }
      const apiKey = headerSafeKey(credential, 'No usable Gemini API key is set for imagen: add one in Settings (or APEX_IMAGEN_API_KEY).');
      const provider = `Imagen (${model}) on the Gemini API`;
      return {
        url: `${trimSlash(settings.base_url)}/v1beta/models/${encodeURIComponent(model)}${suffix}`,
        headers: { 'x-goog-api-key': apiKey },
        context: {
          provider,
          model,
          modelSetting: 'backends.imagen.model',
          blockedPromptOn400: true,
          modelGoneMessage: () =>
            `The Gemini API no longer offers the Imagen model "${model}" (HTTP 404): Imagen on the Gemini API was shut down on ${IMAGEN_GEMINI_API_SHUTDOWN}. ` +
            `Change backends.imagen.model to a model your key still has, switch backends.imagen.auth to "vertex" with a service-account key, or use the nano_banana backend.`,
        },
      };
    }
    if (credential === '') throw new BackendError('auth', 'No service-account key is set for imagen on Vertex AI: add one in Settings (or APEX_IMAGEN_CREDENTIALS).');
    const key = await readServiceAccount(credential);
    const location = settings.vertex_location.trim();
    const project = (settings.vertex_project ?? key.project_id ?? '').trim();
    if (!VERTEX_LOCATION.test(location)) throw new BackendError('bad_request', `backends.imagen.vertex_location "${location}" is not a Google Cloud region (e.g. us-central1).`);
    if (!VERTEX_PROJECT.test(project)) {
      throw new BackendError('bad_request', project === '' ? 'Set backends.imagen.vertex_project: the service-account key names no project.' : `backends.imagen.vertex_project "${project}" is not a Google Cloud project id.`);
    }
    const providerCall: ProviderCall = { provider: 'Google sign-in', signal: call.signal };
    const token = await tokenProvider()(key, providerCall);
    const host = trimSlash(settings.base_url) === GEMINI_API_HOST ? vertexHost(location) : trimSlash(settings.base_url);
    const provider = `Imagen (${model}) on Vertex AI`;
    return {
      url: `${host}/v1/projects/${encodeURIComponent(project)}/locations/${location}/publishers/google/models/${encodeURIComponent(model)}${suffix}`,
      headers: { authorization: `Bearer ${token}` },
      context: {
        provider,
        model,
        modelSetting: 'backends.imagen.model',
        blockedPromptOn400: true,
        modelGoneMessage: () =>
          `Vertex AI has no Imagen model "${model}" in project ${project}, region ${location} (HTTP 404): change backends.imagen.model or backends.imagen.vertex_location. ` +
          'Google is retiring Imagen; the nano_banana backend (Gemini image models) replaces it.',
      },
    };
  }

  return {
    id: 'imagen',
    paid: true,
    capabilities: IMAGEN_CAPABILITIES,
    async generate(request: GenerationRequest, call: CallOptions): Promise<GenerationResult> {
      const settings = options.settings();
      const model = (request.model ?? settings.model).replace(/^models\//, '');
      const parameters = planImagenParameters(request, model);
      const target = await route(model, settings, call, ':predict');
      const providerCall: ProviderCall = { provider: target.context.provider, signal: call.signal };
      const response = await sendRequest(
        target.url,
        { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body: JSON.stringify({ instances: [{ prompt: request.prompt }], parameters }) },
        providerCall,
        fetchImpl,
      );
      const text = await readText(response, providerCall);
      if (!response.ok) throw classifyGoogleHttpError(response, text, target.context);
      const answer = parseProviderJson(text, PredictResponse, providerCall, response.status);
      const predictions = answer.predictions ?? [];
      const images = predictions.flatMap((p) => (p.bytesBase64Encoded ? [decodeBase64Image(p.bytesBase64Encoded, p.mimeType ?? null, target.context.provider)] : []));
      if (images.length === 0) throw imagenNoImageError(predictions.flatMap((p) => (p.raiFilteredReason ? [p.raiFilteredReason] : [])), target.context.provider);
      return { images, model, seed: null, provider_cost_usd: null };
    },
    async health(call: CallOptions): Promise<void> {
      const settings = options.settings();
      const model = settings.model.replace(/^models\//, '');
      if (settings.auth === 'vertex') {
        // Signing in proves the key and the project settings; Vertex has no free per-model GET to call.
        await route(model, settings, call, '');
        return;
      }
      const target = await route(model, settings, call, '');
      const providerCall: ProviderCall = { provider: target.context.provider, signal: call.signal };
      const response = await sendRequest(target.url, { method: 'GET', headers: target.headers }, providerCall, fetchImpl);
      const text = await readText(response, providerCall);
      if (!response.ok) throw classifyGoogleHttpError(response, text, target.context);
    },
  };
}

/** The :predict parameters, or `bad_request` before any call when Imagen cannot make the request. */
export function planImagenParameters(request: Pick<GenerationRequest, 'width' | 'height' | 'aspect_ratio' | 'count' | 'prompt'>, model: string): ImagenParameters {
  if (request.count < 1 || request.count > MAX_SAMPLES) {
    throw new BackendError('bad_request', `Imagen makes 1–${MAX_SAMPLES} images per call; this job wants ${request.count}.`);
  }
  if (request.prompt.length > MAX_PROMPT_CHARS) {
    throw new BackendError('bad_request', `The prompt is ${request.prompt.length} characters; Imagen takes about ${MAX_PROMPT_CHARS} (480 tokens).`);
  }
  let aspectRatio: string;
  if (request.aspect_ratio) {
    if (!(IMAGEN_ASPECT_RATIOS as readonly string[]).includes(request.aspect_ratio)) {
      throw new BackendError('bad_request', `Imagen does not make ${request.aspect_ratio} images; it makes ${IMAGEN_ASPECT_RATIOS.join(', ')}.`);
    }
    aspectRatio = request.aspect_ratio;
  } else {
    aspectRatio = nearestAspectRatio(request.width, request.height, IMAGEN_ASPECT_RATIOS);
  }
  const megapixels = (request.width * request.height) / 1_000_000;
  const parameters: ImagenParameters = { sampleCount: request.count, aspectRatio, includeRaiReason: true };
  if (megapixels <= TIER_1K_MAX_MEGAPIXELS) return parameters;
  if (megapixels > TIER_2K_MAX_MEGAPIXELS || Math.max(request.width, request.height) > IMAGEN_CAPABILITIES.max_side) {
    throw new BackendError('bad_request', `Imagen makes images up to its 2K tier (about 4 megapixels); ${request.width}×${request.height} was asked for.`);
  }
  if (ONE_K_ONLY_MODELS.test(model)) {
    throw new BackendError('bad_request', `${model} makes 1K images only; ${request.width}×${request.height} needs Imagen 4 Standard or Ultra (backends.imagen.model).`);
  }
  return { ...parameters, sampleImageSize: '2K' };
}

function vertexHost(location: string): string {
  return location === 'global' ? 'https://aiplatform.googleapis.com' : `https://${location}-aiplatform.googleapis.com`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
