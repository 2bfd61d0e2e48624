import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { migrate } from '../../../../main/core/db/migrations';
import { AssetIndex, type AssetRecordInput } from '../../../../main/core/library/asset-index';
import { useTempDirs } from '../../../helpers/temp-library';
import { ftsIds } from './fixture';

/** Migration 0050: a new asset's search row is written once, with its project and tags, on every path. */
describe('full-text rows of new assets (migration 0050)', () => {
  const tempDir = useTempDirs();
  let db: Db | null = null;
  afterEach(() => {
    if (db) closeDatabase(db);
    db = null;
  });

  function open(): { db: Db; assets: AssetIndex } {
    const dir = tempDir();
    db = openDatabase(join(dir, 'library.db'));
    migrate(db);
    return { db, assets: new AssetIndex(db, dir) };
  }

  function record(n: number, overrides: Partial<AssetRecordInput> = {}): AssetRecordInput {
    const sha = n.toString(16).padStart(64, '0');
    return {
      sha256: sha,
      rel_path: `assets/images/${sha.slice(0, 2)}/${sha}.png`,
      thumb_rel_path: null,
      mime: 'image/png',
      width: 64,
      height: 64,
      bytes: 10,
      phash: null,
      source: 'generated',
      created_at: 1_000 + n,
      job_id: null,
      attempt_id: null,
      batch_id: null,
      image_index: 0,
      backend: 'sdxl',
      model: 'sd_xl_base',
      prompt: `a watercolor fox number${n} in a birch forest`,
      negative_prompt: 'blurry',
      seed: n,
      params: { steps: 30 },
      cost_usd: 0,
      generation_ms: 10,
      project: 'Winter Book',
      tags: ['Fox', 'snow', 'fox '],
      ...overrides,
    };
  }

  const transient = (db: Db) => ({
    held: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM assets_fts_hold').get()!.n,
    deferred: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM assets_fts_defer').get()!.n,
  });

  it('indexes prompt, model, file name, project and tags of an asset added on its own', () => {
    const { db, assets } = open();
    const { id, created } = assets.upsert(record(1));
    expect(created).toBe(true);
    for (const query of ['number1', 'model:sd_xl_base', 'tags:fox', 'tags:snow', 'projects:winter', 'negative_prompt:blurry', `file_name:${'1'.padStart(64, '0')}`]) {
      expect(ftsIds(db, query), query).toEqual([id]);
    }
    expect(transient(db)).toEqual({ held: 0, deferred: 0 });
    expect(assets.upsert(record(1)).created).toBe(false);
    expect(ftsIds(db, 'number1')).toEqual([id]);
  });

  it('writes the rows of a group at its end, each once, and forgets an asset whose savepoint rolled back', () => {
    const { db, assets } = open();
    const ids = db.transaction(() =>
      assets.indexTogether(() => {
        const kept = [assets.upsert(record(1)).id, assets.upsert(record(2, { project: null, tags: [] })).id];
        expect(ftsIds(db, 'watercolor')).toEqual([]); // not yet: written together at the end
        const failing = db.transaction(() => {
          assets.upsert(record(3, { prompt: 'a ghost that never was' }));
          throw new Error('rolled back');
        });
        expect(() => failing()).toThrow('rolled back');
        kept.push(assets.upsert(record(4, { tags: ['owl'] })).id);
        return kept;
      }),
    )();
    expect(ftsIds(db, 'watercolor')).toEqual(ids);
    expect(ftsIds(db, 'ghost')).toEqual([]);
    expect(ftsIds(db, 'tags:fox')).toEqual([ids[0]]);
    expect(ftsIds(db, 'tags:owl')).toEqual([ids[2]]);
    expect(ftsIds(db, 'projects:winter')).toEqual([ids[0], ids[2]]);
    expect(transient(db)).toEqual({ held: 0, deferred: 0 });
    // The rolled-back id was reused by the next asset: its row holds that asset's words only.
    expect(ftsIds(db, `number4`)).toEqual([ids[2]]);
  });

  it('still indexes rows inserted without AssetIndex (checkpoint restore copies tables with INSERT ... SELECT)', () => {
    const { db, assets } = open();
    const { id } = assets.upsert(record(1));
    db.exec(`
      CREATE TEMP TABLE saved_assets AS SELECT * FROM assets;
      CREATE TEMP TABLE saved_tags AS SELECT * FROM asset_tags;
      CREATE TEMP TABLE saved_projects AS SELECT * FROM asset_projects;
      DELETE FROM asset_projects; DELETE FROM asset_tags; DELETE FROM assets;
    `);
    expect(ftsIds(db, 'number1')).toEqual([]);
    db.exec(`
      INSERT INTO assets SELECT * FROM saved_assets;
      INSERT INTO asset_tags SELECT * FROM saved_tags;
      INSERT INTO asset_projects SELECT * FROM saved_projects;
    `);
    for (const query of ['number1', 'tags:fox', 'projects:winter']) expect(ftsIds(db, query), query).toEqual([id]);
    expect(transient(db)).toEqual({ held: 0, deferred: 0 });
  });

  it('leaves the switch off when an insert fails', () => {
    const { db, assets } = open();
    expect(() => assets.upsert(record(1, { mime: undefined as unknown as string }))).toThrow();
    expect(transient(db)).toEqual({ held: 0, deferred: 0 });
    const { id } = assets.upsert(record(2));
    expect(ftsIds(db, 'number2')).toEqual([id]);
  });

  it('refuses to defer outside a transaction', () => {
    const { assets } = open();
    expect(() => assets.indexTogether(() => 1)).toThrow(/inside a transaction/);
  });
});
