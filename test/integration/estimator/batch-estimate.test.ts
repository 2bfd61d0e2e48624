import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import type { CredentialSource } from '../../../main/core/ports';
import type { JobInput } from '../../../shared/domain/jobs';
import { useTempDirs } from '../../helpers/temp-library';

const tempDir = useTempDirs();
const opened: Core[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) await core.close();
});

/** Every backend has a key; nothing is ever called (estimates send nothing). */
const allKeys: CredentialSource = { has: () => Promise.resolve(true), get: (b) => Promise.resolve(b === 'demo' ? null : 'test-key') };

async function open(): Promise<Core> {
  const core = await createCore({ library: join(tempDir(), 'library'), credentials: allKeys });
  opened.push(core);
  return core;
}

const job = (prompt: string, params: JobInput['params'], extra: Partial<JobInput> = {}): JobInput => ({ prompt, params: { seed: 1, ...params }, ...extra });

/** Gemini 3.1 flash image: $60 per million image tokens; 1,120 tokens at 1K, 1,680 at 2K. */
const NANO_1K = (1120 * 60) / 1e6;
const NANO_2K = (1680 * 60) / 1e6;

const MIXED: JobInput[] = [
  ...[1, 2, 3].map((i) => job(`castle ${i}`, { width: 1024, height: 1024 })),
  ...[1, 2].map((i) => job(`poster ${i}`, { width: 2048, height: 2048, count: 2 })),
  ...[1, 2].map((i) => job(`imagen ${i}`, { width: 1024, height: 1024, count: 2 }, { backend: 'imagen' })),
  ...[1, 2, 3].map((i) => job(`minimax ${i}`, { width: 1024, height: 1024 }, { backend: 'minimax' })),
  ...[1, 2].map((i) => job(`local ${i}`, { width: 1024, height: 1024, count: 4, steps: 30 }, { backend: 'sdxl' })),
];
const MIXED_USD = 3 * NANO_1K + 2 * 2 * NANO_2K + 2 * 2 * 0.04 + 3 * 0.01 + 0;

