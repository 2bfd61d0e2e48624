import { createHash } from 'node:crypto';
import type { Config } from '../../../shared/domain/config';
import type { JobsChanged } from '../../../shared/domain/jobs';
import type { BackendPool, RoutingChoice } from '../backends/pool';
import type { RateTicket } from '../backends/rate-limiter';
import { BackendError, type ErrorClass, type GeneratedImage, type GenerationRequest, type GenerationResult } from '../backends/types';
import type { EventHub } from '../events';
import type { AssetRecordInput } from '../library/asset-index';
import type { Logger } from '../log';
import type { AttemptLedger, GenerationRecordInput } from './attempt-ledger';
import { CommitGroup } from './commit-group';
import type { DispatchCandidate, JobStore } from './job-store';
import { decideRetry } from './retry-policy';
import { priceFor } from '../estimator/prices';
import { redactError } from '../secrets/redact';

/** Where finished images go: files written (image, thumbnail, sidecar) and the row to index returned. */
export interface OutputSink {
  store(image: GeneratedImage, provenance: OutputProvenance): Promise<AssetRecordInput>;
}

export interface OutputProvenance {
  job_id: number;
  attempt_id: number;
  batch_id: number | null;
  image_index: number;
  image_count: number;
  backend: string;
  model: string | null;
  prompt: string;
  negative_prompt: string | null;
  seed: number | null;
  params: Record<string, unknown>;
  cost_usd: number;
  generation_ms: number;
  project: string | null;
  tags: string[];
  created_at: number;
}

export interface OrchestratorDeps {
  jobs: JobStore;
  ledger: AttemptLedger;
  pool: BackendPool;
  sink: OutputSink;
  events: EventHub;
  log: Logger;
  config: () => Config;
  credential: (backend: string) => Promise<string | null>;
  /** Persisted pause flag. */
  paused: { get(): boolean; set(value: boolean): void };
  clock?: () => number;
  random?: () => number;
}

interface InFlight {
  jobId: number;
  backend: string;
  controller: AbortController;
  /** Why the call is being aborted: the artist canceled it, or the orchestrator is stopping. */
  abortReason: 'cancel' | 'shutdown' | null;
  /** True while the backend call runs; false once it answered and the job's images are being stored. */
  calling: boolean;
  /** The call's place in its backend's requests-per-minute window. */
  ticket: RateTicket | null;
  done: Promise<void>;
}

/** How many queued jobs one scheduling pass looks at beyond the free slots (jobs for busy backends are skipped). */
const SCAN_EXTRA = 64;
/**
 * Candidates fetched per query beyond the free slots: usually every fetched job is dispatched, so a pass
 * reads (and parses) a few rows, not free + SCAN_EXTRA; it fetches more only when jobs are skipped.
 */
const PAGE_EXTRA = 4;
/** After a pass failed (database busy past its timeout), the next try. */
const PASS_RETRY_MS = 1_000;

/**
 * The scheduler. Event-driven: it runs a dispatch pass when a job is submitted, a call ends, the queue
 * resumes, settings change, or the earliest delayed job becomes due — never a busy poll. Dispatch order is
 * priority, then submission; limits are the global `max_concurrent_jobs` and each backend's concurrency
 * and requests per minute. Every transition is one transaction in the database.
 */
export class Orchestrator {
  private readonly inflight = new Map<number, InFlight>();
  /** Flights whose backend call is still running (the rest are storing their images). */
  private calling = 0;
  private running = false;
  private passScheduled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private idleWaiters: Array<() => void> = [];
  private readonly clock: () => number;
  private readonly random: () => number;
  /** Successful jobs that finish in the same turn of the event loop are committed together. */
  private readonly commits: CommitGroup;

  constructor(private readonly deps: OrchestratorDeps) {
    this.clock = deps.clock ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.commits = new CommitGroup(deps.jobs.db, (work) => deps.ledger.together(work));
  }

  get isRunning(): boolean {
    return this.running;
  }

  get isPaused(): boolean {
    return this.deps.paused.get();
  }

  get activeJobs(): number {
    return this.inflight.size;
  }

  start(): void {
    this.running = true;
    this.wake();
  }

