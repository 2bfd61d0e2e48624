import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core';
import { parseInfotext } from '../../../main/core/library/a1111-infotext';
import { readPngTextChunks } from '../../../main/core/library/png-text';
import { useTempDirs } from '../../helpers/temp-library';
import { readJpegUserComment } from '../../unit/library/images';
import { readZip } from '../../unit/library/search/zip-reader';
import { openLibrary, scene, storeImage } from './library-fixture';

describe('export of a selection or a search', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  async function library() {
    const base = tempDir();
    const c = (core = await openLibrary(base));
    const fox = await storeImage(c, await scene(11, 800, 600), { prompt: 'a red fox, misty forest', negative_prompt: 'blurry', seed: 77, tags: ['fox'] });
    const evil = await storeImage(c, await scene(12, 320, 240), { prompt: '../../etc/passwd ; rm -rf / — café ☕', seed: 5 });
    const jpeg = await storeImage(c, await sharp(await scene(13, 640, 480)).jpeg().toBuffer(), { prompt: 'a harbour at dawn', seed: 9, backend: 'imagen', model: 'imagen-4.0-generate-001' });
    await c.client.call('tags.add', { ids: [fox, jpeg], tags: ['keep'] });
    await c.client.call('assets.update', { ids: [fox], rating: 5 });
    return { c, base, fox, evil, jpeg, out: join(base, 'export') };
  }

  const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  it('copies originals byte for byte with safe, unique names and JSON sidecars', async () => {
    const { c, fox, evil, jpeg, out } = await library();
    const result = await c.client.call('assets.export', { ids: [fox, evil, jpeg], to: out });
    expect(result).toMatchObject({ path: out, images: 3, sidecars: 3, metadata_embedded: 3, skipped: 0 });
    const names = readdirSync(out).sort();
    expect(names).toEqual([`${fox}-a-red-fox-misty-forest.json`, `${fox}-a-red-fox-misty-forest.png`, `${evil}-etc-passwd-rm-rf-cafe.json`, `${evil}-etc-passwd-rm-rf-cafe.png`, `${jpeg}-a-harbour-at-dawn.jpg`, `${jpeg}-a-harbour-at-dawn.json`]);
    for (const id of [fox, evil, jpeg]) {
      const detail = await c.client.call('assets.get', { id });
      const file = names.find((n) => n.startsWith(`${id}-`) && !n.endsWith('.json'))!;
      expect(sha(readFileSync(join(out, file)))).toBe(detail.sha256);
    }
    const sidecar = JSON.parse(readFileSync(join(out, `${fox}-a-red-fox-misty-forest.json`), 'utf8')) as Record<string, unknown>;
    expect(sidecar).toMatchObject({ prompt: 'a red fox, misty forest', negative_prompt: 'blurry', seed: 77, rating: 5, tags: ['fox', 'keep'], backend: 'nano_banana', width: 800, height: 600 });
    expect(parseInfotext(String(sidecar.parameters))).toMatchObject({ prompt: 'a red fox, misty forest', seed: 77 });

    // Exporting again never overwrites: the second copy gets a suffix.
    const again = await c.client.call('assets.export', { ids: [fox], to: out, sidecars: false });
    expect(again.images).toBe(1);
    expect(readdirSync(out)).toContain(`${fox}-a-red-fox-misty-forest-2.png`);
  });

  it('converts and scales while writing the recipe back into PNG, JPEG and WebP files', async () => {
    const { c, fox, jpeg, out } = await library();
    const png = await c.client.call('assets.export', { ids: [jpeg], to: join(out, 'png'), format: 'png', max_side: 320 });
    expect(png.metadata_embedded).toBe(1);
    const pngFile = readFileSync(join(out, 'png', `${jpeg}-a-harbour-at-dawn.png`));
    expect(await sharp(pngFile).metadata()).toMatchObject({ format: 'png', width: 320, height: 240 });
    const chunks = readPngTextChunks(pngFile);
    const parameters = parseInfotext(chunks.find((ch) => ch.keyword === 'parameters')!.text);
    expect(parameters).toMatchObject({ prompt: 'a harbour at dawn', seed: 9, width: 320, height: 240, model: 'imagen-4.0-generate-001' });
    expect(JSON.parse(chunks.find((ch) => ch.keyword === 'apex')!.text)).toMatchObject({ provenance: { prompt: 'a harbour at dawn', seed: 9 } });

    await c.client.call('assets.export', { ids: [fox], to: join(out, 'jpeg'), format: 'jpeg', max_side: 400, quality: 80 });
    const jpegFile = readFileSync(join(out, 'jpeg', `${fox}-a-red-fox-misty-forest.jpg`));
    expect(await sharp(jpegFile).metadata()).toMatchObject({ format: 'jpeg', width: 400, height: 300 });
    expect(parseInfotext(readJpegUserComment(jpegFile)!)).toMatchObject({ prompt: 'a red fox, misty forest', negative_prompt: 'blurry', seed: 77, width: 400, height: 300 });

    await c.client.call('assets.export', { ids: [fox], to: join(out, 'webp'), format: 'webp' });
    const webpFile = readFileSync(join(out, 'webp', `${fox}-a-red-fox-misty-forest.webp`));
    const meta = await sharp(webpFile).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.exif?.toString('latin1')).toContain('a red fox, misty forest');
  });

  it('writes a search to a zip, keeping metadata inside the images', async () => {
    const { c, fox, jpeg, out } = await library();
    const result = await c.client.call('assets.export', { filter: { tags: ['keep'] }, sort: 'oldest', to: out, zip: true, format: 'jpeg', max_side: 256 });
    expect(result).toMatchObject({ images: 2, sidecars: 2, metadata_embedded: 2, skipped: 0 });
    expect(result.path).toMatch(/apex-export-\d{8}-\d{6}\.zip$/);
    expect(readdirSync(out)).toHaveLength(1);
    const entries = readZip(result.path);
    expect(entries.map((e) => e.name)).toEqual([`${fox}-a-red-fox-misty-forest.jpg`, `${fox}-a-red-fox-misty-forest.json`, `${jpeg}-a-harbour-at-dawn.jpg`, `${jpeg}-a-harbour-at-dawn.json`]);
    const foxJpeg = entries[0]!.data;
    expect(Math.max((await sharp(foxJpeg).metadata()).width, (await sharp(foxJpeg).metadata()).height)).toBe(256);
    expect(parseInfotext(readJpegUserComment(foxJpeg)!)).toMatchObject({ prompt: 'a red fox, misty forest', seed: 77 });
    expect(JSON.parse(entries[3]!.data.toString('utf8'))).toMatchObject({ prompt: 'a harbour at dawn', tags: ['keep'] });
    // A second zip in the same folder gets its own name.
    const second = await c.client.call('assets.export', { filter: { tags: ['keep'] }, to: out, zip: true });
    expect(second.path).not.toBe(result.path);
  });

  it('never writes outside the chosen folder and reports what it could not export', async () => {
    const { c, base, fox, evil, out } = await library();
    await expect(c.client.call('assets.export', { ids: [fox], to: 'relative/dir' })).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'to' } });
    await expect(c.client.call('assets.export', { ids: [fox], to: join(c.library.images, 'x') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    writeFileSync(join(base, 'a-file'), 'x');
    await expect(c.client.call('assets.export', { ids: [fox], to: join(base, 'a-file') })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(c.client.call('assets.export', { to: out })).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    // A planted symlink with the exact name the export will use is neither followed nor overwritten.
    mkdirSync(out, { recursive: true });
    const outside = join(base, 'outside.png');
    writeFileSync(outside, 'precious');
    symlinkSync(outside, join(out, `${fox}-a-red-fox-misty-forest.png`));
    const detail = await c.client.call('assets.get', { id: evil });
    rmSync(join(c.library.root, detail.rel_path));
    const result = await c.client.call('assets.export', { ids: [fox, evil, 424242], to: out });
    expect(readFileSync(outside, 'utf8')).toBe('precious');
    expect(readdirSync(out)).toContain(`${fox}-a-red-fox-misty-forest-2.png`);
    expect(result).toMatchObject({ images: 1, skipped: 2 });
    expect(result.problems.map((p) => p.id).sort((a, b) => a - b)).toEqual([evil, 424242].sort((a, b) => a - b));
    expect(result.problems.find((p) => p.id === evil)!.reason).toMatch(/cannot be read/);
  });
});
