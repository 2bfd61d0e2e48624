import type { AttemptSummary, BatchInput, JobListInput, JobParams, JobStatus, JobSummary } from '../../../shared/domain/jobs';
import { AppError } from '../../../shared/errors';
import { Routing } from '../../../shared/domain/backends';
import type { Db } from '../db/connection';
import { AuditLog } from './audit';
import { normalizeJob, type NormalizedJob } from './normalize-job';

interface JobRow {
  id: number;
  batch_id: number | null;
  prompt: string;
  negative_prompt: string | null;
  params_json: string;
  priority: number;
  status: JobStatus;
  attempts: number;
  not_before: number;
  pinned_backend: string | null;
  constraints_json: string | null;
  project: string | null;
  tags_json: string | null;
  estimated_cost: number | null;
  actual_cost: number;
  error_class: string | null;
  error_message: string | null;
  retried_from: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  backend: string | null;
}

interface AttemptRow {
  id: number;
  number: number;
  backend: string;
  model: string | null;
  started_at: number;
  ended_at: number | null;
  outcome: AttemptSummary['outcome'];
  error_class: string | null;
  error_message: string | null;
  http_status: number | null;
  retry_after_ms: number | null;
  cost_usd: number;
  possibly_billed: number;
  latency_ms: number | null;
  routing_json: string | null;
}

/** What a job stores about its estimate when queued (migration 0040); the estimator fills it in. */
export interface QueuedEstimate {
  cost_usd: number | null;
  ms: number | null;
  low_ms: number | null;
  high_ms: number | null;
  backend: string | null;
}

/** A queued job as the orchestrator sees it when choosing what to run next. */
export interface DispatchCandidate {
  id: number;
  batch_id: number | null;
  prompt: string;
  negative_prompt: string | null;
  params: JobParams;
  priority: number;
  attempts: number;
  pinned_backend: string | null;
  constraints: NormalizedJob['constraints'];
  project: string | null;
  tags: string[];
}

const JOB_COLUMNS = `j.id, j.batch_id, j.prompt, j.negative_prompt, j.params_json, j.priority, j.status, j.attempts, j.not_before,
  j.pinned_backend, j.constraints_json, j.project, j.tags_json, j.estimated_cost, j.actual_cost, j.error_class, j.error_message,
  j.retried_from, j.created_at, j.started_at, j.finished_at,
  (SELECT a.backend FROM attempts a WHERE a.job_id = j.id ORDER BY a.number DESC LIMIT 1) AS backend`;

/** Chunks of ids for `IN (...)` lists: SQLite limits bound variables per statement. */
const IN_CHUNK = 500;

/**
 * The durable queue: every job state change is one transaction with its audit entry, so the database is
 * always the truth and nothing lives only in memory.
 */
export class JobStore {
  readonly audit: AuditLog;
  /** Issue 7: the estimate each new job stores when queued (set by the pipeline's estimator; none in bare tests). */
  estimateHook: ((jobs: readonly NormalizedJob[]) => readonly QueuedEstimate[]) | null = null;
  private readonly insertJob;
  private readonly insertBatch;
  private readonly selectJob;
  private readonly selectAttempts;
  private readonly selectCandidates;
  private readonly selectOutputs;
  private readonly selectBlocked;
  private readonly selectCandidatesAfter;
  private readonly selectNextDue;
  private readonly selectCounts;
  private readonly selectUnfinished;
  private readonly selectDue;

