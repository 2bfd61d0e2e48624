import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImagenClient, type ImagenSettings } from '../../../main/core/backends/imagen';
import { googleAuthTokenProvider, type AccessTokenProvider, type ServiceAccountKey } from '../../../main/core/backends/imagen-auth';
import { fakeImage } from '../../fakes/fake-images';
import { geminiAnswers, startGeminiFake, type GeminiFake } from '../../fakes/gemini-server';
import { useTempDirs } from '../../helpers/temp-library';
import { assetsOf, callWith, coreWith, credentialsFor, expectFailure, generationRequest } from './harness';

const KEY = 'test-imagen-key';
const tempDir = useTempDirs();
let fake: GeminiFake;
let settings: ImagenSettings;
let tokenRequests: ServiceAccountKey[];

/** A service-account key file as Google issues it (the private key is never used: tokens come from the stub). */
const SERVICE_ACCOUNT = {
  type: 'service_account',
  project_id: 'apex-test-project',
  private_key_id: 'abc123',
  private_key: `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(200)}\n-----END PRIVATE KEY-----\n`,
  client_email: 'apex@apex-test-project.iam.gserviceaccount.com',
  client_id: '1234567890',
  token_uri: 'https://oauth2.googleapis.com/token',
};

beforeEach(async () => {
  fake = await startGeminiFake({ apiKey: KEY });
  settings = { model: 'imagen-4.0-generate-001', base_url: fake.url, auth: 'api_key', vertex_project: null, vertex_location: 'us-central1' };
  tokenRequests = [];
});
afterEach(async () => {
  await fake.close();
});

const stubTokens: AccessTokenProvider = (key) => {
  tokenRequests.push(key);
  return Promise.resolve(fake.vertexToken);
};
const client = (fetchImpl?: typeof fetch) => createImagenClient({ settings: () => settings, tokenProvider: stubTokens, ...(fetchImpl ? { fetch: fetchImpl } : {}) });

