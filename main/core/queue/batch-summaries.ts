import { BATCH_LIMITS, type BatchEta, type BatchJobIds, type BatchJobIdsInput, type BatchList, type BatchListInput, type BatchSummary, type QueueRow, type StatusCounts } from '../../../shared/domain/batches';
import type { JobStatus, JobsChanged } from '../../../shared/domain/jobs';
import type { Db } from '../db/connection';

/** Finished jobs a batch needs before its own pace is trusted over the stored estimates. */
const THROUGHPUT_MIN_DONE = 3;
/** Default page of batch groups. */
const DEFAULT_BATCHES = 50;
/** SQLite limits bound variables per statement: id lists go in chunks. */
const IN_CHUNK = 500;

interface BatchRow {
  id: number;
  name: string | null;
  source_file: string | null;
  created_at: number;
}

interface GroupStatusRow {
  batch_id: number | null;
  status: JobStatus;
  n: number;
  images: number | null;
  spent: number | null;
  est_cost: number | null;
  est_cost_n: number;
  est_ms: number | null;
  first_start: number | null;
  last_finish: number | null;
  first_created: number;
}

interface RowRecord {
  id: number;
  batch_id: number | null;
  prompt: string;
  priority: number;
  status: JobStatus;
  attempts: number;
  backend: string | null;
  pinned_backend: string | null;
  images_done: number;
  images_wanted: number | null;
  estimated_cost: number | null;
  actual_cost: number;
  estimated_ms: number | null;
  not_before: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  error_class: string | null;
  error_message: string | null;
}

const emptyCounts = (): StatusCounts => ({ queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0, held: 0 });

/** The per-status aggregate every group summary is built from (one pass over the group's jobs). */
const GROUP_COLUMNS = `status, COUNT(*) AS n, SUM(json_extract(params_json, '$.count')) AS images, SUM(actual_cost) AS spent,
  SUM(estimated_cost) AS est_cost, COUNT(estimated_cost) AS est_cost_n, SUM(estimated_ms) AS est_ms,
  MIN(started_at) AS first_start, MAX(finished_at) AS last_finish, MIN(created_at) AS first_created`;

/**
 * Read side of the Queue panel (issue 8 part 2): batch groups with their counts, images, spend, what is
 * left to pay and an ETA; the ids of a group in queue order; and the small rows a screen shows. Pure
 * reads on the library database; the queue's writers live in job-store.ts and the orchestrator.
 */
export class BatchSummaries {
  private readonly selectBatches;
  private readonly selectCounts;
  private readonly selectSingles;
  private readonly selectSinglesImages;

