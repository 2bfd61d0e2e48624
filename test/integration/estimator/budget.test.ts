import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import type { CredentialSource } from '../../../main/core/ports';
import type { BudgetState } from '../../../shared/domain/estimate';
import { createLoopbackBackend } from '../../fakes/loopback-backend';
import { startLoopbackImageServer, type LoopbackImageServer } from '../../fakes/loopback-image-server';
import { useTempDirs } from '../../helpers/temp-library';

const tempDir = useTempDirs();
const opened: Array<{ core: Core; server: LoopbackImageServer | null }> = [];
afterEach(async () => {
  for (const { core, server } of opened.splice(0)) {
    await core.close();
    await server?.close();
  }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(read: () => T | Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`condition not reached in ${timeoutMs} ms (last: ${JSON.stringify(value)})`);
    await sleep(20);
  }
}

/** A paid service at $0.10 per image, played by the loopback server under the sdxl id. */
async function openPaid(budget: { daily_usd?: number | null; monthly_usd?: number | null }) {
  const server = await startLoopbackImageServer({ latencyMs: 60 });
  const core = await createCore({ library: join(tempDir(), 'library'), backends: [createLoopbackBackend({ id: 'sdxl', baseUrl: server.url, paid: true })] });
  opened.push({ core, server });
  await core.client.call('config.update', {
    orchestrator: { max_concurrent_jobs: 4 },
    backends: { sdxl: { max_concurrency: 4, cost_per_image: 0.1 } },
    budget,
  });
  return { core, server };
}

const paidJobs = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `paid ${i}`, backend: 'sdxl' as const, params: { width: 64, height: 64, seed: i + 1 } }));

describe('budget caps', () => {
  it('stops paid dispatch at the daily cap — no paid call past it — and resumes when the cap is raised', async () => {
    const { core, server } = await openPaid({ daily_usd: 0.35 });
    const states: BudgetState[] = [];
    core.client.on('budget.changed', (state) => states.push(state));
    expect(await core.startOrchestrator()).toBe(true);
    await core.client.call('jobs.submitBatch', { jobs: paidJobs(10) });

    // Four slots, but calls in flight count: the 4th would take $0.30 + $0.10 past $0.35.
    await waitFor(() => core.client.call('queue.state'), (s) => s.counts.succeeded === 3);
    await sleep(400);
    expect(server.calls).toHaveLength(3);
    expect((await core.client.call('queue.state')).counts).toMatchObject({ succeeded: 3, queued: 7, running: 0, failed: 0 });
    const spend = await core.client.call('budget.spend', { days: 1 });
    expect(spend.total_usd).toBeCloseTo(0.3, 9);
    expect(spend.by_backend).toEqual([{ backend: 'sdxl', usd: 0.3, attempts: 3, images: 3 }]);
    expect(spend.state.daily).toMatchObject({ cap_usd: 0.35, spent_usd: 0.3, remaining_usd: 0.05, reached: false });
    expect(spend.state.paid_dispatch).toBe('stopped');
    expect(spend.state.reason).toContain('daily budget of $0.35 reached');
    expect(spend.state.resumes_at).toBeGreaterThan(Date.now());
    await waitFor(() => states, (s) => s.some((x) => x.paid_dispatch === 'stopped'));

    // A raised cap wakes the queue at once: room for four more.
    await core.client.call('config.update', { budget: { daily_usd: 0.75 } });
    await waitFor(() => core.client.call('queue.state'), (s) => s.counts.succeeded === 7);
    await sleep(400);
    expect(server.calls).toHaveLength(7);

    await core.client.call('config.update', { budget: { daily_usd: null } });
    await core.pipeline.orchestrator.whenIdle();
    expect(server.calls).toHaveLength(10);
    expect((await core.client.call('budget.spend', { days: 1 })).total_usd).toBeCloseTo(1, 9);
    await waitFor(() => states, (s) => s.at(-1)?.paid_dispatch === 'open');
  });

  it('stops at the monthly cap too, and leaves free backends working', async () => {
    const { core, server } = await openPaid({ monthly_usd: 0.2 });
    await core.startOrchestrator();
    await core.client.call('jobs.submitBatch', { jobs: [...paidJobs(4), { prompt: 'free one', backend: 'demo', params: { width: 64, height: 64, seed: 1 } }] });
    await waitFor(() => core.client.call('queue.state'), (s) => s.counts.succeeded === 3);
    await sleep(300);
    expect(server.calls).toHaveLength(2);
    const spend = await core.client.call('budget.spend', {});
    expect(spend.state.paid_dispatch).toBe('stopped');
    expect(spend.state.reason).toContain('monthly budget of $0.20 reached');
    expect(spend.by_day).toHaveLength(30);
  });
});

