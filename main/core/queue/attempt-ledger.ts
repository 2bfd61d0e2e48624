import type { Db } from '../db/connection';
import type { AssetIndex, AssetRecordInput } from '../library/asset-index';
import type { AuditLog } from './audit';

/** What one finished call produced, ready to index. */
export interface AttemptOutput {
  image_index: number;
  record: AssetRecordInput;
}

export interface AttemptFailure {
  error_class: string;
  message: string;
  http_status: number | null;
  retry_after_ms: number | null;
  cost_usd: number;
  latency_ms: number | null;
}

/** What happens to the job after a failed attempt (decided by the retry policy). */
export type FailureOutcome =
  | { kind: 'retry'; not_before: number; counts_attempt: boolean }
  | { kind: 'fail' };

export interface GenerationRecordInput {
  backend: string;
  model: string | null;
  megapixels: number;
  steps: number | null;
  images: number;
  prompt_chars: number;
  latency_ms: number;
  cost_usd: number;
  success: boolean;
}

/**
 * Attempt rows: opened before the backend is called (so a crash leaves evidence of a call that may have
 * been billed) and closed in the same transaction as the job's new state and its assets.
 */
export class AttemptLedger {
  private readonly open;
  private readonly markRunning;
  private readonly close;
  private readonly linkOutput;
  private readonly insertRecord;
  private readonly markSucceeded;
  private readonly markRetry;
  private readonly markFailed;
  private readonly markInterrupted;

  constructor(
    private readonly db: Db,
    private readonly assets: AssetIndex,
    private readonly audit: AuditLog,
  ) {
    this.open = db.prepare<[number, number, string, string | null, number, string | null, string | null]>(
      `INSERT INTO attempts (job_id, number, backend, model, started_at, request_fingerprint, routing_json)
       VALUES (?, (SELECT COALESCE(MAX(number), 0) + 1 FROM attempts WHERE job_id = ?), ?, ?, ?, ?, ?)`,
    );
    this.markRunning = db.prepare<[number, number, number]>(
      "UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ? AND status = 'queued'",
    );
    this.close = db.prepare<{
      id: number;
      ended_at: number;
      outcome: string;
      error_class: string | null;
      error_message: string | null;
      http_status: number | null;
      retry_after_ms: number | null;
      cost_usd: number;
      possibly_billed: number;
      latency_ms: number | null;
    }>(
      `UPDATE attempts SET ended_at = @ended_at, outcome = @outcome, error_class = @error_class, error_message = @error_message,
              http_status = @http_status, retry_after_ms = @retry_after_ms, cost_usd = @cost_usd, possibly_billed = @possibly_billed,
              latency_ms = @latency_ms
       WHERE id = @id AND ended_at IS NULL`,
    );
    this.linkOutput = db.prepare<[number, number, number, number]>(
      'INSERT INTO job_outputs (attempt_id, image_index, job_id, asset_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    this.insertRecord = db.prepare(
      `INSERT INTO generation_records (attempt_id, backend, model, megapixels, steps, images, prompt_chars, latency_ms, cost_usd, success, at)
       VALUES (@attempt_id, @backend, @model, @megapixels, @steps, @images, @prompt_chars, @latency_ms, @cost_usd, @success, @at)
       ON CONFLICT (attempt_id) DO NOTHING`,
    );
    this.markSucceeded = db.prepare<[number, number, number, number]>(
      "UPDATE jobs SET status = 'succeeded', attempts = attempts + 1, finished_at = ?, updated_at = ?, actual_cost = actual_cost + ?, error_class = NULL, error_message = NULL WHERE id = ? AND status = 'running'",
    );
    this.markRetry = db.prepare<[number, number, number, string, string, number, number]>(
      `UPDATE jobs SET status = 'queued', not_before = ?, attempts = attempts + ?, updated_at = ?, error_class = ?, error_message = ?,
              actual_cost = actual_cost + ?
       WHERE id = ? AND status = 'running'`,
    );
    this.markFailed = db.prepare<[number, number, string, string, number, number]>(
      `UPDATE jobs SET status = 'failed', attempts = attempts + 1, finished_at = ?, updated_at = ?, error_class = ?, error_message = ?,
              actual_cost = actual_cost + ?
       WHERE id = ? AND status = 'running'`,
    );
    this.markInterrupted = db.prepare<[string, number, number]>("UPDATE jobs SET status = ?, not_before = 0, updated_at = ? WHERE id = ? AND status = 'running'");
  }

  /** Marks the job running and opens its attempt; null when the job is no longer queued (canceled meanwhile). */
  start(jobId: number, backend: string, model: string | null, fingerprint: string, routing: unknown, now: number): number | null {
    return this.db.transaction(() => {
      if (this.markRunning.run(now, now, jobId).changes === 0) return null;
      const id = Number(this.open.run(jobId, jobId, backend, model, now, fingerprint, JSON.stringify(routing)).lastInsertRowid);
      this.audit.record('job.started', now, { job_id: jobId }, { attempt_id: id, backend });
      return id;
    })();
  }

