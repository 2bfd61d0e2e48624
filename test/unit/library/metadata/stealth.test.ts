import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readGenerationMetadata } from '../../../../main/core/library/metadata';
import { readStealthPayload } from '../../../../main/core/library/metadata/stealth';
import { FIXTURES_DIR } from './fixture-table';

/**
 * Writes a stealth payload the way A1111's stealth-pnginfo extension and NovelAI do: signature, 32-bit
 * length in bits, payload; one bit per pixel in the alpha LSB (or three, in R, G, B), column by column.
 */
async function stealthPng(options: { width: number; height: number; mode: 'alpha' | 'rgb'; text: string; compressed: boolean }): Promise<Buffer> {
  const { width, height, mode } = options;
  const channels = mode === 'alpha' ? 4 : 3;
  const pixels = Buffer.alloc(width * height * channels, 200);
  const signature = `stealth_${mode === 'alpha' ? 'png' : 'rgb'}${options.compressed ? 'comp' : 'info'}`;
  const payload = options.compressed ? gzipSync(Buffer.from(options.text)) : Buffer.from(options.text);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(payload.length * 8);
  const bytes = Buffer.concat([Buffer.from(signature, 'latin1'), length, payload]);
  const bits: number[] = [];
  for (const byte of bytes) for (let b = 7; b >= 0; b--) bits.push((byte >> b) & 1);
  let i = 0;
  for (let x = 0; x < width && i < bits.length; x++) {
    for (let y = 0; y < height && i < bits.length; y++) {
      const at = (y * width + x) * channels;
      const targets = mode === 'alpha' ? [at + 3] : [at, at + 1, at + 2];
      for (const t of targets) if (i < bits.length) pixels[t] = (pixels[t]! & 0xfe) | bits[i++]!;
    }
  }
  if (i < bits.length) throw new Error('image too small for the payload');
  return sharp(pixels, { raw: { width, height, channels } }).png().toBuffer();
}

const INFOTEXT = 'a hidden lighthouse\nNegative prompt: fog\nSteps: 12, Sampler: Euler, CFG scale: 7, Seed: 31337, Size: 96x80';

describe('stealth (alpha/RGB LSB) metadata', () => {
  it.each([
    ['alpha', false],
    ['alpha', true],
    ['rgb', false],
    ['rgb', true],
  ] as const)('decodes a %s payload (compressed: %s)', async (mode, compressed) => {
    const png = await stealthPng({ width: 96, height: 80, mode, text: INFOTEXT, compressed });
    expect(await readStealthPayload(png, { rgbToo: true })).toEqual({ mode, text: INFOTEXT, error: null });
    const meta = await readGenerationMetadata(png, 'png');
    expect(meta).toMatchObject({ generator: 'a1111', prompt: 'a hidden lighthouse', seed: 31337, stealth: mode });
  });

  it('reads a payload spread over several columns of a short image', async () => {
    const png = await stealthPng({ width: 600, height: 7, mode: 'alpha', text: INFOTEXT, compressed: false });
    expect((await readStealthPayload(png, { rgbToo: false }))?.text).toBe(INFOTEXT);
  });

  it('skips the RGB check unless asked, and finds nothing in an ordinary image', async () => {
    const rgb = await stealthPng({ width: 96, height: 80, mode: 'rgb', text: INFOTEXT, compressed: false });
    expect(await readStealthPayload(rgb, { rgbToo: false })).toBeNull();
    const plain = await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 1 } } }).png().toBuffer();
    expect(await readStealthPayload(plain, { rgbToo: true })).toBeNull();
  });

  it('reports a present but undecodable payload instead of failing', async () => {
    const png = await stealthPng({ width: 96, height: 80, mode: 'alpha', text: 'x', compressed: false });
    const raw = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    // Corrupt the 32-bit length (pixels 120..151 of column 0/1): claim a payload larger than the image.
    for (let p = 120; p < 130; p++) {
      const x = Math.floor(p / 80);
      const y = p % 80;
      raw.data[(y * 96 + x) * 4 + 3] = raw.data[(y * 96 + x) * 4 + 3]! | 1;
    }
    const broken = await sharp(raw.data, { raw: raw.info }).png().toBuffer();
    const payload = await readStealthPayload(broken, { rgbToo: false });
    expect(payload).toMatchObject({ mode: 'alpha', text: null });
    const meta = await readGenerationMetadata(broken, 'png');
    expect(meta.stealth).toBe('alpha');
    expect(meta.warnings).toEqual([expect.stringMatching(/^stealth metadata present but unreadable/)]);
  });

  it('finds the payloads in the real A1111 and NovelAI samples', async () => {
    const a1111 = await readStealthPayload(readFileSync(join(FIXTURES_DIR, 'automatic1111_stealth.png')), { rgbToo: false });
    expect(a1111?.text).toMatch(/^a circle\nNegative prompt: a square\nSteps: 20/);
    const novelai = await readStealthPayload(readFileSync(join(FIXTURES_DIR, 'novelai-curated.png')), { rgbToo: false });
    expect(JSON.parse(novelai!.text!)).toMatchObject({ Software: 'NovelAI' });
  });
});