  /** Stops dispatching; in-flight calls finish (or are aborted and their jobs put back when `abort`). */
  async stop(options: { abort: boolean }): Promise<void> {
    this.running = false;
    this.clearTimer();
    if (options.abort) {
      for (const flight of this.inflight.values()) {
        flight.abortReason = 'shutdown';
        flight.controller.abort();
      }
    }
    await Promise.all([...this.inflight.values()].map((f) => f.done));
    this.resolveIdle();
  }

  pause(): void {
    this.deps.paused.set(true);
    this.deps.jobs.audit.record('queue.paused', this.clock());
    this.clearTimer();
  }

  resume(): void {
    this.deps.paused.set(false);
    this.deps.jobs.audit.record('queue.resumed', this.clock());
    this.wake();
  }

  /** Aborts the calls of jobs that were just canceled (their rows are already `canceled`). */
  abortJobs(ids: readonly number[]): void {
    for (const id of ids) {
      const flight = this.inflight.get(id);
      if (!flight) continue;
      flight.abortReason = 'cancel';
      flight.controller.abort();
    }
  }

  /** Schedules a dispatch pass soon (coalesced: many wake-ups in one tick make one pass). */
  wake(): void {
    if (this.passScheduled) return;
    this.passScheduled = true;
    setImmediate(() => {
      this.passScheduled = false;
      this.pass();
    });
  }

  /** Resolves when nothing is queued or running (delayed retries count as queued). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.inflight.size === 0 && !this.deps.jobs.hasUnfinished();
  }

  private resolveIdle(): void {
    if (this.idleWaiters.length === 0) return;
    if (!this.isIdle() && this.running) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private pass(): void {
    if (!this.running || this.deps.paused.get()) return;
    try {
      this.inOneCommit(() => this.dispatchDue());
    } catch (error) {
      // The database was busy past its timeout (another process writing) or failed: try again shortly
      // rather than let one pass take the process down.
      this.deps.log.error('dispatch pass failed; retrying in a second', { error: String(error) });
      this.armTimer(this.clock() + PASS_RETRY_MS);
    }
    this.resolveIdle();
  }

  /**
   * The jobs a pass starts are committed together (one WAL write of the pages they share). Each start is
   * its own savepoint (AttemptLedger.start), and what succeeded is committed even when a later step
   * throws: a started job's call is already under way, so its attempt row must not be rolled back. The
   * commit happens before any call goes out (calls start after an await).
   */
  private inOneCommit(work: () => void): void {
    const db = this.deps.jobs.db;
    // With every slot taken, or nothing due, a pass only reads (when the next job is due): no write lock
    // for that, so an idle orchestrator never waits on another process writing the library.
    if (db.inTransaction || this.freeSlots(this.deps.config()) <= 0 || !this.deps.jobs.hasDue(this.clock())) {
      work();
      return;
    }
    // IMMEDIATE: the write lock up front, so a pass that reads and then writes waits on a busy database
    // (busy timeout) instead of failing its upgrade when another process committed in between.
    db.exec('BEGIN IMMEDIATE');
    try {
      work();
    } finally {
      if (db.inTransaction) db.exec('COMMIT');
    }
  }

  private dispatchDue(): void {
    const config = this.deps.config();
    const now = this.clock();
    let free = this.freeSlots(config);
    let earliest: number | null = null;
    // Walk the queue in dispatch order, page by page, looking at no more than free + SCAN_EXTRA jobs.
    let budget = free + SCAN_EXTRA;
    let after: { priority: number; id: number } | null = null;
    while (free > 0 && budget > 0) {
      const limit = Math.min(free + PAGE_EXTRA, budget);
      const page = this.deps.jobs.candidates(now, limit, after);
      budget -= page.length;
      for (const job of page) {
        after = { priority: job.priority, id: job.id };
        if (free <= 0) break;
        if (this.inflight.has(job.id)) continue;
        const choice = this.deps.pool.choose(job, now, this.refusedBy(job.id));
        if (choice.kind === 'dispatch') {
          if (this.dispatch(job, choice, now)) free -= 1;
        } else if (choice.kind === 'wait') {
          if (choice.until !== null) earliest = earliest === null ? choice.until : Math.min(earliest, choice.until);
        } else {
          this.failUnroutable(job, choice.reason, now);
        }
      }
      if (page.length < limit) break;
    }
    const due = this.deps.jobs.nextDueAt(now);
    if (due !== null) earliest = earliest === null ? due : Math.min(earliest, due);
    if (earliest !== null) this.armTimer(earliest);
  }

