import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { createLoopbackBackend } from '../../fakes/loopback-backend';
import { startLoopbackImageServer, type LoopbackImageServer } from '../../fakes/loopback-image-server';
import { useTempDirs } from '../../helpers/temp-library';

const tempDir = useTempDirs();
const opened: Array<{ core: Core; server: LoopbackImageServer }> = [];

afterEach(async () => {
  for (const { core, server } of opened.splice(0)) {
    await core.close();
    await server.close();
  }
});

async function open(options: { latencyMs?: number; concurrency?: number; maxAttempts?: number; library?: string } = {}) {
  const server = await startLoopbackImageServer({ latencyMs: options.latencyMs ?? 0 });
  const library = options.library ?? join(tempDir(), 'library');
  const core = await createCore({ library, backends: [createLoopbackBackend({ id: 'sdxl', baseUrl: server.url })] });
  await core.client.call('config.update', {
    orchestrator: { max_concurrent_jobs: options.concurrency ?? 4, max_attempts: options.maxAttempts ?? 5 },
    backends: { sdxl: { max_concurrency: options.concurrency ?? 4 } },
  });
  opened.push({ core, server });
  return { core, server, library };
}

const job = (prompt: string, extra: Record<string, unknown> = {}) => ({ prompt, backend: 'sdxl' as const, params: { width: 64, height: 64, seed: 1 }, ...extra });