  constructor(
    private readonly db: Db,
    /** `orchestrator.max_concurrent_jobs` now: how many stored job times run side by side. */
    private readonly concurrency: () => number,
  ) {
    this.selectBatches = db.prepare<[number, number], BatchRow>('SELECT id, name, source_file, created_at FROM batches WHERE id < ? ORDER BY id DESC LIMIT ?');
    this.selectCounts = db.prepare<[], { status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status');
    this.selectSingles = db.prepare<[], GroupStatusRow>(`SELECT NULL AS batch_id, ${GROUP_COLUMNS} FROM jobs WHERE batch_id IS NULL GROUP BY status`);
    this.selectSinglesImages = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM job_outputs o JOIN jobs j ON j.id = o.job_id WHERE j.batch_id IS NULL');
  }

  list(input: BatchListInput): BatchList {
    const limit = input.limit ?? DEFAULT_BATCHES;
    const rows = this.selectBatches.all(input.before ?? Number.MAX_SAFE_INTEGER, limit + 1);
    const page = rows.slice(0, limit);
    const ids = page.map((b) => b.id);
    const groups = new Map<number, GroupStatusRow[]>();
    const images = new Map<number, number>();
    for (const chunk of chunks(ids, IN_CHUNK)) {
      const marks = chunk.map(() => '?').join(', ');
      for (const row of this.db.prepare<number[], GroupStatusRow>(`SELECT batch_id, ${GROUP_COLUMNS} FROM jobs WHERE batch_id IN (${marks}) GROUP BY batch_id, status`).all(...chunk)) {
        const list = groups.get(row.batch_id!) ?? [];
        list.push(row);
        groups.set(row.batch_id!, list);
      }
      const made = this.db.prepare<number[], { batch_id: number; n: number }>(
        `SELECT j.batch_id AS batch_id, COUNT(*) AS n FROM job_outputs o JOIN jobs j ON j.id = o.job_id WHERE j.batch_id IN (${marks}) GROUP BY j.batch_id`,
      );
      for (const row of made.all(...chunk)) images.set(row.batch_id, row.n);
    }
    const singleRows = this.selectSingles.all();
    const counts = emptyCounts();
    for (const row of this.selectCounts.all()) counts[row.status] = row.n;
    return {
      items: page.map((batch) => this.summarize(batch, groups.get(batch.id) ?? [], images.get(batch.id) ?? 0)),
      next: rows.length > limit && page.length > 0 ? page.at(-1)!.id : null,
      singles:
        singleRows.length === 0
          ? null
          : this.summarize(
              { id: 0, name: null, source_file: null, created_at: Math.min(...singleRows.map((r) => r.first_created)) },
              singleRows,
              this.selectSinglesImages.get()?.n ?? 0,
              true,
            ),
      counts,
    };
  }

  /** Every matching id of one group in dispatch order, capped at BATCH_LIMITS.idsPerGroup. */
  jobIds(input: BatchJobIdsInput): BatchJobIds {
    const where: string[] = [input.batch_id === null ? 'j.batch_id IS NULL' : 'j.batch_id = ?'];
    const params: Array<string | number> = input.batch_id === null ? [] : [input.batch_id];
    if (input.status && input.status.length > 0) {
      where.push(`j.status IN (${input.status.map(() => '?').join(', ')})`);
      params.push(...input.status);
    }
    if (input.backend !== undefined) {
      where.push('(j.pinned_backend = ? OR EXISTS (SELECT 1 FROM attempts a WHERE a.job_id = j.id AND a.backend = ?))');
      params.push(input.backend, input.backend);
    }
    const cap = BATCH_LIMITS.idsPerGroup;
    const ids = this.db
      .prepare<Array<string | number>, { id: number }>(`SELECT j.id FROM jobs j WHERE ${where.join(' AND ')} ORDER BY j.priority DESC, j.id LIMIT ?`)
      .pluck()
      .all(...params, cap + 1) as unknown as number[];
    return { ids: ids.slice(0, cap), truncated: ids.length > cap };
  }

  /** The rows for these ids, in the order asked; ids that do not exist are left out. */
  rows(ids: readonly number[]): QueueRow[] {
    const found = new Map<number, QueueRow>();
    for (const chunk of chunks(ids, IN_CHUNK)) {
      const sql = `SELECT j.id, j.batch_id, substr(j.prompt, 1, ${BATCH_LIMITS.rowPromptChars}) AS prompt, j.priority, j.status, j.attempts,
          COALESCE((SELECT a.backend FROM attempts a WHERE a.job_id = j.id ORDER BY a.number DESC LIMIT 1), j.pinned_backend) AS backend,
          j.pinned_backend, (SELECT COUNT(DISTINCT o.asset_id) FROM job_outputs o WHERE o.job_id = j.id) AS images_done,
          json_extract(j.params_json, '$.count') AS images_wanted, j.estimated_cost, j.actual_cost, j.estimated_ms, j.not_before,
          j.created_at, j.started_at, j.finished_at, j.error_class, substr(j.error_message, 1, ${BATCH_LIMITS.rowErrorChars}) AS error_message
        FROM jobs j WHERE j.id IN (${chunk.map(() => '?').join(', ')})`;
      for (const row of this.db.prepare<number[], RowRecord>(sql).all(...chunk)) {
        found.set(row.id, { ...row, images_wanted: row.images_wanted ?? 1 });
      }
    }
    return ids.flatMap((id) => {
      const row = found.get(id);
      return row ? [row] : [];
    });
  }

  private summarize(batch: BatchRow, rows: readonly GroupStatusRow[], imagesDone: number, singles = false): BatchSummary {
    const counts = emptyCounts();
    let total = 0;
    let imagesWanted = 0;
    let spent = 0;
    let remainingUsd = 0;
    let remainingPartial = false;
    let remainingMs = 0;
    let firstStart: number | null = null;
    let lastFinish: number | null = null;
    for (const row of rows) {
      counts[row.status] = row.n;
      total += row.n;
      imagesWanted += row.images ?? row.n;
      spent += row.spent ?? 0;
      if (row.first_start !== null) firstStart = firstStart === null ? row.first_start : Math.min(firstStart, row.first_start);
      if (row.last_finish !== null) lastFinish = lastFinish === null ? row.last_finish : Math.max(lastFinish, row.last_finish);
      if (row.status === 'queued' || row.status === 'running' || row.status === 'held') {
        remainingUsd += row.est_cost ?? 0;
        if (row.est_cost_n < row.n) remainingPartial = true;
        if (row.status !== 'held') remainingMs += row.est_ms ?? 0;
      }
    }
    const unfinished = counts.queued + counts.running + counts.held;
    return {
      id: singles ? null : batch.id,
      name: batch.name,
      source_file: batch.source_file,
      created_at: batch.created_at,
      total,
      counts,
      images_done: imagesDone,
      images_wanted: imagesWanted,
      spent_usd: round(spent),
      remaining_usd: round(remainingUsd),
      remaining_partial: remainingPartial,
      started_at: firstStart,
      finished_at: unfinished === 0 && total > 0 ? lastFinish : null,
      eta: this.eta(counts, firstStart, lastFinish, remainingMs),
    };
  }

  /** Its own pace once enough jobs finished (it already includes retries, fallbacks and limits), else the stored times. */
  private eta(counts: StatusCounts, firstStart: number | null, lastFinish: number | null, estimatedMs: number): BatchEta {
    const left = counts.queued + counts.running;
    if (left === 0) return { remaining_ms: null, basis: null };
    const done = counts.succeeded + counts.failed;
    if (done >= THROUGHPUT_MIN_DONE && firstStart !== null && lastFinish !== null && lastFinish > firstStart) {
      // Time since the first job started per job finished: concurrency, retries and limits are already in it.
      const msPerJob = (lastFinish - firstStart) / done;
      return { remaining_ms: Math.round(msPerJob * left), basis: 'throughput' };
    }
    if (estimatedMs > 0) return { remaining_ms: Math.round(estimatedMs / Math.max(1, this.concurrency())), basis: 'estimates' };
    return { remaining_ms: null, basis: null };
  }
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Folds two pending `jobs.changed` payloads into one (the event hub coalesces pushes): the union of ids and
 * batch ids, so a listener that refetches only what changed never misses a job; past the cap, `all`.
 */
export function mergeJobsChanged(older: JobsChanged, newer: JobsChanged): JobsChanged {
  const ids = [...new Set([...older.ids, ...newer.ids])];
  const batchIds = [...new Set([...older.batch_ids, ...newer.batch_ids])];
  const cap = JOBS_CHANGED_CAP;
  return {
    ids: ids.slice(0, cap),
    batch_ids: batchIds.slice(0, cap),
    all: older.all || newer.all || ids.length > cap || batchIds.length > cap,
  };
}

/** The schema's bound on each list of a `jobs.changed` payload. */
const JOBS_CHANGED_CAP = 1_000;
