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

const CONCURRENCY = 4;
/** Long enough that the service time, not this machine's own work per image (which swings with load), dominates. */
const LATENCY_MS = 800;

async function open() {
  const server = await startLoopbackImageServer({ latencyMs: LATENCY_MS });
  const core = await createCore({ library: join(tempDir(), 'library'), backends: [createLoopbackBackend({ id: 'sdxl', baseUrl: server.url })] });
  await core.client.call('config.update', {
    orchestrator: { max_concurrent_jobs: CONCURRENCY },
    backends: { sdxl: { max_concurrency: CONCURRENCY, requests_per_minute: null }, demo: { max_concurrency: CONCURRENCY, latency_ms: 0 } },
  });
  opened.push({ core, server });
  return { core, server };
}

const batch = (name: string, n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `${name} ${i}`, backend: 'sdxl' as const, params: { width: 64, height: 64, seed: i + 1 } }));

describe('batch makespan against the real queue', () => {
  // Real calls with real latency: about 12 s of wall time, more on a busy machine.
  it('predicts a concurrency-4 run within 15% after a warm-up (a simulation, not a sum of jobs)', { timeout: 90_000 }, async () => {
    const { core, server } = await open();
    expect(await core.startOrchestrator()).toBe(true);
    // Warm the process first (JIT, sharp, the image pipeline) on the demo backend, so that the history the
    // estimator learns from is this machine's steady state, not its first seconds.
    await core.client.call('jobs.submitBatch', { jobs: Array.from({ length: 12 }, (_, i) => ({ prompt: `process warm-up ${i}`, backend: 'demo' as const, params: { width: 64, height: 64, seed: i + 1 } })) });
    await core.pipeline.orchestrator.whenIdle();
    // …and the loopback service itself (connections, its own image encoder), outside the queue and its history.
    const client = createLoopbackBackend({ id: 'sdxl', baseUrl: server.url });
    for (let wave = 0; wave < 2; wave++) {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, (_, i) =>
          client.generate({ prompt: `service warm-up ${wave} ${i}`, negative_prompt: null, width: 64, height: 64, aspect_ratio: null, steps: null, cfg_scale: null, sampler: null, seed: i, count: 1, model: null }, { signal: AbortSignal.timeout(10_000), credential: null }),
        ),
      );
    }
    // Warm-up: the time model learns this backend from its own finished calls.
    await core.client.call('jobs.submitBatch', { jobs: batch('warm-up', 16) });
    await core.pipeline.orchestrator.whenIdle();

    const jobs = batch('measured', 24);
    const estimate = await core.client.call('estimate.batch', { jobs });
    const perJob = await core.client.call('estimate.job', jobs[0]!);
    expect(perJob.time?.source).toBe('history');
    // Four at a time: the makespan is about a quarter of the summed job times, which a sum would miss by 4×.
    const summed = jobs.length * perJob.time!.expected_ms;
    expect(estimate.makespan.expected_ms).toBeLessThan(summed / 2);

    const submittedAt = Date.now();
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs });
    await core.pipeline.orchestrator.whenIdle();
    const { last } = core.pipeline.db
      .prepare<[number, number], { last: number }>('SELECT MAX(a.ended_at) AS last FROM attempts a WHERE a.job_id BETWEEN ? AND ?')
      .get(job_ids[0]!, job_ids.at(-1)!)!;
    const real = last - submittedAt;
    const error = Math.abs(estimate.makespan.expected_ms - real) / real;
    expect(error, `predicted ${estimate.makespan.expected_ms} ms (80%: ${estimate.makespan.low_ms}–${estimate.makespan.high_ms}), real ${real} ms`).toBeLessThan(0.15);
    expect(estimate.cost.expected_usd).toBe(0);

    // The accuracy loop scores the stored per-job estimates against what the calls really took.
    const accuracy = await core.client.call('estimate.accuracy', { last: 24 });
    expect(accuracy.overall.jobs).toBe(24);
    expect(accuracy.per_backend[0]).toMatchObject({ backend: 'sdxl', jobs: 24, cost_mape: 0 });
    expect(accuracy.overall.time_mape).toBeLessThan(0.5);
    expect(accuracy.overall.interval_coverage).toBeGreaterThan(0.5);
  });
});
