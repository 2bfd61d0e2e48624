import type { Config } from '../../../shared/domain/config';
import { BackendPool, type RoutingJob } from '../backends/pool';
import type { BackendInterface, ErrorClass } from '../backends/types';
import { DEFAULT_RATE_LIMIT_DELAY_MS, decideRetry } from '../queue/retry-policy';
import { DEFAULT_FAILED_CALL_SHARE, type FailureModel } from './failure-model';
import { seededRandom } from './random';
import { mean, quantile } from './stats';

/**
 * A discrete-event simulation of the queue working a batch: the real cascade (a private BackendPool with
 * the same settings, credentials, per-backend concurrency and requests-per-minute windows), the global
 * `max_concurrent_jobs`, dispatch in priority-then-submission order, call times drawn from the learned
 * time models, failures drawn from each backend's failure rates and handled by the orchestrator's own
 * retry policy (backoff, cool-downs, fallback, taking a backend out). Run many times with a seeded
 * random stream (Monte Carlo), it gives the makespan and cost as ranges, not as a sum of single jobs.
 */

/** Mirrors the orchestrator: one pass looks at this many queued jobs beyond the free slots. */
const SCAN_EXTRA = 64;
/** Default amount of work (jobs × runs) per estimate, and the bounds on the number of runs it gives. */
export const SIMULATION_WORK_BUDGET = 200_000;
export const MIN_RUNS = 5;
export const MAX_DEFAULT_RUNS = 200;
const PERCENTILE_LOW = 0.1;
const PERCENTILE_HIGH = 0.9;

export interface SimJob {
  routing: RoutingJob;
  priority: number;
  /** Submission order (the job id for queued jobs); ties in priority go by it. */
  seq: number;
  /** Part of the batch being estimated (false: a job already queued ahead of it). */
  inBatch: boolean;
  images: number;
  /** Which cascade `routing` falls in, for caching the cascade's "wait" answers within one pass. */
  signature: string;
  fallbackOnBlock: boolean;
  /** The backend the cascade gives it first, for counting fallbacks. */
  planned: string | null;
}

export interface SimRunning {
  backend: string;
  remainingMs: number;
}

export interface SimulationModel {
  config: Config;
  registry: ReadonlyMap<string, BackendInterface>;
  credentialed: ReadonlySet<string>;
  /** Expected call time of job `index` on `backend`. */
  expectedMs(index: number, backend: string): number;
  /** One run's speed of a backend against its model (1: as learned), shared by all its calls in that run. */
  drawSpeed(backend: string, random: () => number): number;
  /** One random call time of job `index` on `backend` around its expectation. */
  drawMs(index: number, backend: string, expectedMs: number, random: () => number): number;
  failures(backend: string): FailureModel;
  /** Price of job `index` on `backend` when it succeeds there (what the orchestrator records). */
  priceUsd(index: number, backend: string): number;
}

export interface BackendTally {
  jobs: number;
  images: number;
  usd: number;
}

export interface RunResult {
  makespanMs: number;
  usd: number;
  perBackend: Map<string, BackendTally>;
  failedJobs: number;
  retries: number;
  fallbacks: number;
  unroutable: number;
}

export interface SimulationSummary {
  runs: number;
  seed: number;
  makespan: { p10: number; p50: number; p90: number };
  usd: { mean: number; p10: number; p90: number };
  perBackend: Map<string, BackendTally>;
  failedJobs: number;
  retries: number;
  fallbacks: number;
  unroutable: number;
}

export function defaultRuns(jobs: number): number {
  return Math.min(MAX_DEFAULT_RUNS, Math.max(MIN_RUNS, Math.floor(SIMULATION_WORK_BUDGET / Math.max(1, jobs))));
}

