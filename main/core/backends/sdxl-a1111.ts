import { z } from 'zod';
import { basicAuthHeader, clip, httpFailure, parseProviderJson, readText, sendRequest, tryParseJson, type ProviderCall } from './http-errors';
import { decodeBase64Image } from './image-bytes';
import type { SdxlPlan, SdxlServer } from './sdxl';
import { BackendError, type GenerationResult } from './types';

/**
 * AUTOMATIC1111 / Forge WebUI (started with `--api`; research/backends.md §4a): one synchronous
 * `POST /sdapi/v1/txt2img` that answers with base64 images in the server's `samples_format` and an `info`
 * JSON *string* carrying the seed actually used.
 */

const Txt2ImgResponse = z.looseObject({
  images: z.array(z.string()).nullish(),
  info: z.string().nullish(),
});
/** The part of `info` we read; everything else in it is tolerated. */
const Info = z.looseObject({ seed: z.number().int().optional(), all_seeds: z.array(z.number().int()).optional(), sd_model_name: z.string().nullish() });
/** FastAPI 422: {"detail":[{"loc":["body","steps"],"msg":"…","type":"…"}]}; A1111 middleware: {"error","detail","body","errors"}. */
const ValidationBody = z.looseObject({ detail: z.array(z.looseObject({ loc: z.array(z.union([z.string(), z.number()])).optional(), msg: z.string().optional() })) });
const ErrorBody = z.looseObject({ error: z.string().optional(), detail: z.unknown().optional(), errors: z.unknown().optional() });

export interface A1111Txt2Img {
  prompt: string;
  negative_prompt: string;
  seed: number;
  sampler_name: string;
  steps: number;
  cfg_scale: number;
  width: number;
  height: number;
  batch_size: number;
  n_iter: 1;
  send_images: true;
  save_images: false;
  override_settings: { sd_model_checkpoint?: string };
  override_settings_restore_afterwards: true;
}

export function a1111Body(plan: SdxlPlan): A1111Txt2Img {
  return {
    prompt: plan.prompt,
    negative_prompt: plan.negative_prompt,
    seed: plan.seed,
    sampler_name: plan.sampler,
    steps: plan.steps,
    cfg_scale: plan.cfg_scale,
    width: plan.width,
    height: plan.height,
    batch_size: plan.count,
    n_iter: 1,
    send_images: true,
    // The image comes back in the answer; writing it into the WebUI's outputs folder too is not ours to do.
    save_images: false,
    // Per request, so the artist's loaded model is restored afterwards (POST /options would switch it for good).
    override_settings: plan.checkpoint ? { sd_model_checkpoint: plan.checkpoint } : {},
    override_settings_restore_afterwards: true,
  };
}

export async function a1111Generate(plan: SdxlPlan, server: SdxlServer): Promise<GenerationResult> {
  const call: ProviderCall = { provider: `the A1111 server at ${server.baseUrl}`, signal: server.signal };
  const response = await sendRequest(
    `${server.baseUrl}/sdapi/v1/txt2img`,
    { method: 'POST', headers: { 'content-type': 'application/json', ...basicAuthHeader(server.credential) }, body: JSON.stringify(a1111Body(plan)) },
    call,
    server.fetch,
  );
  const text = await readText(response, call);
  if (!response.ok) throw a1111Failure(response, text, call);
  const answer = parseProviderJson(text, Txt2ImgResponse, call, response.status);
  // Extensions (ControlNet) append their maps after the generated images: keep the ones asked for.
  const encoded = (answer.images ?? []).slice(0, plan.count);
  if (encoded.length === 0) throw new BackendError('no_image', `${call.provider} answered without an image.`, { httpStatus: response.status });
  const info = Info.safeParse(tryParseJson(answer.info ?? '')).data;
  return {
    images: encoded.map((data) => decodeBase64Image(data, null, call.provider)),
    model: plan.checkpoint ?? info?.sd_model_name ?? 'sdxl',
    seed: info?.seed ?? plan.seed,
    provider_cost_usd: 0,
  };
}

/** GET /sdapi/v1/options: cheap, needs the same auth, and proves the API is on. */
export async function a1111Health(server: SdxlServer): Promise<void> {
  const call: ProviderCall = { provider: `the A1111 server at ${server.baseUrl}`, signal: server.signal };
  const response = await sendRequest(`${server.baseUrl}/sdapi/v1/options`, { method: 'GET', headers: basicAuthHeader(server.credential) }, call, server.fetch);
  const text = await readText(response, call);
  if (!response.ok) throw a1111Failure(response, text, call);
}

function a1111Failure(response: Response, text: string, call: ProviderCall): BackendError {
  const body = tryParseJson(text);
  if (response.status === 401) {
    const detail = ErrorBody.safeParse(body).data?.detail;
    return httpFailure(response, call, typeof detail === 'string' ? detail : clip(text) || null, 'auth');
  }
  if (response.status === 404) {
    return new BackendError('bad_request', `${call.provider} has no /sdapi API: start the WebUI with --api, or set backends.sdxl.flavor to "comfyui" if it is a ComfyUI server.`, {
      httpStatus: 404,
      providerMessage: clip(text) || null,
    });
  }
  const validation = ValidationBody.safeParse(body);
  if (response.status === 422 && validation.success) {
    const issues = validation.data.detail.map((d) => `${(d.loc ?? []).join('.')}: ${d.msg ?? 'invalid'}`).join('; ');
    return httpFailure(response, call, issues, 'bad_request');
  }
  const error = ErrorBody.safeParse(body);
  if (error.success && error.data.error) {
    const said = [error.data.error, stringOf(error.data.errors) || stringOf(error.data.detail)].filter(Boolean).join(': ');
    return httpFailure(response, call, said);
  }
  return httpFailure(response, call, clip(text) || null);
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
