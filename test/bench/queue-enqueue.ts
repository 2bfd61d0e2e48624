import { join } from 'node:path';
import { createCore } from '../../main/core';
import { silentLogger } from '../../main/core/log';
import type { BatchInput } from '../../shared/domain/jobs';
import { benchCredentials, elapsedMs, formatNumber, median, withTempDir, type BenchResult } from './report';

const JOBS = 10_000;
const RUNS = 3;
const TARGET_JOBS_PER_S = 20_000;

/** A batch shaped like a real one: prompts of ~100 characters, some negatives, params, tags, batch defaults. */
export function makeBatch(count: number, label: string): BatchInput {
  return {
    name: `bench ${label}`,
    defaults: { project: 'Bench', params: { width: 1024, height: 1024, steps: 30 }, tags: ['bench'] },
    jobs: Array.from({ length: count }, (_, i) => ({
      prompt: `a watercolor fox number ${i} in a misty birch forest at dawn, soft light, highly detailed, trending (${label})`,
      negative_prompt: i % 3 === 0 ? 'blurry, low quality, watermark' : null,
      params: { seed: i % 5 === 0 ? -1 : 1_000 + i, cfg_scale: 7 },
      priority: 1 + (i % 5),
      tags: i % 2 === 0 ? ['fox', 'forest'] : ['fox'],
    })),
  };
}

/**
 * Figure 1: one 10,000-job `jobs.submitBatch` through `core.client.call` — JSON round trip, contract
 * validation of input and output, normalisation and the insert transaction. The orchestrator is not
 * started, so nothing is dispatched. Median of three batches after a small warm-up batch.
 */
export async function benchEnqueue(): Promise<BenchResult> {
  return withTempDir('enqueue', async (dir) => {
    const core = await createCore({ library: join(dir, 'library'), log: silentLogger, credentials: benchCredentials });
    try {
      await core.client.call('jobs.submitBatch', makeBatch(200, 'warm-up'));
      const rates: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const batch = makeBatch(JOBS, `run ${run}`);
        const started = performance.now();
        const { job_ids } = await core.client.call('jobs.submitBatch', batch);
        const ms = elapsedMs(started);
        if (job_ids.length !== JOBS) throw new Error(`submitBatch returned ${job_ids.length} ids, expected ${JOBS}`);
        rates.push(JOBS / (ms / 1000));
      }
      const rate = median(rates);
      return {
        name: 'Enqueue 10,000-job batch (client.call jobs.submitBatch)',
        value: rate,
        unit: 'jobs/s',
        target: `≥ ${formatNumber(TARGET_JOBS_PER_S)} jobs/s`,
        pass: rate >= TARGET_JOBS_PER_S,
        notes: [`median of ${RUNS} batches: ${rates.map((r) => formatNumber(r)).join(', ')} jobs/s (${rates.map((r) => `${formatNumber((JOBS / r) * 1000)} ms`).join(', ')})`],
      };
    } finally {
      await core.close();
    }
  });
}