  constructor(readonly db: Db) {
    this.audit = new AuditLog(db);
    this.insertBatch = db.prepare<[string | null, string | null, string | null, string | null, string | null, number]>(
      'INSERT INTO batches (name, source_file, template, expansion_json, defaults_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertJob = db.prepare<
      [number | null, string, string | null, string, number, string | null, string, string | null, string, number | null, number, number, number, number | null, number | null, number | null, number | null, string | null]
    >(
      `INSERT INTO jobs (batch_id, prompt, negative_prompt, params_json, priority, pinned_backend, constraints_json, project, tags_json,
                         retried_from, created_at, updated_at, status, not_before,
                         estimated_cost, estimated_ms, estimated_ms_low, estimated_ms_high, estimated_backend)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)`,
    );
    this.selectJob = db.prepare<[number], JobRow>(`SELECT ${JOB_COLUMNS} FROM jobs j WHERE j.id = ?`);
    this.selectAttempts = db.prepare<[number], AttemptRow>(
      `SELECT id, number, backend, model, started_at, ended_at, outcome, error_class, error_message, http_status, retry_after_ms,
              cost_usd, possibly_billed, latency_ms, routing_json FROM attempts WHERE job_id = ? ORDER BY number`,
    );
    this.selectCandidates = db.prepare<[number, number], JobRow>(
      // INDEXED BY: without statistics SQLite would pick jobs_status and sort every queued job on each pass.
      `SELECT ${JOB_COLUMNS} FROM jobs j INDEXED BY jobs_dispatch WHERE j.status = 'queued' AND j.not_before <= ? ORDER BY j.priority DESC, j.id LIMIT ?`,
    );
    // The next page of the same walk, after the last candidate seen (keyset on the dispatch order).
    this.selectCandidatesAfter = db.prepare<[number, number, number, number, number], JobRow>(
      `SELECT ${JOB_COLUMNS} FROM jobs j INDEXED BY jobs_dispatch WHERE j.status = 'queued' AND j.not_before <= ?
         AND (j.priority < ? OR (j.priority = ? AND j.id > ?)) ORDER BY j.priority DESC, j.id LIMIT ?`,
    );
    this.selectNextDue = db.prepare<[number], { at: number | null }>("SELECT MIN(not_before) AS at FROM jobs INDEXED BY jobs_due WHERE status = 'queued' AND not_before > ?");
    this.selectCounts = db.prepare<[], { status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status');
    // Two index probes on jobs_status, not a count of every job: the orchestrator asks after every pass.
    this.selectUnfinished = db.prepare<[], { busy: number }>(
      "SELECT EXISTS (SELECT 1 FROM jobs WHERE status = 'queued') OR EXISTS (SELECT 1 FROM jobs WHERE status = 'running') AS busy",
    );
    this.selectDue = db.prepare<[number], { due: number }>("SELECT EXISTS (SELECT 1 FROM jobs INDEXED BY jobs_due WHERE status = 'queued' AND not_before <= ?) AS due");
    this.selectBlocked = db.prepare<[number], { backend: string }>("SELECT DISTINCT backend FROM attempts WHERE job_id = ? AND error_class = 'content_blocked'");
    this.selectOutputs = db.prepare<[number], { asset_id: number }>('SELECT DISTINCT asset_id FROM job_outputs WHERE job_id = ? ORDER BY asset_id');
  }

  /** Adds a batch (or a single job when `batch` is null) in one transaction; returns the new ids in order. */
  submit(input: BatchInput, options: { asBatch: boolean; now: number; random?: () => number }): { batch_id: number | null; job_ids: number[] } {
    const jobs = input.jobs.map((job) => normalizeJob(job, input.defaults ?? {}, options.random));
    const estimates = this.estimateHook?.(jobs) ?? null;
    return this.db.transaction(() => {
      let batchId: number | null = null;
      if (options.asBatch) {
        batchId = Number(
          this.insertBatch.run(
            input.name ?? null,
            input.source_file ?? null,
            input.template ?? null,
            input.expansion ? JSON.stringify(input.expansion) : null,
            input.defaults ? JSON.stringify(input.defaults) : null,
            options.now,
          ).lastInsertRowid,
        );
      }
      const ids = jobs.map((job, i) => this.insertNormalized(job, batchId, null, options.now, estimates?.[i] ?? null));
      if (batchId !== null) this.audit.record('batch.submitted', options.now, { batch_id: batchId }, { jobs: ids.length, first_id: ids[0], last_id: ids.at(-1) });
      else for (const id of ids) this.audit.record('job.submitted', options.now, { job_id: id });
      return { batch_id: batchId, job_ids: ids };
    })();
  }

  private insertNormalized(job: NormalizedJob, batchId: number | null, retriedFrom: number | null, now: number, estimate: QueuedEstimate | null = null): number {
    return Number(
      this.insertJob.run(
        batchId,
        job.prompt,
        job.negative_prompt,
        JSON.stringify(job.params),
        job.priority,
        job.pinned_backend,
        JSON.stringify(job.constraints),
        job.project,
        JSON.stringify(job.tags),
        retriedFrom,
        now,
        now,
        0,
        estimate?.cost_usd ?? null,
        estimate?.ms ?? null,
        estimate?.low_ms ?? null,
        estimate?.high_ms ?? null,
        estimate?.backend ?? null,
      ).lastInsertRowid,
    );
  }

  get(id: number): { job: JobSummary; attempts: AttemptSummary[] } | null {
    const row = this.selectJob.get(id);
    if (!row) return null;
    const attempts = this.selectAttempts.all(id).map(toAttempt);
    return { job: this.toSummary(row, this.selectOutputs.all(id).map((o) => o.asset_id)), attempts };
  }

  require(id: number): { job: JobSummary; attempts: AttemptSummary[] } {
    const found = this.get(id);
    if (!found) throw new AppError('NOT_FOUND', `No job ${id}.`, { job_id: id });
    return found;
  }

  /** Keyset pagination: `queue` order walks (priority desc, id asc); `newest` walks id desc. */
  list(input: JobListInput): { items: JobSummary[]; next: string | null } {
    const limit = input.limit ?? 100;
    const where: string[] = [];
    const params: Array<string | number> = [];
    if (input.status && input.status.length > 0) {
      where.push(`j.status IN (${input.status.map(() => '?').join(', ')})`);
      params.push(...input.status);
    }
    if (input.batch_id !== undefined) {
      where.push('j.batch_id = ?');
      params.push(input.batch_id);
    }
    if (input.backend !== undefined) {
      where.push('(j.pinned_backend = ? OR EXISTS (SELECT 1 FROM attempts a WHERE a.job_id = j.id AND a.backend = ?))');
      params.push(input.backend, input.backend);
    }
    const order = input.order ?? 'queue';
    const cursor = parseCursor(input.after ?? null, order);
    if (cursor) {
      if (order === 'queue') {
        where.push('(j.priority < ? OR (j.priority = ? AND j.id > ?))');
        params.push(cursor.priority, cursor.priority, cursor.id);
      } else {
        where.push('j.id < ?');
        params.push(cursor.id);
      }
    }
    const sql = `SELECT ${JOB_COLUMNS} FROM jobs j ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order === 'queue' ? 'j.priority DESC, j.id ASC' : 'j.id DESC'} LIMIT ?`;
    const rows = this.db.prepare<Array<string | number>, JobRow>(sql).all(...params, limit + 1);
    const page = rows.slice(0, limit);
    const outputs = this.outputsFor(page.map((r) => r.id));
    const last = page.at(-1);
    return {
      items: page.map((row) => this.toSummary(row, outputs.get(row.id) ?? [])),
      next: rows.length > limit && last ? (order === 'queue' ? `${last.priority}:${last.id}` : `${last.id}`) : null,
    };
  }

  /** Queued jobs due now, in dispatch order; `after` continues a walk past the last candidate it returned. */
  candidates(now: number, limit: number, after: { priority: number; id: number } | null = null): DispatchCandidate[] {
    const rows = after === null ? this.selectCandidates.all(now, limit) : this.selectCandidatesAfter.all(now, after.priority, after.priority, after.id, limit);
    return rows.map((row) => ({
      id: row.id,
      batch_id: row.batch_id,
      prompt: row.prompt,
      negative_prompt: row.negative_prompt,
      params: JSON.parse(row.params_json) as JobParams,
      priority: row.priority,
      attempts: row.attempts,
      pinned_backend: row.pinned_backend,
      constraints: row.constraints_json ? (JSON.parse(row.constraints_json) as NormalizedJob['constraints']) : {},
      project: row.project,
      tags: row.tags_json ? (JSON.parse(row.tags_json) as string[]) : [],
    }));
  }

  /** When the earliest delayed job becomes due, or null when none waits. */
  nextDueAt(now: number): number | null {
    return this.selectNextDue.get(now)?.at ?? null;
  }

  counts(): Record<JobStatus, number> {
    const counts: Record<JobStatus, number> = { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0, held: 0 };
    for (const row of this.selectCounts.all()) counts[row.status] = row.n;
    return counts;
  }

  /** Whether a queued job is due now (one probe of jobs_due). */
  hasDue(now: number): boolean {
    return this.selectDue.get(now)?.due === 1;
  }

  /** Whether any job is queued (due or delayed) or running: the queue's work is not done. */
  hasUnfinished(): boolean {
    return this.selectUnfinished.get()?.busy === 1;
  }

  /** Backends that refused this job's prompt for content (the cascade skips them when the job may fall back). */
  backendsThatBlocked(jobId: number): string[] {
    return this.selectBlocked.all(jobId).map((row) => row.backend);
  }

  withStatus(status: JobStatus): number[] {
    return this.db.prepare<[string], { id: number }>('SELECT id FROM jobs WHERE status = ? ORDER BY id').all(status).map((row) => row.id);
  }

  /** Resolves a selection (ids and/or a whole batch) to job ids that exist. */
  select(selection: { ids?: number[] | undefined; batch_id?: number | undefined }, statuses?: readonly JobStatus[]): number[] {
    const found = new Set<number>();
    const statusSql = statuses ? ` AND status IN (${statuses.map(() => '?').join(', ')})` : '';
    const statusParams = statuses ? [...statuses] : [];
    if (selection.batch_id !== undefined) {
      const rows = this.db.prepare<Array<string | number>, { id: number }>(`SELECT id FROM jobs WHERE batch_id = ?${statusSql}`).all(selection.batch_id, ...statusParams);
      for (const row of rows) found.add(row.id);
    }
    for (const chunk of chunks(selection.ids ?? [], IN_CHUNK)) {
      const rows = this.db
        .prepare<Array<string | number>, { id: number }>(`SELECT id FROM jobs WHERE id IN (${chunk.map(() => '?').join(', ')})${statusSql}`)
        .all(...chunk, ...statusParams);
      for (const row of rows) found.add(row.id);
    }
    return [...found].sort((a, b) => a - b);
  }

  /**
   * Cancels queued, held and running jobs of the selection. Running ones are returned so the orchestrator
   * aborts their calls; their attempt is closed when the call ends.
   */
  cancel(ids: readonly number[], now: number): { canceled: number[]; running: number[] } {
    return this.db.transaction(() => {
      const canceled: number[] = [];
      const running: number[] = [];
      const update = this.db.prepare<[number, number, number]>(
        "UPDATE jobs SET status = 'canceled', finished_at = ?, updated_at = ?, error_class = 'canceled', error_message = 'Canceled by the artist.' WHERE id = ? AND status IN ('queued','held','running')",
      );
      const statusOf = this.db.prepare<[number], { status: JobStatus }>('SELECT status FROM jobs WHERE id = ?');
      for (const id of ids) {
        const before = statusOf.get(id)?.status;
        if (update.run(now, now, id).changes === 0) continue;
        canceled.push(id);
        if (before === 'running') running.push(id);
        this.audit.record('job.canceled', now, { job_id: id }, { from: before });
      }
      return { canceled, running };
    })();
  }

  setPriority(ids: readonly number[], priority: number, now: number): number {
    return this.db.transaction(() => {
      const update = this.db.prepare<[number, number, number]>('UPDATE jobs SET priority = ?, updated_at = ? WHERE id = ?');
      let changed = 0;
      for (const id of ids) {
        changed += update.run(priority, now, id).changes;
        this.audit.record('job.priority_changed', now, { job_id: id }, { priority });
      }
      return changed;
    })();
  }

  /** "Run next": above every queued job, keeping the selection's own order. */
  runNext(ids: readonly number[], now: number): number {
    return this.db.transaction(() => {
      const top = (this.db.prepare("SELECT MAX(priority) AS p FROM jobs WHERE status = 'queued'").get() as { p: number | null }).p ?? 0;
      const update = this.db.prepare<[number, number, number]>("UPDATE jobs SET priority = ?, not_before = 0, updated_at = ? WHERE id = ? AND status IN ('queued','held')");
      let changed = 0;
      for (const id of ids) {
        // Jobs listed first run first: they get the highest priority.
        changed += update.run(top + ids.length - ids.indexOf(id), now, id).changes;
        this.audit.record('job.priority_changed', now, { job_id: id }, { run_next: true });
      }
      return changed;
    })();
  }

  /** Retry = a new queued job linked to the old one (the old keeps its history). */
  retry(ids: readonly number[], now: number): number[] {
    return this.db.transaction(() => {
      const created: number[] = [];
      for (const id of ids) {
        const row = this.selectJob.get(id);
        if (!row || (row.status !== 'failed' && row.status !== 'canceled')) continue;
        const job: NormalizedJob = {
          prompt: row.prompt,
          negative_prompt: row.negative_prompt,
          params: JSON.parse(row.params_json) as JobParams,
          priority: Math.min(Math.max(row.priority, 1), 5),
          pinned_backend: row.pinned_backend,
          constraints: row.constraints_json ? (JSON.parse(row.constraints_json) as NormalizedJob['constraints']) : {},
          project: row.project,
          tags: row.tags_json ? (JSON.parse(row.tags_json) as string[]) : [],
        };
        const newId = this.insertNormalized(job, row.batch_id, id, now);
        created.push(newId);
        this.audit.record('job.retried', now, { job_id: newId, batch_id: row.batch_id }, { retried_from: id });
      }
      return created;
    })();
  }

  /** Releases held jobs back to the queue (after a crash with `recovery: "hold"`). */
  release(ids: readonly number[], now: number): number {
    const update = this.db.prepare<[number, number]>("UPDATE jobs SET status = 'queued', updated_at = ? WHERE id = ? AND status = 'held'");
    return this.db.transaction(() => ids.reduce((n, id) => n + update.run(now, id).changes, 0))();
  }

  private outputsFor(ids: readonly number[]): Map<number, number[]> {
    const map = new Map<number, number[]>();
    for (const chunk of chunks(ids, IN_CHUNK)) {
      const rows = this.db
        .prepare<number[], { job_id: number; asset_id: number }>(
          `SELECT DISTINCT job_id, asset_id FROM job_outputs WHERE job_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY asset_id`,
        )
        .all(...chunk);
      for (const row of rows) map.set(row.job_id, [...(map.get(row.job_id) ?? []), row.asset_id]);
    }
    return map;
  }

  private toSummary(row: JobRow, assetIds: number[]): JobSummary {
    return {
      id: row.id,
      batch_id: row.batch_id,
      prompt: row.prompt,
      negative_prompt: row.negative_prompt,
      params: JSON.parse(row.params_json) as JobParams,
      priority: row.priority,
      status: row.status,
      attempts: row.attempts,
      not_before: row.not_before,
      pinned_backend: row.pinned_backend,
      backend: row.backend,
      project: row.project,
      tags: row.tags_json ? (JSON.parse(row.tags_json) as string[]) : [],
      estimated_cost: row.estimated_cost,
      actual_cost: row.actual_cost,
      error_class: row.error_class,
      error_message: row.error_message,
      retried_from: row.retried_from,
      created_at: row.created_at,
      started_at: row.started_at,
      finished_at: row.finished_at,
      asset_ids: assetIds,
    };
  }
}

function toAttempt({ routing_json, ...row }: AttemptRow): AttemptSummary {
  return { ...row, possibly_billed: row.possibly_billed === 1, routing: parseRouting(routing_json) };
}

/** The routing stored with an attempt; null when absent or not in the expected shape (rows from older versions). */
function parseRouting(json: string | null): Routing | null {
  if (json === null) return null;
  try {
    const parsed = Routing.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function parseCursor(after: string | null, order: 'queue' | 'newest'): { priority: number; id: number } | null {
  if (after === null || after === '') return null;
  const parts = after.split(':').map(Number);
  const valid = parts.every((n) => Number.isSafeInteger(n));
  if (order === 'queue' && parts.length === 2 && valid) return { priority: parts[0]!, id: parts[1]! };
  if (order === 'newest' && parts.length === 1 && valid) return { priority: 0, id: parts[0]! };
  throw new AppError('INVALID_INPUT', 'The page cursor does not belong to this listing; start again without `after`.', { field: 'after' });
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
