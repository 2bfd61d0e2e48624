import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { MIGRATIONS, migrate } from '../../../../main/core/db/migrations';
import { AssetSearch } from '../../../../main/core/library/search';
import { useTempDirs } from '../../../helpers/temp-library';

describe('migration 0020 on a library made before it', () => {
  const tempDir = useTempDirs();
  let db: Db | null = null;
  afterEach(() => {
    if (db) closeDatabase(db);
    db = null;
  });

  it('maps existing job projects and tags into the organisation tables and indexes every row for search', () => {
    db = openDatabase(join(tempDir(), 'library.db'));
    const first = MIGRATIONS.find((m) => m.version === 10)!;
    db.transaction(() => {
      first.up(db!);
      db!.pragma('user_version = 10');
    })();
    const insert = db.prepare(
      `INSERT INTO assets (sha256, rel_path, mime, width, height, bytes, source, prompt, negative_prompt, model, project, tags_json, created_at)
       VALUES (?, ?, 'image/png', 64, 64, 1, 'generated', ?, ?, ?, ?, ?, ?)`,
    );
    const rows: Array<[string | null, string | null, string | null, string | null]> = [
      ['a fox in the snow', 'blurry', 'Winter Book', '["fox", "Snow"]'],
      ['an owl at night', null, 'winter book ', '["snow", "owl", 42, null, "  "]'],
      ['a plain study', null, null, 'not json at all'],
      ['a long tag', null, '   ', `["${'x'.repeat(150)}", "short"]`],
    ];
    rows.forEach(([prompt, negative, project, tags], i) => {
      const sha = String(i + 1).padStart(64, '0');
      insert.run(sha, `assets/images/00/${sha}.png`, prompt, negative, 'sd_xl_base', project, tags, 1_000 + i);
    });

    expect(migrate(db).from).toBe(10);
    const names = (table: string) => db!.prepare<[], { name: string }>(`SELECT name FROM ${table} ORDER BY name`).all().map((r) => r.name);
    expect(names('projects')).toEqual(['Winter Book']);
    expect(names('tags')).toEqual(['fox', 'owl', 'short', 'Snow']);
    const search = new AssetSearch(db);
    const find = (text: string) => search.search({ filter: { text }, sort: 'oldest' }).items.map((i) => i.prompt);
    expect(find('tag:snow')).toEqual(['a fox in the snow', 'an owl at night']);
    expect(find('project:winter')).toEqual(['a fox in the snow', 'an owl at night']);
    expect(find('study')).toEqual(['a plain study']);
    expect(find('negative:blurry')).toEqual(['a fox in the snow']);
    expect(find('model:sd_xl*')).toHaveLength(4);
    expect(db.prepare('SELECT rating, favorite, notes FROM assets LIMIT 1').get()).toEqual({ rating: 0, favorite: 0, notes: null });
    expect(() => db!.prepare('UPDATE assets SET rating = 6').run()).toThrow(/CHECK/);
  });
});
