import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import type { CredentialSource } from '../../../main/core/ports';
import type { BackendsHealth } from '../../../shared/domain/backends';
import { startLoopbackImageServer, type LoopbackImageServer } from '../../fakes/loopback-image-server';
import { useTempDirs } from '../../helpers/temp-library';
import { maxInWindow, scriptedBackend, waitFor, type ScriptedBackend } from './scripted-backend';

const tempDir = useTempDirs();
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/**
 * Keys for the fakes a test registers and for nothing else: the real clients of the other backends stay in
 * the registry but, without a key, can never be called (injected: the machine's keychain plays no part).
 */
function keysFor(backends: readonly ScriptedBackend[]): CredentialSource {
  const ids = new Set(backends.map((b) => b.id));
  return {
    has: (id) => Promise.resolve(ids.has(id)),
    get: (id) => Promise.resolve(ids.has(id) ? `test-key-${id}` : null),
  };
}

/** The routing entries about the fakes (real clients without keys are skipped too, with "has no API key"). */
function fakesOnly(skipped: ReadonlyArray<{ backend: string; reason: string }> | undefined, backends: readonly string[]) {
  return (skipped ?? []).filter((s) => backends.includes(s.backend));
}

async function server(latencyMs = 0): Promise<LoopbackImageServer> {
  const s = await startLoopbackImageServer({ latencyMs });
  cleanup.push(() => s.close());
  return s;
}

async function open(backends: ScriptedBackend[], breaker = { minCalls: 3, cooldownBaseMs: 400, cooldownMaxMs: 1_500 }): Promise<Core> {
  const core = await createCore({ library: join(tempDir(), 'library'), credentials: keysFor(backends), backends, breaker });
  cleanup.push(() => core.close());
  return core;
}

const job = (prompt: string, extra: Record<string, unknown> = {}) => ({ prompt, params: { width: 64, height: 64, seed: 7 }, ...extra });

