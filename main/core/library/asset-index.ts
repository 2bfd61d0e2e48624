import { LIBRARY_LIMITS } from '../../../shared/domain/assets';
import type { Db } from '../db/connection';
import { libraryName } from './job-organisation';
import type { AssetKind, AssetLocation, AssetLocator } from '../assets/resolve-asset';

/** Everything an `assets` row holds; built from a freshly stored file or from its sidecar. */
export interface AssetRecordInput {
  sha256: string;
  rel_path: string;
  thumb_rel_path: string | null;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  phash: string | null;
  source: 'generated' | 'imported';
  created_at: number;
  job_id: number | null;
  attempt_id: number | null;
  batch_id: number | null;
  image_index: number | null;
  backend: string | null;
  model: string | null;
  prompt: string | null;
  negative_prompt: string | null;
  seed: number | null;
  params: Record<string, unknown> | null;
  cost_usd: number;
  generation_ms: number | null;
  project: string | null;
  tags: string[];
  /** Imports indexed in place: the import root `rel_path` is relative to (absent/null: the library). */
  root_id?: number | null;
  /** Imports indexed in place: the file's mtime (ms), to skip unchanged files on re-import. */
  file_mtime?: number | null;
  /** Imports: the tool whose metadata the file carried (a1111, comfyui...). */
  generator?: string | null;
  /** Imports: JSON object of every metadata text the file carried, verbatim. */
  raw_metadata?: string | null;
}

/** The `assets` table: content-addressed rows (one per SHA-256) and the locator behind `apex-asset://`. */
export class AssetIndex implements AssetLocator {
  private readonly insert;
  private readonly bySha;
  private readonly byId;
  private readonly deferFts;
  private readonly undeferFts;
  private readonly insertProject;
  private readonly linkProject;
  private readonly insertTags;
  private readonly linkTags;
  private readonly writeFts;
  private readonly release;
  private readonly writeFtsMany;
  private readonly releaseMany;
  private readonly upsertTx;
  /** New assets whose FTS rows `indexTogether` writes at its end; null outside it. */
  private deferred: number[] | null = null;

