import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderDemoImage } from '../../../main/core/backends/demo';
import { DIRECT_WRITE_MIN_BYTES } from '../../../main/core/fs/direct-write';
import { parseInfotext } from '../../../main/core/library/a1111-infotext';
import { AssetFiles, insertJpegUserComment } from '../../../main/core/library/asset-files';
import { libraryPaths } from '../../../main/core/library/layout';
import { insertPngTextChunks, readPngTextChunks } from '../../../main/core/library/png-text';
import { ApexEmbeddedMetadata, AssetSidecar, type AssetProvenance } from '../../../main/core/library/sidecar';
import { useTempDirs } from '../../helpers/temp-library';
import { patternPng, readJpegUserComment } from './images';

const provenance: AssetProvenance = {
  job_id: 12,
  attempt_id: 34,
  batch_id: 5,
  image_index: 1,
  image_count: 2,
  backend: 'demo',
  model: 'apex-demo-v1',
  prompt: 'a castle at dusk, "oil" painting\nsecond line: 東京 🌃',
  negative_prompt: 'blurry, text',
  seed: 42,
  params: { width: 512, height: 512, steps: 25, cfg_scale: 6.5, sampler: 'Euler a', aspect_ratio: null, count: 2, quality_level: 3 },
  cost_usd: 0,
  generation_ms: 850,
  project: 'Castles',
  tags: ['dusk', 'castle'],
};

const demoRequest = { prompt: 'a castle at dusk', negative_prompt: 'blurry', seed: 42, width: 512, height: 512 };

