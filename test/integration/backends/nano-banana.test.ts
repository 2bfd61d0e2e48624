import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNanoBananaClient } from '../../../main/core/backends/nano-banana';
import { BackendError } from '../../../main/core/backends/types';
import { fakeImage } from '../../fakes/fake-images';
import { geminiAnswers, startGeminiFake, type GeminiFake } from '../../fakes/gemini-server';
import { assetsOf, callWith, coreWith, credentialsFor, expectFailure, generationRequest } from './harness';

const KEY = 'test-gemini-key';
let fake: GeminiFake;
let settings: { model: string; base_url: string };

beforeEach(async () => {
  fake = await startGeminiFake({ apiKey: KEY });
  settings = { model: 'gemini-3.1-flash-image', base_url: fake.url };
});
afterEach(async () => {
  await fake.close();
});

const client = () => createNanoBananaClient({ settings: () => settings });

describe('nano_banana wire format', () => {
  it('POSTs generateContent with x-goog-api-key and camelCase imageConfig, and returns the image', async () => {
    const result = await client().generate(generationRequest({ width: 2048, height: 1152 }), callWith(KEY));
    expect(fake.requests).toHaveLength(1);
    const sent = fake.requests[0]!;
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1beta/models/gemini-3.1-flash-image:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe(KEY);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.query).toEqual({});
    expect(sent.body).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'a lighthouse at dusk, watercolor' }] }],
      generationConfig: { responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '16:9', imageSize: '2K' } },
    });
    expect(result.model).toBe('gemini-3.1-flash-image');
    expect(result.seed).toBeNull();
    expect(result.images).toHaveLength(1);
    expect(result.images[0]!.mime).toBe('image/png');
    expect(Buffer.from(result.images[0]!.bytes)).toEqual(await fakeImage('png', 'gemini|gemini-3.1-flash-image|16:9|a lighthouse at dusk, watercolor'));
  });

  it('sends an explicit aspect ratio as is, and 1K requests without imageSize', async () => {
    await client().generate(generationRequest({ aspect_ratio: '4:5', width: 896, height: 1152 }), callWith(KEY));
    expect((fake.requests[0]!.body as { generationConfig: unknown }).generationConfig).toEqual({ responseModalities: ['IMAGE'], imageConfig: { aspectRatio: '4:5' } });
  });

  it('uses the job model over the configured one', async () => {
    const result = await client().generate(generationRequest({ model: 'gemini-3-pro-image' }), callWith(KEY));
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-3-pro-image:generateContent');
    expect(result.model).toBe('gemini-3-pro-image');
  });

  it('turns count into parallel calls, one image each', async () => {
    const result = await client().generate(generationRequest({ count: 3 }), callWith(KEY));
    expect(fake.requests).toHaveLength(3);
    expect(result.images).toHaveLength(3);
  });

  it('skips interim thought images and keeps the final one', async () => {
    fake.thoughtImages = 2;
    const result = await client().generate(generationRequest(), callWith(KEY));
    const parts = fake.requests.length;
    expect(parts).toBe(1);
    expect(Buffer.from(result.images[0]!.bytes)).toEqual(await fakeImage('png', 'gemini|gemini-3.1-flash-image|1:1|a lighthouse at dusk, watercolor'));
  });

  it('honours a JPEG answer', async () => {
    fake.imageFormat = 'jpeg';
    const result = await client().generate(generationRequest(), callWith(KEY));
    expect(result.images[0]!.mime).toBe('image/jpeg');
    expect([...result.images[0]!.bytes.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
  });

  it('keeps the images that arrived when one of the parallel calls fails', async () => {
    fake.next(geminiAnswers.overloaded());
    const result = await client().generate(generationRequest({ count: 3 }), callWith(KEY));
    expect(fake.requests).toHaveLength(3);
    expect(result.images).toHaveLength(2);
  });

  it('health GETs the model with the key', async () => {
    await client().health!(callWith(KEY));
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1beta/models/gemini-3.1-flash-image' });
    expect(fake.requests[0]!.headers['x-goog-api-key']).toBe(KEY);
    await expectFailure(client().health!(callWith('wrong')), { errorClass: 'auth', httpStatus: 400 });
  });
});