describe('estimate.batch', () => {
  it('costs a mixed batch at the sum of its priced images, per backend', async () => {
    const core = await open();
    const estimate = await core.client.call('estimate.batch', { jobs: MIXED });
    expect(estimate.jobs).toBe(12);
    expect(estimate.images).toBe(3 + 4 + 4 + 3 + 8);
    expect(estimate.cost.planned_usd).toBeCloseTo(MIXED_USD, 6);
    expect(estimate.cost.expected_usd).toBeCloseTo(MIXED_USD, 6);
    expect(estimate.estimated_cost).toBe(estimate.cost.expected_usd);
    // Unpinned jobs could fall back; nano_banana is already the dearest of their cascade.
    expect(estimate.cost.fallback_max_usd).toBeCloseTo(MIXED_USD, 6);
    const split = Object.fromEntries(estimate.per_backend.map((b) => [b.backend, b]));
    expect(split.nano_banana).toMatchObject({ jobs: 5, images: 7, confirmed: false });
    expect(split.nano_banana!.expected_usd).toBeCloseTo(3 * NANO_1K + 4 * NANO_2K, 6);
    expect(split.imagen).toMatchObject({ jobs: 2, images: 4, expected_usd: 0.16, confirmed: true });
    expect(split.minimax).toMatchObject({ jobs: 3, expected_usd: 0.03, confirmed: false });
    expect(split.sdxl).toMatchObject({ jobs: 2, images: 8, expected_usd: 0 });
    expect(estimate.cost.confirmed).toBe(false);
    expect(estimate.cost.unconfirmed_backends.sort()).toEqual(['minimax', 'nano_banana']);
    expect(estimate.makespan.low_ms).toBeLessThanOrEqual(estimate.makespan.expected_ms);
    expect(estimate.makespan.expected_ms).toBeLessThanOrEqual(estimate.makespan.high_ms);
    expect(estimate.over_budget).toBe(false);
    expect(estimate.warnings.join('\n')).toContain('No finished calls on nano_banana yet');
  });

  it('gives a range that reaches the fallback when the cheap first choice has been failing', async () => {
    const core = await open();
    // minimax first (the cheapest), nano_banana behind it.
    await core.client.call('config.update', { backends: { minimax: { priority: 1 }, nano_banana: { priority: 2 }, imagen: { enabled: false }, sdxl: { enabled: false } } });
    const jobs = Array.from({ length: 10 }, (_, i) => job(`fallback ${i}`, { width: 1024, height: 1024 }));
    const calm = await core.client.call('estimate.batch', { jobs });
    expect(calm.cost.planned_usd).toBeCloseTo(0.1, 6);
    expect(calm.cost.fallback_max_usd).toBeCloseTo(10 * NANO_1K, 6);

    // History: half of minimax's recent calls ran out of quota (the backend is then taken out until the artist acts).
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: [job('history', {})] });
    const db = core.pipeline.db;
    const now = Date.now();
    const insert = db.prepare("INSERT INTO attempts (job_id, number, backend, model, started_at, ended_at, outcome, error_class, cost_usd) VALUES (?, ?, 'minimax', 'image-01', ?, ?, ?, ?, ?)");
    for (let n = 1; n <= 10; n++) insert.run(job_ids[0], n, now - 60_000 + n, now - 59_000 + n, n % 2 ? 'succeeded' : 'failed', n % 2 ? null : 'quota_exhausted', n % 2 ? 0.01 : 0);
    db.prepare("UPDATE jobs SET status = 'failed' WHERE id = ?").run(job_ids[0]);

    const shaky = await core.client.call('estimate.batch', { jobs });
    expect(shaky.cost.planned_usd).toBeCloseTo(0.1, 6);
    expect(shaky.cost.expected_usd).toBeGreaterThan(0.1 + 0.05);
    expect(shaky.cost.expected_usd).toBeLessThanOrEqual(shaky.cost.fallback_max_usd + 1e-9);
    expect(shaky.cost.high_usd).toBeLessThanOrEqual(shaky.cost.fallback_max_usd + 1e-9);
    expect(shaky.cost.low_usd).toBeLessThanOrEqual(shaky.cost.expected_usd);
    expect(shaky.per_backend.map((b) => b.backend).sort()).toEqual(['minimax', 'nano_banana']);
    expect(shaky.failures.expected_fallbacks).toBeGreaterThan(0);
  });

  it('is the same for the same seed, and flags a batch that would pass a cap', async () => {
    const core = await open();
    const a = await core.client.call('estimate.batch', { jobs: MIXED, seed: 42 });
    const b = await core.client.call('estimate.batch', { jobs: MIXED, seed: 42 });
    expect(a).toEqual(b);
    await core.client.call('config.update', { budget: { daily_usd: 0.5, monthly_usd: 100 } });
    const capped = await core.client.call('estimate.batch', { jobs: MIXED });
    expect(capped.over_budget).toBe(true);
    const daily = capped.budget.find((c) => c.period === 'daily')!;
    expect(daily).toMatchObject({ cap_usd: 0.5, spent_usd: 0, over: true });
    expect(daily.after_usd).toBeCloseTo(MIXED_USD, 4);
    expect(capped.budget.find((c) => c.period === 'monthly')).toMatchObject({ over: false });
    expect(capped.warnings.join('\n')).toContain('past the cap of $0.50');
  });

  it('stores each queued job\'s estimate (cost, time and interval, backend)', async () => {
    const core = await open();
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: MIXED });
    const rows = core.pipeline.db
      .prepare<[], { id: number; estimated_cost: number; estimated_ms: number; estimated_ms_low: number; estimated_ms_high: number; estimated_backend: string }>(
        'SELECT id, estimated_cost, estimated_ms, estimated_ms_low, estimated_ms_high, estimated_backend FROM jobs ORDER BY id',
      )
      .all();
    expect(rows.map((r) => r.id)).toEqual(job_ids);
    expect(rows.reduce((s, r) => s + r.estimated_cost, 0)).toBeCloseTo(MIXED_USD, 6);
    expect(rows.map((r) => r.estimated_backend)).toEqual([...Array(5).fill('nano_banana'), 'imagen', 'imagen', 'minimax', 'minimax', 'minimax', 'sdxl', 'sdxl']);
    for (const r of rows) {
      expect(r.estimated_ms_low).toBeLessThan(r.estimated_ms);
      expect(r.estimated_ms).toBeLessThan(r.estimated_ms_high);
    }
    expect((await core.client.call('jobs.get', { id: job_ids[5]! })).job.estimated_cost).toBe(0.08);
  });
});

