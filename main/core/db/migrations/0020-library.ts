import type { Db } from '../connection';

/**
 * The asset library's organisation and search (DESIGN §5; issue 5 part B).
 *
 * - Ratings, favourites and notes are columns of `assets`, so a checkpoint restore (which copies `assets`
 *   row for row) brings them back with the row.
 * - Tags and projects are many-to-many (an image may sit in several projects), keyed by asset id.
 * - Saved searches ("smart collections") are JSON rules validated by the same zod schema as the search
 *   filters (shared/domain/assets.ts).
 * - Full-text search is a CONTENTLESS FTS5 table (the text already lives in `assets`, `tags` and
 *   `projects`; storing it twice would double the database) with `contentless_delete=1`, so rows can be
 *   replaced. It is kept in step by TRIGGERS on every table its text comes from, so every insert path —
 *   generation, import, repair, checkpoint restore — is indexed without the writer knowing about it.
 * - The job's `project` and `tags` are mapped into the organisation tables by AssetIndex.upsert (every
 *   code path that adds an image goes through it), not by a trigger: a checkpoint restore copies the
 *   organisation tables as they were, and a trigger re-adding job tags underneath would collide with
 *   that copy (and bring back tags the artist had removed). Rows that exist before this migration are
 *   mapped once, below.
 * - FTS5 flushes its pending index at every statement that writes it (~0.1–0.2 ms). A bulk change
 *   (tags on 10,000 images, a rebuild) puts the assets it touches in `assets_fts_hold`: the per-row
 *   triggers then stand aside and the change rewrites each held asset's FTS row once, in one statement
 *   (library/fts-hold.ts).
 */

/** One FTS row's text, computed from the source tables; the triggers and the backfill all read it. */
const FTS_SOURCE_VIEW = `
  CREATE VIEW assets_fts_source AS
  SELECT a.id AS id,
         coalesce(a.prompt, '') AS prompt,
         coalesce(a.negative_prompt, '') AS negative_prompt,
         coalesce((SELECT group_concat(t.name, ' ; ') FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id = a.id), '') AS tags,
         coalesce((SELECT group_concat(p.name, ' ; ') FROM asset_projects x JOIN projects p ON p.id = x.project_id WHERE x.asset_id = a.id), '') AS projects,
         coalesce(a.model, '') AS model,
         -- basename of rel_path: rtrim strips every trailing character that is not '/'
         substr(a.rel_path, length(rtrim(a.rel_path, replace(a.rel_path, '/', ''))) + 1) AS file_name
  FROM assets a`;

const FTS_COLUMNS = 'rowid, prompt, negative_prompt, tags, projects, model, file_name';

/** Re-index the FTS rows of the assets selected by `idsSql` (a subquery or a single id expression). */
function refresh(idsSql: string): string {
  return `
    DELETE FROM assets_fts WHERE rowid IN (${idsSql});
    INSERT INTO assets_fts (${FTS_COLUMNS}) SELECT * FROM assets_fts_source WHERE id IN (${idsSql});`;
}

/** Per-row membership triggers stand aside while a bigger statement holds the asset's FTS row. */
function unlessHeld(row: 'NEW' | 'OLD'): string {
  return `WHEN NOT EXISTS (SELECT 1 FROM assets_fts_hold WHERE asset_id = ${row}.asset_id)`;
}

/** Mirrors shared/domain/assets.ts LIBRARY_LIMITS.tagChars / projectChars: longer names are not mapped. */
const MAX_NAME_CHARS = 100;
const MAX_PROJECT_CHARS = 200;