describe('the cascade with a failing first backend, a dead second one and a healthy third', () => {
  it('finishes every job on the third within every configured limit, then returns to the first when it recovers', async () => {
    const first = await server();
    first.script = () => ({ status: 429, headers: { 'retry-after': '1' }, body: { error: 'RESOURCE_EXHAUSTED' } });
    const dead = await server();
    const deadUrl = dead.url;
    await dead.close(); // connection refused from now on
    // Slow enough that the first backend's 1 s cool-down ends while jobs are still queued (20 jobs, 2 at
    // a time: about 2.5 s), so it is tried again and its breaker sees its third failure.
    const third = await server(250);

    const nano = scriptedBackend({ id: 'nano_banana', baseUrl: first.url, paid: true });
    const minimax = scriptedBackend({ id: 'minimax', baseUrl: deadUrl, paid: true });
    const sdxl = scriptedBackend({ id: 'sdxl', baseUrl: third.url });
    const core = await open([nano, minimax, sdxl]);
    const limits = {
      nano_banana: { priority: 1, max_concurrency: 2, requests_per_minute: 8, cost_per_image: 0.04 },
      minimax: { priority: 2, max_concurrency: 2, requests_per_minute: 30, cost_per_image: 0.01 },
      sdxl: { priority: 3, max_concurrency: 2, requests_per_minute: 40, cost_per_image: 0 },
    };
    await core.client.call('config.update', { backends: limits, orchestrator: { max_concurrent_jobs: 5, max_attempts: 10 } });
    const changes: BackendsHealth[] = [];
    core.subscribe((message) => {
      if (message.name === 'backends.changed') changes.push(message.payload as BackendsHealth);
    });
    expect(await core.startOrchestrator()).toBe(true);

    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 20 }, (_, i) => job(`lighthouse ${i}`)) });
    await core.pipeline.orchestrator.whenIdle();

    const details = await Promise.all(job_ids.map((id) => core.client.call('jobs.get', { id })));
    for (const detail of details) {
      expect(detail.job.status).toBe('succeeded');
      const served = detail.attempts.find((a) => a.outcome === 'succeeded')!;
      expect(served.backend).toBe('sdxl');
      expect(served.routing?.chosen).toBe('sdxl');
      // The job detail says why the earlier backends were passed over.
      expect(fakesOnly(served.routing?.skipped, ['nano_banana', 'minimax']).map((s) => s.backend)).toEqual(['nano_banana', 'minimax']);
    }
    const reasons = details.flatMap((d) => d.attempts.flatMap((a) => a.routing?.skipped ?? [])).map((s) => s.reason);
    expect(reasons.some((r) => r.startsWith('circuit open'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('cooling down after a rate limit') || r.includes('requests per minute'))).toBe(true);
    // Rate limits never cost an attempt; only the dead backend's failures did.
    const rateLimited = details.flatMap((d) => d.attempts).filter((a) => a.error_class === 'rate_limited');
    expect(rateLimited.length).toBeGreaterThan(0);

    // No configured limit was exceeded, on any backend.
    expect(maxInWindow(first.calls.map((c) => c.startedAt))).toBeLessThanOrEqual(limits.nano_banana.requests_per_minute);
    expect(maxInWindow(third.calls.map((c) => c.startedAt))).toBeLessThanOrEqual(limits.sdxl.requests_per_minute);
    expect(nano.stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(minimax.stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(sdxl.stats.maxInFlight).toBeLessThanOrEqual(2);
    expect(third.calls).toHaveLength(20);

    const health = await core.client.call('backends.health');
    const byId = (id: string) => health.items.find((i) => i.id === id)!;
    expect(byId('minimax').state).not.toBe('closed');
    expect(byId('minimax').last_error).toMatchObject({ error_class: 'transient' });
    expect(byId('nano_banana').state).not.toBe('closed');
    expect(byId('sdxl')).toMatchObject({ state: 'closed', success_rate: 1, calls: 20 });
    expect(byId('sdxl').p50_ms).toBeGreaterThanOrEqual(90);
    expect(byId('sdxl').p95_ms).toBeGreaterThanOrEqual(byId('sdxl').p50_ms!);
    const status = await core.client.call('system.status');
    expect(status.backends.items.find((i) => i.id === 'minimax')?.state).toMatch(/open|half_open/);
    expect(changes.some((c) => c.items.find((i) => i.id === 'minimax')?.state === 'open')).toBe(true);

    // The first backend recovers; once its cool-down lets a test call through, the cascade goes back to it.
    first.script = null;
    await core.client.call('config.update', { backends: { nano_banana: { requests_per_minute: 60 } } });
    await waitFor(
      () => core.client.call('backends.health'),
      (h) => h.items.find((i) => i.id === 'nano_banana')!.state === 'half_open' && h.items.find((i) => i.id === 'nano_banana')!.cooling_until === null,
    );
    const recovered = await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 8 }, (_, i) => job(`recovered ${i}`)) });
    await core.pipeline.orchestrator.whenIdle();
    const after = await Promise.all(recovered.job_ids.map((id) => core.client.call('jobs.get', { id })));
    expect(after.map((d) => d.job.status)).toEqual(recovered.job_ids.map(() => 'succeeded'));
    const attempts = after.flatMap((d) => d.attempts);
    const probe = attempts.filter((a) => a.backend === 'nano_banana' && a.outcome === 'succeeded').sort((a, b) => a.started_at - b.started_at)[0]!;
    expect(probe).toBeDefined();
    // After the test call succeeded, nothing else was sent past the first backend.
    expect(attempts.filter((a) => a.started_at >= probe.ended_at! && a.backend !== 'nano_banana')).toEqual([]);
    expect(attempts.filter((a) => a.backend === 'nano_banana').length).toBeGreaterThanOrEqual(4);
    expect((await core.client.call('backends.health')).items.find((i) => i.id === 'nano_banana')?.state).toBe('closed');
  });
});

