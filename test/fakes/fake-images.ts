import { createHash } from 'node:crypto';
import sharp from 'sharp';

/**
 * Real, small image bytes for the provider fakes (sharp-encoded PNG, JPEG or WebP), deterministic for a
 * key so a test can compare what the library stored with what the fake sent.
 */

export type FakeFormat = 'png' | 'jpeg' | 'webp';
export const FORMAT_MIME: Record<FakeFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** Small on purpose: the tests exercise the wire and the library, not the encoder. */
const DEFAULT_SIDE = 64;
const cache = new Map<string, Buffer>();

export async function fakeImage(format: FakeFormat, key: string, width: number = DEFAULT_SIDE, height: number = width): Promise<Buffer> {
  const id = `${format}|${key}|${width}|${height}`;
  const cached = cache.get(id);
  if (cached) return cached;
  const digest = createHash('sha256').update(key).digest();
  const base = sharp({ create: { width, height, channels: 3, background: { r: digest[0]!, g: digest[1]!, b: digest[2]! } } }).composite([
    { input: Buffer.from(`<svg width="${width}" height="${height}"><circle cx="${digest[3]! % width}" cy="${digest[4]! % height}" r="${4 + (digest[5]! % 16)}" fill="rgb(${digest[6]},${digest[7]},${digest[8]})"/></svg>`) },
  ]);
  const bytes = format === 'png' ? await base.png().toBuffer() : format === 'jpeg' ? await base.jpeg({ quality: 80 }).toBuffer() : await base.webp().toBuffer();
  cache.set(id, bytes);
  return bytes;
}
