import { deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { analyzeImage, detectImageFormat } from '../../../main/core/library/image-pipeline';
import { PNG_SIGNATURE } from '../../../main/core/library/png-text';
import { patternPng, pngChunk } from './images';

describe('image pipeline', () => {
  it('detects formats from magic numbers only', async () => {
    const png = await patternPng(40, 30);
    expect(detectImageFormat(png)).toBe('png');
    expect(detectImageFormat(await sharp(png).jpeg().toBuffer())).toBe('jpeg');
    expect(detectImageFormat(await sharp(png).webp().toBuffer())).toBe('webp');
    expect(detectImageFormat(await sharp(png).gif().toBuffer())).toBeNull();
    expect(detectImageFormat(new Uint8Array(0))).toBeNull();
  });

  it.each([
    ['png', 'image/png', (img: Sharp) => img.png()],
    ['jpeg', 'image/jpeg', (img: Sharp) => img.jpeg()],
    ['webp', 'image/webp', (img: Sharp) => img.webp()],
  ] as const)('analyzes %s: size, WebP thumbnail ≤ 256, phash', async (format, mime, encode) => {
    const bytes = await encode(sharp(await patternPng(1024, 640))).toBuffer();
    const result = await analyzeImage(bytes);
    expect(result).toMatchObject({ format, mime, width: 1024, height: 640 });
    expect(result.phash).toMatch(/^[0-9a-f]{16}$/);
    const thumb = await sharp(result.thumbnail).metadata();
    expect(thumb).toMatchObject({ format: 'webp', width: 256, height: 160 });
    expect(thumb.exif).toBeUndefined();
    expect(thumb.icc).toBeUndefined();
  });

  it('never enlarges small images', async () => {
    const result = await analyzeImage(await patternPng(100, 60));
    expect(await sharp(result.thumbnail).metadata()).toMatchObject({ width: 100, height: 60 });
  });

  it('applies EXIF orientation to the size and the thumbnail', async () => {
    const bytes = await sharp(await patternPng(600, 300)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const result = await analyzeImage(bytes);
    expect(result).toMatchObject({ width: 300, height: 600 });
    expect(await sharp(result.thumbnail).metadata()).toMatchObject({ width: 128, height: 256 });
  });

  it('handles alpha and greyscale input', async () => {
    const rgba = await sharp({ create: { width: 300, height: 300, channels: 4, background: { r: 0, g: 0, b: 255, alpha: 0.3 } } }).png().toBuffer();
    const grey = await sharp(await patternPng(300, 200)).greyscale().png().toBuffer();
    for (const bytes of [rgba, grey]) expect((await analyzeImage(bytes)).phash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('rejects unsupported and corrupt input with clear messages', async () => {
    const png = await patternPng(64, 64);
    await expect(analyzeImage(await sharp(png).gif().toBuffer())).rejects.toThrow(/Unsupported image format: expected PNG, JPEG or WebP, the file starts with \[47 49 46 38/);
    await expect(analyzeImage(png.subarray(0, 60))).rejects.toThrow(/Cannot decode the PNG image/);
    const jpeg = await sharp(png).jpeg().toBuffer();
    await expect(analyzeImage(jpeg.subarray(0, 40))).rejects.toThrow(/Cannot decode the JPEG image/);
  });

  it('refuses decompression bombs above the pixel limit', async () => {
    // A header claiming 10000×10000 (100 MP): refused from the header, before any pixel is decoded.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(10_000, 0);
    ihdr.writeUInt32BE(10_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const bomb = Buffer.concat([Buffer.from(PNG_SIGNATURE), pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(Buffer.alloc(1000))), pngChunk('IEND', new Uint8Array(0))]);
    await expect(analyzeImage(bomb)).rejects.toThrow(/pixel limit|exceeds/i);
  });
});
