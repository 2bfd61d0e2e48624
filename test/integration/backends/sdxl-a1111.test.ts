import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSdxlClient, type SdxlSettings } from '../../../main/core/backends/sdxl';
import { a1111Answers, startA1111Fake, type A1111Fake } from '../../fakes/a1111-server';
import { startComfyFake } from '../../fakes/comfyui-server';
import { fakeImage } from '../../fakes/fake-images';
import { assetsOf, callWith, coreWith, credentialsFor, expectFailure, generationRequest } from './harness';

let fake: A1111Fake;
let settings: SdxlSettings;

beforeEach(async () => {
  fake = await startA1111Fake();
  settings = { flavor: 'a1111', base_url: fake.url, checkpoint: null, sampler: 'DPM++ 2M', steps: 30, cfg_scale: 7 };
});
afterEach(async () => {
  await fake.close();
});

const client = () => createSdxlClient({ settings: () => settings });

describe('sdxl on AUTOMATIC1111', () => {
  it('POSTs /sdapi/v1/txt2img with the settings from config and reads the seed from info', async () => {
    const result = await client().generate(generationRequest({ negative_prompt: 'blurry', width: 1216, height: 832, seed: 99, count: 2 }), callWith(null));
    const sent = fake.requests[0]!;
    expect(sent).toMatchObject({ method: 'POST', path: '/sdapi/v1/txt2img' });
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({
      prompt: 'a lighthouse at dusk, watercolor',
      negative_prompt: 'blurry',
      seed: 99,
      sampler_name: 'DPM++ 2M',
      steps: 30,
      cfg_scale: 7,
      width: 1216,
      height: 832,
      batch_size: 2,
      n_iter: 1,
      send_images: true,
      save_images: false,
      override_settings: {},
      override_settings_restore_afterwards: true,
    });
    expect(result).toMatchObject({ model: 'sd_xl_base_1.0', seed: 99, provider_cost_usd: 0 });
    expect(result.images.map((i) => i.mime)).toEqual(['image/png', 'image/png']);
    expect(Buffer.from(result.images[1]!.bytes)).toEqual(await fakeImage('png', 'a1111|a lighthouse at dusk, watercolor|100'));
  });

  it('lets the job override steps, cfg, sampler and checkpoint (the job model names the checkpoint)', async () => {
    settings.checkpoint = 'sd_xl_base_1.0.safetensors';
    const request = { ...generationRequest({ steps: 20, cfg_scale: 5.5, model: 'juggernautXL_v9.safetensors' }), sampler: 'Euler a' };
    const result = await client().generate(request, callWith(null));
    expect(fake.requests[0]!.body).toMatchObject({ steps: 20, cfg_scale: 5.5, sampler_name: 'Euler a', override_settings: { sd_model_checkpoint: 'juggernautXL_v9.safetensors' } });
    expect(result.model).toBe('juggernautXL_v9.safetensors');
  });

  it('sends HTTP Basic from a "user:password" credential; without it --api-auth answers 401 → auth', async () => {
    fake.auth = 'artist:s3cret';
    await client().generate(generationRequest(), callWith('artist:s3cret'));
    expect(fake.requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('artist:s3cret').toString('base64')}`);
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'auth', httpStatus: 401, providerMessage: 'Incorrect username or password' });
  });

  it('honours the server\'s samples_format (JPEG, WebP)', async () => {
    fake.samplesFormat = 'jpeg';
    expect((await client().generate(generationRequest(), callWith(null))).images[0]!.mime).toBe('image/jpeg');
    fake.samplesFormat = 'webp';
    expect((await client().generate(generationRequest(), callWith(null))).images[0]!.mime).toBe('image/webp');
  });

  it('keeps only the images asked for when extensions append their maps', async () => {
    const image = (await fakeImage('png', 'x')).toString('base64');
    fake.next({ status: 200, json: { images: [image, image, image], parameters: {}, info: JSON.stringify({ seed: 5 }) } });
    const result = await client().generate(generationRequest({ count: 1 }), callWith(null));
    expect(result.images).toHaveLength(1);
    expect(result.seed).toBe(5);
  });

  it('refuses sizes and counts SDXL cannot make before any request', async () => {
    await expectFailure(client().generate(generationRequest({ width: 1020 }), callWith(null)), { errorClass: 'bad_request', message: /steps of 8/ });
    await expectFailure(client().generate(generationRequest({ width: 4096, height: 4096 }), callWith(null)), { errorClass: 'bad_request' });
    await expectFailure(client().generate(generationRequest({ count: 9 }), callWith(null)), { errorClass: 'bad_request' });
    expect(fake.requests).toHaveLength(0);
  });

  it('maps the WebUI\'s failures: OOM 500 → transient, 422 → bad_request, empty → no_image', async () => {
    fake.next(a1111Answers.outOfMemory());
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'transient', httpStatus: 500, providerMessage: /^OutOfMemoryError: CUDA out of memory/ });
    fake.next({ status: 422, json: { detail: [{ loc: ['body', 'steps'], msg: 'value is not a valid integer', type: 'type_error.integer' }] } });
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'bad_request', httpStatus: 422, providerMessage: 'body.steps: value is not a valid integer' });
    fake.next(a1111Answers.noImages());
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'no_image' });
  });

  it('a server without --api (or a ComfyUI server) answers 404 → bad_request that says what to change', async () => {
    const comfy = await startComfyFake();
    try {
      settings.base_url = comfy.url;
      await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'bad_request', httpStatus: 404, message: /--api.*backends\.sdxl\.flavor/ });
    } finally {
      await comfy.close();
    }
  });

  it('a server that is not running → transient "down or unreachable"; a dropped answer → transient', async () => {
    fake.next({ drop: 'mid-body', json: { images: ['A'.repeat(5000)], info: '{}' } });
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'transient', message: /dropped the connection/ });
    await fake.close();
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'transient', message: /down or unreachable/ });
    await expectFailure(client().health!(callWith(null)), { errorClass: 'transient' });
    fake = await startA1111Fake();
  });

  it('health GETs /sdapi/v1/options', async () => {
    await client().health!(callWith(null));
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/sdapi/v1/options' });
  });
});

describe('sdxl (A1111) through the queue', () => {
  it('stores the images with seed, negative prompt and parameters', async () => {
    const core = await coreWith(client(), credentialsFor('APEX_SDXL_AUTH', ''));
    const { job_id } = await core.client.call('jobs.submit', {
      prompt: 'an owl on a branch, oil painting',
      negative_prompt: 'lowres',
      backend: 'sdxl',
      params: { width: 832, height: 1216, steps: 25, cfg_scale: 6, seed: 2024 },
    });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('succeeded');
    expect(detail.attempts[0]).toMatchObject({ backend: 'sdxl', outcome: 'succeeded', possibly_billed: false, cost_usd: 0 });
    const [asset] = assetsOf(core, job_id);
    expect(asset!.row).toMatchObject({ backend: 'sdxl', model: 'sd_xl_base_1.0', prompt: 'an owl on a branch, oil painting', negative_prompt: 'lowres', seed: 2024 });
    expect(asset!.sidecar.provenance.params).toMatchObject({ width: 832, height: 1216, steps: 25, cfg_scale: 6, seed: 2024 });
    expect(fake.requestsTo('/sdapi/v1/txt2img')[0]!.body).toMatchObject({ steps: 25, cfg_scale: 6, seed: 2024, negative_prompt: 'lowres', width: 832, height: 1216 });
  });
});
