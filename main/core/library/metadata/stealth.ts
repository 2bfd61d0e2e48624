import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { MAX_INPUT_PIXELS } from '../image-pipeline';
import type { StealthMode } from './types';

/**
 * "Stealth pnginfo": generation parameters hidden in the least significant bits of the pixels, written
 * by A1111's stealth-pnginfo extension and by NovelAI, so they survive sites that strip text chunks.
 * Layout (read column by column, top to bottom, left to right): a 15-byte signature, a 32-bit length in
 * bits, then the payload, gzip-compressed for the `...comp` signatures.
 *   alpha mode: one bit per pixel from the alpha channel, `stealth_pnginfo` / `stealth_pngcomp`;
 *   rgb mode:   three bits per pixel from R, G, B,       `stealth_rgbinfo` / `stealth_rgbcomp`.
 *
 * Detection only decodes the first ~120 pixels of the first column(s) (libvips stops reading the PNG
 * after the rows it needs); the full decode happens only when a signature is there.
 */

export interface StealthPayload {
  mode: StealthMode;
  /** The decoded text, or null when the signature is there but the payload is unreadable. */
  text: string | null;
  error: string | null;
}

const SIGNATURE_BYTES = 15;
const SIGNATURE_BITS = SIGNATURE_BYTES * 8;
const LENGTH_BITS = 32;
const SIGNATURES: Record<string, { mode: StealthMode; compressed: boolean }> = {
  stealth_pnginfo: { mode: 'alpha', compressed: false },
  stealth_pngcomp: { mode: 'alpha', compressed: true },
  stealth_rgbinfo: { mode: 'rgb', compressed: false },
  stealth_rgbcomp: { mode: 'rgb', compressed: true },
};
/** Real payloads are a few KB; anything larger is refused rather than inflated. */
export const MAX_STEALTH_PAYLOAD_BYTES = 4 * 1024 * 1024;
/** IHDR data (width, height, bit depth, colour type) sits right after the signature and the chunk header. */
const PNG_IHDR_DATA_OFFSET = 16;
const PNG_IHDR_END = PNG_IHDR_DATA_OFFSET + 10;
const PNG_COLOR_TYPES_WITH_ALPHA = new Set([4, 6]);

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

/**
 * Looks for a stealth payload in a PNG. `rgbToo` also checks the RGB mode, which costs a small partial
 * decode on every PNG; callers ask for it only when the file carries no other metadata.
 */
export async function readStealthPayload(png: Uint8Array, options: { rgbToo: boolean }): Promise<StealthPayload | null> {
  if (png.length < PNG_IHDR_END) return null;
  const ihdr = new DataView(png.buffer, png.byteOffset + PNG_IHDR_DATA_OFFSET, PNG_IHDR_END - PNG_IHDR_DATA_OFFSET);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  const bitDepth = ihdr.getUint8(8);
  const hasAlpha = PNG_COLOR_TYPES_WITH_ALPHA.has(ihdr.getUint8(9));
  // Writers hide the bits in 8-bit samples; other depths cannot carry the format.
  if (bitDepth !== 8 || width === 0 || height === 0) return null;
  const modes: StealthMode[] = [];
  if (hasAlpha) modes.push('alpha');
  if (options.rgbToo) modes.push('rgb');
  if (modes.length === 0) return null;

  const probeHeight = Math.min(height, SIGNATURE_BITS);
  const probeWidth = Math.min(width, Math.ceil(SIGNATURE_BITS / probeHeight));
  const probe = await sharp(png, { limitInputPixels: MAX_INPUT_PIXELS })
    .extract({ left: 0, top: 0, width: probeWidth, height: probeHeight })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const probed: Pixels = { data: probe.data, width: probe.info.width, height: probe.info.height, channels: probe.info.channels };
  for (const mode of modes) {
    const signature = readBytes(bitsOf(probed, mode), SIGNATURE_BYTES);
    const kind = signature ? SIGNATURES[Buffer.from(signature).toString('latin1')] : undefined;
    if (!kind || kind.mode !== mode) continue;
    const full = await sharp(png, { limitInputPixels: MAX_INPUT_PIXELS }).raw().toBuffer({ resolveWithObject: true });
    return decodePayload({ data: full.data, width: full.info.width, height: full.info.height, channels: full.info.channels }, mode, kind.compressed);
  }
  return null;
}

function decodePayload(pixels: Pixels, mode: StealthMode, compressed: boolean): StealthPayload {
  const bits = bitsOf(pixels, mode);
  for (let i = 0; i < SIGNATURE_BITS; i++) bits.next();
  let lengthBits = 0;
  for (let i = 0; i < LENGTH_BITS; i++) {
    const bit = bits.next();
    if (bit.done) return { mode, text: null, error: 'the image ends inside the stealth payload length' };
    lengthBits = lengthBits * 2 + bit.value;
  }
  const length = Math.floor(lengthBits / 8);
  if (length === 0 || length > MAX_STEALTH_PAYLOAD_BYTES) return { mode, text: null, error: `implausible stealth payload length (${length} bytes)` };
  const payload = readBytes(bits, length);
  if (!payload) return { mode, text: null, error: 'the image ends inside the stealth payload' };
  try {
    const bytes = compressed ? gunzipSync(payload, { maxOutputLength: MAX_STEALTH_PAYLOAD_BYTES }) : Buffer.from(payload);
    return { mode, text: new TextDecoder('utf-8').decode(bytes), error: null };
  } catch (error) {
    return { mode, text: null, error: `the stealth payload does not decompress (${error instanceof Error ? error.message : String(error)})` };
  }
}

/** The hidden bits in reading order: column by column, top to bottom. */
function* bitsOf(pixels: Pixels, mode: StealthMode): Generator<number, void, undefined> {
  const { data, width, height, channels } = pixels;
  const alpha = channels === 2 || channels === 4 ? channels - 1 : -1;
  if (mode === 'alpha' && alpha < 0) return;
  if (mode === 'rgb' && channels < 3) return;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const at = (y * width + x) * channels;
      if (mode === 'alpha') yield data[at + alpha]! & 1;
      else {
        yield data[at]! & 1;
        yield data[at + 1]! & 1;
        yield data[at + 2]! & 1;
      }
    }
  }
}

function readBytes(bits: Generator<number, void, undefined>, count: number): Uint8Array | null {
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    let byte = 0;
    for (let b = 0; b < 8; b++) {
      const bit = bits.next();
      if (bit.done) return null;
      byte = (byte << 1) | bit.value;
    }
    out[i] = byte;
  }
  return out;
}
