import type { JobStatus } from '../../shared/domain/jobs';
import { AppError } from '../../shared/errors';
import type { Core } from '../core';
import { chunks } from '../core/queue/job-store';
import { EXIT } from './exit-codes';
import type { Output } from './output';
import { createProgressLine } from './progress';

/** The `run --json` / `resume --json` summary (DESIGN §8 and the pipeline issue). */
export interface RunSummary {
  jobs: number;
  succeeded: number;
  failed: number;
  canceled: number;
  assets: number;
  cost_usd: number;
  duration_ms: number;
  interrupted: boolean;
  failures: Array<{ job_id: number; prompt: string; error_class: string | null; message: string | null }>;
}

const MAX_LISTED_FAILURES = 100;

/**
 * Works the queue in this process until nothing is queued or running, showing progress for the jobs in
 * `scope`. Ctrl-C stops cleanly: running calls are aborted, their jobs go back to the queue, and
 * `apex-director resume` carries on. Returns the exit code.
 */
export async function workQueue(core: Core, out: Output, scope: readonly number[]): Promise<number> {
  const started = Date.now();
  if (!(await core.startOrchestrator())) {
    const state = core.pipeline.queueState();
    throw new AppError('BUSY', `The library is busy: ${state.reason}. Your jobs are queued there and it will run them.`, {});
  }
  const pipeline = core.pipeline;
  if (pipeline.orchestrator.isPaused) out.info('The queue is paused: run `apex-director resume` to work it.');

  const progress = createProgressLine();
  const tick = () => progress.update({ total: scope.length, ...summarize(core, scope), started });
  const ticker = setInterval(tick, 250);
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    out.info('\nStopping: running calls are put back in the queue…');
    void pipeline.orchestrator.stop({ abort: true });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (!pipeline.orchestrator.isPaused) await pipeline.orchestrator.whenIdle();
  } finally {
    clearInterval(ticker);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    tick();
    progress.finish();
  }

  const summary = finalSummary(core, scope, Date.now() - started, interrupted);
  out.result(summary, () => formatSummary(summary));
  if (interrupted) out.info('Stopped. `apex-director resume` carries on where this left off.');
  return summary.failed > 0 ? EXIT.someFailed : EXIT.ok;
}

function summarize(core: Core, scope: readonly number[]): { counts: Record<JobStatus, number>; cost_usd: number } {
  const counts: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0, held: 0 };
  let cost = 0;
  for (const chunk of chunks(scope, 500)) {
    const rows = core.pipeline.db
      .prepare<number[], { status: JobStatus; n: number; cost: number }>(
        `SELECT status, COUNT(*) AS n, SUM(actual_cost) AS cost FROM jobs WHERE id IN (${chunk.map(() => '?').join(',')}) GROUP BY status`,
      )
      .all(...chunk);
    for (const row of rows) {
      counts[row.status] += row.n;
      cost += row.cost;
    }
  }
  return { counts, cost_usd: cost };
}

function finalSummary(core: Core, scope: readonly number[], durationMs: number, interrupted: boolean): RunSummary {
  const { counts, cost_usd } = summarize(core, scope);
  let assets = 0;
  const failures: RunSummary['failures'] = [];
  for (const chunk of chunks(scope, 500)) {
    const marks = chunk.map(() => '?').join(',');
    assets += (core.pipeline.db.prepare<number[], { n: number }>(`SELECT COUNT(DISTINCT asset_id) AS n FROM job_outputs WHERE job_id IN (${marks})`).get(...chunk)?.n ?? 0);
    if (failures.length < MAX_LISTED_FAILURES) {
      failures.push(
        ...core.pipeline.db
          .prepare<number[], RunSummary['failures'][number]>(
            `SELECT id AS job_id, prompt, error_class, error_message AS message FROM jobs WHERE status = 'failed' AND id IN (${marks}) ORDER BY id`,
          )
          .all(...chunk)
          .slice(0, MAX_LISTED_FAILURES - failures.length),
      );
    }
  }
  return {
    jobs: scope.length,
    succeeded: counts.succeeded,
    failed: counts.failed,
    canceled: counts.canceled,
    assets,
    cost_usd: Math.round(cost_usd * 1e6) / 1e6,
    duration_ms: durationMs,
    interrupted,
    failures,
  };
}

function formatSummary(summary: RunSummary): string {
  const lines = [
    `${summary.jobs} jobs: ${summary.succeeded} succeeded, ${summary.failed} failed, ${summary.canceled} canceled; ${summary.assets} images; $${summary.cost_usd.toFixed(2)}; ${(summary.duration_ms / 1000).toFixed(1)} s`,
  ];
  for (const failure of summary.failures.slice(0, 10)) {
    lines.push(`  job ${failure.job_id} (${failure.error_class ?? 'failed'}): ${failure.message ?? ''} — “${failure.prompt.slice(0, 60)}”`);
  }
  if (summary.failures.length > 10) lines.push(`  …and ${summary.failed - 10} more failures (apex-director jobs --status failed)`);
  return lines.join('\n');
}