describe('nano_banana refuses what it cannot make before any request', () => {
  const refusals: Array<[string, Parameters<typeof generationRequest>[0], string?]> = [
    ['an aspect ratio Gemini does not make', { aspect_ratio: '5:7' }],
    ['more images than it runs in parallel', { count: 5 }],
    ['an extreme ratio on a model without it', { aspect_ratio: '1:8' }, 'gemini-3-pro-image'],
    ['more than 1K on gemini-2.5-flash-image', { width: 2048, height: 2048 }, 'gemini-2.5-flash-image'],
    ['more than its 4K tier', { width: 8192, height: 8192 }],
  ];
  for (const [what, overrides, model] of refusals) {
    it(`refuses ${what}`, async () => {
      if (model) settings.model = model;
      await expectFailure(client().generate(generationRequest(overrides), callWith(KEY)), { errorClass: 'bad_request', httpStatus: null });
      expect(fake.requests).toHaveLength(0);
    });
  }

  it('accepts 1:8 on gemini-3.1-flash-image', async () => {
    await client().generate(generationRequest({ aspect_ratio: '1:8' }), callWith(KEY));
    expect(fake.requests).toHaveLength(1);
  });

  it('says auth without a key, without calling', async () => {
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'auth', message: /APEX_NANO_BANANA_API_KEY/ });
    await expectFailure(client().generate(generationRequest(), callWith('AIza first line\nsecond')), { errorClass: 'auth', message: /line breaks/ });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('nano_banana failures map to exactly one class', () => {
  it('429 with RetryInfo → rate_limited with the provider delay', async () => {
    fake.next(geminiAnswers.rateLimited('30s'));
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), {
      errorClass: 'rate_limited',
      httpStatus: 429,
      retryAfterMs: 30_000,
      providerMessage: /^RESOURCE_EXHAUSTED: You exceeded your current quota/,
    });
  });

  it('429 with a fractional retryDelay and with only a Retry-After header', async () => {
    fake.next(geminiAnswers.rateLimited('3.700s'));
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'rate_limited', retryAfterMs: 3_700 });
    fake.next(geminiAnswers.error(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [], { 'retry-after': '7' }));
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'rate_limited', retryAfterMs: 7_000 });
  });

  it('429 for a per-day quota → quota_exhausted, not retried as a rate limit', async () => {
    fake.next(geminiAnswers.dailyQuota());
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'quota_exhausted', httpStatus: 429, message: /daily quota/ });
  });

  it('200 with promptFeedback.blockReason → content_blocked with the reason', async () => {
    fake.next(geminiAnswers.promptBlocked('PROHIBITED_CONTENT'));
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'content_blocked', httpStatus: 200, providerMessage: 'PROHIBITED_CONTENT' });
  });

  it('200 with finishReason IMAGE_SAFETY → content_blocked with the finish message', async () => {
    fake.next(geminiAnswers.outputBlocked());
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'content_blocked', providerMessage: /^IMAGE_SAFETY: Unable to show the generated image/ });
  });

  it('200 with text only → no_image with what the model said', async () => {
    fake.next(geminiAnswers.textOnly());
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'no_image', httpStatus: 200, providerMessage: /^STOP: I can't create that image/ });
  });

  it('200 with finishReason NO_IMAGE → no_image', async () => {
    fake.next(geminiAnswers.noImage());
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'no_image', providerMessage: 'NO_IMAGE' });
  });

  it('a wrong key (400 API_KEY_INVALID) → auth', async () => {
    await expectFailure(client().generate(generationRequest(), callWith('not-the-key')), { errorClass: 'auth', httpStatus: 400, providerMessage: /API key not valid/ });
  });

  it('an unknown or retired model (404) → model_gone naming the setting', async () => {
    settings.model = 'gemini-2.5-flash-image-preview';
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'model_gone', httpStatus: 404, message: /backends\.nano_banana\.model/, providerMessage: /NOT_FOUND: models\/gemini-2\.5-flash-image-preview is not found/ });
  });

  it('503 UNAVAILABLE → transient; 504 → timeout', async () => {
    fake.next(geminiAnswers.overloaded());
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'transient', httpStatus: 503, providerMessage: /overloaded/ });
    fake.next(geminiAnswers.error(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'));
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'timeout', httpStatus: 504 });
  });

  it('400 INVALID_ARGUMENT → bad_request with Google\'s words', async () => {
    fake.next(geminiAnswers.error(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.'));
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'bad_request', httpStatus: 400, providerMessage: 'INVALID_ARGUMENT: Request contains an invalid argument.' });
  });

  it('a connection dropped before the answer or in the middle of it → transient', async () => {
    fake.next({ drop: 'before-headers' });
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'transient', message: /dropped the connection/ });
    fake.next({ drop: 'mid-body', json: { candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'A'.repeat(4000) } }] } }] } });
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'transient', message: /dropped the connection/ });
  });

  it('a 200 that is not JSON → transient', async () => {
    fake.next({ status: 200, raw: '<html>proxy says hi</html>', headers: { 'content-type': 'text/html' } });
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'transient', providerMessage: /proxy says hi/ });
  });

  it('a server that is down → transient "down or unreachable"', async () => {
    await fake.close();
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'transient', message: /down or unreachable/ });
    fake = await startGeminiFake({ apiKey: KEY });
  });

  it('our timeout → timeout; an abort by the caller stays an AbortError', async () => {
    fake.script = () => ({ status: 200, json: {}, delayMs: 5_000 });
    await expectFailure(client().generate(generationRequest(), callWith(KEY, AbortSignal.timeout(150))), { errorClass: 'timeout', httpStatus: null });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await client()
      .generate(generationRequest(), callWith(KEY, AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)])))
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(BackendError);
    expect((error as Error).name).toBe('AbortError');
  });
});