describe('imagen on the Gemini API', () => {
  it('POSTs :predict with x-goog-api-key, instances and camelCase parameters', async () => {
    const result = await client().generate(generationRequest({ width: 1344, height: 768, count: 2 }), callWith(KEY));
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1beta/models/imagen-4.0-generate-001:predict');
    expect(sent.headers['x-goog-api-key']).toBe(KEY);
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({ instances: [{ prompt: 'a lighthouse at dusk, watercolor' }], parameters: { sampleCount: 2, aspectRatio: '16:9', includeRaiReason: true } });
    expect(result).toMatchObject({ model: 'imagen-4.0-generate-001', seed: null });
    expect(result.images.map((i) => i.mime)).toEqual(['image/png', 'image/png']);
    expect(Buffer.from(result.images[1]!.bytes)).toEqual(await fakeImage('png', 'imagen|a lighthouse at dusk, watercolor|1'));
  });

  it('asks for the 2K tier above about a megapixel, on models that have it', async () => {
    await client().generate(generationRequest({ width: 2048, height: 2048 }), callWith(KEY));
    expect((fake.requests[0]!.body as { parameters: unknown }).parameters).toEqual({ sampleCount: 1, aspectRatio: '1:1', includeRaiReason: true, sampleImageSize: '2K' });
  });

  it('refuses what Imagen cannot make before any request', async () => {
    await expectFailure(client().generate(generationRequest({ aspect_ratio: '21:9' }), callWith(KEY)), { errorClass: 'bad_request' });
    await expectFailure(client().generate(generationRequest({ count: 5 }), callWith(KEY)), { errorClass: 'bad_request' });
    await expectFailure(client().generate(generationRequest({ width: 4096, height: 4096 }), callWith(KEY)), { errorClass: 'bad_request' });
    await expectFailure(client().generate(generationRequest({ width: 2048, height: 2048, model: 'imagen-4.0-fast-generate-001' }), callWith(KEY)), { errorClass: 'bad_request', message: /1K images only/ });
    await expectFailure(client().generate(generationRequest(), callWith(null)), { errorClass: 'auth', message: /APEX_IMAGEN_API_KEY/ });
    await expectFailure(client().generate(generationRequest(), callWith(JSON.stringify(SERVICE_ACCOUNT))), { errorClass: 'auth', message: /set it to "vertex"/ });
    expect(fake.requests).toHaveLength(0);
  });

  it('a retired model (404) is model_gone, naming the setting and the 2026-08-17 shutdown', async () => {
    fake.models.delete('imagen-4.0-generate-001');
    const error = await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'model_gone', httpStatus: 404, providerMessage: /^NOT_FOUND: models\/imagen-4\.0-generate-001 is not found/ });
    expect(error.message).toContain('backends.imagen.model');
    expect(error.message).toContain('shut down on 2026-08-17');
  });

  it('a prompt refused under the Responsible AI rules (400) is content_blocked', async () => {
    fake.next(geminiAnswers.imagenPromptRefused());
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'content_blocked', httpStatus: 400, providerMessage: /violate Google's Responsible AI practices/ });
  });

  it('every sample filtered (200 with raiFilteredReason) is content_blocked with the reason; an empty 200 is no_image', async () => {
    fake.next(geminiAnswers.imagenAllFiltered());
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'content_blocked', httpStatus: 200, providerMessage: /safety filter threshold/ });
    fake.next(geminiAnswers.imagenEmpty());
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'no_image', httpStatus: 200 });
  });

  it('keeps the samples that were not filtered', async () => {
    const image = (await fakeImage('jpeg', 'kept')).toString('base64');
    fake.next({ status: 200, json: { predictions: [{ raiFilteredReason: 'filtered' }, { bytesBase64Encoded: image, mimeType: 'image/jpeg' }] } });
    const result = await client().generate(generationRequest({ count: 2 }), callWith(KEY));
    expect(result.images.map((i) => i.mime)).toEqual(['image/jpeg']);
  });

  it('429 is rate_limited with the delay; a wrong key is auth', async () => {
    fake.next(geminiAnswers.rateLimited('12s'));
    await expectFailure(client().generate(generationRequest(), callWith(KEY)), { errorClass: 'rate_limited', httpStatus: 429, retryAfterMs: 12_000 });
    await expectFailure(client().generate(generationRequest(), callWith('wrong')), { errorClass: 'auth', httpStatus: 400 });
  });

  it('health GETs the model', async () => {
    await client().health!(callWith(KEY));
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/v1beta/models/imagen-4.0-generate-001' });
    fake.models.clear();
    await expectFailure(client().health!(callWith(KEY)), { errorClass: 'model_gone' });
  });
});