  /**
   * Jobs that may start now. `max_concurrent_jobs` bounds the calls in flight (as the estimator's
   * simulation models it): a job whose call has answered and whose images are being written does not hold
   * a slot, so the next call starts while it is stored. Up to `max_concurrent_jobs` jobs may be storing
   * like that; past that, storing jobs take slots again, so a slow disk holds dispatch back instead of
   * piling up images in memory.
   */
  private freeSlots(config: Config): number {
    const limit = config.orchestrator.max_concurrent_jobs;
    const storing = this.inflight.size - this.calling;
    return limit - this.calling - Math.max(0, storing - limit);
  }

  /** The backend call is over (answered, failed or aborted): its backend slot and its job slot are free. */
  private endCall(flight: InFlight): void {
    if (!flight.calling) return;
    flight.calling = false;
    this.calling -= 1;
    this.deps.pool.release(flight.backend, flight.ticket, this.clock());
    this.wake();
  }

  private armTimer(at: number): void {
    if (this.timer && at >= this.timerAt) return;
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.wake();
    }, Math.max(0, at - this.clock()));
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  /** Backends that blocked this job's prompt: the cascade tries others when the job allows. */
  private refusedBy(jobId: number): Set<string> {
    return new Set(this.deps.jobs.backendsThatBlocked(jobId));
  }

  private failUnroutable(job: DispatchCandidate, reason: string, now: number): void {
    this.deps.jobs.db
      .prepare("UPDATE jobs SET status = 'failed', finished_at = ?, updated_at = ?, error_class = 'no_backend', error_message = ? WHERE id = ? AND status = 'queued'")
      .run(now, now, reason, job.id);
    this.deps.jobs.audit.record('job.failed', now, { job_id: job.id }, { error_class: 'no_backend', message: reason });
    this.changed([job.id], job.batch_id);
  }

  private dispatch(job: DispatchCandidate, choice: Extract<RoutingChoice, { kind: 'dispatch' }>, now: number): boolean {
    const backend = choice.backend;
    const model = job.params.model ?? choice.settings.model;
    const request: GenerationRequest = {
      prompt: job.prompt,
      negative_prompt: job.negative_prompt,
      width: job.params.width,
      height: job.params.height,
      aspect_ratio: job.params.aspect_ratio,
      steps: job.params.steps,
      cfg_scale: job.params.cfg_scale,
      sampler: job.params.sampler,
      seed: job.params.seed,
      count: job.params.count,
      model,
    };
    const fingerprint = createHash('sha256').update(JSON.stringify({ backend: backend.id, request })).digest('hex').slice(0, 32);
    const attemptId = this.deps.ledger.start(job.id, backend.id, model, fingerprint, { chosen: backend.id, skipped: choice.skipped }, now);
    if (attemptId === null) return false;
    const ticket = this.deps.pool.acquire(backend.id, now);
    const controller = new AbortController();
    const flight: InFlight = { jobId: job.id, backend: backend.id, controller, abortReason: null, calling: true, ticket, done: Promise.resolve() };
    this.calling += 1;
    this.inflight.set(job.id, flight);
    flight.done = this.run(job, attemptId, request, choice, flight).finally(() => {
      this.endCall(flight);
      this.inflight.delete(job.id);
      this.wake();
      this.resolveIdle();
    });
    this.changed([job.id], job.batch_id);
    return true;
  }

  private async run(
    job: DispatchCandidate,
    attemptId: number,
    request: GenerationRequest,
    choice: Extract<RoutingChoice, { kind: 'dispatch' }>,
    flight: InFlight,
  ): Promise<void> {
    const backend = choice.backend;
    const started = this.clock();
    const signal = AbortSignal.any([flight.controller.signal, AbortSignal.timeout(choice.settings.timeout_ms)]);
    let result: GenerationResult;
    let credential: string | null = null;
    try {
      credential = await this.deps.credential(backend.id);
      result = await backend.generate(request, { signal, credential });
      if (result.images.length === 0) throw new BackendError('no_image', `${backend.id} answered without an image.`);
    } catch (error) {
      // Nothing a client or provider says may carry the key into the database, the logs or an event.
      const failure = redactError(classify(error), credential);
      this.reportCall(backend.id, flight, started, failure);
      this.endCall(flight);
      this.onFailure(job, attemptId, backend.id, backend.paid, failure, flight, started, choice, request);
      return;
    }
    const latency = this.clock() - started;
    this.reportCall(backend.id, flight, started, null);
    this.endCall(flight);
    // The freed slot's dispatch pass (queued by endCall) runs before this job's images are stored: the
    // synchronous start of storing (hashing, embedding, starting the decode) would otherwise delay the
    // next call by about half a millisecond, every call (saturation bench: 75.8 → 76.2 jobs/s over 5 runs).
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (flight.abortReason !== null) {
      // Canceled or stopping while the answer was on its way: keep nothing half-done, but keep the images
      // of a paid call (they were billed) by storing them below only when the job is still running.
      if (flight.abortReason === 'cancel') {
        this.deps.ledger.canceled(attemptId, latency, backend.paid, this.clock());
        this.changed([job.id], job.batch_id);
        return;
      }
    }
    // What the provider says it billed, else the price table (or the artist's cost_per_image) for what came back.
    const cost =
      result.provider_cost_usd ??
      priceFor(backend.id, request.model ?? result.model, { width: request.width, height: request.height, count: result.images.length }, this.deps.config(), { at: started }).usd_total;
    try {
      const records = await Promise.all(
        result.images.map((image, index) =>
          this.deps.sink.store(image, {
            job_id: job.id,
            attempt_id: attemptId,
            batch_id: job.batch_id,
            image_index: index,
            image_count: result.images.length,
            backend: backend.id,
            model: result.model,
            prompt: job.prompt,
            negative_prompt: job.negative_prompt,
            seed: result.seed,
            params: { ...job.params },
            cost_usd: cost / result.images.length,
            generation_ms: latency,
            project: job.project,
            tags: job.tags,
            created_at: this.clock(),
          }),
        ),
      );
      const outputs = records.map((record, index) => ({ image_index: index, record }));
      const generation = this.generationRecord(backend.id, result.model, request, latency, cost, true);
      const { created } = await this.commits.run(() =>
        this.deps.ledger.succeed(attemptId, job.id, outputs, { cost_usd: cost, latency_ms: latency, record: generation }, this.clock()),
      );
      if (created.length > 0) this.deps.events.emit('assets.added', { ids: created.slice(0, 1_000), count: created.length });
    } catch (error) {
      // Writing the files failed (disk full, permissions): the call itself worked, so this is ours to report.
      this.deps.log.error('storing generated images failed', { job_id: job.id, attempt_id: attemptId, error: String(error) });
      this.onFailure(job, attemptId, backend.id, backend.paid, new BackendError('transient', `Could not store the images: ${String(error)}`), flight, started, choice, request);
      return;
    }
    this.changed([job.id], job.batch_id);
  }

  private onFailure(
    job: DispatchCandidate,
    attemptId: number,
    backendId: string,
    paid: boolean,
    error: unknown,
    flight: InFlight,
    started: number,
    choice: Extract<RoutingChoice, { kind: 'dispatch' }>,
    request: GenerationRequest,
  ): void {
    const now = this.clock();
    const latency = now - started;
    if (flight.abortReason === 'cancel') {
      this.deps.ledger.canceled(attemptId, latency, paid, now);
      this.changed([job.id], job.batch_id);
      return;
    }
    if (flight.abortReason === 'shutdown') {
      this.deps.ledger.interrupt(attemptId, job.id, { possiblyBilled: paid, hold: false, reason: 'APEX Director was stopping.' }, now);
      this.changed([job.id], job.batch_id);
      return;
    }
    const classified = classify(error);
    this.applyBackendAction(backendId, classified, now);
    const detail = this.deps.jobs.get(job.id);
    const rateLimited = (detail?.attempts ?? []).filter((a) => a.error_class === 'rate_limited').length + (classified.errorClass === 'rate_limited' ? 1 : 0);
    const config = this.deps.config();
    const decision = decideRetry({
      errorClass: classified.errorClass,
      countedAttempts: job.attempts,
      rateLimitedAttempts: rateLimited,
      maxAttempts: config.orchestrator.max_attempts,
      autoRetry: config.orchestrator.auto_retry,
      retryAfterMs: classified.retryAfterMs,
      pinned: job.pinned_backend !== null,
      fallbackOnBlock: job.constraints.fallback_on_block === true,
      now,
      random: this.random,
    });
    const message = classified.providerMessage ? `${classified.message} (${backendId}: ${classified.providerMessage})` : classified.message;
    this.deps.ledger.fail(
      attemptId,
      job.id,
      { error_class: classified.errorClass, message, http_status: classified.httpStatus, retry_after_ms: classified.retryAfterMs, cost_usd: 0, latency_ms: latency },
      decision.kind === 'retry' ? { kind: 'retry', not_before: this.retryTime(job, backendId, decision.not_before, now), counts_attempt: decision.counts_attempt } : { kind: 'fail' },
      this.generationRecord(backendId, choice.settings.model, request, latency, 0, false),
      now,
    );
    this.changed([job.id], job.batch_id);
  }

  /**
   * The backoff spares a struggling backend. Once its circuit is open the breaker does that instead, and
   * another backend can take the job at once: waiting out the backoff would only delay it.
   */
  private retryTime(job: DispatchCandidate, backendId: string, notBefore: number, now: number): number {
    return job.pinned_backend === null && this.deps.pool.circuitOpen(backendId, now) ? now : notBefore;
  }

  /** Tells the backend manager how the call went, for its circuit breaker and health (not when we aborted it). */
  private reportCall(backendId: string, flight: InFlight, started: number, failure: BackendError | null): void {
    if (flight.abortReason !== null) return;
    const now = this.clock();
    const error = failure === null ? null : { errorClass: failure.errorClass, message: failure.providerMessage ?? failure.message };
    this.deps.pool.report(backendId, { latencyMs: now - started, error }, now);
  }

  /** The backend side of DESIGN §4's actions: cool a rate-limited backend, take one out for auth/quota/model. */
  private applyBackendAction(backendId: string, error: BackendError, now: number): void {
    switch (error.errorClass) {
      case 'rate_limited':
        this.deps.pool.coolDown(backendId, now + (error.retryAfterMs ?? 10_000));
        break;
      case 'quota_exhausted':
        this.deps.pool.takeOut(backendId, 'is out of quota until you raise it or the period resets');
        break;
      case 'auth':
        this.deps.pool.takeOut(backendId, 'refused the API key: set a valid one in Settings');
        break;
      case 'model_gone':
        this.deps.pool.takeOut(backendId, `no longer offers its model: change backends.${backendId}.${backendId === 'sdxl' ? 'checkpoint' : 'model'} in Settings`);
        break;
      default:
        break;
    }
  }

  private generationRecord(backend: string, model: string | null, request: GenerationRequest, latency: number, cost: number, success: boolean): GenerationRecordInput {
    return {
      backend,
      model,
      megapixels: (request.width * request.height) / 1_000_000,
      steps: request.steps,
      images: request.count,
      prompt_chars: request.prompt.length,
      latency_ms: latency,
      cost_usd: cost,
      success,
    };
  }

  private changed(ids: number[], batchId: number | null): void {
    const payload: JobsChanged = { ids, batch_ids: batchId === null ? [] : [batchId], all: false };
    this.deps.events.emit('jobs.changed', payload);
  }
}

/** Anything a backend throws becomes a BackendError with a class; our own timeout is `timeout`. */
export function classify(error: unknown): BackendError {
  if (error instanceof BackendError) return error;
  if (error instanceof Error && (error.name === 'TimeoutError' || (error.name === 'AbortError' && String(error.message).includes('timeout')))) {
    return new BackendError('timeout', 'The backend did not answer in time.', { cause: error });
  }
  const errorClass: ErrorClass = 'transient';
  return new BackendError(errorClass, error instanceof Error ? error.message : String(error), { cause: error });
}
