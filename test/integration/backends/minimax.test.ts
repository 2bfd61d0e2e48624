import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMinimaxClient } from '../../../main/core/backends/minimax';
import { fakeImage } from '../../fakes/fake-images';
import { minimaxAnswers, startMinimaxFake, type MinimaxFake } from '../../fakes/minimax-server';
import { assetsOf, callWith, coreWith, credentialsFor, expectFailure, generationRequest } from './harness';

const KEY = 'test-minimax-key';
let fake: MinimaxFake;
let settings: { model: string; base_url: string };

beforeEach(async () => {
  fake = await startMinimaxFake({ apiKey: KEY });
  settings = { model: 'image-01', base_url: fake.url };
});
afterEach(async () => {
  await fake.close();
});

const client = () => createMinimaxClient({ settings: () => settings });

describe('minimax wire format', () => {
  it('POSTs /v1/image_generation with Bearer auth, base64 format, n, seed and exact size', async () => {
    const result = await client().generate(generationRequest({ width: 1280, height: 720, count: 2, seed: 31337 }), callWith(KEY));
    const sent = fake.requests[0]!;
    expect(sent).toMatchObject({ method: 'POST', path: '/v1/image_generation' });
    expect(sent.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent.body).toEqual({ model: 'image-01', prompt: 'a lighthouse at dusk, watercolor', response_format: 'base64', n: 2, seed: 31337, prompt_optimizer: false, width: 1280, height: 720 });
    expect(result).toMatchObject({ model: 'image-01', seed: 31337 });
    expect(result.images.map((i) => i.mime)).toEqual(['image/jpeg', 'image/jpeg']);
    expect(Buffer.from(result.images[0]!.bytes)).toEqual(await fakeImage('jpeg', 'minimax|a lighthouse at dusk, watercolor|31337|0'));
  });

  it('sends an aspect ratio instead of pixels when the job names one, or for models without exact sizes', async () => {
    await client().generate(generationRequest({ aspect_ratio: '21:9' }), callWith(KEY));
    expect(fake.requests[0]!.body).toMatchObject({ aspect_ratio: '21:9' });
    expect(fake.requests[0]!.body).not.toHaveProperty('width');
    await client().generate(generationRequest({ width: 768, height: 1344, model: 'image-01-live' }), callWith(KEY));
    expect(fake.requests[1]!.body).toMatchObject({ model: 'image-01-live', aspect_ratio: '9:16' });
  });

  it('refuses what MiniMax cannot make before any request', async () => {
    await expectFailure(client().generate(generationRequest({ width: 1020, height: 1020 }), callWith(KEY)), { errorClass: 'bad_request', message: /steps of 8/ });
    await expectFailure(client().generate(generationRequest({ width: 256, height: 256 }), callWith(KEY)), { errorClass: 'bad_request' });
    await expectFailure(client().generate(generationRequest({ aspect_ratio: '5:4' }), callWith(KEY)), { errorClass: 'bad_request' });
    await expectFailure(client().generate(generationRequest({ count: 10 }), callWith(KEY)), { errorClass: 'bad_request' });
    await expectFailure(client().generate(generationRequest({ prompt: 'x'.repeat(1501) }), callWith(KEY)), { errorClass: 'bad_request' });
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'auth', message: /APEX_MINIMAX_API_KEY/ });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('minimax status codes inside an HTTP 200', () => {
  const cases = [
    { name: '1002 rate limit', answer: minimaxAnswers.rateLimited(), errorClass: 'rate_limited', code: /^1002: rate limit/ },
    { name: '1004 not authorized', answer: minimaxAnswers.code(1004, 'login fail'), errorClass: 'auth', code: /^1004: login fail/ },
    { name: '1008 insufficient balance', answer: minimaxAnswers.insufficientBalance(), errorClass: 'quota_exhausted', code: /^1008: insufficient balance/ },
    { name: '1026 sensitive input', answer: minimaxAnswers.sensitivePrompt(), errorClass: 'content_blocked', code: /^1026: input new_sensitive/ },
    { name: '1027 sensitive output', answer: minimaxAnswers.code(1027, 'output new_sensitive'), errorClass: 'content_blocked', code: /^1027/ },
    { name: '2013 invalid params', answer: minimaxAnswers.code(2013, 'invalid params, n: too big'), errorClass: 'bad_request', code: /^2013: invalid params/ },
    { name: '1000 unknown error', answer: minimaxAnswers.code(1000, 'unknown error'), errorClass: 'transient', code: /^1000/ },
    { name: '1001 timeout', answer: minimaxAnswers.code(1001, 'request timeout'), errorClass: 'timeout', code: /^1001/ },
    { name: 'an unknown 2xxx code', answer: minimaxAnswers.code(2099, 'something about your params'), errorClass: 'bad_request', code: /^2099/ },
  ] as const;
  for (const c of cases) {
    it(`${c.name} → ${c.errorClass}`, async () => {
      fake.next(c.answer);
      const error = await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: c.errorClass, httpStatus: 200, providerMessage: c.code });
      expect(error.message).toMatch(/Trace-Id trace-error-\d+/);
    });
  }

  it('a wrong key (2049) is auth and says keys belong to their host', async () => {
    await expectFailure(client().generate(generationRequest(), callWith('wrong')), { errorClass: 'auth', providerMessage: '2049: invalid api key', message: /api\.minimaxi\.com/ });
  });

  it('a success code without images is no_image', async () => {
    fake.next(minimaxAnswers.allFailed(1));
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'no_image', providerMessage: /failed_count 1/ });
  });

  it('HTTP errors still read base_resp when there is one, else the status decides', async () => {
    fake.next({ status: 429, headers: { 'retry-after': '20' }, json: { base_resp: { status_code: 1002, status_msg: 'rate limit' } } });
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'rate_limited', httpStatus: 429 });
    fake.next({ status: 502, raw: '<html>Bad Gateway</html>', headers: { 'content-type': 'text/html', 'retry-after': '5' } });
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'transient', httpStatus: 502, retryAfterMs: 5_000, providerMessage: /Bad Gateway/ });
    fake.next({ status: 429, headers: { 'retry-after': '20' }, raw: 'slow down' });
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'rate_limited', httpStatus: 429, retryAfterMs: 20_000 });
  });

  it('a dropped connection is transient; our timeout is timeout', async () => {
    fake.next({ drop: 'before-headers' });
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'transient', message: /dropped the connection/ });
    fake.next({ status: 200, json: {}, delayMs: 3_000 });
    await expectFailure(client().generate(generationRequest(), callWith(KEY, AbortSignal.timeout(100))), { errorClass: 'timeout' });
  });
});