async function waitFor<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not reached in ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('orchestrator', () => {
  it('dispatches by priority, then submission order', async () => {
    const { core, server } = await open({ concurrency: 1 });
    await core.client.call('queue.pause');
    await core.client.call('jobs.submitBatch', {
      jobs: [job('low-1', { priority: 1 }), job('normal-1'), job('urgent-1', { priority: 5 }), job('normal-2'), job('urgent-2', { priority: 5 }), job('low-2', { priority: 1 })],
    });
    expect(await core.startOrchestrator()).toBe(true);
    await core.client.call('queue.resume');
    await core.pipeline.orchestrator.whenIdle();
    expect(server.calls.map((c) => c.body.prompt)).toEqual(['urgent-1', 'urgent-2', 'normal-1', 'normal-2', 'low-1', 'low-2']);
  });

  it('"run next" puts jobs ahead of everything queued, in the order given', async () => {
    const { core, server } = await open({ concurrency: 1 });
    await core.client.call('queue.pause');
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: [job('a', { priority: 5 }), job('b'), job('c'), job('d')] });
    await core.client.call('jobs.runNext', { ids: [job_ids[3]!, job_ids[2]!] });
    await core.client.call('jobs.setPriority', { ids: [job_ids[0]!], priority: 1 });
    await core.startOrchestrator();
    await core.client.call('queue.resume');
    await core.pipeline.orchestrator.whenIdle();
    expect(server.calls.map((c) => c.body.prompt)).toEqual(['d', 'c', 'b', 'a']);
  });

  it('keeps a paused queue paused across a restart and resumes on request', async () => {
    const first = await open();
    await first.core.startOrchestrator();
    await first.core.client.call('queue.pause');
    await first.core.client.call('jobs.submit', job('wait for me'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(first.server.calls).toHaveLength(0);
    await first.core.close();
    opened.splice(opened.findIndex((o) => o.core === first.core), 1);
    await first.server.close();

    const second = await open({ library: first.library });
    await second.core.startOrchestrator();
    expect(await second.core.client.call('queue.state')).toMatchObject({ paused: true, orchestrator: 'paused', counts: { queued: 1 } });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(second.server.calls).toHaveLength(0);
    await second.core.client.call('queue.resume');
    await second.core.pipeline.orchestrator.whenIdle();
    expect(second.server.calls).toHaveLength(1);
    expect((await second.core.client.call('queue.state')).counts.succeeded).toBe(1);
  });

  it('retries a transient failure with a persisted backoff, then succeeds', async () => {
    const { core, server } = await open();
    server.script = (call) => (call.index < 2 ? { status: 503, body: { error: 'overloaded' } } : null);
    await core.startOrchestrator();
    const { job_id } = await core.client.call('jobs.submit', job('flaky'));
    const failedOnce = await waitFor(
      () => core.client.call('jobs.get', { id: job_id }),
      (d) => d.attempts.length >= 1 && d.attempts[0]!.ended_at !== null,
    );
    expect(failedOnce.attempts[0]).toMatchObject({ outcome: 'failed', error_class: 'transient', http_status: 503 });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('succeeded');
    expect(detail.attempts.map((a) => a.outcome)).toEqual(['failed', 'failed', 'succeeded']);
    // Each retry waited at least until its persisted next-attempt time.
    const retries = (await core.client.call('audit.list', { kind: 'job.retry_scheduled', job_id })).items;
    expect(retries).toHaveLength(2);
    for (const entry of retries) expect(typeof (entry.data as { not_before: number }).not_before).toBe('number');
    expect(server.calls[1]!.startedAt).toBeGreaterThanOrEqual(Number((retries.at(-1)!.data as { not_before: number }).not_before) - 5);
  });

  it('fails a job after max_attempts with the provider reason, and retry makes a new linked job', async () => {
    const { core, server } = await open({ maxAttempts: 2 });
    server.script = () => ({ status: 500, body: { error: 'boom' } });
    await core.startOrchestrator();
    const { job_id } = await core.client.call('jobs.submit', job('doomed'));
    await core.pipeline.orchestrator.whenIdle();
    const failed = await core.client.call('jobs.get', { id: job_id });
    expect(failed.job).toMatchObject({ status: 'failed', error_class: 'transient', attempts: 2 });
    expect(failed.job.error_message).toContain('500');
    server.script = null;
    const { job_ids } = await core.client.call('jobs.retry', { failed: true });
    expect(job_ids).toHaveLength(1);
    await core.pipeline.orchestrator.whenIdle();
    const retried = await core.client.call('jobs.get', { id: job_ids[0]! });
    expect(retried.job).toMatchObject({ status: 'succeeded', retried_from: job_id, prompt: 'doomed' });
    expect((await core.client.call('jobs.get', { id: job_id })).job.status).toBe('failed');
  });

  it('does not retry a bad request', async () => {
    const { core, server } = await open();
    server.script = () => ({ status: 400, body: { error: 'bad size' } });
    await core.startOrchestrator();
    const { job_id } = await core.client.call('jobs.submit', job('refused'));
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('failed');
    expect(detail.attempts).toHaveLength(1);
    expect(server.calls).toHaveLength(1);
  });

  it('cancels a running call: the request is aborted and the job ends canceled', async () => {
    const { core, server } = await open({ latencyMs: 5_000 });
    await core.startOrchestrator();
    const { job_id } = await core.client.call('jobs.submit', job('slow'));
    await waitFor(() => server.calls.length, (n) => n === 1);
    const started = Date.now();
    expect(await core.client.call('jobs.cancel', { ids: [job_id] })).toEqual({ canceled: 1 });
    await core.pipeline.orchestrator.whenIdle();
    expect(Date.now() - started).toBeLessThan(4_000);
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('canceled');
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ outcome: 'canceled' });
    expect(detail.job.asset_ids).toEqual([]);
  });

  it('cancels a whole batch, queued and running alike', async () => {
    const { core } = await open({ latencyMs: 2_000, concurrency: 2 });
    await core.startOrchestrator();
    const { batch_id, job_ids } = await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 6 }, (_, i) => job(`b${i}`)) });
    await waitFor(() => core.client.call('queue.state'), (s) => s.counts.running === 2);
    expect(await core.client.call('jobs.cancel', { batch_id })).toEqual({ canceled: 6 });
    await core.pipeline.orchestrator.whenIdle();
    const page = await core.client.call('jobs.list', { batch_id });
    expect(page.items.map((j) => j.status)).toEqual(job_ids.map(() => 'canceled'));
  });

  it('lets only one process work a library (lease)', async () => {
    const first = await open();
    expect(await first.core.startOrchestrator()).toBe(true);
    const second = await createCore({ library: first.library });
    try {
      expect(await second.startOrchestrator()).toBe(false);
      const state = await second.client.call('queue.state');
      expect(state.orchestrator).toBe('stopped');
      expect(state.reason).toMatch(/another APEX Director process/);
      // The second process can still submit: the first one runs the job.
      const { job_id } = await second.client.call('jobs.submit', job('from the second process'));
      first.core.pipeline.orchestrator.wake();
      await waitFor(() => first.core.client.call('jobs.get', { id: job_id }), (d) => d.job.status === 'succeeded');
    } finally {
      await second.close();
    }
  });

  it('fails a job no backend can take, naming why each was skipped', async () => {
    const { core } = await open();
    await core.startOrchestrator();
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'huge', backend: 'sdxl', params: { width: 4096, height: 4096 } });
    await core.pipeline.orchestrator.whenIdle();
    const detail = await core.client.call('jobs.get', { id: job_id });
    expect(detail.job.status).toBe('failed');
    expect(detail.job.error_message).toContain('4096×4096');
  });

  it('emits coalesced jobs.changed and assets.added events', async () => {
    const { core } = await open();
    const names: string[] = [];
    core.subscribe((message) => names.push(message.name));
    await core.startOrchestrator();
    await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 20 }, (_, i) => job(`e${i}`, { params: { width: 64, height: 64, seed: i } })) });
    await core.pipeline.orchestrator.whenIdle();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(names).toContain('jobs.changed');
    expect(names).toContain('assets.added');
    // 20 jobs make at least 60 state changes; coalescing keeps deliveries far fewer.
    expect(names.filter((n) => n === 'jobs.changed').length).toBeLessThan(40);
  });
});