describe('nano_banana through the queue', () => {
  const open = () => coreWith(client(), credentialsFor('APEX_NANO_BANANA_API_KEY', KEY));

  it('stores the image as an asset with its provenance', async () => {
    const core = await open();
    const { job_id } = await core.client.call('jobs.submit', {
      prompt: 'a lighthouse at dusk, watercolor',
      backend: 'nano_banana',
      params: { width: 1344, height: 768, seed: 77 },
      project: 'Coast',
      tags: ['sea'],
    });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('succeeded');
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ backend: 'nano_banana', model: 'gemini-3.1-flash-image', outcome: 'succeeded', possibly_billed: false });
    const [asset, more] = assetsOf(core, job_id);
    expect(more).toBeUndefined();
    expect(asset!.row).toMatchObject({ backend: 'nano_banana', model: 'gemini-3.1-flash-image', prompt: 'a lighthouse at dusk, watercolor', seed: null, mime: 'image/png' });
    expect(JSON.parse(asset!.row.params_json)).toMatchObject({ width: 1344, height: 768, seed: 77 });
    expect(asset!.sidecar.provenance).toMatchObject({ backend: 'nano_banana', model: 'gemini-3.1-flash-image', prompt: 'a lighthouse at dusk, watercolor', seed: null, project: 'Coast', tags: ['sea'] });
    expect(asset!.sidecar.provenance.params).toMatchObject({ width: 1344, height: 768, seed: 77 });
    expect((fake.requests[0]!.body as { generationConfig: { imageConfig: unknown } }).generationConfig.imageConfig).toEqual({ aspectRatio: '16:9' });
  });

  it('a content block fails the job with the provider reason', async () => {
    const core = await open();
    fake.next(geminiAnswers.promptBlocked('PROHIBITED_CONTENT'));
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'something forbidden', backend: 'nano_banana', params: { seed: 1 } });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job).toMatchObject({ status: 'failed', error_class: 'content_blocked' });
    expect(detail.job.error_message).toContain('PROHIBITED_CONTENT');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 429 cools the backend and the job completes on a later call without burning an attempt', async () => {
    const core = await open();
    fake.next(geminiAnswers.rateLimited('1s'));
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'patience', backend: 'nano_banana', params: { seed: 2 } });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('succeeded');
    expect(detail.attempts.map((a) => [a.outcome, a.error_class, a.http_status, a.retry_after_ms])).toEqual([
      ['failed', 'rate_limited', 429, 1_000],
      ['succeeded', null, null, null],
    ]);
    expect(detail.job.attempts).toBe(1);
    expect(fake.requests[1]!.at - fake.requests[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('a daily quota fails a pinned job at once (no retries)', async () => {
    const core = await open();
    fake.script = () => geminiAnswers.dailyQuota();
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'too late today', backend: 'nano_banana', params: { seed: 3 } });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job).toMatchObject({ status: 'failed', error_class: 'quota_exhausted' });
    expect(fake.requests).toHaveLength(1);
  });
});
