import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { insertPngTextChunks, readPngTextChunks } from '../../../main/core/library/png-text';
import { pngChunk, solidPng, withRawChunksAfterIhdr } from './images';

describe('png-text', () => {
  it('round-trips tEXt for Latin-1 text and iTXt for the rest, right after IHDR', async () => {
    const png = await solidPng();
    const out = insertPngTextChunks(png, [
      { keyword: 'parameters', text: 'a cat, café\nSteps: 20, Seed: 1, Size: 64x48' },
      { keyword: 'apex', text: '{"prompt":"東京の夜 🌃 — “quotes”"}' },
      { keyword: 'forced', text: 'plain ascii', kind: 'iTXt' },
    ]);
    const chunks = readPngTextChunks(out);
    expect(chunks.map((c) => [c.keyword, c.kind])).toEqual([
      ['parameters', 'tEXt'],
      ['apex', 'iTXt'],
      ['forced', 'iTXt'],
    ]);
    expect(chunks[0]!.text).toBe('a cat, café\nSteps: 20, Seed: 1, Size: 64x48');
    expect(chunks[1]!.text).toBe('{"prompt":"東京の夜 🌃 — “quotes”"}');
    expect(chunks[1]).toMatchObject({ languageTag: '', translatedKeyword: '' });
    // The new chunks sit right after IHDR (signature 8 + IHDR 25): the first is our tEXt.
    expect(Buffer.from(out.subarray(37, 41)).toString('latin1')).toBe('tEXt');
  });

  it('leaves the pixels and other chunks untouched, and libpng reads the chunks back', async () => {
    const png = await solidPng();
    const out = insertPngTextChunks(png, [{ keyword: 'parameters', text: 'hello' }, { keyword: 'apex', text: 'ünï 字', kind: 'iTXt' }]);
    const [before, after] = await Promise.all([sharp(png).raw().toBuffer(), sharp(out).raw().toBuffer()]);
    expect(after.equals(before)).toBe(true);
    expect(out.length).toBe(png.length + (12 + 'parameters'.length + 1 + 5) + (12 + 4 + 5 + Buffer.byteLength('ünï 字')));
    const meta = await sharp(out).metadata();
    expect(meta.comments).toEqual(expect.arrayContaining([{ keyword: 'parameters', text: 'hello' }]));
  });

  it('replaces existing text chunks with the same keyword instead of duplicating them', async () => {
    const once = insertPngTextChunks(await solidPng(), [{ keyword: 'apex', text: 'old' }, { keyword: 'other', text: 'kept' }]);
    const twice = insertPngTextChunks(once, [{ keyword: 'apex', text: 'new' }]);
    expect(readPngTextChunks(twice).map((c) => `${c.keyword}=${c.text}`)).toEqual(['apex=new', 'other=kept']);
  });

  it('reads zTXt and compressed iTXt', async () => {
    const ztxt = pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), Buffer.of(0), deflateSync(Buffer.from('zipped text, ÿ', 'latin1'))]));
    const itxt = pngChunk('iTXt', Buffer.concat([Buffer.from('workflow\0', 'latin1'), Buffer.of(1, 0), Buffer.from('ja\0ワーク\0'), deflateSync(Buffer.from('{"nodes":"ノード"}'))]));
    const chunks = readPngTextChunks(withRawChunksAfterIhdr(await solidPng(), [ztxt, itxt]));
    expect(chunks).toEqual([
      { keyword: 'Comment', text: 'zipped text, ÿ', kind: 'zTXt' },
      { keyword: 'workflow', text: '{"nodes":"ノード"}', kind: 'iTXt', languageTag: 'ja', translatedKeyword: 'ワーク' },
    ]);
  });

  it('writes compressed iTXt when asked', async () => {
    const big = JSON.stringify({ nodes: Array.from({ length: 200 }, (_, i) => ({ id: i, type: 'KSampler' })) });
    const out = insertPngTextChunks(await solidPng(), [{ keyword: 'workflow', text: big, compress: true }]);
    expect(readPngTextChunks(out)).toEqual([{ keyword: 'workflow', text: big, kind: 'iTXt', languageTag: '', translatedKeyword: '' }]);
    expect(out.length).toBeLessThan((await solidPng()).length + big.length / 4);
  });

  it('detects a CRC mismatch and names the chunk', async () => {
    const out = Buffer.from(insertPngTextChunks(await solidPng(), [{ keyword: 'parameters', text: 'hello world' }]));
    const inside = 37 + 8 + 'parameters'.length + 3; // a byte inside the tEXt data
    out[inside] = out[inside]! ^ 0xff;
    expect(() => readPngTextChunks(out)).toThrow(/CRC mismatch in chunk 'tEXt'/);
    expect(() => insertPngTextChunks(out, [])).toThrow(/CRC mismatch/);
  });

  it('rejects non-PNG, truncated and oversized-length input with clear messages', async () => {
    const png = await solidPng();
    expect(() => readPngTextChunks(Buffer.from('GIF89a'))).toThrow(/signature/);
    expect(() => readPngTextChunks(png.subarray(0, png.length - 12))).toThrow(/Truncated PNG/);
    const lying = Buffer.from(png);
    lying.writeUInt32BE(0x7fff_fff0, 33); // the first chunk after IHDR claims ~2 GB
    expect(() => readPngTextChunks(lying)).toThrow(/claims \d+ bytes, more than the file holds/);
    const noIhdr = Buffer.concat([png.subarray(0, 8), pngChunk('tEXt', Buffer.from('a\0b')), png.subarray(8)]);
    expect(() => readPngTextChunks(noIhdr)).toThrow(/expected IHDR/);
  });

  it('rejects a corrupt compressed text and a zip bomb-sized one', async () => {
    const bad = pngChunk('zTXt', Buffer.concat([Buffer.from('k\0', 'latin1'), Buffer.of(0), Buffer.from('not deflate')]));
    await expect(async () => readPngTextChunks(withRawChunksAfterIhdr(await solidPng(), [bad]))).rejects.toThrow(/cannot be inflated/);
    const bomb = pngChunk('zTXt', Buffer.concat([Buffer.from('k\0', 'latin1'), Buffer.of(0), deflateSync(Buffer.alloc(40 * 1024 * 1024))]));
    await expect(async () => readPngTextChunks(withRawChunksAfterIhdr(await solidPng(), [bomb]))).rejects.toThrow(/cannot be inflated/);
  });

  it('refuses invalid keywords and non-Latin-1 text forced into tEXt', async () => {
    const png = await solidPng();
    expect(() => insertPngTextChunks(png, [{ keyword: '', text: 'x' }])).toThrow(/Invalid PNG text keyword/);
    expect(() => insertPngTextChunks(png, [{ keyword: 'x'.repeat(80), text: 'x' }])).toThrow(/Invalid PNG text keyword/);
    expect(() => insertPngTextChunks(png, [{ keyword: ' lead', text: 'x' }])).toThrow(/Invalid PNG text keyword/);
    expect(() => insertPngTextChunks(png, [{ keyword: 'k', text: '字', kind: 'tEXt' }])).toThrow(/not Latin-1/);
  });
});
