import type { Db } from '../db/connection';
import { fileUnderJobOrganisation } from './job-organisation';
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
  }

  /** Inserts the row unless the same bytes are indexed already; returns the asset id either way. */
  upsert(record: AssetRecordInput): { id: number; created: boolean } {
    const { params, tags, root_id = null, file_mtime = null, generator = null, raw_metadata = null, ...rest } = record;
    const result = this.insert.run({ ...rest, params_json: params ? JSON.stringify(params) : null, tags_json: JSON.stringify(tags), root_id, file_mtime, generator, raw_metadata });
    const row = this.bySha.get(record.sha256);
    if (!row) throw new Error(`asset ${record.sha256} vanished during insert`);
    // A new image lands in its job's project and tags (library organisation, issue 5 part B).
    if (result.changes > 0) fileUnderJobOrganisation(this.db, row.id, record.project, record.tags, record.created_at);
    return { id: row.id, created: result.changes > 0 };
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
