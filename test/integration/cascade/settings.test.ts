import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import type { CredentialSource } from '../../../main/core/ports';
import { startA1111Fake } from '../../fakes/a1111-server';
import { startLoopbackImageServer, type LoopbackImageServer } from '../../fakes/loopback-image-server';
import { useTempDirs } from '../../helpers/temp-library';
import { maxInWindow, scriptedBackend, waitFor, type ScriptedBackend } from './scripted-backend';

/** Backend settings go through `config.update` and apply to the next dispatch, without a restart. */

const tempDir = useTempDirs();
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const keysFor = (ids: readonly string[]): CredentialSource => ({
  has: (id) => Promise.resolve(ids.includes(id)),
  get: (id) => Promise.resolve(ids.includes(id) ? `test-key-${id}` : null),
});
const noKeys: CredentialSource = { has: () => Promise.resolve(false), get: () => Promise.resolve(null) };

async function server(latencyMs = 0): Promise<LoopbackImageServer> {
  const s = await startLoopbackImageServer({ latencyMs });
  cleanup.push(() => s.close());
  return s;
}

async function open(backends: ScriptedBackend[], credentials: CredentialSource = keysFor(backends.map((b) => b.id))): Promise<Core> {
  const core = await createCore({ library: join(tempDir(), 'library'), credentials, backends });
  cleanup.push(() => core.close());
  return core;
}

const job = (prompt: string, extra: Record<string, unknown> = {}) => ({ prompt, params: { width: 64, height: 64, seed: 3 }, ...extra });

async function servedBy(core: Core, jobId: number): Promise<string | undefined> {
  await waitFor(() => core.client.call('jobs.get', { id: jobId }), (d) => d.job.status === 'succeeded' || d.job.status === 'failed');
  const detail = await core.client.call('jobs.get', { id: jobId });
  return detail.attempts.find((a) => a.outcome === 'succeeded')?.backend;
}

async function twoBackends() {
  const a = await server();
  const b = await server();
  const nano = scriptedBackend({ id: 'nano_banana', baseUrl: a.url, paid: true });
  const sdxl = scriptedBackend({ id: 'sdxl', baseUrl: b.url });
  const core = await open([nano, sdxl]);
  await core.client.call('config.update', { backends: { nano_banana: { priority: 1, cost_per_image: 0.04 }, sdxl: { priority: 2, cost_per_image: 0 } } });
  await core.startOrchestrator();
  return { core, a, b, nano, sdxl };
}