describe('a prompt the provider blocks', () => {
  async function blockingSetup() {
    const blocking = await server();
    blocking.script = (call) => (call.body.prompt.includes('forbidden') ? { status: 200, body: { blocked: 'PROHIBITED_CONTENT: the prompt violates the usage policy' } } : null);
    const fallback = await server();
    const core = await open([scriptedBackend({ id: 'nano_banana', baseUrl: blocking.url, paid: true }), scriptedBackend({ id: 'sdxl', baseUrl: fallback.url })]);
    await core.client.call('config.update', { backends: { nano_banana: { priority: 1, cost_per_image: 0.04 }, sdxl: { priority: 2, cost_per_image: 0 } } });
    await core.startOrchestrator();
    return { core, blocking, fallback };
  }

  it("fails with the provider's reason when the job does not allow a fallback, without holding it against the backend", async () => {
    const { core, fallback } = await blockingSetup();
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 5 }, (_, i) => job(`forbidden thing ${i}`)) });
    await core.pipeline.orchestrator.whenIdle();
    for (const id of job_ids) {
      const detail = await core.client.call('jobs.get', { id });
      expect(detail.job).toMatchObject({ status: 'failed', error_class: 'content_blocked' });
      expect(detail.job.error_message).toContain('PROHIBITED_CONTENT: the prompt violates the usage policy');
      expect(detail.attempts).toHaveLength(1);
    }
    expect(fallback.calls).toHaveLength(0);
    const nano = (await core.client.call('backends.health')).items.find((i) => i.id === 'nano_banana')!;
    // Five refusals are the prompts' fault: the circuit stays closed and the success rate is untouched.
    expect(nano).toMatchObject({ state: 'closed', calls: 5, success_rate: null, last_error: { error_class: 'content_blocked' } });
  });

  it('falls back to the next backend when the job allows it (fallback_on_block)', async () => {
    const { core, fallback } = await blockingSetup();
    const { job_id } = await core.client.call('jobs.submit', job('forbidden but important', { constraints: { fallback_on_block: true } }));
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('succeeded');
    expect(detail.attempts.map((a) => [a.backend, a.outcome, a.error_class])).toEqual([
      ['nano_banana', 'failed', 'content_blocked'],
      ['sdxl', 'succeeded', null],
    ]);
    expect(detail.attempts[0]!.error_message).toContain('PROHIBITED_CONTENT');
    expect(detail.attempts[1]!.routing?.chosen).toBe('sdxl');
    expect(fakesOnly(detail.attempts[1]!.routing?.skipped, ['nano_banana'])).toEqual([{ backend: 'nano_banana', reason: 'already refused this prompt' }]);
    expect(fallback.calls).toHaveLength(1);
  });
});

describe('routing by job constraints', () => {
  it('skips backends below the quality level or above the price, and says so in the attempt', async () => {
    const a = await server();
    const b = await server();
    const c = await server();
    const core = await open([
      scriptedBackend({ id: 'nano_banana', baseUrl: a.url, paid: true }),
      scriptedBackend({ id: 'minimax', baseUrl: b.url, paid: true }),
      scriptedBackend({ id: 'sdxl', baseUrl: c.url }),
    ]);
    await core.client.call('config.update', {
      backends: {
        nano_banana: { priority: 1, cost_per_image: 0.2, quality_level: 5 },
        minimax: { priority: 2, cost_per_image: 0.01, quality_level: 2 },
        sdxl: { priority: 3, cost_per_image: 0, quality_level: 4 },
      },
    });
    await core.startOrchestrator();
    const { job_id } = await core.client.call('jobs.submit', job('a fox', { params: { width: 64, height: 64, seed: 1, quality_level: 3 }, constraints: { max_cost_usd: 0.05 } }));
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]!.routing?.chosen).toBe('sdxl');
    expect(fakesOnly(detail.attempts[0]!.routing?.skipped, ['nano_banana', 'minimax'])).toEqual([
      { backend: 'nano_banana', reason: "costs more than the job's $0.05" },
      { backend: 'minimax', reason: "quality 2 is below the job's 3" },
    ]);
    expect(detail.attempts[0]!.routing?.skipped).toContainEqual({ backend: 'imagen', reason: 'has no API key' });
  });
});
