import { join } from 'node:path';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { migrate } from '../../../../main/core/db/migrations';
import { AssetIndex, type AssetRecordInput } from '../../../../main/core/library/asset-index';

/** A migrated library database in `dir` with helpers to add asset rows (no image files). */
export function searchFixture(dir: string) {
  const db = openDatabase(join(dir, 'library.db'));
  migrate(db);
  const index = new AssetIndex(db, dir);
  let counter = 0;
  const add = (fields: Partial<AssetRecordInput> & { rating?: number; favorite?: boolean }): number => {
    counter += 1;
    const sha = counter.toString(16).padStart(64, '0');
    const { rating, favorite, ...rest } = fields;
    const record: AssetRecordInput = {
      sha256: sha,
      rel_path: `assets/images/${sha.slice(0, 2)}/${sha}.png`,
      thumb_rel_path: `assets/thumbnails/${sha.slice(0, 2)}/${sha}.webp`,
      mime: 'image/png',
      width: 1024,
      height: 1024,
      bytes: 1000,
      phash: null,
      source: 'generated',
      created_at: 1_700_000_000_000 + counter * 1000,
      job_id: null,
      attempt_id: null,
      batch_id: null,
      image_index: null,
      backend: 'demo',
      model: 'demo-model',
      prompt: `image ${counter}`,
      negative_prompt: null,
      seed: counter,
      params: {},
      cost_usd: 0,
      generation_ms: null,
      project: null,
      tags: [],
      ...rest,
    };
    const { id } = index.upsert(record);
    if (rating !== undefined || favorite !== undefined) {
      db.prepare('UPDATE assets SET rating = coalesce(?, rating), favorite = coalesce(?, favorite) WHERE id = ?').run(rating ?? null, favorite === undefined ? null : favorite ? 1 : 0, id);
    }
    return id;
  };
  return { db, index, add, close: () => closeDatabase(db) };
}

export type SearchFixture = ReturnType<typeof searchFixture>;

export function ftsIds(db: Db, query: string): number[] {
  return db.prepare<[string], { rowid: number }>('SELECT rowid FROM assets_fts WHERE assets_fts MATCH ? ORDER BY rowid').all(query).map((r) => r.rowid);
}