export default {
  version: 20,
  name: 'library',
  up(db: Db): void {
    db.exec(`
      ALTER TABLE assets ADD COLUMN rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5);
      ALTER TABLE assets ADD COLUMN favorite INTEGER NOT NULL DEFAULT 0 CHECK (favorite IN (0, 1));
      ALTER TABLE assets ADD COLUMN notes TEXT;

      -- Sort and filter paths of the library grid (checked with EXPLAIN QUERY PLAN in the tests).
      -- assets_browse walks newest/oldest with every plain filter column at hand, so a filtered page
      -- never reads the wide rows (prompts) of the assets it skips; ~75 bytes per asset.
      CREATE INDEX assets_browse ON assets (created_at, id, rating, favorite, backend, model, mime, source, width, height);
      CREATE INDEX assets_backend_created ON assets (backend, created_at, id);
      CREATE INDEX assets_rating_created ON assets (rating, created_at, id);
      CREATE INDEX assets_favorite_created ON assets (created_at, id) WHERE favorite = 1;
      CREATE INDEX assets_phash ON assets (phash) WHERE phash IS NOT NULL;

      CREATE TABLE tags (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE asset_tags (
        asset_id INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        tag_id   INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
        PRIMARY KEY (asset_id, tag_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX asset_tags_tag ON asset_tags (tag_id, asset_id);

      CREATE TABLE projects (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
        created_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE asset_projects (
        asset_id   INTEGER NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
        added_at   INTEGER NOT NULL,
        PRIMARY KEY (asset_id, project_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX asset_projects_project ON asset_projects (project_id, asset_id);

      CREATE TABLE saved_searches (
        id         INTEGER PRIMARY KEY,
        name       TEXT NOT NULL COLLATE NOCASE UNIQUE,
        rule_json  TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      -- Assets whose FTS row is being rewritten by a bigger statement: the per-row tag/project triggers
      -- skip them, and the statement writes their FTS row once at the end (see the header of this file).
      CREATE TABLE assets_fts_hold (asset_id INTEGER PRIMARY KEY) STRICT;

      CREATE VIRTUAL TABLE assets_fts USING fts5 (
        prompt, negative_prompt, tags, projects, model, file_name,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2',
        prefix = '2 3'
      );
      ${FTS_SOURCE_VIEW};

      CREATE TRIGGER assets_library_insert AFTER INSERT ON assets BEGIN
        ${refresh('NEW.id')}
      END;

      CREATE TRIGGER assets_library_update AFTER UPDATE OF prompt, negative_prompt, model, rel_path ON assets
        WHEN NOT EXISTS (SELECT 1 FROM assets_fts_hold WHERE asset_id = NEW.id) BEGIN
        ${refresh('NEW.id')}
      END;

      CREATE TRIGGER assets_library_delete AFTER DELETE ON assets BEGIN
        DELETE FROM assets_fts WHERE rowid = OLD.id;
      END;

      CREATE TRIGGER asset_tags_insert AFTER INSERT ON asset_tags ${unlessHeld('NEW')} BEGIN ${refresh('NEW.asset_id')} END;
      CREATE TRIGGER asset_tags_delete AFTER DELETE ON asset_tags ${unlessHeld('OLD')} BEGIN ${refresh('OLD.asset_id')} END;
      CREATE TRIGGER tags_rename AFTER UPDATE OF name ON tags BEGIN
        ${refresh('SELECT asset_id FROM asset_tags WHERE tag_id = NEW.id')}
      END;

      CREATE TRIGGER asset_projects_insert AFTER INSERT ON asset_projects ${unlessHeld('NEW')} BEGIN ${refresh('NEW.asset_id')} END;
      CREATE TRIGGER asset_projects_delete AFTER DELETE ON asset_projects ${unlessHeld('OLD')} BEGIN ${refresh('OLD.asset_id')} END;
      CREATE TRIGGER projects_rename AFTER UPDATE OF name ON projects BEGIN
        ${refresh('SELECT asset_id FROM asset_projects WHERE project_id = NEW.id')}
      END;
    `);

    // Backfill: map every existing row's job project and tags (tags_json is ours, but a damaged value must
    // not stop the upgrade: anything but an array of strings maps nothing), with every asset held so the
    // per-row triggers stand aside, then index everything once.
    db.exec(`
      INSERT INTO assets_fts_hold (asset_id) SELECT id FROM assets WHERE true ON CONFLICT DO NOTHING;
      INSERT INTO projects (name, created_at)
        SELECT trim(project), MIN(created_at) FROM assets
        WHERE length(trim(coalesce(project, ''))) BETWEEN 1 AND ${MAX_PROJECT_CHARS}
        GROUP BY trim(project) COLLATE NOCASE
        ON CONFLICT (name) DO NOTHING;
      INSERT INTO asset_projects (asset_id, project_id, added_at)
        SELECT a.id, p.id, a.created_at FROM assets a JOIN projects p ON p.name = trim(a.project) WHERE true
        ON CONFLICT DO NOTHING;
      INSERT INTO tags (name, created_at)
        SELECT trim(j.value), MIN(a.created_at)
        FROM assets a, json_each(CASE WHEN json_valid(a.tags_json) AND json_type(a.tags_json) = 'array' THEN a.tags_json ELSE '[]' END) j
        WHERE j.type = 'text' AND length(trim(j.value)) BETWEEN 1 AND ${MAX_NAME_CHARS}
        GROUP BY trim(j.value) COLLATE NOCASE
        ON CONFLICT (name) DO NOTHING;
      INSERT INTO asset_tags (asset_id, tag_id)
        SELECT DISTINCT a.id, t.id
        FROM assets a, json_each(CASE WHEN json_valid(a.tags_json) AND json_type(a.tags_json) = 'array' THEN a.tags_json ELSE '[]' END) j
        JOIN tags t ON t.name = trim(j.value)
        WHERE j.type = 'text'
        ON CONFLICT DO NOTHING;
      DELETE FROM assets_fts_hold;
      INSERT INTO assets_fts (assets_fts) VALUES ('delete-all');
      INSERT INTO assets_fts (${FTS_COLUMNS}) SELECT * FROM assets_fts_source;
    `);
  },
};

/** Used by `library rebuild` to rebuild the full-text index from the source tables. */
export const REBUILD_FTS_SQL = `
  INSERT INTO assets_fts (assets_fts) VALUES ('delete-all');
  INSERT INTO assets_fts (${FTS_COLUMNS}) SELECT * FROM assets_fts_source;`;