describe('spend', () => {
  const allKeys: CredentialSource = { has: () => Promise.resolve(true), get: () => Promise.resolve('k') };

  it('counts calls possibly billed before a crash and calls in flight at table prices, by day, backend and project', async () => {
    const core = await createCore({ library: join(tempDir(), 'library'), credentials: allKeys });
    opened.push({ core, server: null });
    const { job_ids } = await core.client.call('jobs.submitBatch', {
      jobs: [
        { prompt: 'crashed', project: 'Covers', params: { width: 1024, height: 1024, count: 2 } },
        { prompt: 'in flight', project: 'Covers', params: { width: 2048, height: 2048 } },
        { prompt: 'billed yesterday', project: 'Posters', params: { width: 1024, height: 1024 } },
      ],
    });
    const now = Date.now();
    const today = new Date(now);
    const startOfToday = new Date(today.getFullYear(), today.getMonth(), today.getDate()).getTime();
    const insert = core.pipeline.db.prepare(
      'INSERT INTO attempts (job_id, number, backend, model, started_at, ended_at, outcome, cost_usd, possibly_billed) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(job_ids[0], 'nano_banana', 'gemini-3.1-flash-image', now - 5_000, now - 4_000, 'interrupted', 0, 1);
    insert.run(job_ids[1], 'nano_banana', 'gemini-3.1-flash-image', now - 1_000, null, null, 0, 0);
    insert.run(job_ids[2], 'imagen', 'imagen-4.0-generate-001', startOfToday - 3_600_000, startOfToday - 3_500_000, 'succeeded', 0.04, 0);

    const spend = await core.client.call('budget.spend', { days: 2 });
    const crashed = 2 * ((1120 * 60) / 1e6);
    const inFlight = (1680 * 60) / 1e6;
    expect(spend.possibly_billed_usd).toBeCloseTo(crashed, 5);
    expect(spend.total_usd).toBeCloseTo(crashed + inFlight + 0.04, 5);
    expect(spend.state.daily.spent_usd).toBeCloseTo(crashed + inFlight, 5);
    expect(spend.by_day.map((d) => d.attempts)).toEqual([1, 2]);
    expect(spend.by_project.find((p) => p.project === 'Covers')!.usd).toBeCloseTo(crashed + inFlight, 5);
    expect(spend.by_project.find((p) => p.project === 'Posters')!.usd).toBeCloseTo(0.04, 5);
    expect(spend.by_backend.find((b) => b.backend === 'nano_banana')).toMatchObject({ attempts: 2, images: 3 });
  });

  it('rolls the daily cap over at local midnight (the cascade looks again then, at the latest)', async () => {
    const core = await createCore({ library: join(tempDir(), 'library'), credentials: allKeys });
    opened.push({ core, server: null });
    await core.client.call('config.update', { budget: { daily_usd: 0.1 } });
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: [{ prompt: 'x', params: { width: 1024, height: 1024 } }] });
    const noon = new Date(2026, 10, 24, 12, 0, 0).getTime();
    const midnight = new Date(2026, 10, 25).getTime();
    core.pipeline.db
      .prepare("INSERT INTO attempts (job_id, number, backend, model, started_at, ended_at, outcome, cost_usd) VALUES (?, 1, 'nano_banana', 'gemini-3.1-flash-image', ?, ?, 'succeeded', 0.0672)")
      .run(job_ids[0], noon - 60_000, noon - 50_000);
    const job = { prompt: 'next', negative_prompt: null, pinned_backend: null, constraints: {}, params: { width: 1024, height: 1024, aspect_ratio: null, steps: null, cfg_scale: null, sampler: null, seed: 1, count: 1, quality_level: null, model: null } };
    const refused = core.pipeline.budget.refuse('nano_banana', job, noon);
    expect(refused?.reason).toBe('daily budget of $0.10 reached ($0.067 spent or in flight; this job costs $0.067)');
    expect(refused!.until).toBe(noon + 60_000);
    expect(core.pipeline.budget.refuse('nano_banana', job, midnight - 30_000)!.until).toBe(midnight);
    expect(core.pipeline.budget.refuse('nano_banana', job, midnight + 1)).toBeNull();
    // Free backends are never held back.
    expect(core.pipeline.budget.refuse('sdxl', job, noon)).toBeNull();
  });
});
