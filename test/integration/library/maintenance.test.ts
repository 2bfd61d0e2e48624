import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core';
import { useTempDirs } from '../../helpers/temp-library';
import { openLibrary, scene, storeImage } from './library-fixture';

describe('library maintenance', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  async function library(count = 3) {
    const base = tempDir();
    const c = (core = await openLibrary(base));
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(await storeImage(c, await scene(20 + i, 96, 64), { prompt: `study ${i} of a windmill`, backend: i === 0 ? 'sdxl' : 'nano_banana', project: i < 2 ? 'Mills' : null, tags: ['mill'] }));
    }
    const file = (id: number, kind: 'image' | 'thumb' | 'sidecar') => {
      const row = c.pipeline.db.prepare<[number], { sha256: string; rel_path: string; thumb_rel_path: string }>('SELECT sha256, rel_path, thumb_rel_path FROM assets WHERE id = ?').get(id)!;
      if (kind === 'image') return join(c.library.root, row.rel_path);
      if (kind === 'thumb') return join(c.library.root, row.thumb_rel_path);
      return join(c.library.metadata, row.sha256.slice(0, 2), `${row.sha256}.json`);
    };
    return { c, base, ids, file };
  }

  it('reports storage by kind, backend, project, format and source', async () => {
    const { c, ids, file } = await library();
    mkdirSync(join(c.library.cache, 'previews'), { recursive: true });
    writeFileSync(join(c.library.cache, 'previews', 'a.bin'), Buffer.alloc(1000));
    const stats = await c.client.call('assets.stats');
    const imageBytes = ids.reduce((sum, id) => sum + readFileSync(file(id, 'image')).length, 0);
    expect(stats).toMatchObject({ assets: 3, asset_bytes: imageBytes });
    expect(stats.kinds.images).toEqual({ files: 3, bytes: imageBytes });
    expect(stats.kinds.thumbnails.files).toBe(3);
    expect(stats.kinds.sidecars.files).toBe(3);
    expect(stats.kinds.cache).toEqual({ files: 1, bytes: 1000 });
    expect(stats.kinds.database.bytes).toBeGreaterThan(0);
    expect(stats.by_backend.map((b) => [b.key, b.count])).toEqual([['nano_banana', 2], ['sdxl', 1]]);
    expect(stats.by_project.map((p) => [p.key, p.count])).toEqual([['Mills', 2], [null, 1]]);
    expect(stats.by_format).toEqual([{ key: 'png', count: 3, bytes: imageBytes }]);
    expect(stats.by_source.map((s) => s.key)).toEqual(['generated']);
  });

  it('cleans the cache and orphan thumbnails, but never a thumbnail a store in progress may still need', async () => {
    const { c, ids, file } = await library();
    const old = new Date(Date.now() - 3_600_000);
    writeFileSync(join(c.library.cache, 'x.tmp-preview'), Buffer.alloc(10));
    const orphanDir = join(c.library.thumbnails, 'ee');
    mkdirSync(orphanDir, { recursive: true });
    const orphan = join(orphanDir, `${'e'.repeat(64)}.webp`);
    const fresh = join(orphanDir, `${'e'.repeat(63)}f.webp`);
    writeFileSync(orphan, Buffer.alloc(300));
    writeFileSync(fresh, Buffer.alloc(300));
    utimesSync(orphan, old, old);
    const halfWritten = join(c.library.images, `.${'a'.repeat(64)}.png.123456.tmp`);
    writeFileSync(halfWritten, 'x');
    utimesSync(halfWritten, old, old);
    // A complete store whose row is not committed yet: its sidecar protects its thumbnail.
    const pending = file(ids[0]!, 'thumb');
    c.pipeline.db.prepare('DELETE FROM assets WHERE id = ?').run(ids[0]!);
    utimesSync(pending, old, old);

    const dry = await c.client.call('library.cleanup', { dry_run: true });
    expect(dry).toEqual({ dry_run: true, cache_files: 1, cache_bytes: 10, orphan_thumbnails: 1, orphan_thumbnail_bytes: 300, temp_files: 1 });
    expect(existsSync(orphan)).toBe(true);
    const done = await c.client.call('library.cleanup', {});
    expect(done).toMatchObject({ dry_run: false, cache_files: 1, orphan_thumbnails: 1, temp_files: 1 });
    expect([existsSync(orphan), existsSync(fresh), existsSync(halfWritten), existsSync(pending), existsSync(file(ids[1]!, 'thumb'))]).toEqual([false, true, false, true, true]);
    expect(await c.client.call('library.cleanup', {})).toMatchObject({ cache_files: 0, orphan_thumbnails: 0, temp_files: 0 });
  });

  it('regenerates missing thumbnails and perceptual hashes from the originals', async () => {
    const { c, ids, file } = await library();
    const thumb = file(ids[0]!, 'thumb');
    const before = readFileSync(thumb);
    rmSync(thumb);
    c.pipeline.db.prepare('UPDATE assets SET phash = NULL WHERE id = ?').run(ids[1]!);
    const result = await c.client.call('library.thumbnails', {});
    expect(result).toEqual({ checked: 3, generated: 2, phash_added: 1, failed: 0, problems: [] });
    expect(readFileSync(thumb).equals(before)).toBe(true);
    expect((await c.client.call('assets.get', { id: ids[1]! })).phash).toMatch(/^[0-9a-f]{16}$/);
    expect(await c.client.call('library.thumbnails', { mode: 'all' })).toMatchObject({ generated: 3 });
    rmSync(file(ids[2]!, 'image'));
    expect(await c.client.call('library.thumbnails', { mode: 'all' })).toMatchObject({ generated: 2, failed: 1, problems: [{ id: ids[2] }] });
  });

  it('rebuilds rows from sidecars and embedded metadata, keeping ratings, tags and projects', async () => {
    const { c, ids, file } = await library(4);
    const [kept, lost, damaged, gone] = ids as [number, number, number, number];
    await c.client.call('assets.update', { ids: [kept, damaged], rating: 4, notes: 'keep me' });
    await c.client.call('tags.add', { ids: [kept], tags: ['hand-picked'] });
    const project = await c.client.call('projects.create', { name: 'Portfolio' });
    await c.client.call('projects.addAssets', { id: project.id, ids: [damaged] });
    const lostSha = (await c.client.call('assets.get', { id: lost })).sha256;
    c.pipeline.db.prepare('DELETE FROM assets WHERE id = ?').run(lost);
    c.pipeline.db.prepare("UPDATE assets SET prompt = 'garbage', model = NULL, width = 1 WHERE id = ?").run(damaged);
    rmSync(file(damaged, 'sidecar')); // this one comes back from the apex chunk inside its PNG
    rmSync(file(gone, 'image'));

    const result = await c.client.call('library.rebuild');
    expect(result).toMatchObject({ sidecars_read: 2, embedded_read: 1, rows_updated: 2, rows_created: 1, rows_removed: 1, bad_files: 1, indexed_for_search: 3 });
    expect(result.problems[0]!.reason).toMatch(/image file is missing/);

    const repaired = await c.client.call('assets.get', { id: damaged });
    expect(repaired).toMatchObject({ prompt: 'study 2 of a windmill', model: 'gemini-3.1-flash-image', width: 96, rating: 4, notes: 'keep me', projects: ['Portfolio'] });
    expect(await c.client.call('assets.get', { id: kept })).toMatchObject({ rating: 4, tags: ['hand-picked', 'mill'] });
    const recreated = (await c.client.call('assets.search', { filter: { text: '"study 1"' } })).items;
    expect(recreated).toHaveLength(1);
    expect(recreated[0]).toMatchObject({ sha256: lostSha, projects: ['Mills'], tags: ['mill'] });
    await expect(c.client.call('assets.get', { id: gone })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await c.client.call('assets.search', { filter: { text: 'windmill' } })).items).toHaveLength(3);
    expect((await c.client.call('assets.search', { filter: { text: 'garbage' } })).items).toHaveLength(0);
  });

  it('deletes assets with the library\'s own files, never an imported original', async () => {
    const { c, base, ids, file } = await library(2);
    const own = [file(ids[0]!, 'image'), file(ids[0]!, 'thumb'), file(ids[0]!, 'sidecar')];
    // An image indexed in place from an imported folder (as `import` without --copy records it).
    const pictures = join(base, 'pictures');
    mkdirSync(pictures);
    const original = join(pictures, 'holiday.png');
    writeFileSync(original, await scene(40, 64, 64));
    const db = c.pipeline.db;
    const root = Number(db.prepare('INSERT INTO import_roots (path, added_at) VALUES (?, 0)').run(pictures).lastInsertRowid);
    const imported = Number(
      db
        .prepare(
          `INSERT INTO assets (sha256, rel_path, mime, width, height, bytes, source, created_at, root_id, prompt)
           VALUES (?, 'holiday.png', 'image/png', 64, 64, 10, 'imported', 0, ?, 'a holiday')`,
        )
        .run('f'.repeat(64), root).lastInsertRowid,
    );
    const changed: number[] = [];
    c.client.on('assets.changed', (e) => changed.push(...e.ids));

    expect(await c.client.call('assets.delete', { ids: [ids[0]!, imported, 31337] })).toEqual({ deleted: 2, files_removed: 2 });
    for (const path of own) expect(existsSync(path)).toBe(false);
    expect(readFileSync(original).length).toBeGreaterThan(0);
    expect(existsSync(file(ids[1]!, 'image'))).toBe(true);
    expect((await c.client.call('assets.search', {})).items.map((i) => i.id)).toEqual([ids[1]]);
    expect((await c.client.call('assets.search', { filter: { text: 'holiday' } })).items).toHaveLength(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(changed.sort()).toEqual([ids[0]!, imported].sort());
    // The library check agrees: nothing dangling.
    expect(await c.client.call('library.check', {})).toMatchObject({ missing_files: 0, missing_sidecars: 0, incomplete_files: 0, indexed_from_sidecars: 0 });
  });
});