  /** Runs `work` (several `succeed`s, inside one transaction) with the new assets' search rows written together at its end. */
  together<T>(work: () => T): T {
    return this.assets.indexTogether(work);
  }

  /** Indexes the outputs and closes attempt and job as succeeded, atomically. Returns new asset ids. */
  succeed(
    attemptId: number,
    jobId: number,
    outputs: readonly AttemptOutput[],
    result: { cost_usd: number; latency_ms: number; record: GenerationRecordInput },
    now: number,
  ): { assetIds: number[]; created: number[] } {
    return this.db.transaction(() => {
      const assetIds: number[] = [];
      const created: number[] = [];
      for (const output of outputs) {
        const asset = this.assets.upsert(output.record);
        this.linkOutput.run(attemptId, output.image_index, jobId, asset.id);
        assetIds.push(asset.id);
        if (asset.created) created.push(asset.id);
      }
      this.close.run({
        id: attemptId,
        ended_at: now,
        outcome: 'succeeded',
        error_class: null,
        error_message: null,
        http_status: null,
        retry_after_ms: null,
        cost_usd: result.cost_usd,
        possibly_billed: 0,
        latency_ms: result.latency_ms,
      });
      this.markSucceeded.run(now, now, result.cost_usd, jobId);
      this.recordGeneration(attemptId, result.record, now);
      this.audit.record('job.succeeded', now, { job_id: jobId }, { attempt_id: attemptId, assets: assetIds });
      return { assetIds, created };
    })();
  }

  /** Closes a failed attempt and applies the retry decision to the job. */
  fail(attemptId: number, jobId: number, failure: AttemptFailure, outcome: FailureOutcome, record: GenerationRecordInput | null, now: number): void {
    this.db.transaction(() => {
      this.close.run({
        id: attemptId,
        ended_at: now,
        outcome: 'failed',
        error_class: failure.error_class,
        error_message: failure.message,
        http_status: failure.http_status,
        retry_after_ms: failure.retry_after_ms,
        cost_usd: failure.cost_usd,
        possibly_billed: 0,
        latency_ms: failure.latency_ms,
      });
      if (outcome.kind === 'retry') {
        this.markRetry.run(outcome.not_before, outcome.counts_attempt ? 1 : 0, now, failure.error_class, failure.message, failure.cost_usd, jobId);
        this.audit.record('job.retry_scheduled', now, { job_id: jobId }, { attempt_id: attemptId, error_class: failure.error_class, not_before: outcome.not_before });
      } else {
        this.markFailed.run(now, now, failure.error_class, failure.message, failure.cost_usd, jobId);
        this.audit.record('job.failed', now, { job_id: jobId }, { attempt_id: attemptId, error_class: failure.error_class, message: failure.message });
      }
      if (record) this.recordGeneration(attemptId, record, now);
    })();
  }

  /** The artist canceled the job while its call ran: the job is already `canceled`; close the attempt. */
  canceled(attemptId: number, latencyMs: number, possiblyBilled: boolean, now: number): void {
    this.close.run({
      id: attemptId,
      ended_at: now,
      outcome: 'canceled',
      error_class: 'canceled',
      error_message: 'Canceled by the artist.',
      http_status: null,
      retry_after_ms: null,
      cost_usd: 0,
      possibly_billed: possiblyBilled ? 1 : 0,
      latency_ms: latencyMs,
    });
  }

  /**
   * The call was cut short by shutdown or a crash: the attempt is `interrupted` (and possibly billed when
   * the backend is paid), the job goes back to the queue or is held, and the attempt does not count.
   */
  interrupt(attemptId: number, jobId: number, options: { possiblyBilled: boolean; hold: boolean; reason: string }, now: number): void {
    this.db.transaction(() => {
      this.close.run({
        id: attemptId,
        ended_at: now,
        outcome: 'interrupted',
        error_class: 'interrupted',
        error_message: options.reason,
        http_status: null,
        retry_after_ms: null,
        cost_usd: 0,
        possibly_billed: options.possiblyBilled ? 1 : 0,
        latency_ms: null,
      });
      const status = options.hold ? 'held' : 'queued';
      this.markInterrupted.run(status, now, jobId);
      this.audit.record(options.hold ? 'job.held' : 'job.recovered', now, { job_id: jobId }, { attempt_id: attemptId, possibly_billed: options.possiblyBilled, reason: options.reason });
    })();
  }

  private recordGeneration(attemptId: number, record: GenerationRecordInput, now: number): void {
    this.insertRecord.run({ ...record, attempt_id: attemptId, success: record.success ? 1 : 0, at: now });
  }
}