export function simulate(jobs: readonly SimJob[], running: readonly SimRunning[], model: SimulationModel, options: { runs: number; seed: number }): SimulationSummary {
  const random = seededRandom(options.seed);
  const results: RunResult[] = [];
  // Signatures as small integers (the pass's "this kind of job waits" memo is then an array lookup), and
  // where each run of same-signature jobs ends: once one of them waits, the pass skips the rest at once.
  const ids = new Map<string, number>();
  const signatureIds = Int32Array.from(jobs, (job) => {
    let id = ids.get(job.signature);
    if (id === undefined) ids.set(job.signature, (id = ids.size));
    return id;
  });
  const runEnd = new Int32Array(jobs.length);
  for (let i = jobs.length - 1; i >= 0; i--) runEnd[i] = i + 1 < jobs.length && signatureIds[i + 1] === signatureIds[i] ? runEnd[i + 1]! : i + 1;
  const shape: QueueShape = { signatureIds, signatures: ids.size, runEnd };
  for (let run = 0; run < options.runs; run++) results.push(simulateOnce(jobs, shape, running, model, random));
  const perBackend = new Map<string, BackendTally>();
  for (const result of results) {
    for (const [backend, tally] of result.perBackend) {
      const sum = perBackend.get(backend) ?? { jobs: 0, images: 0, usd: 0 };
      sum.jobs += tally.jobs / results.length;
      sum.images += tally.images / results.length;
      sum.usd += tally.usd / results.length;
      perBackend.set(backend, sum);
    }
  }
  const makespans = results.map((r) => r.makespanMs);
  const costs = results.map((r) => r.usd);
  return {
    runs: results.length,
    seed: options.seed,
    makespan: { p10: quantile(makespans, PERCENTILE_LOW), p50: quantile(makespans, 0.5), p90: quantile(makespans, PERCENTILE_HIGH) },
    usd: { mean: mean(costs), p10: quantile(costs, PERCENTILE_LOW), p90: quantile(costs, PERCENTILE_HIGH) },
    perBackend,
    failedJobs: mean(results.map((r) => r.failedJobs)),
    retries: mean(results.map((r) => r.retries)),
    fallbacks: mean(results.map((r) => r.fallbacks)),
    unroutable: mean(results.map((r) => r.unroutable)),
  };
}

interface Completion {
  end: number;
  job: number;
  backend: string;
  failure: ErrorClass | null;
}

interface JobState {
  attempts: number;
  rateLimited: number;
  notBefore: number;
  excluded: Set<string> | null;
  finished: boolean;
}

/** Dispatch order: priority desc, then submission order. */
function before(a: SimJob, b: SimJob): boolean {
  return a.priority !== b.priority ? a.priority > b.priority : a.seq < b.seq;
}

/** Facts about the job list that do not change between runs. */
interface QueueShape {
  signatureIds: Int32Array;
  signatures: number;
  runEnd: Int32Array;
}

