import type { Db } from '../db/connection';

/**
 * Bulk changes to tags and projects rewrite each touched asset's full-text row ONCE, not once per
 * membership row: the assets go into `assets_fts_hold` (migration 0020), whose rows make the per-row
 * triggers stand aside, and their FTS rows are rewritten together at the end, in one statement. FTS5
 * flushes its pending index at every statement that writes it, so per-row rewrites of 10,000 assets
 * would cost seconds; this costs milliseconds.
 *
 * Calls nest: assets already held belong to an enclosing change (a rebuild holds every asset), which
 * rewrites their rows itself, so an inner call neither rewrites nor releases them.
 */

const FTS_COLUMNS = 'rowid, prompt, negative_prompt, tags, projects, model, file_name';

/** Runs `change` with the existing assets among `ids` held, then rewrites their FTS rows. Must run inside a transaction. */
export function withFtsHeld<T>(db: Db, ids: readonly number[], change: () => T): T {
  const list = JSON.stringify(ids);
  const mine = db
    .prepare<[string], { id: number }>(
      'SELECT a.id FROM assets a WHERE a.id IN (SELECT value FROM json_each(?)) AND NOT EXISTS (SELECT 1 FROM assets_fts_hold h WHERE h.asset_id = a.id)',
    )
    .all(list)
    .map((row) => row.id);
  const held = JSON.stringify(mine);
  db.prepare('INSERT INTO assets_fts_hold (asset_id) SELECT value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING').run(held);
  const result = change();
  db.prepare('DELETE FROM assets_fts WHERE rowid IN (SELECT value FROM json_each(?))').run(held);
  db.prepare(`INSERT INTO assets_fts (${FTS_COLUMNS}) SELECT * FROM assets_fts_source WHERE id IN (SELECT value FROM json_each(?))`).run(held);
  db.prepare('DELETE FROM assets_fts_hold WHERE asset_id IN (SELECT value FROM json_each(?))').run(held);
  return result;
}
