import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { renderDemoImage } from '../../../main/core/backends/demo';
import { analyzeImage } from '../../../main/core/library/image-pipeline';
import { grey32FromRaw, hammingDistance, phashFromGrey32 } from '../../../main/core/library/phash';

const request = { prompt: 'a lighthouse in a storm', negative_prompt: null, width: 768, height: 768 };

describe('phash', () => {
  it('returns 16 hex chars and is deterministic', () => {
    const pixels = Uint8Array.from({ length: 1024 }, (_, i) => (i * 37) % 251);
    const hash = phashFromGrey32(pixels);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(phashFromGrey32(pixels)).toBe(hash);
    expect(() => phashFromGrey32(new Uint8Array(100))).toThrow(/1024 greyscale pixels/);
  });

  it('flips every bit for an inverted image (the DCT is linear, the median mirrors)', () => {
    const pixels = Uint8Array.from({ length: 1024 }, (_, i) => Math.round(128 + 100 * Math.sin(i / 7) * Math.cos(i / 97)));
    const inverted = pixels.map((p) => 255 - p);
    expect(hammingDistance(phashFromGrey32(pixels), phashFromGrey32(inverted))).toBe(64);
  });

  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', '0000000000000000')).toBe(0);
    expect(hammingDistance('ffffffffffffffff', '0000000000000000')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(hammingDistance('ABCDEF0123456789', 'abcdef0123456789')).toBe(0);
    expect(() => hammingDistance('xyz', '0000000000000000')).toThrow(/16-character hex/);
  });

  it('keeps a resized, re-encoded JPEG copy within distance 6, and different images ≥ 16 apart', async () => {
    const original = await renderDemoImage({ ...request, seed: 1 }, 0);
    const copy = await sharp(original).resize(400).jpeg({ quality: 70 }).toBuffer();
    const others = await Promise.all([2, 3, 4, 5].map((seed) => renderDemoImage({ ...request, seed }, 0)));
    const [a, b, ...rest] = await Promise.all([original, copy, ...others].map(async (bytes) => (await analyzeImage(bytes)).phash));
    expect(hammingDistance(a!, b!)).toBeLessThanOrEqual(6);
    const hashes = [a!, ...rest];
    for (let i = 0; i < hashes.length; i++) {
      for (let j = i + 1; j < hashes.length; j++) expect(hammingDistance(hashes[i]!, hashes[j]!)).toBeGreaterThanOrEqual(16);
    }
  });
});

describe('grey32FromRaw', () => {
  it('averages boxes, weights RGB by luma and composites alpha onto white', () => {
    const grey = grey32FromRaw({ data: new Uint8Array(64 * 64).fill(100), width: 64, height: 64, channels: 1 });
    expect(grey.every((v) => v === 100)).toBe(true);
    const red = grey32FromRaw({ data: Uint8Array.from({ length: 40 * 40 * 3 }, (_, i) => (i % 3 === 0 ? 255 : 0)), width: 40, height: 40, channels: 3 });
    expect(red[0]).toBe(76); // 0.299 × 255
    const clear = grey32FromRaw({ data: new Uint8Array(32 * 32 * 4), width: 32, height: 32, channels: 4 });
    expect(clear.every((v) => v === 255)).toBe(true);
    // Left half black, right half white: the box filter keeps the edge.
    const split = grey32FromRaw({ data: Uint8Array.from({ length: 256 * 10 }, (_, i) => (i % 256 < 128 ? 0 : 255)), width: 256, height: 10, channels: 1 });
    expect([split[15], split[16]]).toEqual([0, 255]);
  });

  it('upsamples images smaller than 32 px and rejects mismatched buffers', () => {
    expect(grey32FromRaw({ data: Uint8Array.of(10, 20, 30, 40), width: 2, height: 2, channels: 1 }).length).toBe(1024);
    expect(() => grey32FromRaw({ data: new Uint8Array(10), width: 64, height: 64, channels: 3 })).toThrow(/does not match/);
  });
});