describe('AssetFiles', () => {
  const tempDir = useTempDirs();
  const setup = (): { files: AssetFiles; root: string } => {
    const root = join(tempDir(), 'library'); // not created: store() must create what it needs
    return { files: new AssetFiles(libraryPaths(root), () => 1_700_000_000_000), root };
  };

  it('stores a PNG with parameters + apex chunks, named by the SHA-256 of the final bytes', async () => {
    const { files, root } = setup();
    const input = await renderDemoImage(demoRequest, 0);
    const stored = await files.store({ bytes: input, mime: 'image/png' }, provenance);
    const shard = stored.sha256.slice(0, 2);
    expect(stored).toEqual({
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      ext: 'png',
      mime: 'image/png',
      width: 512,
      height: 512,
      bytes: expect.any(Number),
      phash: expect.stringMatching(/^[0-9a-f]{16}$/),
      relPath: `assets/images/${shard}/${stored.sha256}.png`,
      thumbRelPath: `assets/thumbnails/${shard}/${stored.sha256}.webp`,
      sidecarRelPath: `assets/metadata/${shard}/${stored.sha256}.json`,
      created_at: 1_700_000_000_000,
      reused: false,
    });
    const image = readFileSync(join(root, stored.relPath));
    expect(createHash('sha256').update(image).digest('hex')).toBe(stored.sha256);
    expect(image.length).toBe(stored.bytes);

    const chunks = readPngTextChunks(image);
    const parameters = chunks.find((c) => c.keyword === 'parameters')!;
    expect(parameters.kind).toBe('iTXt'); // the prompt is not Latin-1
    expect(parseInfotext(parameters.text)).toMatchObject({
      prompt: provenance.prompt,
      negative_prompt: provenance.negative_prompt,
      steps: 25,
      sampler: 'Euler a',
      cfg_scale: 6.5,
      seed: 42,
      width: 512,
      height: 512,
      model: 'apex-demo-v1',
      extra: { Backend: 'demo', Generator: 'APEX Director' },
    });
    const apex = chunks.find((c) => c.keyword === 'apex')!;
    expect(apex.kind).toBe('iTXt');
    expect(ApexEmbeddedMetadata.parse(JSON.parse(apex.text))).toEqual({ apex_version: 1, provenance });

    // Pixels are untouched by the embedding.
    const [before, after] = await Promise.all([sharp(input).raw().toBuffer(), sharp(image).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);

    expect(await sharp(join(root, stored.thumbRelPath)).metadata()).toMatchObject({ format: 'webp', width: 256, height: 256 });
    const sidecar = AssetSidecar.parse(JSON.parse(readFileSync(join(root, stored.sidecarRelPath), 'utf8')));
    expect(sidecar).toEqual({
      version: 1,
      sha256: stored.sha256,
      file: stored.relPath,
      thumbnail: stored.thumbRelPath,
      mime: 'image/png',
      width: 512,
      height: 512,
      bytes: stored.bytes,
      phash: stored.phash,
      source: 'generated',
      created_at: 1_700_000_000_000,
      provenance,
    });
    expect(await files.readSidecar(stored.sha256)).toEqual(sidecar);
  });

  it('stores the same input once and returns the existing record', async () => {
    const { files, root } = setup();
    const input = await renderDemoImage(demoRequest, 0);
    const first = await files.store({ bytes: input, mime: 'image/png' }, provenance);
    const mtime = statSync(join(root, first.relPath)).mtimeMs;
    const later = new AssetFiles(libraryPaths(root), () => 1_800_000_000_000);
    // Key order of the provenance object does not matter: the embedded JSON is canonical.
    const reordered = Object.fromEntries(Object.entries(provenance).reverse()) as AssetProvenance;
    const second = await later.store({ bytes: input, mime: 'image/png' }, reordered);
    expect(second).toEqual({ ...first, reused: true });
    expect(statSync(join(root, first.relPath)).mtimeMs).toBe(mtime);
    expect(await files.listImageFiles()).toEqual([{ sha: first.sha256, relPath: first.relPath }]);
    expect(await files.listSidecarShas()).toEqual([first.sha256]);
  });

  it('finishes an interrupted store (image written, thumbnail and sidecar missing) without rewriting the image', async () => {
    const { files, root } = setup();
    const input = await renderDemoImage(demoRequest, 0);
    const first = await files.store({ bytes: input, mime: 'image/png' }, provenance);
    const mtime = statSync(join(root, first.relPath)).mtimeMs;
    rmSync(join(root, first.sidecarRelPath));
    rmSync(join(root, first.thumbRelPath));
    expect(await files.readSidecar(first.sha256)).toBeNull();
    const again = await files.store({ bytes: input, mime: 'image/png' }, provenance);
    expect(again).toEqual(first);
    expect(statSync(join(root, first.relPath)).mtimeMs).toBe(mtime);
    expect(existsSync(join(root, first.thumbRelPath))).toBe(true);
    expect(await files.readSidecar(first.sha256)).not.toBeNull();
  });

  it('stores a large noisy PNG (written past the page cache on Linux) byte for byte under its SHA-256', async () => {
    const { files, root } = setup();
    const side = 640;
    const noise = randomBytes(side * side * 3);
    const input = await sharp(noise, { raw: { width: side, height: side, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
    expect(input.length).toBeGreaterThan(DIRECT_WRITE_MIN_BYTES);
    const stored = await files.store({ bytes: input, mime: 'image/png' }, provenance);
    const written = readFileSync(join(root, stored.relPath));
    expect(written.length).toBe(stored.bytes);
    expect(createHash('sha256').update(written).digest('hex')).toBe(stored.sha256);
    expect(await sharp(written).raw().toBuffer()).toEqual(noise);
  });

  it('makes a shard folder again when it was removed behind its back', async () => {
    const { files, root } = setup();
    const first = await files.store({ bytes: await renderDemoImage(demoRequest, 0), mime: 'image/png' }, provenance);
    await files.removeAssetFiles(first.sha256);
    for (const rel of [first.relPath, first.thumbRelPath, first.sidecarRelPath]) rmSync(dirname(join(root, rel)), { recursive: true });
    const again = await files.store({ bytes: await renderDemoImage(demoRequest, 0), mime: 'image/png' }, provenance);
    expect(again).toEqual(first);
    for (const rel of [again.relPath, again.thumbRelPath, again.sidecarRelPath]) expect(existsSync(join(root, rel))).toBe(true);
  });

  it('rewrites an unreadable sidecar', async () => {
    const { files, root } = setup();
    const first = await files.store({ bytes: await patternPng(64, 64), mime: 'image/png' }, provenance);
    writeFileSync(join(root, first.sidecarRelPath), '{"version":');
    await expect(files.readSidecar(first.sha256)).rejects.toThrow(/not valid JSON/);
    expect((await files.store({ bytes: await patternPng(64, 64), mime: 'image/png' }, provenance)).reused).toBe(false);
    expect(await files.readSidecar(first.sha256)).toMatchObject({ sha256: first.sha256 });
  });

  it('keeps a provider-written parameters chunk (A1111/Forge) and still adds apex', async () => {
    const { files, root } = setup();
    const a1111 = 'forge prompt\nSteps: 30, Sampler: DPM++ 2M, CFG scale: 5, Seed: 7, Size: 64x64, Model hash: abc123';
    const input = insertPngTextChunks(await patternPng(64, 64), [{ keyword: 'parameters', text: a1111 }]);
    const stored = await files.store({ bytes: input, mime: 'image/png' }, { ...provenance, backend: 'sdxl' });
    const chunks = readPngTextChunks(readFileSync(join(root, stored.relPath)));
    expect(chunks.filter((c) => c.keyword === 'parameters').map((c) => c.text)).toEqual([a1111]);
    expect(chunks.some((c) => c.keyword === 'apex')).toBe(true);
  });

  it('adds an EXIF UserComment to a JPEG without touching its pixels', async () => {
    const { files, root } = setup();
    const jpeg = await sharp(await patternPng(320, 200)).jpeg({ quality: 85 }).toBuffer();
    const stored = await files.store({ bytes: jpeg, mime: 'image/jpeg' }, provenance);
    expect(stored).toMatchObject({ ext: 'jpg', mime: 'image/jpeg', width: 320, height: 200 });
    const image = readFileSync(join(root, stored.relPath));
    expect(createHash('sha256').update(image).digest('hex')).toBe(stored.sha256);
    const comment = readJpegUserComment(image);
    expect(comment).not.toBeNull();
    expect(parseInfotext(comment!)).toMatchObject({ prompt: provenance.prompt, seed: 42, width: 320, height: 200, model: 'apex-demo-v1' });
    // libvips/libexif accept the segment, and the decoded pixels are identical.
    expect((await sharp(image).metadata()).exif).toBeInstanceOf(Buffer);
    const [before, after] = await Promise.all([sharp(jpeg).raw().toBuffer(), sharp(image).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
    // Everything after the inserted segment is the original file, byte for byte.
    expect(image.subarray(image.length - (jpeg.length - 20)).equals(jpeg.subarray(20))).toBe(true);
  });

  it('never rewrites a JPEG that already has EXIF, and skips a comment too long for one segment', async () => {
    const plain = await sharp(await patternPng(64, 64)).jpeg().toBuffer();
    const withExif = await sharp(plain).withExif({ IFD0: { Artist: 'someone' } }).jpeg().toBuffer();
    expect(insertJpegUserComment(withExif, 'hello')).toBe(withExif);
    expect(insertJpegUserComment(plain, 'x'.repeat(40_000))).toBe(plain);
    expect(() => insertJpegUserComment(Buffer.from('not a jpeg'), 'x')).toThrow(/SOI marker/);
  });

  it('keeps WebP bytes as they are', async () => {
    const { files, root } = setup();
    const webp = await sharp(await patternPng(300, 300)).webp().toBuffer();
    const stored = await files.store({ bytes: webp, mime: 'image/webp' }, provenance);
    expect(stored).toMatchObject({ ext: 'webp', mime: 'image/webp', sha256: createHash('sha256').update(webp).digest('hex') });
    expect(readFileSync(join(root, stored.relPath)).equals(webp)).toBe(true);
  });

  it('trusts the bytes, not the declared MIME type, and rejects what it cannot decode', async () => {
    const { files } = setup();
    const png = await patternPng(64, 64);
    expect((await files.store({ bytes: png, mime: 'image/jpeg' }, provenance)).mime).toBe('image/png');
    await expect(files.store({ bytes: Buffer.from('<html>rate limited</html>'), mime: 'image/png' }, provenance)).rejects.toThrow(/Unsupported image format/);
    await expect(files.store({ bytes: png, mime: 'image/png' }, { ...provenance, job_id: -1 })).rejects.toThrow();
  });

  it('lists, removes and cleans, tolerating missing folders', async () => {
    const root = join(tempDir(), 'library');
    const files = new AssetFiles(libraryPaths(root)); // real clock: temp-file ages are compared with mtimes
    expect(await files.listImageFiles()).toEqual([]);
    expect(await files.listSidecarShas()).toEqual([]);
    expect(await files.cleanTempFiles(0)).toBe(0);
    await files.removeAssetFiles('a'.repeat(64));

    const a = await files.store({ bytes: await patternPng(64, 64), mime: 'image/png' }, provenance);
    const b = await files.store({ bytes: await sharp(await patternPng(80, 64)).jpeg().toBuffer(), mime: 'image/jpeg' }, provenance);
    expect((await files.listImageFiles()).sort((x, y) => x.sha.localeCompare(y.sha))).toEqual(
      [a, b].map((s) => ({ sha: s.sha256, relPath: s.relPath })).sort((x, y) => x.sha.localeCompare(y.sha)),
    );

    const shardDir = join(root, 'assets/metadata', a.sha256.slice(0, 2));
    const fresh = join(shardDir, `.${a.sha256}.json.aaaaaa.tmp`);
    const stale = join(root, 'assets/images', `.x.png.bbbbbb.tmp`);
    writeFileSync(fresh, 'partial');
    writeFileSync(stale, 'partial');
    utimesSync(stale, new Date(1_000), new Date(1_000));
    expect(await files.cleanTempFiles()).toBe(1); // the fresh one may belong to a write in progress
    expect(existsSync(fresh)).toBe(true);
    expect(existsSync(stale)).toBe(false);
    expect(await files.cleanTempFiles(0)).toBe(1);
    expect(existsSync(fresh)).toBe(false);

    await files.removeAssetFiles(a.sha256);
    for (const rel of [a.relPath, a.thumbRelPath, a.sidecarRelPath]) expect(existsSync(join(root, rel))).toBe(false);
    expect(await files.listSidecarShas()).toEqual([b.sha256]);
    expect(await files.readSidecar(a.sha256)).toBeNull();
    await expect(files.readSidecar('../../etc/passwd')).rejects.toThrow(/Not a SHA-256/);
  });
});
