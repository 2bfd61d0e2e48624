import { z } from 'zod';
import { fakeImage, type FakeFormat } from './fake-images';
import { basicCredential, exposeState, startScriptedServer, type FakeAnswer, type RecordedRequest, type ScriptedServer } from './scripted-server';

/**
 * A loopback fake of the AUTOMATIC1111 / Forge WebUI API (research/backends.md §4a):
 *   POST /sdapi/v1/txt2img   → {images: [base64], parameters: {…the request…}, info: "<JSON string>"}
 *   GET  /sdapi/v1/options   → the settings dict
 * with `--api-auth` style HTTP Basic when `auth` is set (401 {"detail":"Incorrect username or password"}),
 * FastAPI's 422 for a field of the wrong type, FastAPI's 404 for unknown routes, and the WebUI's
 * `samples_format` deciding the image format. Failures for tests come from `a1111Answers`.
 */

export interface A1111Fake extends ScriptedServer {
  /** "user:password" required when set (A1111 started with --api-auth). */
  auth: string | null;
  /** opts.samples_format: png (default), jpg or webp. */
  samplesFormat: FakeFormat;
  /** The checkpoint loaded when a request names none. */
  loadedCheckpoint: string;
}

/** FastAPI/pydantic v1 type checks on the fields A1111 declares; unknown fields are ignored, as pydantic does. */
const Txt2ImgBody = z.looseObject({
  prompt: z.string().optional(),
  negative_prompt: z.string().optional(),
  seed: z.number().int().optional(),
  sampler_name: z.string().optional(),
  scheduler: z.string().optional(),
  steps: z.number().int().optional(),
  cfg_scale: z.number().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  batch_size: z.number().int().optional(),
  n_iter: z.number().int().optional(),
  send_images: z.boolean().optional(),
  save_images: z.boolean().optional(),
  override_settings: z.record(z.string(), z.unknown()).optional(),
  override_settings_restore_afterwards: z.boolean().optional(),
});

export async function startA1111Fake(options: { auth?: string | null } = {}): Promise<A1111Fake> {
  const state = { auth: options.auth ?? null, samplesFormat: 'png' as FakeFormat, loadedCheckpoint: 'sd_xl_base_1.0.safetensors [31e35c80fc]' };
  const server = await startScriptedServer((request) => answer(request, state));
  return exposeState(server, state);
}

async function answer(request: RecordedRequest, state: { auth: string | null; samplesFormat: FakeFormat; loadedCheckpoint: string }): Promise<FakeAnswer> {
  if (state.auth !== null && basicCredential(request.headers) !== state.auth) {
    return { status: 401, headers: { 'www-authenticate': 'Basic' }, json: { detail: 'Incorrect username or password' } };
  }
  if (request.path === '/sdapi/v1/options' && request.method === 'GET') {
    return { status: 200, json: { sd_model_checkpoint: state.loadedCheckpoint, samples_format: state.samplesFormat === 'jpeg' ? 'jpg' : state.samplesFormat, CLIP_stop_at_last_layers: 1 } };
  }
  if (request.path !== '/sdapi/v1/txt2img' || request.method !== 'POST') return { status: 404, json: { detail: 'Not Found' } };
  const parsed = Txt2ImgBody.safeParse(request.body);
  if (!parsed.success) {
    return { status: 422, json: { detail: parsed.error.issues.map((i) => ({ loc: ['body', ...i.path.map(String)], msg: i.message, type: 'type_error' })) } };
  }
  const body = parsed.data;
  const seed = body.seed === undefined || body.seed === -1 ? 1234567890 : body.seed;
  const total = (body.batch_size ?? 1) * (body.n_iter ?? 1);
  const checkpoint = typeof body.override_settings?.sd_model_checkpoint === 'string' ? body.override_settings.sd_model_checkpoint : state.loadedCheckpoint;
  const images = await Promise.all(Array.from({ length: total }, async (_, i) => (await fakeImage(state.samplesFormat, `a1111|${body.prompt ?? ''}|${seed + i}`)).toString('base64')));
  const info = {
    prompt: body.prompt ?? '',
    all_prompts: Array.from({ length: total }, () => body.prompt ?? ''),
    negative_prompt: body.negative_prompt ?? '',
    seed,
    all_seeds: Array.from({ length: total }, (_, i) => seed + i),
    subseed: 42,
    width: body.width ?? 512,
    height: body.height ?? 512,
    sampler_name: body.sampler_name ?? 'Euler',
    cfg_scale: body.cfg_scale ?? 7,
    steps: body.steps ?? 50,
    batch_size: body.batch_size ?? 1,
    sd_model_name: checkpoint.replace(/\.safetensors.*$/, ''),
    sd_model_hash: '31e35c80fc',
    infotexts: [`${body.prompt ?? ''}\nSteps: ${body.steps ?? 50}, Seed: ${seed}`],
  };
  return { status: 200, json: { images, parameters: body, info: JSON.stringify(info) } };
}

export const a1111Answers = {
  /** The WebUI's exception middleware for a CUDA OOM. */
  outOfMemory(): FakeAnswer {
    return { status: 500, json: { error: 'OutOfMemoryError', detail: '', body: '', errors: 'CUDA out of memory. Tried to allocate 2.50 GiB (GPU 0; 8.00 GiB total capacity)' } };
  },
  /** 200 with an empty image list. */
  noImages(): FakeAnswer {
    return { status: 200, json: { images: [], parameters: {}, info: '{}' } };
  },
};
