import type { Db } from '../connection';

/**
 * Import of existing folders (DESIGN §5; issue 5 part A).
 *
 * - `import_roots`: every folder whose files are indexed IN PLACE (realpath'd, so a symlinked or
 *   differently spelled path maps to the same row). The asset resolver serves files only from the library
 *   and these roots; a row is never deleted, so a root id on an asset always resolves.
 * - `assets.root_id`: NULL for files inside the library (generated or imported with --copy); otherwise
 *   the import root, and `rel_path` is then relative to that root instead of the library.
 * - `assets.file_mtime`: the file's modification time when indexed in place, so re-importing a folder
 *   skips unchanged files without reading them.
 * - `assets.generator`: the tool that wrote the metadata (a1111, comfyui, novelai...), for filtering.
 * - `assets.raw_metadata`: JSON object of every metadata text the file carried, verbatim, so nothing a
 *   parser missed is lost and a better parser can re-read it later without the file.
 */
export default {
  version: 30,
  name: 'import',
  up(db: Db): void {
    db.exec(`
      CREATE TABLE import_roots (
        id       INTEGER PRIMARY KEY,
        path     TEXT NOT NULL UNIQUE,
        added_at INTEGER NOT NULL
      ) STRICT;

      ALTER TABLE assets ADD COLUMN root_id INTEGER REFERENCES import_roots(id);
      ALTER TABLE assets ADD COLUMN file_mtime INTEGER;
      ALTER TABLE assets ADD COLUMN generator TEXT;
      ALTER TABLE assets ADD COLUMN raw_metadata TEXT;

      -- Re-import looks files up by where they are, before reading them.
      CREATE INDEX assets_root_path ON assets (root_id, rel_path) WHERE root_id IS NOT NULL;
      CREATE INDEX assets_generator ON assets (generator, created_at, id) WHERE generator IS NOT NULL;
    `);
  },
};
