import { join } from 'node:path';
import { createCore, type Core } from '../../main/core';
import { silentLogger } from '../../main/core/log';
import type { ConfigPatch } from '../../shared/domain/config';
import { createLoopbackBackend } from '../fakes/loopback-backend';
import { startLoopbackServerWorker, type WorkerImageServer } from './loopback-worker';
import { makeBatch } from './queue-enqueue';
import { BENCH_BACKEND, benchCredentials, elapsedMs, formatNumber, withTempDir, type BenchResult } from './report';

const LATENCY_MS = 100;
const CONCURRENCY = 8;
const SATURATION_JOBS = 2_000;
const IDEAL_JOBS_PER_S = (CONCURRENCY * 1000) / LATENCY_MS;
const SATURATION_SHARE = 0.95;

const RATE_LIMIT_PER_MINUTE = 600;
/** More than one window's worth, so the run crosses a window boundary (it lasts just over 60 s). */
const RATE_LIMIT_JOBS = 640;
const WINDOW_MS = 60_000;

interface LoopbackRun {
  jobs: number;
  ms: number;
  /** Call start times as the fake server saw them (request fully received). */
  calls: number[];
  /** Call start times as the orchestrator recorded them (attempts.started_at, the rate limiter's clock). */
  dispatched: number[];
  /** Attempts that did not succeed (none expected: a failure means the run measured something else). */
  failedAttempts: number;
  /** Each attempt's dispatch-to-answer time as the core recorded it (ms). */
  durations: number[];
}

/**
 * Runs `jobs` jobs through the real core (router, orchestrator, pool, asset store, ledger) against the
 * loopback image server (in its own process, as a remote service would be: see loopback-worker.ts).
 * Jobs are submitted with the queue paused; the clock runs from `queue.resume` until the orchestrator
 * is idle.
 */
async function runLoopback(dir: string, jobs: number, sdxl: NonNullable<NonNullable<ConfigPatch['backends']>['sdxl']>): Promise<LoopbackRun> {
  let server: WorkerImageServer | null = null;
  let core: Core | null = null;
  try {
    server = await startLoopbackServerWorker(LATENCY_MS);
    core = await createCore({
      library: join(dir, 'library'),
      log: silentLogger,
      credentials: benchCredentials,
      backends: [createLoopbackBackend({ id: BENCH_BACKEND, baseUrl: server.url })],
    });
    // Only the loopback backend may take jobs: the real providers are switched off (and have no key).
    const off = { enabled: false };
    await core.client.call('config.update', {
      backends: { sdxl, nano_banana: off, imagen: off, minimax: off },
      orchestrator: { max_concurrent_jobs: CONCURRENCY },
    });
    await core.client.call('queue.pause');
    if (!(await core.startOrchestrator())) throw new Error('could not take the orchestrator lease');
    await core.client.call('jobs.submitBatch', makeBatch(jobs, 'loopback'));

    const started = performance.now();
    await core.client.call('queue.resume');
    await core.pipeline.orchestrator.whenIdle();
    const ms = elapsedMs(started);

    const counts = core.pipeline.jobs.counts();
    if (counts.succeeded !== jobs) throw new Error(`loopback run: ${counts.succeeded} of ${jobs} jobs succeeded (${JSON.stringify(counts)})`);
    const attempts = core.pipeline.db
      .prepare<[], { started_at: number; ended_at: number | null; backend: string; outcome: string | null }>('SELECT started_at, ended_at, backend, outcome FROM attempts')
      .all();
    const durations = attempts.flatMap((a) => (a.ended_at === null ? [] : [a.ended_at - a.started_at]));
    const dispatched = attempts.filter((a) => a.backend === BENCH_BACKEND).map((a) => a.started_at);
    const failedAttempts = attempts.filter((a) => a.outcome !== 'succeeded').length;
    await core.close();
    core = null;
    const calls = await server.close();
    server = null;
    return { jobs, ms, calls, dispatched, failedAttempts, durations };
  } finally {
    await core?.close();
    await server?.close();
  }
}

function failureNote(run: LoopbackRun): string[] {
  return run.failedAttempts === 0 ? [] : [`WARNING: ${run.failedAttempts} attempts failed and were retried: this run measured more than the loopback backend`];
}

/**
 * Where the time went: each attempt from dispatch to its images stored (the backend's 100 ms, HTTP,
 * decoding, writing), and that time over the run's slot time. It can pass 100%: a slot is handed to the
 * next job when the call answers, while the answered job's images are still being stored.
 */
