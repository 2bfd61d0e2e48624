import type { Db } from '../connection';

/**
 * One full-text row per new asset (issue 3).
 *
 * Migration 0020 indexes an asset from its AFTER INSERT trigger, and AssetIndex.upsert then files the new
 * asset under its job's project and tags, whose membership rows rewrote the same FTS row again (held, so
 * once more at the end): four FTS5 writes — each a flush of the pending index — per generated image, which
 * made the FTS the largest cost of finishing a job.
 *
 * `assets_fts_defer` is a one-row switch: while it holds its row (only ever inside AssetIndex.upsert's
 * transaction), the insert trigger does not index the new asset but puts it in `assets_fts_hold`, so the
 * membership triggers stand aside too; upsert then writes the finished FTS row once and releases the
 * hold. Without the switch — checkpoint restore's `INSERT ... SELECT`, any other insert — the trigger
 * indexes exactly as before, so every path keeps the FTS content right. The update, delete, membership
 * and rename triggers of 0020 are unchanged.
 */
export default {
  version: 50,
  name: 'fts-once',
  up(db: Db): void {
    db.exec(`
      CREATE TABLE assets_fts_defer (only_row INTEGER PRIMARY KEY CHECK (only_row = 1)) STRICT;

      DROP TRIGGER assets_library_insert;
      CREATE TRIGGER assets_library_insert AFTER INSERT ON assets
        WHEN NOT EXISTS (SELECT 1 FROM assets_fts_defer) BEGIN
        DELETE FROM assets_fts WHERE rowid = NEW.id;
        INSERT INTO assets_fts (rowid, prompt, negative_prompt, tags, projects, model, file_name)
          SELECT * FROM assets_fts_source WHERE id = NEW.id;
      END;
      CREATE TRIGGER assets_library_insert_deferred AFTER INSERT ON assets
        WHEN EXISTS (SELECT 1 FROM assets_fts_defer) BEGIN
        INSERT INTO assets_fts_hold (asset_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
      END;
    `);
  },
};
