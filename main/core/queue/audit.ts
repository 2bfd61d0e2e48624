import type { Db } from '../db/connection';

export type AuditKind =
  | 'batch.submitted'
  | 'job.submitted'
  | 'job.started'
  | 'job.succeeded'
  | 'job.failed'
  | 'job.retry_scheduled'
  | 'job.canceled'
  | 'job.priority_changed'
  | 'job.retried'
  | 'job.recovered'
  | 'job.held'
  | 'queue.paused'
  | 'queue.resumed'
  | 'checkpoint.created'
  | 'checkpoint.restored'
  | 'library.repaired';

/** Audit entries older than this are pruned at start (and the table is capped), so it cannot grow forever. */
export const AUDIT_RETENTION_MS = 90 * 24 * 3600 * 1000;
export const AUDIT_MAX_ROWS = 500_000;

/** The `events` audit log: one row per state change, written in the same transaction as the change. */
export class AuditLog {
  private readonly insert;

  constructor(private readonly db: Db) {
    this.insert = db.prepare<[number, string, number | null, number | null, string | null]>(
      'INSERT INTO events (at, kind, job_id, batch_id, data_json) VALUES (?, ?, ?, ?, ?)',
    );
  }

  record(kind: AuditKind, at: number, refs: { job_id?: number | null; batch_id?: number | null } = {}, data?: Record<string, unknown>): void {
    this.insert.run(at, kind, refs.job_id ?? null, refs.batch_id ?? null, data ? JSON.stringify(data) : null);
  }

  prune(now: number): number {
    const old = this.db.prepare('DELETE FROM events WHERE at < ?').run(now - AUDIT_RETENTION_MS).changes;
    const row = this.db.prepare('SELECT MAX(id) AS max FROM events').get() as { max: number | null };
    const overflow = row.max === null ? 0 : this.db.prepare('DELETE FROM events WHERE id <= ?').run(row.max - AUDIT_MAX_ROWS).changes;
    return old + overflow;
  }
}