describe('backend settings apply without a restart', () => {
  it('reorders the cascade at once when priorities change, and follows enable/disable', async () => {
    const { core } = await twoBackends();
    expect(await servedBy(core, (await core.client.call('jobs.submit', job('one'))).job_id)).toBe('nano_banana');

    await core.client.call('config.update', { backends: { nano_banana: { priority: 5 }, sdxl: { priority: 1 } } });
    expect(await servedBy(core, (await core.client.call('jobs.submit', job('two'))).job_id)).toBe('sdxl');

    await core.client.call('config.update', { backends: { sdxl: { enabled: false } } });
    const third = (await core.client.call('jobs.submit', job('three'))).job_id;
    expect(await servedBy(core, third)).toBe('nano_banana');
    const routing = (await core.client.call('jobs.get', { id: third })).attempts[0]!.routing;
    expect(routing?.skipped).toContainEqual({ backend: 'sdxl', reason: 'is disabled in settings' });
    const health = await core.client.call('backends.health');
    expect(health.items.find((i) => i.id === 'sdxl')).toMatchObject({ enabled: false, state: 'disabled' });
    expect(health.items.map((i) => i.id)).toEqual(['nano_banana', 'imagen', 'minimax', 'sdxl', 'demo']);
  });

  it("follows changed prices and quality levels against a job's constraints", async () => {
    const { core } = await twoBackends();
    const constrained = (prompt: string) => job(prompt, { params: { width: 64, height: 64, seed: 3, quality_level: 4 }, constraints: { max_cost_usd: 0.05 } });
    await core.client.call('config.update', { backends: { nano_banana: { quality_level: 4 }, sdxl: { quality_level: 4 } } });
    expect(await servedBy(core, (await core.client.call('jobs.submit', constrained('cheap enough'))).job_id)).toBe('nano_banana');
    await core.client.call('config.update', { backends: { nano_banana: { cost_per_image: 0.08 } } });
    expect(await servedBy(core, (await core.client.call('jobs.submit', constrained('now too dear'))).job_id)).toBe('sdxl');
    await core.client.call('config.update', { backends: { nano_banana: { cost_per_image: 0.02 }, sdxl: { quality_level: 2 } } });
    await core.client.call('config.update', { backends: { nano_banana: { quality_level: 3 } } });
    const none = (await core.client.call('jobs.submit', constrained('nobody is good enough'))).job_id;
    await core.pipeline.orchestrator.whenIdle();
    const failed = await core.client.call('jobs.get', { id: none });
    expect(failed.job.status).toBe('failed');
    expect(failed.job.error_message).toContain("nano_banana quality 3 is below the job's 4");
    expect(failed.job.error_message).toContain("sdxl quality 2 is below the job's 4");
  });

  it('uses a changed model on the next call', async () => {
    const { core } = await twoBackends();
    await core.client.call('config.update', { backends: { nano_banana: { model: 'model-a' } } });
    const first = (await core.client.call('jobs.submit', job('a'))).job_id;
    await servedBy(core, first);
    await core.client.call('config.update', { backends: { nano_banana: { model: 'model-b' } } });
    const second = (await core.client.call('jobs.submit', job('b'))).job_id;
    await servedBy(core, second);
    expect((await core.client.call('jobs.get', { id: first })).attempts[0]!.model).toBe('model-a');
    expect((await core.client.call('jobs.get', { id: second })).attempts[0]!.model).toBe('model-b');
  });

  it('lets waiting jobs go as soon as requests per minute are raised, and never exceeds the rate in force', async () => {
    const { core, a } = await twoBackends();
    await core.client.call('config.update', { backends: { nano_banana: { requests_per_minute: 2 }, sdxl: { enabled: false } } });
    const started = Date.now();
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 5 }, (_, i) => job(`rpm ${i}`)) });
    await waitFor(() => core.client.call('queue.state'), (s) => s.counts.succeeded === 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two calls in this minute, and the others wait (they are not failed, and nothing else is sent).
    expect(a.calls).toHaveLength(2);
    expect((await core.client.call('queue.state')).counts).toMatchObject({ queued: 3, failed: 0 });
    const waiting = await core.client.call('backends.health');
    expect(waiting.items.find((i) => i.id === 'nano_banana')?.unavailable_reason).toBeNull();

    await core.client.call('config.update', { backends: { nano_banana: { requests_per_minute: 100 } } });
    await core.pipeline.orchestrator.whenIdle();
    expect(Date.now() - started).toBeLessThan(20_000);
    for (const id of job_ids) expect((await core.client.call('jobs.get', { id })).job.status).toBe('succeeded');
    expect(maxInWindow(a.calls.slice(0, 2).map((c) => c.startedAt))).toBeLessThanOrEqual(2);
  });

  it('follows a changed concurrency limit', async () => {
    const slow = await server(150);
    const sdxl = scriptedBackend({ id: 'sdxl', baseUrl: slow.url });
    const core = await open([sdxl]);
    await core.client.call('config.update', { backends: { sdxl: { max_concurrency: 1 } }, orchestrator: { max_concurrent_jobs: 8 } });
    await core.startOrchestrator();
    await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 4 }, (_, i) => job(`c${i}`)) });
    await core.pipeline.orchestrator.whenIdle();
    expect(sdxl.stats.maxInFlight).toBe(1);
    await core.client.call('config.update', { backends: { sdxl: { max_concurrency: 3 } } });
    await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 6 }, (_, i) => job(`d${i}`)) });
    await core.pipeline.orchestrator.whenIdle();
    expect(sdxl.stats.maxInFlight).toBe(3);
  });

  it('applies a shorter timeout to the next call', async () => {
    const slow = await server(2_500);
    const core = await open([scriptedBackend({ id: 'sdxl', baseUrl: slow.url })]);
    await core.client.call('config.update', { backends: { sdxl: { timeout_ms: 1_000 } }, orchestrator: { max_attempts: 1 } });
    await core.startOrchestrator();
    const started = Date.now();
    const { job_id } = await core.client.call('jobs.submit', job('slow', { backend: 'sdxl' }));
    await core.pipeline.orchestrator.whenIdle();
    expect(Date.now() - started).toBeLessThan(2_400);
    expect((await core.client.call('jobs.get', { id: job_id })).job).toMatchObject({ status: 'failed', error_class: 'timeout' });
  });

  it('puts a backend taken out for its key back in the cascade when settings change', async () => {
    const { core, a } = await twoBackends();
    a.script = () => ({ status: 401, body: { error: 'API key not valid' } });
    const first = (await core.client.call('jobs.submit', job('while the key is bad'))).job_id;
    expect(await servedBy(core, first)).toBe('sdxl');
    const out = (await core.client.call('backends.health')).items.find((i) => i.id === 'nano_banana');
    expect(out?.unavailable_reason).toBe('refused the API key: set a valid one in Settings');
    expect((await core.client.call('system.status')).backends.items.find((i) => i.id === 'nano_banana')?.unavailable_reason).toBe(
      'refused the API key: set a valid one in Settings',
    );

    a.script = null;
    await core.client.call('config.update', { backends: { nano_banana: { base_url: 'https://generativelanguage.googleapis.com' } } });
    await waitFor(() => core.client.call('backends.health'), (h) => h.items.find((i) => i.id === 'nano_banana')?.unavailable_reason === null);
    expect(await servedBy(core, (await core.client.call('jobs.submit', job('after the fix'))).job_id)).toBe('nano_banana');
  });
});

