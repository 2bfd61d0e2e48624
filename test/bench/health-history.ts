import { join } from 'node:path';
import { createCore } from '../../main/core';
import { silentLogger } from '../../main/core/log';
import { benchCredentials, elapsedMs, formatNumber, median, withTempDir, type BenchResult } from './report';

const ATTEMPTS = 100_000;
const RUNS = 5;
/** The Health and Estimate panels reload these a moment after jobs change: they must stay well under a frame budget of a busy UI. */
const TARGET_TIMELINE_MS = 200;
const TARGET_HISTORY_MS = 250;

/**
 * Issue 8's history views on a busy library: 100,000 calls over the last 24 hours on three backends,
 * every tenth a failure, every call billed. `backends.timeline` (24 h in 24 buckets, every backend)
 * and `budget.history` (30 days by backend) through the contract.
 */
export async function benchHealthHistory(): Promise<BenchResult[]> {
  return withTempDir('health-history', async (dir) => {
    const core = await createCore({ library: join(dir, 'library'), log: silentLogger, credentials: benchCredentials });
    try {
      const db = core.pipeline.db;
      const now = Date.now();
      const jobId = Number(
        db.prepare("INSERT INTO jobs (prompt, params_json, priority, status, created_at, updated_at) VALUES ('bench', '{\"width\":1024,\"height\":1024}', 3, 'succeeded', ?, ?)").run(now, now).lastInsertRowid,
      );
      const insert = db.prepare(
        'INSERT INTO attempts (job_id, number, backend, started_at, ended_at, outcome, error_class, cost_usd, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const backends = ['nano_banana', 'minimax', 'sdxl'];
      db.transaction(() => {
        for (let i = 0; i < ATTEMPTS; i++) {
          const ended = now - Math.floor((i / ATTEMPTS) * 24 * 3_600_000);
          const failed = i % 10 === 0;
          insert.run(jobId, i + 1, backends[i % 3]!, ended - 2_000, ended, failed ? 'failed' : 'succeeded', failed ? (i % 20 === 0 ? 'rate_limited' : 'transient') : null, failed ? 0 : 0.039, 1_500 + (i % 700));
        }
      })();

      const time = async (call: () => Promise<unknown>) => {
        await call();
        const times: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          const started = performance.now();
          await call();
          times.push(elapsedMs(started));
        }
        return { ms: median(times), times };
      };
      const timeline = await time(() => core.client.call('backends.timeline', { hours: 24, buckets: 24 }));
      const history = await time(() => core.client.call('budget.history', { days: 30 }));
      return [
        {
          name: `Backend timeline, 24 h of ${formatNumber(ATTEMPTS)} calls (backends.timeline)`,
          value: timeline.ms,
          unit: 'ms',
          target: `≤ ${TARGET_TIMELINE_MS} ms`,
          pass: timeline.ms <= TARGET_TIMELINE_MS,
          notes: [`median of ${RUNS}: ${timeline.times.map((t) => `${formatNumber(t)} ms`).join(', ')}`],
        },
        {
          name: `Spend per day by backend, 30 days (budget.history)`,
          value: history.ms,
          unit: 'ms',
          target: `≤ ${TARGET_HISTORY_MS} ms`,
          pass: history.ms <= TARGET_HISTORY_MS,
          notes: [`median of ${RUNS}: ${history.times.map((t) => `${formatNumber(t)} ms`).join(', ')}`],
        },
      ];
    } finally {
      await core.close();
    }
  });
}
