import { createHash } from 'node:crypto';
import type { Config } from '../../../shared/domain/config';
import type { JobsChanged } from '../../../shared/domain/jobs';
import type { BackendPool, RoutingChoice } from '../backends/pool';
import { BackendError, type ErrorClass, type GeneratedImage, type GenerationRequest, type GenerationResult } from '../backends/types';
import type { EventHub } from '../events';
import type { AssetRecordInput } from '../library/asset-index';
import type { Logger } from '../log';
import type { AttemptLedger, GenerationRecordInput } from './attempt-ledger';
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
  done: Promise<void>;
}

/** How many queued jobs one scheduling pass looks at beyond the free slots (jobs for busy backends are skipped). */
const SCAN_EXTRA = 64;

/**
 * The scheduler. Event-driven: it runs a dispatch pass when a job is submitted, a call ends, the queue
 * resumes, settings change, or the earliest delayed job becomes due — never a busy poll. Dispatch order is
 * priority, then submission; limits are the global `max_concurrent_jobs` and each backend's concurrency
 * and requests per minute. Every transition is one transaction in the database.
 */
export class Orchestrator {
  private readonly inflight = new Map<number, InFlight>();
  private running = false;
  private passScheduled = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private idleWaiters: Array<() => void> = [];
  private readonly clock: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: OrchestratorDeps) {
    this.clock = deps.clock ?? Date.now;
    this.random = deps.random ?? Math.random;
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
    if (this.inflight.size > 0) return false;
    const counts = this.deps.jobs.counts();
    return counts.queued === 0 && counts.running === 0;
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
    const config = this.deps.config();
    const now = this.clock();
    let free = config.orchestrator.max_concurrent_jobs - this.inflight.size;
    let earliest: number | null = null;
    if (free > 0) {
      const candidates = this.deps.jobs.candidates(now, free + SCAN_EXTRA);
      for (const job of candidates) {
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
    }
    const due = this.deps.jobs.nextDueAt(now);
    if (due !== null) earliest = earliest === null ? due : Math.min(earliest, due);
    if (earliest !== null) this.armTimer(earliest);
    this.resolveIdle();
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
    this.deps.pool.acquire(backend.id, now);
    const controller = new AbortController();
    const flight: InFlight = { jobId: job.id, backend: backend.id, controller, abortReason: null, done: Promise.resolve() };
    flight.done = this.run(job, attemptId, request, choice, flight).finally(() => {
      this.inflight.delete(job.id);
      this.deps.pool.release(backend.id);
      this.wake();
      this.resolveIdle();
    });
    this.inflight.set(job.id, flight);
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
      this.onFailure(job, attemptId, backend.id, backend.paid, failure, flight, started, choice, request);
      return;
    }
    const latency = this.clock() - started;
    this.reportCall(backend.id, flight, started, null);
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
      const { created } = this.deps.ledger.succeed(
        attemptId,
        job.id,
        records.map((record, index) => ({ image_index: index, record })),
        { cost_usd: cost, latency_ms: latency, record: this.generationRecord(backend.id, result.model, request, latency, cost, true) },
        this.clock(),
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