function simulateOnce(jobs: readonly SimJob[], shape: QueueShape, running: readonly SimRunning[], model: SimulationModel, random: () => number): RunResult {
  const { signatureIds, runEnd } = shape;
  // "Jobs of signature k wait until waitUntil[k]", valid while waitEpoch[k] === epoch; a dispatch bumps the epoch.
  const waitUntil = new Float64Array(shape.signatures);
  const waitEpoch = new Int32Array(shape.signatures).fill(-1);
  let epoch = 0;
  const config = model.config;
  const pool = new BackendPool(model.registry, () => config);
  pool.setCredentialed(model.credentialed);
  const maxConcurrent = config.orchestrator.max_concurrent_jobs;
  const maxAttempts = config.orchestrator.max_attempts;
  const autoRetry = config.orchestrator.auto_retry;

  // Jobs arrive sorted in dispatch order. `next` links each position to the first one at or after it that
  // still waits (union-find with path halving), so passes never re-walk jobs already dispatched.
  const n = jobs.length;
  const next = new Int32Array(n + 1).map((_, i) => i);
  const nextQueued = (from: number): number => {
    let i = from;
    while (next[i] !== i) {
      next[i] = next[next[i]!]!;
      i = next[i]!;
    }
    return i;
  };
  const dequeue = (position: number) => {
    next[position] = position + 1;
  };
  const retryQueue: number[] = [];
  const state: JobState[] = jobs.map(() => ({ attempts: 0, rateLimited: 0, notBefore: 0, excluded: null, finished: false }));
  const heap = new CompletionHeap();
  const result: RunResult = { makespanMs: 0, usd: 0, perBackend: new Map(), failedJobs: 0, retries: 0, fallbacks: 0, unroutable: 0 };
  const speeds = new Map<string, number>();
  let inflight = 0;
  let t = 0;
  let open = jobs.filter((j) => j.inBatch).length;

  for (const r of running) {
    pool.acquire(r.backend, 0);
    inflight += 1;
    heap.push({ end: Math.max(0, r.remainingMs), job: -1, backend: r.backend, failure: null });
  }

  const finish = (index: number, at: number) => {
    state[index]!.finished = true;
    if (jobs[index]!.inBatch) {
      open -= 1;
      result.makespanMs = Math.max(result.makespanMs, at);
    }
  };

  const start = (index: number, backend: string, at: number) => {
    const job = jobs[index]!;
    const expected = model.expectedMs(index, backend);
    const failure = model.failures(backend);
    const outcome = failure.draw(random);
    let speed = speeds.get(backend);
    if (speed === undefined) {
      speed = model.drawSpeed(backend, random);
      speeds.set(backend, speed);
    }
    const duration = speed * (outcome === null ? model.drawMs(index, backend, expected, random) : (failure.failedMs ?? expected * DEFAULT_FAILED_CALL_SHARE));
    pool.acquire(backend, at);
    inflight += 1;
    heap.push({ end: at + Math.max(0, duration), job: index, backend, failure: outcome });
    if (job.inBatch && outcome === null) {
      const tally = result.perBackend.get(backend) ?? { jobs: 0, images: 0, usd: 0 };
      const usd = model.priceUsd(index, backend);
      tally.jobs += 1;
      tally.images += job.images;
      tally.usd += usd;
      result.perBackend.set(backend, tally);
      result.usd += usd;
      if (job.planned !== null && job.planned !== backend) result.fallbacks += 1;
    }
  };

  const complete = (event: Completion) => {
    pool.release(event.backend);
    inflight -= 1;
    if (event.job < 0) return;
    const index = event.job;
    const job = jobs[index]!;
    const js = state[index]!;
    if (event.failure === null) {
      finish(index, event.end);
      return;
    }
    const cls = event.failure;
    if (cls === 'rate_limited') pool.coolDown(event.backend, event.end + DEFAULT_RATE_LIMIT_DELAY_MS);
    if (cls === 'quota_exhausted' || cls === 'auth' || cls === 'model_gone') pool.takeOut(event.backend, `simulated ${cls}`);
    if (cls === 'content_blocked') (js.excluded ??= new Set()).add(event.backend);
    if (cls === 'rate_limited') js.rateLimited += 1;
    const decision = decideRetry({
      errorClass: cls,
      countedAttempts: js.attempts,
      rateLimitedAttempts: js.rateLimited,
      maxAttempts,
      autoRetry,
      retryAfterMs: null,
      pinned: job.routing.pinned_backend !== null,
      fallbackOnBlock: job.fallbackOnBlock,
      now: event.end,
      random,
    });
    if (decision.kind === 'fail') {
      if (job.inBatch) result.failedJobs += 1;
      finish(index, event.end);
      return;
    }
    if (decision.counts_attempt) js.attempts += 1;
    js.notBefore = decision.not_before;
    if (job.inBatch) result.retries += 1;
    insertSorted(retryQueue, index, jobs);
  };

  const empty = new Set<string>();
  for (;;) {
    // One dispatch pass at time t, like Orchestrator.pass.
    let free = maxConcurrent - inflight;
    let wakeAt = Infinity;
    if (free > 0) {
      epoch += 1;
      let scanned = 0;
      let main = nextQueued(0);
      let retry = 0;
      const limit = free + SCAN_EXTRA;
      while (free > 0 && scanned < limit) {
        // Merge the main order with re-queued jobs (which keep their original place).
        let index: number;
        let fromRetry: boolean;
        const r = retry < retryQueue.length ? retryQueue[retry]! : -1;
        if (main < n && (r < 0 || before(jobs[main]!, jobs[r]!))) {
          index = main;
          fromRetry = false;
        } else if (r >= 0) {
          index = r;
          fromRetry = true;
        } else break;
        const js = state[index]!;
        if (js.notBefore > t) {
          if (fromRetry) retry += 1;
          else main = nextQueued(main + 1);
          continue;
        }
        scanned += 1;
        const job = jobs[index]!;
        const cacheable = js.excluded === null;
        const signature = signatureIds[index]!;
        const cached = cacheable && waitEpoch[signature] === epoch ? waitUntil[signature] : undefined;
        if (cached !== undefined) {
          wakeAt = Math.min(wakeAt, cached);
          if (fromRetry) retry += 1;
          else {
            // The jobs right behind it route alike and would wait too (they count as looked at, as in a real pass).
            scanned += runEnd[index]! - index - 1;
            main = nextQueued(runEnd[index]!);
          }
          continue;
        }
        const choice = pool.choose(job.routing, t, js.excluded ?? empty);
        if (choice.kind === 'dispatch') {
          if (fromRetry) retryQueue.splice(retry, 1);
          else {
            dequeue(index);
            main = nextQueued(main + 1);
          }
          start(index, choice.backend.id, t);
          free -= 1;
          epoch += 1;
          continue;
        }
        if (choice.kind === 'wait') {
          const until = choice.until ?? Infinity;
          if (cacheable) {
            waitUntil[signature] = until;
            waitEpoch[signature] = epoch;
          }
          wakeAt = Math.min(wakeAt, until);
          if (fromRetry) retry += 1;
          else main = nextQueued(main + 1);
          continue;
        }
        // No backend can ever take it: the orchestrator fails it as unroutable.
        if (fromRetry) retryQueue.splice(retry, 1);
        else {
          dequeue(index);
          main = nextQueued(main + 1);
        }
        if (job.inBatch) result.unroutable += 1;
        finish(index, t);
      }
    }
    // Every job of the batch has ended: what remains (jobs queued behind it) does not change its figures.
    if (open === 0) break;
    let nextDue = Infinity;
    for (const index of retryQueue) if (state[index]!.notBefore > t) nextDue = Math.min(nextDue, state[index]!.notBefore);
    const wakeUp = Math.min(heap.peek()?.end ?? Infinity, wakeAt, nextDue);
    if (wakeUp === Infinity) break;
    // Never stand still: a wake-up at this very instant with nothing ending now would loop forever.
    t = wakeUp > t ? wakeUp : (heap.peek()?.end ?? Infinity) <= t ? t : t + 1;
    for (let event = heap.peek(); event && event.end <= t; event = heap.peek()) complete(heap.pop()!);
  }
  // Jobs still open here were stuck (every backend out): the orchestrator would fail them.
  if (open > 0) {
    jobs.forEach((job, i) => {
      if (job.inBatch && !state[i]!.finished) {
        result.unroutable += 1;
        finish(i, t);
      }
    });
  }
  return result;
}

function insertSorted(list: number[], index: number, jobs: readonly SimJob[]): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(jobs[list[mid]!]!, jobs[index]!)) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, index);
}

/** Min-heap of completions by end time. */
class CompletionHeap {
  private readonly items: Completion[] = [];

  peek(): Completion | undefined {
    return this.items[0];
  }

  push(item: Completion): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.end <= item.end) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): Completion | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      let smallestEnd = last.end;
      if (left < items.length && items[left]!.end < smallestEnd) {
        smallest = left;
        smallestEnd = items[left]!.end;
      }
      if (right < items.length && items[right]!.end < smallestEnd) smallest = right;
      if (smallest === i) break;
      items[i] = items[smallest]!;
      i = smallest;
    }
    items[i] = last;
    return top;
  }
}
