import { copyFileSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { silentLogger } from '../../../main/core/log';
import { insertPngTextChunks } from '../../../main/core/library/png-text';
import { AppError } from '../../../shared/errors';
import { useTempDirs } from '../../helpers/temp-library';
import { FIXTURES_DIR } from '../../unit/library/metadata/fixture-table';

/** A small PNG with A1111 infotext naming `word`, distinct per word (so each has its own SHA-256). */
async function a1111Png(word: string): Promise<Buffer> {
  const shade = [...word].reduce((n, ch) => (n * 31 + ch.charCodeAt(0)) % 251, 7);
  const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: { r: shade, g: 255 - shade, b: 90 } } }).png().toBuffer();
  const text = `${word} in the rain\nNegative prompt: blur\nSteps: 9, Sampler: Euler, CFG scale: 5, Seed: ${shade}, Size: 32x24`;
  return Buffer.from(insertPngTextChunks(png, [{ keyword: 'parameters', text }]));
}

describe('library.import behaviour', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;

  afterEach(async () => {
    await core?.close();
    core = null;
  });

  async function setup(): Promise<{ c: Core; base: string; pics: string }> {
    const base = realpathSync(tempDir());
    const pics = join(base, 'pics');
    mkdirSync(join(pics, 'day1', 'nested'), { recursive: true });
    writeFileSync(join(pics, 'fox.png'), await a1111Png('fox'));
    writeFileSync(join(pics, 'day1', 'owl.png'), await a1111Png('owl'));
    writeFileSync(join(pics, 'day1', 'nested', 'bear.png'), await a1111Png('bear'));
    copyFileSync(join(FIXTURES_DIR, 'sd-webui.jpg'), join(pics, 'day1', 'miku.jpg'));
    core = await createCore({ library: join(base, 'library'), log: silentLogger, keychainService: null });
    return { c: core, base, pics };
  }

  const indexedPaths = (c: Core) =>
    c.pipeline.db
      .prepare<[], { rel_path: string }>('SELECT rel_path FROM assets ORDER BY rel_path')
      .all()
      .map((r) => r.rel_path);

  it('walks folders recursively, skips hidden entries and non-images, and reports image-named junk as failed', async () => {
    const { c, pics } = await setup();
    mkdirSync(join(pics, '.thumbnails'));
    writeFileSync(join(pics, '.thumbnails', 'hidden.png'), await a1111Png('hidden'));
    writeFileSync(join(pics, '.secret.png'), await a1111Png('secret'));
    writeFileSync(join(pics, 'notes.txt'), 'prompt ideas');
    writeFileSync(join(pics, 'clip.mp4'), Buffer.alloc(64, 1));
    writeFileSync(join(pics, 'fake.jpg'), 'this is text, not a JPEG');
    const summary = await c.client.call('library.import', { paths: [pics] });
    expect(summary).toMatchObject({ total: 7, imported: 4, skipped_non_images: 2, already_present: 0 });
    expect(summary.failed).toEqual([{ path: join(pics, 'fake.jpg'), reason: expect.stringMatching(/^not a PNG, JPEG or WebP image despite its \.jpg name/) }]);
    expect(indexedPaths(c)).toEqual(['day1/miku.jpg', 'day1/nested/bear.png', 'day1/owl.png', 'fox.png']);
  });

  it('imports many folders and files at once; a missing path is reported and the rest goes on', async () => {
    const { c, pics, base } = await setup();
    const other = join(base, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'crane.png'), await a1111Png('crane'));
    writeFileSync(join(base, 'loose.png'), await a1111Png('loose'));
    const summary = await c.client.call('library.import', { paths: [join(pics, 'day1'), other, join(base, 'loose.png'), join(base, 'nope')] });
    expect(summary.imported).toBe(5);
    expect(summary.failed).toEqual([{ path: join(base, 'nope'), reason: 'no such file or folder' }]);
    // A loose file's folder becomes its root: the base folder, which holds the others too.
    expect(summary.roots.sort()).toEqual([base, join(pics, 'day1'), other].sort());
  });

  it('reuses the root that already holds a folder, so a subfolder import adds no root', async () => {
    const { c, pics } = await setup();
    await c.client.call('library.import', { paths: [pics] });
    writeFileSync(join(pics, 'day1', 'lynx.png'), await a1111Png('lynx'));
    const again = await c.client.call('library.import', { paths: [join(pics, 'day1')] });
    expect(again).toMatchObject({ imported: 1, already_present: 3, roots: [pics] });
    expect(c.pipeline.db.prepare<[], { rel_path: string }>("SELECT rel_path FROM assets WHERE prompt LIKE 'lynx%'").get()).toEqual({ rel_path: 'day1/lynx.png' });
    expect(c.assetRoots()).toEqual([c.library.root, pics]);
  });

  it('recognises an unchanged file by place, size and mtime without reading it; a changed one is read again', async () => {
    const { c, pics } = await setup();
    const fox = join(pics, 'fox.png');
    const when = new Date('2024-05-01T10:00:00Z');
    utimesSync(fox, when, when);
    await c.client.call('library.import', { paths: [pics] });
    expect(c.pipeline.db.prepare("SELECT created_at, file_mtime FROM assets WHERE rel_path = 'fox.png'").get()).toEqual({ created_at: when.getTime(), file_mtime: when.getTime() });
    // Same size and mtime, different bytes: only reading the file would notice, and an unchanged file is not read.
    const tampered = readFileSync(fox);
    tampered[tampered.length - 20] = tampered[tampered.length - 20]! ^ 0xff;
    writeFileSync(fox, tampered);
    utimesSync(fox, when, when);
    expect(await c.client.call('library.import', { paths: [pics] })).toMatchObject({ imported: 0, already_present: 4 });
    // A new mtime makes it read again (and the flipped byte is then noticed one way or another).
    utimesSync(fox, new Date(), new Date());
    const third = await c.client.call('library.import', { paths: [pics] });
    expect(third).toMatchObject({ already_present: 3 });
    expect(third.imported + third.failed.length).toBe(1);
  });

  it('lets a file changed in place update its own entry (same id, new image and prompt) instead of adding a second one', async () => {
    const { c, pics } = await setup();
    await c.client.call('library.import', { paths: [pics] });
    const before = c.pipeline.db.prepare<[], { id: number; sha256: string }>("SELECT id, sha256 FROM assets WHERE rel_path = 'fox.png'").get()!;
    writeFileSync(join(pics, 'fox.png'), await a1111Png('retouched fox'));
    const again = await c.client.call('library.import', { paths: [pics] });
    expect(again).toMatchObject({ imported: 1, already_present: 3 });
    expect(again.notes).toEqual([{ path: join(pics, 'fox.png'), note: expect.stringMatching(/^changed since it was last imported/) }]);
    const after = c.pipeline.db.prepare<[], { id: number; sha256: string; prompt: string }>("SELECT id, sha256, prompt FROM assets WHERE rel_path = 'fox.png'").all();
    expect(after).toEqual([{ id: before.id, sha256: expect.not.stringMatching(before.sha256), prompt: 'retouched fox in the rain' }]);
    expect(c.pipeline.db.prepare('SELECT COUNT(*) AS n FROM assets').get()).toEqual({ n: 4 });
    expect((await c.client.call('assets.search', { filter: { text: 'retouched' } })).items.map((i) => i.id)).toEqual([before.id]);
  });

  it('refuses to walk the library\'s own storage', async () => {
    const { c } = await setup();
    const summary = await c.client.call('library.import', { paths: [c.library.images] });
    expect(summary.failed).toEqual([{ path: c.library.images, reason: expect.stringMatching(/library's own image storage/) }]);
    expect(summary.imported).toBe(0);
  });

  it('follows symlinked files inside the folder, not symlinked folders or links that lead outside it', async () => {
    const { c, pics, base } = await setup();
    const outside = join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.png'), await a1111Png('secret'));
    symlinkSync(join(outside, 'secret.png'), join(pics, 'link-out.png'));
    symlinkSync(outside, join(pics, 'linked-folder'));
    symlinkSync(join(pics, 'fox.png'), join(pics, 'alias.png'));
    const summary = await c.client.call('library.import', { paths: [pics] });
    expect(summary.imported).toBe(4);
    expect(summary.failed).toEqual([{ path: join(pics, 'link-out.png'), reason: expect.stringMatching(/points outside the imported folder/) }]);
    expect(summary.notes).toEqual([{ path: join(pics, 'linked-folder'), note: expect.stringMatching(/symbolic link to a folder not followed/) }]);
    expect(indexedPaths(c)).not.toContain('alias.png'); // the same file as fox.png, listed once
  });

  it('validates its input at the contract: absolute paths only, bounded', async () => {
    const { c } = await setup();
    await expect(c.client.call('library.import', { paths: ['relative/folder'] })).rejects.toThrow(/absolute path/);
    await expect(c.client.call('library.import', { paths: [] })).rejects.toBeInstanceOf(AppError);
    await expect(c.client.call('library.import', { paths: Array.from({ length: 1_001 }, (_, i) => `/p${i}`) })).rejects.toThrow(/paths/);
  });

  it('survives a checkpoint restore: in-place rows come back with their root and are served again', async () => {
    const { c, pics } = await setup();
    await c.client.call('library.import', { paths: [pics] });
    const checkpoint = await c.client.call('checkpoints.create', { name: 'after import' });
    const fox = c.pipeline.db.prepare<[], { id: number }>("SELECT id FROM assets WHERE rel_path = 'fox.png'").get()!;
    c.pipeline.db.prepare('DELETE FROM assets').run();
    await c.client.call('checkpoints.restore', { id: checkpoint.id });
    expect(c.assets.locate('original', String(fox.id))).toMatchObject({ root: pics, relPath: 'fox.png' });
    expect(await c.client.call('library.import', { paths: [pics] })).toMatchObject({ imported: 0, already_present: 4 });
  });

  it('keeps the library check honest about in-place files: gone files are reported, an unplugged root is left alone', async () => {
    const { c, pics, base } = await setup();
    await c.client.call('library.import', { paths: [pics] });
    expect(await c.client.call('library.check', { repair: false })).toMatchObject({ missing_files: 0, missing_sidecars: 0, incomplete_files: 0 });
    rmSync(join(pics, 'fox.png'));
    expect(await c.client.call('library.check', { repair: false })).toMatchObject({ missing_files: 1 });
    // The whole root disappearing (a drive unplugged) is not "every image deleted": repair keeps those rows.
    renameSync(pics, join(base, 'unplugged'));
    const report = await c.client.call('library.check', { repair: true });
    expect(report.missing_files).toBe(0);
    expect(c.pipeline.db.prepare('SELECT COUNT(*) AS n FROM assets').get()).toEqual({ n: 4 });
  });
});
