import type { AuditEntry } from '../../../shared/domain/checkpoints';
import type { Handlers } from '../router';
import type { CoreServices } from '../services';

export function libraryHandlers(services: CoreServices) {
  const { pipeline } = services;
  return {
    'library.check': async (input) => {
      const report = await pipeline.checkLibrary(input?.repair ?? false);
      if (report.repaired) pipeline.jobs.audit.record('library.repaired', Date.now(), {}, { ...report });
      return report;
    },
    'audit.list': (input) => {
      const limit = input?.limit ?? 100;
      const where: string[] = [];
      const params: Array<string | number> = [];
      if (input?.kind) {
        where.push('kind = ?');
        params.push(input.kind);
      }
      if (input?.job_id !== undefined) {
        where.push('job_id = ?');
        params.push(input.job_id);
      }
      if (input?.before !== undefined) {
        where.push('id < ?');
        params.push(input.before);
      }
      const rows = pipeline.db
        .prepare<Array<string | number>, Omit<AuditEntry, 'data'> & { data_json: string | null }>(
          `SELECT id, at, kind, job_id, batch_id, data_json FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
        )
        .all(...params, limit + 1);
      const items = rows.slice(0, limit).map(({ data_json, ...row }) => ({ ...row, data: data_json ? (JSON.parse(data_json) as AuditEntry['data']) : null }));
      return { items, next: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
    },
  } satisfies Pick<Handlers, 'library.check' | 'audit.list'>;
}
