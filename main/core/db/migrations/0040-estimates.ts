import type { Db } from '../connection';

/**
 * Estimates and budgets (issue 7). Each job keeps the time estimate it was queued with (with its 80%
 * interval and the backend it was estimated for) next to the existing `estimated_cost`, so the accuracy
 * loop can compare it with what really happened. Indexes serve the spend queries (billed cost by start
 * time, read from the index alone; calls possibly billed before a crash) and the time model (a
 * backend's newest successful calls).
 */
export default {
  version: 40,
  name: 'estimates',
  up(db: Db): void {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN estimated_ms INTEGER;
      ALTER TABLE jobs ADD COLUMN estimated_ms_low INTEGER;
      ALTER TABLE jobs ADD COLUMN estimated_ms_high INTEGER;
      ALTER TABLE jobs ADD COLUMN estimated_backend TEXT;
      CREATE INDEX attempts_spend ON attempts (started_at, cost_usd);
      CREATE INDEX attempts_possibly_billed ON attempts (started_at) WHERE possibly_billed = 1;
      CREATE INDEX generation_records_success ON generation_records (backend, success, id);
    `);
  },
};