describe('minimax through the queue', () => {
  const open = () => coreWith(client(), credentialsFor('APEX_MINIMAX_API_KEY', KEY));

  it('stores the JPEGs with their provenance and seed', async () => {
    const core = await open();
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'a koi pond, ukiyo-e', backend: 'minimax', params: { width: 1024, height: 1024, seed: 555, count: 2 }, tags: ['fish'] });
    await core.pipeline.orchestrator.whenIdle();
    expect((await core.client.call('jobs.get', { id: job_id })).job.status).toBe('succeeded');
    const assets = assetsOf(core, job_id);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      expect(asset.row).toMatchObject({ backend: 'minimax', model: 'image-01', prompt: 'a koi pond, ukiyo-e', seed: 555, mime: 'image/jpeg' });
      expect(asset.row.rel_path).toMatch(/\.jpg$/);
      expect(asset.sidecar.provenance).toMatchObject({ backend: 'minimax', model: 'image-01', seed: 555, tags: ['fish'] });
      expect(asset.sidecar.provenance.params).toMatchObject({ width: 1024, height: 1024, seed: 555, count: 2 });
    }
  });

  it('a sensitive prompt (1026) fails the job with MiniMax\'s reason', async () => {
    const core = await open();
    fake.next(minimaxAnswers.sensitivePrompt());
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'nope', backend: 'minimax', params: { seed: 1 } });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job).toMatchObject({ status: 'failed', error_class: 'content_blocked' });
    expect(detail.job.error_message).toContain('1026: input new_sensitive');
  });

  it('insufficient balance (1008) fails a pinned job without retrying', async () => {
    const core = await open();
    fake.script = () => minimaxAnswers.insufficientBalance();
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'broke', backend: 'minimax', params: { seed: 1 } });
    await core.pipeline.orchestrator.whenIdle();
    expect((await core.client.call('jobs.get', { id: job_id })).job).toMatchObject({ status: 'failed', error_class: 'quota_exhausted' });
    expect(fake.requests).toHaveLength(1);
  });
});