describe('estimate.job (the original estimate_generation)', () => {
  it('names the backend, price, time with its interval, confidence and the fallbacks', async () => {
    const core = await open();
    const estimate = await core.client.call('estimate.job', { prompt: 'A highly detailed fantasy landscape', params: { width: 1024, height: 1024, steps: 50, quality_level: 4 } });
    expect(estimate.backend).toBe('nano_banana');
    expect(estimate.cost).toMatchObject({ usd_per_image: NANO_1K, tier: '1K', tokens_per_image: 1120 });
    expect(estimate.estimated_cost).toBe(NANO_1K);
    expect(estimate.estimated_time_seconds).toBeGreaterThan(0);
    expect(estimate.time).toMatchObject({ interval: 0.8, source: 'defaults', samples: 0 });
    expect(estimate.confidence_score).toBeGreaterThan(0);
    expect(estimate.confidence_score).toBeLessThan(0.5);
    // quality_level 4 leaves out minimax and sdxl (quality 3).
    expect(estimate.fallbacks.map((f) => f.backend)).toEqual(['imagen']);
    expect(estimate.skipped.map((s) => s.backend).sort()).toEqual(['minimax', 'sdxl']);
  });

  it('says why no backend can take a job', async () => {
    const core = await open();
    await core.client.call('config.update', { backends: { imagen: { enabled: false } } });
    const estimate = await core.client.call('estimate.job', { prompt: 'x', backend: 'imagen' });
    expect(estimate).toMatchObject({ backend: null, cost: null, estimated_cost: 0, confidence_score: 0 });
    expect(estimate.unroutable_reason).toContain('disabled');
  });
});

describe('estimate.accuracy and the confidence shown', () => {
  /** Jobs that ran on sdxl with a stored 1 s estimate and took `actualMs` (no generation records: the time model stays on its defaults). */
  async function pastJobs(core: Core, actualMs: readonly number[]) {
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: actualMs.map((_, i) => job(`past ${i}`, {}, { backend: 'sdxl' })) });
    const now = Date.now();
    const db = core.pipeline.db;
    job_ids.forEach((id, i) => {
      db.prepare("UPDATE jobs SET status = 'succeeded', estimated_ms = 1000, estimated_ms_low = 500, estimated_ms_high = 2000, estimated_cost = 0, finished_at = ? WHERE id = ?").run(now + i, id);
      db.prepare("INSERT INTO attempts (job_id, number, backend, started_at, ended_at, outcome, cost_usd) VALUES (?, 1, 'sdxl', ?, ?, 'succeeded', 0)").run(id, now, now + actualMs[i]!);
    });
  }

  it('reports the error of stored estimates and calibrates the confidence on it', async () => {
    const core = await open();
    const probe = job('probe', { width: 1024, height: 1024 }, { backend: 'sdxl' });
    const before = await core.client.call('estimate.job', probe);
    expect(before.time?.confidence).toBeCloseTo(0.3, 9); // the prior guess: no evidence yet

    await pastJobs(core, Array.from({ length: 20 }, (_, i) => 900 + 10 * i)); // all within ±25%
    const right = await core.client.call('estimate.accuracy', {});
    expect(right.per_backend).toEqual([
      expect.objectContaining({ backend: 'sdxl', jobs: 20, cost_mape: 0, interval_coverage: 1, time_within_25_percent: 1, cost_within_25_percent: 1 }),
    ]);
    expect(right.overall.time_mape).toBeCloseTo(Array.from({ length: 20 }, (_, i) => Math.abs(1000 - (900 + 10 * i)) / (900 + 10 * i)).reduce((a, b) => a + b, 0) / 20, 9);
    const trusted = await core.client.call('estimate.job', probe);
    expect(trusted.time?.confidence).toBeCloseTo((20 + 5 * 0.3) / (20 + 5), 9);

    await pastJobs(core, Array.from({ length: 20 }, () => 3_000)); // three times slower than estimated
    const wrong = await core.client.call('estimate.accuracy', { backend: 'sdxl' });
    expect(wrong.overall).toMatchObject({ jobs: 40, interval_coverage: 0.5, time_within_25_percent: 0.5 });
    const humbled = await core.client.call('estimate.job', probe);
    expect(humbled.time?.confidence).toBeCloseTo((20 + 5 * 0.3) / (40 + 5), 9);
    expect(humbled.confidence_score).toBeLessThan(trusted.confidence_score);
  });
});

describe('estimate.prices', () => {
  it('shows the table with unconfirmed prices marked', async () => {
    const core = await open();
    const table = await core.client.call('estimate.prices');
    expect(table.rows.filter((r) => !r.confirmed).map((r) => r.model)).toEqual(expect.arrayContaining(['gemini-3.1-flash-image', 'image-01']));
    expect(table.effective.find((q) => q.backend === 'imagen')).toMatchObject({ usd_per_image: 0.04, confirmed: true });
  });
});