describe('imagen on Vertex AI', () => {
  beforeEach(() => {
    settings = { ...settings, auth: 'vertex', vertex_project: 'my-project-123', vertex_location: 'europe-west4' };
  });

  it('POSTs the Vertex :predict URL with a Bearer token from the service-account key', async () => {
    const result = await client().generate(generationRequest({ aspect_ratio: '3:4', count: 1 }), callWith(JSON.stringify(SERVICE_ACCOUNT)));
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/projects/my-project-123/locations/europe-west4/publishers/google/models/imagen-4.0-generate-001:predict');
    expect(sent.headers.authorization).toBe(`Bearer ${fake.vertexToken}`);
    expect(sent.headers['x-goog-api-key']).toBeUndefined();
    expect(sent.body).toEqual({ instances: [{ prompt: 'a lighthouse at dusk, watercolor' }], parameters: { sampleCount: 1, aspectRatio: '3:4', includeRaiReason: true } });
    expect(tokenRequests.map((k) => k.client_email)).toEqual([SERVICE_ACCOUNT.client_email]);
    expect(result.images).toHaveLength(1);
  });

  it('reads the key from a file path (APEX_IMAGEN_CREDENTIALS) and takes the project from it when none is set', async () => {
    settings.vertex_project = null;
    const file = join(tempDir(), 'service-account.json');
    writeFileSync(file, JSON.stringify(SERVICE_ACCOUNT));
    await client().generate(generationRequest(), callWith(file));
    expect(fake.requests[0]!.path).toBe('/v1/projects/apex-test-project/locations/europe-west4/publishers/google/models/imagen-4.0-generate-001:predict');
  });

  it('goes to the regional Vertex host when base_url is the Gemini API default', async () => {
    settings.base_url = 'https://generativelanguage.googleapis.com';
    const urls: string[] = [];
    const recording = (input: string | URL | Request): Promise<Response> => {
      urls.push(String(input));
      return Promise.resolve(new Response(JSON.stringify({ predictions: [] }), { status: 200, headers: { 'content-type': 'application/json' } }));
    };
    await expectFailure(client(recording as typeof fetch).generate(generationRequest(), callWith(JSON.stringify(SERVICE_ACCOUNT))), { errorClass: 'no_image' });
    expect(urls).toEqual(['https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project-123/locations/europe-west4/publishers/google/models/imagen-4.0-generate-001:predict']);
  });

  it('refuses an API key, a broken key file or a missing project before any request', async () => {
    await expectFailure(client().generate(generationRequest(), callWith('AIzaSyNotAServiceAccount')), { errorClass: 'auth', message: /service-account key/ });
    await expectFailure(client().generate(generationRequest(), callWith(JSON.stringify({ ...SERVICE_ACCOUNT, type: 'authorized_user' }))), { errorClass: 'auth', message: /type: must be "service_account"/ });
    await expectFailure(client().generate(generationRequest(), callWith(join(tempDir(), 'missing.json'))), { errorClass: 'auth', message: /could not be read/ });
    settings.vertex_project = null;
    const { project_id: _omitted, ...noProject } = SERVICE_ACCOUNT;
    await expectFailure(client().generate(generationRequest(), callWith(JSON.stringify(noProject))), { errorClass: 'bad_request', message: /backends\.imagen\.vertex_project/ });
    expect(fake.requests).toHaveLength(0);
    expect(tokenRequests).toHaveLength(0);
  });

  it('a refused token (401) is auth; a missing model (404) is model_gone naming the settings', async () => {
    fake.vertexToken = 'a-different-token';
    const stale = createImagenClient({ settings: () => settings, tokenProvider: () => Promise.resolve('ya29.stale') });
    await expectFailure(stale.generate(generationRequest(), callWith(JSON.stringify(SERVICE_ACCOUNT))), { errorClass: 'auth', httpStatus: 401, providerMessage: /^UNAUTHENTICATED/ });
    fake.models.delete('imagen-4.0-generate-001');
    const error = await expectFailure(client().generate(generationRequest(), callWith(JSON.stringify(SERVICE_ACCOUNT))), { errorClass: 'model_gone', httpStatus: 404 });
    expect(error.message).toMatch(/backends\.imagen\.model or backends\.imagen\.vertex_location/);
  });

  it('the real token provider refuses an unusable private key as auth without calling Google', async () => {
    const provider = googleAuthTokenProvider();
    const call = { provider: 'Google sign-in', signal: AbortSignal.timeout(10_000) };
    await expectFailure(provider({ ...SERVICE_ACCOUNT, type: 'service_account' }, call), { errorClass: 'auth' });
  });
});

describe('imagen through the queue', () => {
  it('stores the images with their provenance', async () => {
    const core = await coreWith(client(), credentialsFor('APEX_IMAGEN_API_KEY', KEY));
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'a red fox in snow', backend: 'imagen', params: { aspect_ratio: '4:3', count: 2, seed: 9 } });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('succeeded');
    const assets = assetsOf(core, job_id);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      expect(asset.row).toMatchObject({ backend: 'imagen', model: 'imagen-4.0-generate-001', prompt: 'a red fox in snow', seed: null });
      expect(JSON.parse(asset.row.params_json)).toMatchObject({ aspect_ratio: '4:3', count: 2, seed: 9 });
      expect(asset.sidecar.provenance).toMatchObject({ backend: 'imagen', model: 'imagen-4.0-generate-001', image_count: 2 });
    }
    expect((fake.requests[0]!.body as { parameters: unknown }).parameters).toEqual({ sampleCount: 2, aspectRatio: '4:3', includeRaiReason: true });
  });

  it('a retired model fails the pinned job at once, naming the setting to change', async () => {
    fake.models.delete('imagen-4.0-generate-001');
    const core = await coreWith(client(), credentialsFor('APEX_IMAGEN_API_KEY', KEY));
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'gone', backend: 'imagen', params: { seed: 1 } });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job).toMatchObject({ status: 'failed', error_class: 'model_gone' });
    expect(detail.job.error_message).toContain('backends.imagen.model');
    expect(detail.job.error_message).toContain('2026-08-17');
    expect(fake.requests).toHaveLength(1);
  });
});
