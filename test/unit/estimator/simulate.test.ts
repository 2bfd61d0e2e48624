import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../shared/domain/config';
import type { BackendInterface } from '../../../main/core/backends/types';
import type { FailureModel } from '../../../main/core/estimator/failure-model';
import { failureModel } from '../../../main/core/estimator/failure-model';
import { simulate, type SimJob, type SimulationModel } from '../../../main/core/estimator/simulate';
import type { ErrorClass } from '../../../main/core/backends/types';

function client(id: string, paid = true): BackendInterface {
  return {
    id,
    paid,
    capabilities: { min_side: 64, max_side: 4096, aspect_ratios: [], max_images_per_request: 4, negative_prompt: true, seed: true, max_prompt_chars: 8000 },
    generate: () => Promise.reject(new Error('the simulation never calls a backend')),
  };
}

const NEVER_FAILS: FailureModel = { backend: '*', rate: 0, classes: [], failedMs: null, draw: () => null };
function alwaysFails(errorClass: ErrorClass): FailureModel {
  return { backend: '*', rate: 1, classes: [{ errorClass, p: 1 }], failedMs: 100, draw: () => errorClass };
}

function jobs(n: number, extra: Partial<SimJob> = {}): SimJob[] {
  return Array.from({ length: n }, (_, i) => ({
    routing: { prompt: `job ${i}`, negative_prompt: null, pinned_backend: null, constraints: {}, params: { width: 1024, height: 1024, aspect_ratio: null, steps: null, cfg_scale: null, sampler: null, seed: 1, count: 1, quality_level: null, model: null } },
    priority: 3,
    seq: i,
    inBatch: true,
    images: 1,
    signature: 'same',
    fallbackOnBlock: false,
    planned: 'nano_banana',
    ...extra,
  }));
}

function model(config: Config, options: { ms?: Record<string, number>; usd?: Record<string, number>; failures?: Record<string, FailureModel> } = {}): SimulationModel {
  const registry = new Map<string, BackendInterface>([
    ['nano_banana', client('nano_banana')],
    ['imagen', client('imagen')],
  ]);
  return {
    config,
    registry,
    credentialed: new Set(registry.keys()),
    expectedMs: (_i, backend) => options.ms?.[backend] ?? 1_000,
    drawMs: (_i, _b, expected) => expected,
    drawSpeed: () => 1,
    failures: (backend) => options.failures?.[backend] ?? NEVER_FAILS,
    priceUsd: (_i, backend) => options.usd?.[backend] ?? 0.05,
  };
}

function cascadeConfig(edit: (c: Config) => void = () => {}): Config {
  const config = defaultConfig();
  config.backends.nano_banana = { ...config.backends.nano_banana, priority: 1, max_concurrency: 4, requests_per_minute: null };
  config.backends.imagen = { ...config.backends.imagen, priority: 2, max_concurrency: 2, requests_per_minute: null };
  config.orchestrator.max_concurrent_jobs = 8;
  edit(config);
  return config;
}

describe('batch simulation', () => {
  it('runs jobs in waves of the backend\'s concurrency, not one after another', () => {
    const summary = simulate(jobs(8), [], model(cascadeConfig()), { runs: 3, seed: 1 });
    expect(summary.makespan).toEqual({ p10: 2_000, p50: 2_000, p90: 2_000 });
    expect(summary.perBackend.get('nano_banana')).toEqual({ jobs: 8, images: 8, usd: 0.4 });
  });

  it('holds the whole queue to max_concurrent_jobs', () => {
    const summary = simulate(jobs(8), [], model(cascadeConfig((c) => (c.orchestrator.max_concurrent_jobs = 2))), { runs: 1, seed: 1 });
    expect(summary.makespan.p50).toBe(4_000);
  });

  it('waits for a busy preferred backend instead of spilling to the next one', () => {
    const summary = simulate(jobs(12), [], model(cascadeConfig()), { runs: 1, seed: 1 });
    expect(summary.perBackend.get('imagen')).toBeUndefined();
    expect(summary.makespan.p50).toBe(3_000);
  });

  it('spills past a backend at its requests-per-minute to the next one, at that one\'s price', () => {
    const config = cascadeConfig((c) => (c.backends.nano_banana.requests_per_minute = 2));
    const summary = simulate(jobs(6), [], model(config, { usd: { nano_banana: 0.0672, imagen: 0.04 } }), { runs: 1, seed: 1 });
    expect(summary.perBackend.get('nano_banana')?.jobs).toBe(2);
    expect(summary.perBackend.get('imagen')?.jobs).toBe(4);
    expect(summary.makespan.p50).toBe(2_000);
    expect(summary.usd.mean).toBeCloseTo(2 * 0.0672 + 4 * 0.04, 9);
    expect(summary.fallbacks).toBe(4);
  });

  it('falls back when a backend is taken out (a bad key), as the orchestrator does', () => {
    const summary = simulate(jobs(4), [], model(cascadeConfig(), { failures: { nano_banana: alwaysFails('auth') }, usd: { imagen: 0.04 } }), { runs: 2, seed: 1 });
    expect(summary.perBackend.get('nano_banana')).toBeUndefined();
    expect(summary.perBackend.get('imagen')?.jobs).toBe(4);
    expect(summary.usd.mean).toBeCloseTo(0.16, 9);
  });

  it('retries transient failures with backoff until max_attempts, then counts the job as failed', () => {
    const config = cascadeConfig((c) => (c.orchestrator.max_attempts = 3));
    const pinned = jobs(2).map((j) => ({ ...j, routing: { ...j.routing, pinned_backend: 'nano_banana' } }));
    const summary = simulate(pinned, [], model(config, { failures: { nano_banana: alwaysFails('transient') } }), { runs: 5, seed: 2 });
    expect(summary.failedJobs).toBe(2);
    expect(summary.retries).toBe(4); // two retries each, then the third attempt fails the job
    expect(summary.usd.mean).toBe(0);
    expect(summary.makespan.p90).toBeGreaterThan(200); // backoff waits happened
  });

  it('runs jobs already queued (higher priority) first and counts running calls as busy slots', () => {
    const ahead = jobs(4, { inBatch: false, priority: 5 }).map((j, i) => ({ ...j, seq: i }));
    const batch = jobs(4).map((j, i) => ({ ...j, seq: 10 + i }));
    const summary = simulate([...ahead, ...batch], [{ backend: 'nano_banana', remainingMs: 500 }], model(cascadeConfig((c) => (c.backends.imagen.enabled = false))), { runs: 1, seed: 1 });
    // 3 free slots at t=0 take 3 queued-ahead jobs; the 4th at 500 ms; the batch fills in from 1,000 ms.
    expect(summary.makespan.p50).toBe(2_500);
    expect(summary.perBackend.get('nano_banana')?.jobs).toBe(4);
  });

  it('gives the same answer for the same seed', () => {
    const noisy: SimulationModel = { ...model(cascadeConfig()), drawMs: (_i, _b, e, random) => e * (0.5 + random()), failures: () => failureModel('nano_banana', new Map([['', 10], ['transient', 2]]), 300) };
    const a = simulate(jobs(40), [], noisy, { runs: 20, seed: 7 });
    const b = simulate(jobs(40), [], noisy, { runs: 20, seed: 7 });
    expect(a).toEqual(b);
    expect(a.makespan.p10).toBeLessThan(a.makespan.p90);
  });
});
