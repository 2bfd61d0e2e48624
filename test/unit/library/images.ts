import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Test images made with real sharp; small and deterministic. */

export async function solidPng(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 40, b: 90 } } }).png().toBuffer();
}

/** A PNG with structure (a gradient and a square), so perceptual hashes are meaningful. */
export async function patternPng(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g"><stop offset="0" stop-color="#103060"/><stop offset="1" stop-color="#f0c040"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/><rect x="${width / 4}" y="${height / 4}" width="${width / 3}" height="${height / 3}" fill="#e02020"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export function pngChunk(type: string, data: Uint8Array): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/** Inserts raw chunks right after IHDR (signature 8 + IHDR 25 bytes). */
export function withRawChunksAfterIhdr(png: Buffer, chunks: Buffer[]): Buffer {
  const ihdrEnd = 8 + 25;
  return Buffer.concat([png.subarray(0, ihdrEnd), ...chunks, png.subarray(ihdrEnd)]);
}

/** Reads EXIF UserComment from a JPEG (APP1 Exif → IFD0 → Exif IFD → 0x9286), either byte order. */
export function readJpegUserComment(jpeg: Uint8Array): string | null {
  const buf = Buffer.from(jpeg);
  let offset = 2;
  while (offset + 4 <= buf.length && buf[offset] === 0xff) {
    const marker = buf[offset + 1]!;
    if (marker === 0xda || marker === 0xd9) return null;
    const length = buf.readUInt16BE(offset + 2);
    if (marker === 0xe1 && buf.subarray(offset + 4, offset + 10).toString('latin1') === 'Exif\0\0') {
      return userCommentFromTiff(buf.subarray(offset + 10, offset + 2 + length));
    }
    offset += 2 + length;
  }
  return null;
}

function userCommentFromTiff(tiff: Buffer): string | null {
  const le = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number): number => (le ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number): number => (le ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const findTag = (ifd: number, tag: number): number | null => {
    for (let i = 0; i < u16(ifd); i++) if (u16(ifd + 2 + i * 12) === tag) return ifd + 2 + i * 12;
    return null;
  };
  const pointer = findTag(u32(4), 0x8769);
  if (pointer === null) return null;
  const entry = findTag(u32(pointer + 8), 0x9286);
  if (entry === null) return null;
  const data = tiff.subarray(u32(entry + 8), u32(entry + 8) + u32(entry + 4));
  const charset = data.toString('latin1', 0, 8);
  const body = Buffer.from(data.subarray(8));
  if (charset === 'UNICODE\0') return (le ? body : body.swap16()).toString('utf16le');
  return body.toString('latin1');
}
