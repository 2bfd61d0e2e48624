import { join } from 'node:path';
import { createCore } from '../../main/core';
import { silentLogger } from '../../main/core/log';
import { normalizeJob } from '../../main/core/queue/normalize-job';
import { makeBatch } from './queue-enqueue';
import { benchCredentials, elapsedMs, formatNumber, median, withTempDir, type BenchResult } from './report';

const JOBS = 10_000;
const RUNS = 3;
const TARGET_BATCH_MS = 3_000;
const TARGET_HOOK_US_PER_JOB = 10;

/**
 * Issue 7's figures: `estimate.batch` on a 10,000-job batch through the contract (validation, routing,
 * pricing, and the Monte Carlo simulation of the queue: as many runs as fit its fixed amount of work),
 * and the estimate every queued job stores at submission (the JobStore hook), per job.
 */
export async function benchEstimator(): Promise<BenchResult[]> {
  return withTempDir('estimator', async (dir) => {
    const core = await createCore({ library: join(dir, 'library'), log: silentLogger, credentials: benchCredentials });
    try {
      const batch = makeBatch(JOBS, 'estimate');
      await core.client.call('estimate.batch', { jobs: batch.jobs.slice(0, 200), defaults: batch.defaults });
      const times: number[] = [];
      let runs = 0;
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        const estimate = await core.client.call('estimate.batch', { jobs: batch.jobs, defaults: batch.defaults });
        times.push(elapsedMs(started));
        runs = estimate.simulation.runs;
      }
      const batchMs = median(times);

      const normalized = batch.jobs.map((job) => normalizeJob(job, batch.defaults ?? {}, () => 0));
      const hook = core.pipeline.jobs.estimateHook!;
      hook(normalized.slice(0, 200));
      const hookTimes: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        hook(normalized);
        hookTimes.push((elapsedMs(started) * 1000) / JOBS);
      }
      const hookUs = median(hookTimes);
      return [
        {
          name: 'Estimate a 10,000-job batch (client.call estimate.batch)',
          value: batchMs,
          unit: 'ms',
          target: `≤ ${formatNumber(TARGET_BATCH_MS)} ms`,
          pass: batchMs <= TARGET_BATCH_MS,
          notes: [`median of ${RUNS}: ${times.map((t) => `${formatNumber(t)} ms`).join(', ')}; ${runs} simulation runs of the whole queue each`],
        },
        {
          name: 'Estimate stored with each queued job (submit hook)',
          value: hookUs,
          unit: 'µs/job',
          target: `≤ ${TARGET_HOOK_US_PER_JOB} µs/job`,
          pass: hookUs <= TARGET_HOOK_US_PER_JOB,
          notes: [`median of ${RUNS} batches of ${formatNumber(JOBS)} jobs`],
        },
      ];
    } finally {
      await core.close();
    }
  });
}