function utilisationNote(run: LoopbackRun): string {
  const sorted = [...run.durations].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const busy = sorted.reduce((sum, d) => sum + d, 0);
  const share = busy / (run.ms * CONCURRENCY);
  return `dispatch to stored: median ${formatNumber(at(0.5))} ms, p95 ${formatNumber(at(0.95))} ms; attempts filled ${formatNumber(share * 100)}% of the ${CONCURRENCY} slots' time`;
}

/** The most call starts that fall in any half-open window [t, t + windowMs), over the recorded starts. */
export function maxInWindow(starts: readonly number[], windowMs: number): { count: number; at: number } {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = { count: 0, at: sorted[0] ?? 0 };
  let end = 0;
  for (let begin = 0; begin < sorted.length; begin++) {
    while (end < sorted.length && sorted[end]! < sorted[begin]! + windowMs) end++;
    if (end - begin > best.count) best = { count: end - begin, at: sorted[begin]! };
  }
  return best;
}

/**
 * Figure 3: saturation. (a) 2,000 jobs, 100 ms backend latency, concurrency 8: the ideal is 80 jobs/s.
 * (b) With `requests_per_minute` = 600, the call start times the fake server recorded never put more
 * than 600 calls in any 60 s window (the run crosses the window boundary, so it takes just over a minute).
 */
export async function benchSaturation(): Promise<BenchResult[]> {
  const saturation = await withTempDir('saturation', (dir) =>
    runLoopback(dir, SATURATION_JOBS, { max_concurrency: CONCURRENCY, requests_per_minute: null }),
  );
  const rate = saturation.jobs / (saturation.ms / 1000);
  const share = rate / IDEAL_JOBS_PER_S;

  const limited = await withTempDir('rate-limit', (dir) =>
    runLoopback(dir, RATE_LIMIT_JOBS, { max_concurrency: CONCURRENCY, requests_per_minute: RATE_LIMIT_PER_MINUTE }),
  );
  const window = maxInWindow(limited.calls, WINDOW_MS);
  const byDispatch = maxInWindow(limited.dispatched, WINDOW_MS);
  const first = Math.min(...limited.calls);
  const inFirstSecondAfterWindow = limited.calls.filter((t) => t >= first + WINDOW_MS && t < first + WINDOW_MS + 1_000).length;
  const firstArrival = [...limited.calls].sort((a, b) => a - b).slice(0, CONCURRENCY);
  const firstDispatch = Math.min(...limited.dispatched);

  return [
    {
      name: `Saturation: loopback 100 ms × concurrency ${CONCURRENCY}, ${formatNumber(SATURATION_JOBS)} jobs`,
      value: rate,
      unit: 'jobs/s',
      target: `≥ ${formatNumber(IDEAL_JOBS_PER_S * SATURATION_SHARE)} jobs/s (95% of ${IDEAL_JOBS_PER_S})`,
      pass: share >= SATURATION_SHARE,
      notes: [
        `${formatNumber(saturation.jobs)} jobs in ${formatNumber(saturation.ms / 1000)} s = ${formatNumber(share * 100)}% of the ideal ${IDEAL_JOBS_PER_S} jobs/s`,
        utilisationNote(saturation),
        ...failureNote(saturation),
      ],
    },
    {
      name: `Rate limit ${RATE_LIMIT_PER_MINUTE}/min: max calls in any 60 s window`,
      value: window.count,
      unit: 'calls',
      target: `≤ ${RATE_LIMIT_PER_MINUTE} calls`,
      pass: window.count <= RATE_LIMIT_PER_MINUTE,
      notes: [
        `${formatNumber(limited.jobs)} jobs in ${formatNumber(limited.ms / 1000)} s; ${limited.calls.length} calls recorded by the fake server; ` +
          `busiest window starts ${formatNumber(window.at - first)} ms after the first call; ${inFirstSecondAfterWindow} calls started in the first second after the first window`,
        `by the orchestrator's own dispatch times (attempts.started_at) the busiest 60 s window holds ${byDispatch.count} calls; ` +
          `the first ${CONCURRENCY} calls reached the server ${firstArrival.map((t) => formatNumber(t - firstDispatch)).join(', ')} ms after the first dispatch`,
        ...failureNote(limited),
      ],
    },
  ];
}