  constructor(
    private readonly db: Db,
    private readonly libraryRoot: string,
  ) {
    this.insert = db.prepare(
      `INSERT INTO assets (sha256, rel_path, thumb_rel_path, mime, width, height, bytes, phash, source, job_id, attempt_id, batch_id,
                           image_index, backend, model, prompt, negative_prompt, seed, params_json, cost_usd, generation_ms, project, tags_json, created_at,
                           root_id, file_mtime, generator, raw_metadata)
       VALUES (@sha256, @rel_path, @thumb_rel_path, @mime, @width, @height, @bytes, @phash, @source, @job_id, @attempt_id, @batch_id,
               @image_index, @backend, @model, @prompt, @negative_prompt, @seed, @params_json, @cost_usd, @generation_ms, @project, @tags_json, @created_at,
               @root_id, @file_mtime, @generator, @raw_metadata)
       ON CONFLICT (sha256) DO NOTHING`,
    );
    this.bySha = db.prepare<[string], { id: number }>('SELECT id FROM assets WHERE sha256 = ?');
    // In-place imports live under their import root; everything else (and every thumbnail) under the library.
    this.byId = db.prepare<[number], { rel_path: string; thumb_rel_path: string | null; mime: string; root: string | null }>(
      'SELECT a.rel_path, a.thumb_rel_path, a.mime, r.path AS root FROM assets a LEFT JOIN import_roots r ON r.id = a.root_id WHERE a.id = ?',
    );
    // The new row's full-text entry is written once, after its project and tags (migration 0050).
    this.deferFts = db.prepare('INSERT INTO assets_fts_defer (only_row) VALUES (1) ON CONFLICT DO NOTHING');
    this.undeferFts = db.prepare('DELETE FROM assets_fts_defer');
    this.insertProject = db.prepare<[string, number]>('INSERT INTO projects (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
    this.linkProject = db.prepare<[number, number, string]>(
      'INSERT INTO asset_projects (asset_id, project_id, added_at) SELECT ?, id, ? FROM projects WHERE name = ? ON CONFLICT DO NOTHING',
    );
    // All of an image's tags in one statement each: every statement that may write the FTS table costs a
    // savepoint in it, whatever its triggers end up doing. `name IN` compares with the column's NOCASE.
    this.insertTags = db.prepare<[number, string]>(
      'INSERT INTO tags (name, created_at) SELECT value, ? FROM json_each(?) WHERE true ORDER BY key ON CONFLICT (name) DO NOTHING',
    );
    this.linkTags = db.prepare<[number, string]>('INSERT INTO asset_tags (asset_id, tag_id) SELECT ?, id FROM tags WHERE name IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING');
    this.writeFts = db.prepare<[number]>(
      'INSERT INTO assets_fts (rowid, prompt, negative_prompt, tags, projects, model, file_name) SELECT * FROM assets_fts_source WHERE id = ?',
    );
    this.release = db.prepare<[number]>('DELETE FROM assets_fts_hold WHERE asset_id = ?');
    this.writeFtsMany = db.prepare<[string]>(
      'INSERT INTO assets_fts (rowid, prompt, negative_prompt, tags, projects, model, file_name) SELECT * FROM assets_fts_source WHERE id IN (SELECT value FROM json_each(?))',
    );
    this.releaseMany = db.prepare<[string]>('DELETE FROM assets_fts_hold WHERE asset_id IN (SELECT value FROM json_each(?))');
    // A savepoint: a failure rolls back the row, its organisation and the FTS switch even inside a caller's transaction.
    this.upsertTx = db.transaction((record: AssetRecordInput) => this.insertRow(record));
  }

  /**
   * Inserts the row unless the same bytes are indexed already; returns the asset id either way. A new row is
   * filed under its job's project and tags (library organisation, issue 5 part B) and its full-text row is
   * written once, with them (migration 0050).
   */
  upsert(record: AssetRecordInput): { id: number; created: boolean } {
    return this.upsertTx(record);
  }

  private insertRow(record: AssetRecordInput): { id: number; created: boolean } {
    const { params, tags, root_id = null, file_mtime = null, generator = null, raw_metadata = null, ...rest } = record;
    this.deferFts.run();
    let created: boolean;
    try {
      created = this.insert.run({ ...rest, params_json: params ? JSON.stringify(params) : null, tags_json: JSON.stringify(tags), root_id, file_mtime, generator, raw_metadata }).changes > 0;
    } finally {
      this.undeferFts.run();
    }
    const row = this.bySha.get(record.sha256);
    if (!row) throw new Error(`asset ${record.sha256} vanished during insert`);
    if (!created) return { id: row.id, created: false };
    this.fileUnderOrganisation(row.id, record.project, tags, record.created_at);
    // The insert trigger held the new row; an enclosing change holding every asset (a rebuild) was holding
    // nothing with this new id, so the row is ours to index and release (now, or at the end of indexTogether).
    if (this.deferred !== null) {
      this.deferred.push(row.id);
    } else {
      this.writeFts.run(row.id);
      this.release.run(row.id);
    }
    return { id: row.id, created: true };
  }

  /**
   * Runs `work` (inside a transaction) and writes the full-text rows of the assets it added in ONE
   * statement at the end. FTS5 flushes its pending index as a new segment whenever a savepoint that wrote
   * it ends: one flush for a group of images instead of one per image, and fewer segments to merge later.
   * An asset whose savepoint was rolled back inside `work` has no row any more and is simply not indexed.
   */
  indexTogether<T>(work: () => T): T {
    if (this.deferred !== null) return work(); // an enclosing call writes them
    if (!this.db.inTransaction) throw new Error('AssetIndex.indexTogether must run inside a transaction');
    const ids: number[] = [];
    this.deferred = ids;
    try {
      return work();
    } finally {
      this.deferred = null;
      if (ids.length > 0) {
        const list = JSON.stringify(ids);
        this.writeFtsMany.run(list);
        this.releaseMany.run(list);
      }
    }
  }

  /** The job's project and tags as library names (matched case-insensitively), created when new. */
  private fileUnderOrganisation(assetId: number, project: string | null, tags: readonly string[], at: number): void {
    const projectName = project === null ? null : libraryName(project, LIBRARY_LIMITS.projectChars);
    if (projectName !== null) {
      this.insertProject.run(projectName, at);
      this.linkProject.run(assetId, at, projectName);
    }
    const names = tags.flatMap((tag) => libraryName(tag, LIBRARY_LIMITS.tagChars) ?? []);
    if (names.length === 0) return;
    const list = JSON.stringify(names);
    this.insertTags.run(at, list);
    this.linkTags.run(assetId, list);
  }

  /** The full row as a record (for sidecar repair and exports). */
  record(id: number): AssetRecordInput | null {
    const row = this.db.prepare<[number], Omit<AssetRecordInput, 'params' | 'tags'> & { params_json: string | null; tags_json: string | null }>(
      `SELECT sha256, rel_path, thumb_rel_path, mime, width, height, bytes, phash, source, created_at, job_id, attempt_id, batch_id, image_index,
              backend, model, prompt, negative_prompt, seed, params_json, cost_usd, generation_ms, project, tags_json FROM assets WHERE id = ?`,
    ).get(id);
    if (!row) return null;
    const { params_json, tags_json, ...rest } = row;
    return {
      ...rest,
      params: params_json ? (JSON.parse(params_json) as Record<string, unknown>) : null,
      tags: tags_json ? (JSON.parse(tags_json) as string[]) : [],
    };
  }

  has(sha256: string): boolean {
    return this.bySha.get(sha256) !== undefined;
  }

  shas(): Set<string> {
    return new Set(this.db.prepare<[], { sha256: string }>('SELECT sha256 FROM assets').all().map((r) => r.sha256));
  }

  stats(): { assets: number; bytes: number } {
    const row = this.db.prepare<[], { n: number; bytes: number | null }>('SELECT COUNT(*) AS n, SUM(bytes) AS bytes FROM assets').get();
    return { assets: row?.n ?? 0, bytes: row?.bytes ?? 0 };
  }

  locate(kind: AssetKind, id: string): AssetLocation | null {
    if (!/^\d{1,15}$/.test(id)) return null;
    const row = this.byId.get(Number(id));
    if (!row) return null;
    // A file indexed in place belongs to the artist and may be edited under the same id: never cache it forever.
    if (kind === 'original' || kind === 'preview') return row.root ? { root: row.root, relPath: row.rel_path, mime: row.mime, immutable: false } : { root: this.libraryRoot, relPath: row.rel_path, mime: row.mime, immutable: true };
    if (!row.thumb_rel_path) return null;
    return { root: this.libraryRoot, relPath: row.thumb_rel_path, mime: 'image/webp', immutable: true };
  }
}
