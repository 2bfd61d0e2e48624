import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSdxlClient, type SdxlSettings } from '../../../main/core/backends/sdxl';
import { BackendError } from '../../../main/core/backends/types';
import { startA1111Fake } from '../../fakes/a1111-server';
import { startComfyFake, type ComfyFake } from '../../fakes/comfyui-server';
import { fakeImage } from '../../fakes/fake-images';
import { assetsOf, callWith, coreWith, credentialsFor, expectFailure, generationRequest } from './harness';

/** Polling fast enough for tests; the app polls every COMFY_POLL_INTERVAL_MS. */
const POLL_MS = 10;
let fake: ComfyFake;
let settings: SdxlSettings;

beforeEach(async () => {
  fake = await startComfyFake({ runMs: 40 });
  settings = { flavor: 'comfyui', base_url: fake.url, checkpoint: 'sd_xl_base_1.0.safetensors', sampler: 'DPM++ 2M', steps: 30, cfg_scale: 7 };
});
afterEach(async () => {
  await fake.close();
});

const client = () => createSdxlClient({ settings: () => settings, comfyPollIntervalMs: POLL_MS });

describe('sdxl on ComfyUI', () => {
  it('queues the built-in SDXL workflow, polls /history and reads the images from /view', async () => {
    const result = await client().generate(generationRequest({ negative_prompt: 'blurry', width: 1152, height: 896, seed: 4242, count: 2 }), callWith(null));
    const queued = fake.requestsTo('/prompt')[0]!;
    const body = queued.body as { prompt: unknown; client_id: string };
    expect(body.client_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.prompt).toEqual({
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 1152, height: 896, batch_size: 2 } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: 'a lighthouse at dusk, watercolor', clip: ['4', 1] } },
      '7': { class_type: 'CLIPTextEncode', inputs: { text: 'blurry', clip: ['4', 1] } },
      '3': {
        class_type: 'KSampler',
        inputs: { model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0], seed: 4242, steps: 30, cfg: 7, sampler_name: 'dpmpp_2m', scheduler: 'karras', denoise: 1 },
      },
      '8': { class_type: 'VAEDecode', inputs: { samples: ['3', 0], vae: ['4', 2] } },
      '9': { class_type: 'SaveImage', inputs: { images: ['8', 0], filename_prefix: 'apex-director' } },
    });
    const polls = fake.requestsTo(/^\/history\//);
    expect(polls.length).toBeGreaterThanOrEqual(2);
    const views = fake.requestsTo('/view');
    expect(views.map((v) => v.query)).toEqual([
      { filename: 'apex-director_00010_.png', subfolder: '', type: 'output' },
      { filename: 'apex-director_00011_.png', subfolder: '', type: 'output' },
    ]);
    expect(result).toMatchObject({ model: 'sd_xl_base_1.0.safetensors', seed: 4242, provider_cost_usd: 0 });
    expect(Buffer.from(result.images[0]!.bytes)).toEqual(await fakeImage('png', 'comfy|a lighthouse at dusk, watercolor|4242|0'));
  });

  it('refuses to run without a checkpoint, and bad sizes, before any request', async () => {
    settings.checkpoint = null;
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'bad_request', message: /backends\.sdxl\.checkpoint/ });
    settings.checkpoint = 'sd_xl_base_1.0.safetensors';
    await expectFailure(client().generate(generationRequest({ height: 1001 }), callWith(null)), { errorClass: 'bad_request' });
    expect(fake.requests).toHaveLength(0);
  });

  it('a checkpoint the server does not have (node_errors value_not_in_list) → model_gone naming the setting', async () => {
    settings.checkpoint = 'missing.safetensors';
    await expectFailure(client().generate(generationRequest(), callWith(null)), {
      errorClass: 'model_gone',
      httpStatus: 400,
      message: /backends\.sdxl\.checkpoint/,
      providerMessage: /^Prompt outputs failed validation \| CheckpointLoaderSimple: Value not in list: ckpt_name: 'missing\.safetensors' not in/,
    });
  });

  it('another validation error → bad_request with the node\'s message', async () => {
    settings.sampler = 'Fancy New Sampler';
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'bad_request', httpStatus: 400, providerMessage: /KSampler: Value not in list: sampler_name: 'fancy_new_sampler' not in/ });
  });

  it('a failure while running (status_str "error") → no_image with the node and its exception', async () => {
    fake.failNextRun = { node_id: '3', node_type: 'KSampler', exception_type: 'RuntimeError', exception_message: 'Expected all tensors to be on the same device' };
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'no_image', httpStatus: 200, providerMessage: 'KSampler (node 3): RuntimeError: Expected all tensors to be on the same device' });
  });

  it('running out of GPU memory while running → transient', async () => {
    fake.failNextRun = { node_id: '8', node_type: 'VAEDecode', exception_type: 'torch.OutOfMemoryError', exception_message: 'Allocation on device' };
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'transient', message: /GPU memory/ });
  });

  it('an output file that vanished (/view 404) → no_image', async () => {
    fake.next({ status: 404, raw: '' }, (r) => r.path === '/view');
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'no_image', httpStatus: 404 });
  });

  it('our timeout → timeout, and the running prompt is interrupted on the server', async () => {
    fake.runMs = 5_000;
    await expectFailure(client().generate(generationRequest(), callWith(null, AbortSignal.timeout(200))), { errorClass: 'timeout' });
    const promptId = (fake.requestsTo(/^\/history\//)[0]!.path.split('/').at(-1))!;
    expect(fake.interrupted).toEqual([promptId]);
    expect(fake.requestsTo('/interrupt')[0]!.body).toEqual({ prompt_id: promptId });
  });

  it('a cancel by the caller stays an AbortError and still cleans up', async () => {
    fake.runMs = 5_000;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await client()
      .generate(generationRequest(), callWith(null, controller.signal))
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(BackendError);
    expect((error as Error).name).toBe('AbortError');
    expect(fake.interrupted).toHaveLength(1);
  });

  it('a 403 (origin check or a proxy) → auth; an A1111 server (404 on /prompt) → bad_request naming the flavor', async () => {
    fake.next({ status: 403, raw: 'Forbidden' });
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'auth', httpStatus: 403 });
    const a1111 = await startA1111Fake();
    try {
      settings.base_url = a1111.url;
      await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'bad_request', httpStatus: 404, message: /backends\.sdxl\.flavor/ });
    } finally {
      await a1111.close();
    }
  });

  it('health GETs /system_stats; a server that is down is transient', async () => {
    await client().health!(callWith(null));
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/system_stats' });
    await fake.close();
    await expectFailure(client().health!(callWith(null)), { errorClass: 'transient', message: /down or unreachable/ });
    fake = await startComfyFake();
  });
});

