import type { Db } from '../db/connection';
import type { AssetIndex, AssetRecordInput } from './asset-index';

/**
 * How an imported image reaches the `assets` table. Rows are content-addressed (one per SHA-256), with
 * one twist for files indexed in place: when the file at a known place now holds different bytes (the
 * artist retouched or re-rendered it under the same name), the row of that place takes the new bytes
 * and metadata, keeping its id, rating, tags and projects, instead of a second row pointing at the
 * same file while describing bytes that no longer exist.
 */

export type IndexOutcome = 'created' | 'replaced' | 'already_present';

export class ImportRows {
  private readonly unchangedAt;
  private readonly rowAt;
  private readonly replace;

  constructor(
    db: Db,
    private readonly assets: AssetIndex,
  ) {
    this.unchangedAt = db.prepare<[number, string, number, number], { id: number }>(
      'SELECT id FROM assets WHERE root_id = ? AND rel_path = ? AND bytes = ? AND file_mtime = ?',
    );
    this.rowAt = db.prepare<[number, string], { id: number; sha256: string }>('SELECT id, sha256 FROM assets WHERE root_id = ? AND rel_path = ?');
    this.replace = db.prepare(
      `UPDATE assets SET sha256 = @sha256, thumb_rel_path = @thumb_rel_path, mime = @mime, width = @width, height = @height, bytes = @bytes,
              phash = @phash, model = @model, prompt = @prompt, negative_prompt = @negative_prompt, seed = @seed, params_json = @params_json,
              generator = @generator, raw_metadata = @raw_metadata, file_mtime = @file_mtime, created_at = @created_at
       WHERE id = @id`,
    );
  }

  /** Whether this exact file (same place, size and mtime) is indexed already: then it is not even read. */
  unchanged(rootId: number, relPath: string, bytes: number, mtime: number): boolean {
    return this.unchangedAt.get(rootId, relPath, bytes, mtime) !== undefined;
  }

  /** Indexes one imported image (call inside a transaction); returns its asset id and what happened. */
  index(record: AssetRecordInput): { id: number; outcome: IndexOutcome } {
    const rootId = record.root_id ?? null;
    const previous = rootId === null ? undefined : this.rowAt.get(rootId, record.rel_path);
    if (previous && previous.sha256 !== record.sha256 && !this.assets.has(record.sha256)) {
      this.replace.run({
        id: previous.id,
        sha256: record.sha256,
        thumb_rel_path: record.thumb_rel_path,
        mime: record.mime,
        width: record.width,
        height: record.height,
        bytes: record.bytes,
        phash: record.phash,
        model: record.model,
        prompt: record.prompt,
        negative_prompt: record.negative_prompt,
        seed: record.seed,
        params_json: record.params ? JSON.stringify(record.params) : null,
        generator: record.generator ?? null,
        raw_metadata: record.raw_metadata ?? null,
        file_mtime: record.file_mtime ?? null,
        created_at: record.created_at,
      });
      return { id: previous.id, outcome: 'replaced' };
    }
    const { id, created } = this.assets.upsert(record);
    return { id, outcome: created ? 'created' : 'already_present' };
  }
}