describe('the demo backend and a local SDXL server', () => {
  it('uses demo only while no real backend is set up: an SDXL server that does not answer is not set up, one that answers is', async () => {
    const gone = await startLoopbackImageServer();
    const closedUrl = gone.url;
    await gone.close();
    // The real SDXL client (no fake replaces it), pointed at a port where nothing listens.
    const core = await createCore({ library: join(tempDir(), 'library'), credentials: noKeys });
    cleanup.push(() => core.close());
    await core.client.call('config.update', { backends: { sdxl: { base_url: closedUrl }, demo: { latency_ms: 0 } } });
    await core.startOrchestrator();

    const first = (await core.client.call('jobs.submit', job('no server yet'))).job_id;
    expect(await servedBy(core, first)).toBe('demo');
    const health = await core.client.call('backends.health');
    expect(health.items.find((i) => i.id === 'sdxl')).toMatchObject({ set_up: false, unavailable_reason: expect.stringContaining(`no server answered at ${closedUrl}`) });

    // The artist starts their server and points the setting at it: the next job goes there, not to demo.
    const a1111 = await startA1111Fake();
    cleanup.push(() => a1111.close());
    await core.client.call('config.update', { backends: { sdxl: { base_url: a1111.url, flavor: 'a1111', checkpoint: 'juggernautXL_v9.safetensors' } } });
    await waitFor(() => core.client.call('backends.health'), (h) => h.items.find((i) => i.id === 'sdxl')?.set_up === true);
    const second = (await core.client.call('jobs.submit', job('with a server', { params: { width: 512, height: 512, seed: 3 } }))).job_id;
    expect(await servedBy(core, second)).toBe('sdxl');
    const txt2img = a1111.requestsTo('/sdapi/v1/txt2img');
    expect(txt2img).toHaveLength(1);
    expect(txt2img[0]!.body).toMatchObject({ override_settings: { sd_model_checkpoint: 'juggernautXL_v9.safetensors' } });
    // With a real backend set up, the demo is no silent fallback: a job sdxl cannot take fails instead.
    const third = (await core.client.call('jobs.submit', job('too big for sdxl', { params: { width: 4096, height: 4096, seed: 3 } }))).job_id;
    await core.pipeline.orchestrator.whenIdle();
    const refused = await core.client.call('jobs.get', { id: third });
    expect(refused.job.status).toBe('failed');
    expect(refused.attempts.filter((a) => a.backend === 'demo')).toEqual([]);
  });
});
