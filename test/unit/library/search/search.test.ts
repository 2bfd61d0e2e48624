import { afterEach, describe, expect, it } from 'vitest';
import { AssetSearch } from '../../../../main/core/library/search';
import { compileFilter } from '../../../../main/core/library/search-filter';
import { planQuery, SEARCH_PLAN, type SearchPlanSettings } from '../../../../main/core/library/search-plan';
import { StatementCache } from '../../../../main/core/library/statement-cache';
import { bitsFor, keyOf, shuffleFor } from '../../../../main/core/library/shuffle';
import type { AssetFilter, AssetSearchInput, AssetSort } from '../../../../shared/domain/assets';
import { AppError } from '../../../../shared/errors';
import { useTempDirs } from '../../../helpers/temp-library';
import { searchFixture, type SearchFixture } from './fixture';

describe('asset search', () => {
  const tempDir = useTempDirs();
  let fixture: SearchFixture | null = null;
  afterEach(() => fixture?.close());
  const open = () => (fixture = searchFixture(tempDir()));

  /** Every id of a search, page by page, checking that pages neither repeat nor skip. */
  function allPages(search: AssetSearch, input: Omit<AssetSearchInput, 'cursor'>, pageSize: number): number[] {
    const ids: number[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 10_000; pages++) {
      const page = search.search({ ...input, limit: pageSize, cursor });
      expect(page.items.length).toBeLessThanOrEqual(pageSize);
      ids.push(...page.items.map((i) => i.id));
      cursor = page.next;
      if (cursor === null) break;
      expect(page.items).toHaveLength(pageSize);
    }
    expect(new Set(ids).size).toBe(ids.length);
    return ids;
  }

  it('finds prompt words, prefixes and phrases, combined with every filter', () => {
    const { add, db } = open();
    const fox = add({ prompt: 'a red fox in a misty forest', backend: 'nano_banana', model: 'gemini-3.1-flash-image', tags: ['fox', 'Forest'], project: 'Nature' });
    const harbour = add({ prompt: 'misty harbour at dawn', negative_prompt: 'blurry', backend: 'imagen', mime: 'image/jpeg', width: 1344, height: 768, tags: ['sea'] });
    const castle = add({ prompt: 'castle on a hill, golden hour', backend: 'sdxl', model: 'juggernautXL', source: 'imported', rating: 4, favorite: true, mime: 'image/webp' });
    const foxes = add({ prompt: 'two foxes playing in snow', backend: 'nano_banana', rating: 2, tags: ['fox'], project: 'Client A' });
    const search = new AssetSearch(db);
    const ids = (filter: AssetFilter, sort: AssetSort = 'newest') => search.search({ filter, sort }).items.map((i) => i.id);

    expect(ids({ text: 'misty' })).toEqual([harbour, fox]);
    expect(ids({ text: 'fox*' })).toEqual([foxes, fox]);
    expect(ids({ text: '"golden hour"' })).toEqual([castle]);
    expect(ids({ text: '"hour golden"' })).toEqual([]);
    expect(ids({ text: 'tag:forest' })).toEqual([fox]);
    expect(ids({ text: 'project:client' })).toEqual([foxes]);
    expect(ids({ text: 'juggernaut*' })).toEqual([castle]);
    expect(ids({ text: 'misty', backends: ['imagen'] })).toEqual([harbour]);
    expect(ids({ text: 'misty -blurry' })).toEqual([fox]);
    expect(ids({ backends: ['nano_banana'] })).toEqual([foxes, fox]);
    expect(ids({ models: ['gemini-3.1-flash-image'] })).toEqual([fox]);
    expect(ids({ tags: ['FOX'] })).toEqual([foxes, fox]);
    expect(ids({ tags: ['fox', 'forest'] })).toEqual([fox]);
    expect(ids({ tags: ['fox', 'nobody-has-this'] })).toEqual([]);
    expect(ids({ exclude_tags: ['fox'] })).toEqual([castle, harbour]);
    expect(ids({ untagged: true })).toEqual([castle]);
    expect(ids({ projects: ['nature', 'Client A'] })).toEqual([foxes, fox]);
    expect(ids({ projects: ['unknown'] })).toEqual([]);
    expect(ids({ unfiled: true })).toEqual([castle, harbour]);
    expect(ids({ rating_min: 2 })).toEqual([foxes, castle]);
    expect(ids({ rating_min: 3 })).toEqual([castle]);
    expect(ids({ favorite: true })).toEqual([castle]);
    expect(ids({ favorite: false })).toEqual([foxes, harbour, fox]);
    expect(ids({ source: 'imported' })).toEqual([castle]);
    expect(ids({ formats: ['jpeg', 'webp'] })).toEqual([castle, harbour]);
    expect(ids({ min_width: 1200 })).toEqual([harbour]);
    expect(ids({ max_height: 800 })).toEqual([harbour]);
    const created = (id: number) => search.get(id).created_at;
    expect(ids({ created_from: created(harbour), created_to: created(foxes) })).toEqual([castle, harbour]);
    expect(ids({}, 'oldest')).toEqual([fox, harbour, castle, foxes]);
    expect(ids({}, 'rating')).toEqual([castle, foxes, harbour, fox]);
    expect(search.search({ filter: { text: 'misty' }, count: true }).total).toBe(2);
    expect(search.search({ filter: { text: 'fox*', rating_min: 1 }, count: true }).total).toBe(1);
  });

  it('returns summaries with tags, projects, format and rating, and details with provenance', () => {
    const { add, db } = open();
    const id = add({ prompt: 'a lighthouse', negative_prompt: 'text', tags: ['sea', 'Night'], project: 'Coast', params: { steps: 30, sampler: 'Euler a' }, cost_usd: 0.04, generation_ms: 5200, seed: 42 });
    const search = new AssetSearch(db);
    expect(search.search({}).items[0]).toMatchObject({ id, prompt: 'a lighthouse', negative_prompt: 'text', tags: ['Night', 'sea'], projects: ['Coast'], format: 'png', rating: 0, favorite: false, seed: 42, has_thumbnail: true });
    expect(search.get(id)).toMatchObject({ params: { steps: 30, sampler: 'Euler a' }, cost_usd: 0.04, generation_ms: 5200, job_project: 'Coast', job_tags: ['sea', 'Night'], notes: null, attempt: null });
    expect(() => search.get(9999)).toThrow(AppError);
  });

  it('pages with keyset cursors through every sort without repeating or skipping, and shuffles stably by seed', () => {
    const { add, db } = open();
    for (let i = 0; i < 240; i++) {
      add({
        prompt: i % 3 === 0 ? `sunset over the sea ${i}` : `portrait number ${i}`,
        rating: i % 6,
        backend: i % 2 === 0 ? 'sdxl' : 'imagen',
        // Some equal timestamps, so the id tiebreak matters.
        created_at: 1_700_000_000_000 + Math.floor(i / 3) * 1000,
      });
    }
    const search = new AssetSearch(db);
    const rows = db.prepare<[], { id: number; created_at: number; rating: number; backend: string; prompt: string }>('SELECT id, created_at, rating, backend, prompt FROM assets').all();
    const expected = {
      newest: [...rows].sort((a, b) => b.created_at - a.created_at || b.id - a.id),
      oldest: [...rows].sort((a, b) => a.created_at - b.created_at || a.id - b.id),
      rating: [...rows].sort((a, b) => b.rating - a.rating || b.created_at - a.created_at || b.id - a.id),
    };
    for (const sort of ['newest', 'oldest', 'rating'] as const) {
      expect(allPages(search, { sort }, 17)).toEqual(expected[sort].map((r) => r.id));
      const sdxlSea = expected[sort].filter((r) => r.backend === 'sdxl' && r.prompt.includes('sea')).map((r) => r.id);
      expect(allPages(search, { sort, filter: { text: 'sea', backends: ['sdxl'] } }, 5)).toEqual(sdxlSea);
    }
    const shuffled = allPages(search, { sort: 'random', seed: 7 }, 23);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(rows.map((r) => r.id).sort((a, b) => a - b));
    expect(allPages(search, { sort: 'random', seed: 7 }, 50)).toEqual(shuffled);
    const other = allPages(search, { sort: 'random', seed: 8 }, 23);
    expect(other).not.toEqual(shuffled);
    // A different seed is a different permutation, not a rotation of the same one.
    const offset = other.indexOf(shuffled[0]!);
    expect([...other.slice(offset), ...other.slice(0, offset)]).not.toEqual(shuffled);
  });

  it('pages a shuffle by walking keys, and falls back to sorting by key when the filter is very selective', () => {
    const { db } = open();
    // Ids spread up to 60,000 (a key space of 2^16) with few rows: a selective filter fills no page from
    // the first keys walked, so the rest comes from the sorted fallback — in the same order.
    db.exec(`INSERT INTO assets (id, sha256, rel_path, mime, width, height, bytes, source, prompt, created_at, rating)
             SELECT value * 97, printf('%064x', value), 'x/' || value || '.png', 'image/png', 64, 64, 1, 'generated', 'p', value, value % 50 = 0
             FROM (WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 600) SELECT value FROM n)`);
    const search = new AssetSearch(db);
    const rows = db.prepare<[], { id: number; rating: number }>('SELECT id, rating FROM assets').all();
    const shuffle = shuffleFor(9, bitsFor(Math.max(...rows.map((r) => r.id))));
    const expected = (keep: (r: (typeof rows)[number]) => boolean) => rows.filter(keep).map((r) => r.id).sort((a, b) => keyOf(shuffle, a) - keyOf(shuffle, b));
    expect(allPages(search, { sort: 'random', seed: 9 }, 64)).toEqual(expected(() => true));
    expect(allPages(search, { sort: 'random', seed: 9, filter: { rating_min: 1 } }, 5)).toEqual(expected((r) => r.rating >= 1));
  });

  it('refuses a cursor from another sort or seed', () => {
    const { add, db } = open();
    for (let i = 0; i < 5; i++) add({});
    const search = new AssetSearch(db);
    const next = search.search({ limit: 2 }).next!;
    expect(() => search.search({ sort: 'rating', cursor: next })).toThrow(/cursor/);
    const shuffled = search.search({ sort: 'random', seed: 1, limit: 2 }).next!;
    expect(() => search.search({ sort: 'random', seed: 2, cursor: shuffled })).toThrow(/cursor/);
    expect(() => search.search({ cursor: 'n.1.x' })).toThrow(AppError);
  });

  it('plans by set size: a rare word drives, a common word is probed by windows, a selective filter falls back', () => {
    const { db } = open();
    const insert = db.prepare(
      `INSERT INTO assets (sha256, rel_path, mime, width, height, bytes, source, prompt, created_at, favorite)
       SELECT printf('%064x', value), 'assets/images/x/' || value || '.png', 'image/png', 512, 512, 1, 'generated',
              CASE WHEN value % 100 = 0 THEN 'rare common word' WHEN value % 10 != 0 THEN 'common word' ELSE 'plain word' END,
              1700000000000 + value * 1000 - (CASE WHEN value % 7 = 0 THEN 500000 ELSE 0 END), value % 37 = 0
       FROM (WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 6000) SELECT value FROM n)`,
    );
    insert.run();
    // Thresholds shrunk to this library's size, so every plan runs (the defaults are sized for 100,000).
    const settings: SearchPlanSettings = { ...SEARCH_PLAN, alwaysDrive: 100, windowAbove: 1_000, countCap: 5_000 };
    const statements = new StatementCache(db);
    const plan = (filter: AssetFilter, sort: AssetSort = 'newest') => planQuery(statements, compileFilter(db, filter), sort, 100, settings);
    expect(plan({ text: 'rare' }).window).toBeNull();
    expect(plan({ text: 'rare' }).where[0]).toMatch(/^a\.id IN/); // 60 rows: drives
    expect(plan({ text: 'common' }).window).not.toBeNull(); // 5,400 rows, one word: windows
    expect(plan({ text: 'common' }, 'random').window).toBeNull();
    expect(plan({ text: '"common word"' }).window).toBeNull(); // a phrase: materialised
    expect(plan({ text: '"common word"' }).where[0]).toMatch(/^\+a\.id IN/);

    const search = new AssetSearch(db, settings);
    const rows = db.prepare<[], { id: number; prompt: string; created_at: number; favorite: number }>('SELECT id, prompt, created_at, favorite FROM assets').all();
    const newest = [...rows].sort((a, b) => b.created_at - a.created_at || b.id - a.id);
    const oldest = [...newest].reverse();
    const cases: Array<[AssetFilter, (r: (typeof rows)[number]) => boolean]> = [
      [{ text: 'common' }, (r) => r.prompt.includes('common')],
      [{ text: 'word' }, () => true],
      [{ text: 'common', favorite: true }, (r) => r.prompt.includes('common') && r.favorite === 1],
      [{ text: 'word -rare' }, (r) => !r.prompt.includes('rare')],
      [{ text: '"common word"' }, (r) => r.prompt.includes('common word')],
      [{ text: 'rare' }, (r) => r.prompt.includes('rare')],
    ];
    for (const [filter, keep] of cases) {
      expect(allPages(search, { filter }, 333)).toEqual(newest.filter(keep).map((r) => r.id));
      expect(allPages(search, { filter, sort: 'oldest' }, 500)).toEqual(oldest.filter(keep).map((r) => r.id));
      expect(search.count(filter)).toBe(rows.filter(keep).length);
    }
  });

  it('keeps the full-text index in step through triggers on assets, tags and projects', () => {
    const { add, db } = open();
    const search = new AssetSearch(db);
    const find = (text: string) => search.search({ filter: { text } }).items.map((i) => i.id);
    const a = add({ prompt: 'blue whale', tags: ['ocean'], project: 'Sea Life' });
    const b = add({ prompt: 'red panda', tags: ['Ocean', 'ocean '] });
    expect(find('tag:ocean')).toEqual([b, a]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM tags').get()).toEqual({ n: 1 }); // one tag, whatever the case
    expect(find('project:"sea life"')).toEqual([a]);

    db.prepare("UPDATE tags SET name = 'Deep Sea' WHERE name = 'ocean'").run();
    expect(find('tag:ocean')).toEqual([]);
    expect(find('tag:"deep sea"')).toEqual([b, a]);
    db.prepare("UPDATE projects SET name = 'Marine' WHERE name = 'Sea Life'").run();
    expect(find('marine')).toEqual([a]);
    db.prepare('DELETE FROM asset_projects WHERE asset_id = ?').run(a);
    expect(find('marine')).toEqual([]);
    db.prepare("UPDATE assets SET prompt = 'grey whale' WHERE id = ?").run(a);
    expect(find('blue')).toEqual([]);
    expect(find('grey')).toEqual([a]);
    db.prepare('DELETE FROM assets WHERE id = ?').run(a);
    expect(find('whale')).toEqual([]);
    expect(find('tag:"deep sea"')).toEqual([b]);
    // A checkpoint restore deletes and re-inserts rows wholesale, organisation tables included: the
    // index follows, and no trigger re-adds job tags underneath the copy.
    db.exec(`CREATE TEMP TABLE saved AS SELECT * FROM assets; CREATE TEMP TABLE saved_tags AS SELECT * FROM asset_tags;
             DELETE FROM assets; INSERT INTO assets SELECT * FROM temp.saved; INSERT INTO asset_tags SELECT * FROM temp.saved_tags;`);
    expect(find('panda')).toEqual([b]);
    expect(find('tag:"deep sea"')).toEqual([b]);
    expect(db.prepare('SELECT COUNT(*) AS n FROM assets_fts_hold').get()).toEqual({ n: 0 });
  });

  it('uses its indexes: no sort step for the common sorted and filtered pages', () => {
    const { add, db } = open();
    for (let i = 0; i < 50; i++) add({ backend: i % 2 ? 'sdxl' : 'imagen', rating: i % 6, favorite: i % 5 === 0 });
    db.exec('ANALYZE');
    const plan = (sql: string) =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((r) => r.detail)
        .join(' | ');
    const page = (where: string, order = 'a.created_at DESC, a.id DESC') => plan(`SELECT a.id FROM assets a ${where} ORDER BY ${order} LIMIT 201`);
    expect(page('')).toMatch(/assets_created/);
    expect(page("WHERE a.backend IN ('sdxl')")).toMatch(/assets_backend_created/);
    expect(page('WHERE a.favorite = 1')).toMatch(/assets_favorite_created/);
    expect(page('', 'a.rating DESC, a.created_at DESC, a.id DESC')).toMatch(/assets_rating_created/);
    // Plain filters are checked inside the browse index, never on the wide rows.
    expect(page("WHERE a.rating >= 3 AND a.mime IN ('image/png') AND a.width >= 512 AND a.source = 'generated'")).toMatch(/COVERING INDEX assets_browse/);
    expect(page("WHERE a.model IN ('x')", 'a.created_at ASC, a.id ASC')).toMatch(/COVERING INDEX assets_browse/);
    for (const where of ['', "WHERE a.backend IN ('sdxl')", 'WHERE a.favorite = 1', 'WHERE a.rating >= 3']) expect(page(where)).not.toMatch(/TEMP B-TREE/);
    expect(page('', 'a.rating DESC, a.created_at DESC, a.id DESC')).not.toMatch(/TEMP B-TREE/);
  });
});