describe('sdxl (ComfyUI) through the queue', () => {
  it('stores the image with checkpoint, seed and parameters', async () => {
    const core = await coreWith(client(), credentialsFor('APEX_SDXL_AUTH', ''));
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'a foggy harbour', negative_prompt: 'text', backend: 'sdxl', params: { width: 1024, height: 1024, steps: 12, seed: 8 } });
    await core.pipeline.orchestrator.whenIdle();
    expect((await core.client.call('jobs.get', { id: job_id })).job.status).toBe('succeeded');
    const [asset] = assetsOf(core, job_id);
    expect(asset!.row).toMatchObject({ backend: 'sdxl', model: 'sd_xl_base_1.0.safetensors', prompt: 'a foggy harbour', negative_prompt: 'text', seed: 8, mime: 'image/png' });
    expect(asset!.sidecar.provenance.params).toMatchObject({ steps: 12, seed: 8 });
  });

  it('a runtime error fails the job with the node\'s message once attempts run out', async () => {
    const core = await coreWith(client(), credentialsFor('APEX_SDXL_AUTH', ''), { orchestrator: { max_attempts: 1 } });
    fake.failNextRun = { node_id: '3', node_type: 'KSampler', exception_type: 'RuntimeError', exception_message: 'mat1 and mat2 shapes cannot be multiplied' };
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'broken', backend: 'sdxl', params: { seed: 1 } });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job).toMatchObject({ status: 'failed', error_class: 'no_image' });
    expect(detail.job.error_message).toContain('KSampler (node 3): RuntimeError: mat1 and mat2 shapes cannot be multiplied');
  });
});
