import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { writeFileAtomicAsync } from '../../../main/core/fs/atomic-write';
import { unrotatedPngSize } from '../../../main/core/library/image-pipeline';
import { embedPngText, embedPngTextParts, insertPngTextChunks, readPngTextChunks } from '../../../main/core/library/png-text';
import { useTempDirs } from '../../helpers/temp-library';
import { patternPng, pngChunk, withRawChunksAfterIhdr } from './images';

describe('embedding text in one walk of the PNG', () => {
  const tempDir = useTempDirs();

  it('lets the caller see the keywords already there, and writes the same bytes as insertPngTextChunks', async () => {
    const original = insertPngTextChunks(await patternPng(64, 48), [{ keyword: 'parameters', text: 'their own recipe' }]);
    const seen: string[] = [];
    const parts = embedPngTextParts(original, (existing) => {
      seen.push(...existing);
      return [{ keyword: 'apex', text: '{"ünï":1}', kind: 'iTXt' }];
    });
    expect(seen).toEqual(['parameters']);
    const joined = Buffer.concat(parts);
    expect(joined).toEqual(Buffer.from(insertPngTextChunks(original, [{ keyword: 'apex', text: '{"ünï":1}', kind: 'iTXt' }])));
    expect(readPngTextChunks(joined).map((c) => [c.keyword, c.text])).toEqual([
      ['apex', '{"ünï":1}'],
      ['parameters', 'their own recipe'],
    ]);
    expect(await sharp(joined).metadata()).toMatchObject({ width: 64, height: 48 });
    // The image data goes in as a few views of the input, not one per chunk.
    expect(parts.length).toBeLessThanOrEqual(5);
  });

  it('still refuses a text chunk with a bad CRC, and a truncated file', async () => {
    const png = Buffer.from(insertPngTextChunks(await patternPng(32, 32), [{ keyword: 'parameters', text: 'hello' }]));
    const broken = Buffer.from(png);
    const at = 33 + 8 + 2; // inside the tEXt data right after IHDR
    broken[at] = broken[at]! ^ 0xff;
    expect(() => embedPngText(broken, () => [])).toThrow(/CRC mismatch in chunk 'tEXt'/);
    expect(() => embedPngText(png.subarray(0, png.length - 20), () => [])).toThrow(/truncated PNG/i);
  });

  it('reads the size from IHDR unless an eXIf chunk may rotate the image', async () => {
    const png = await patternPng(120, 40);
    expect(unrotatedPngSize(png)).toEqual({ width: 120, height: 40 });
    expect(unrotatedPngSize(withRawChunksAfterIhdr(png, [pngChunk('eXIf', Buffer.from('MM\0*\0\0\0\x08\0\0', 'latin1'))]))).toBeNull();
    expect(unrotatedPngSize(png.subarray(0, 40))).toBeNull();
  });

  it('writes a file from parts, atomically, without leaving its temp file', async () => {
    const dir = tempDir();
    const target = join(dir, 'image.png');
    await writeFileAtomicAsync(target, [Buffer.from('abc'), Buffer.alloc(0), Buffer.from('défg')]);
    expect(readFileSync(target, 'utf8')).toBe('abcdéfg');
    await writeFileAtomicAsync(target, 'replaced');
    expect(readFileSync(target, 'utf8')).toBe('replaced');
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir)).toEqual(['image.png']);
  });
});
