import type { ImageFormat } from '../image-pipeline';
import { PNG_SIGNATURE, readPngTextChunks } from '../png-text';
import { readExifText } from './exif';
import type { ExifText, MetadataSources } from './types';

/**
 * Pulls every text carrier out of an image container without decoding pixels: PNG text chunks and
 * `eXIf`, JPEG APP1 Exif/XMP and COM segments, WebP `EXIF`/`XMP ` chunks. A broken container
 * (truncated, bad CRC, segment overrunning the file) throws an Error naming the defect; a broken
 * EXIF block inside a sound container only adds a warning.
 */

export interface ReadSources {
  sources: MetadataSources;
  warnings: string[];
}

const XMP_PNG_KEYWORD = 'XML:com.adobe.xmp';
const JPEG_EXIF_ID = 'Exif\0\0';
const JPEG_XMP_ID = 'http://ns.adobe.com/xap/1.0/\0';
const JPEG = { soi: 0xd8, sos: 0xda, eoi: 0xd9, app1: 0xe1, com: 0xfe } as const;
/** Length, type and CRC around every PNG chunk's data; the spec caps a chunk's length at 2^31 - 1. */
const PNG_CHUNK_OVERHEAD = 12;
const MAX_PNG_CHUNK_LENGTH = 0x7fff_ffff;
const RIFF_HEADER_BYTES = 12;
const RIFF_CHUNK_HEADER_BYTES = 8;

export function readMetadataSources(bytes: Uint8Array, format: ImageFormat): ReadSources {
  const warnings: string[] = [];
  const sources: MetadataSources = { png: new Map(), exif: null, comment: null, xmp: null, stealth: null };
  const exifFrom = (block: Uint8Array | null, where: string): ExifText | null => {
    if (!block) return null;
    try {
      return readExifText(block);
    } catch (error) {
      warnings.push(`${where}: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  };

  if (format === 'png') {
    const { withoutImageData, exif } = walkPng(bytes);
    const png = new Map<string, string>();
    for (const chunk of readPngTextChunks(withoutImageData)) if (!png.has(chunk.keyword)) png.set(chunk.keyword, chunk.text);
    sources.png = png;
    sources.xmp = png.get(XMP_PNG_KEYWORD) ?? null;
    sources.exif = exifFrom(exif, 'PNG eXIf chunk');
  } else if (format === 'jpeg') {
    const jpeg = readJpegSegments(bytes);
    sources.exif = exifFrom(jpeg.exif, 'JPEG Exif segment');
    sources.comment = jpeg.comment;
    sources.xmp = jpeg.xmp;
  } else {
    const webp = readWebpChunks(bytes);
    sources.exif = exifFrom(webp.exif, 'WebP EXIF chunk');
    sources.xmp = webp.xmp;
  }
  return { sources, warnings };
}

/**
 * Checks the PNG's chunk structure (signature, IHDR first, every length inside the file, IEND reached)
 * and returns the file without its image data for the text-chunk reader, plus the `eXIf` chunk. The
 * image data is most of the file: leaving it out spares a CRC pass over megabytes per image, and the
 * decoder that reads it checks its CRCs anyway.
 */
export function walkPng(bytes: Uint8Array): { withoutImageData: Uint8Array; exif: Uint8Array | null } {
  if (bytes.length < PNG_SIGNATURE.length || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error('Not a PNG file: the 8-byte PNG signature is missing.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kept: Uint8Array[] = [bytes.subarray(0, PNG_SIGNATURE.length)];
  let exif: Uint8Array | null = null;
  let offset = PNG_SIGNATURE.length;
  for (let index = 0; ; index++) {
    if (offset + PNG_CHUNK_OVERHEAD > bytes.length) throw new Error(`Truncated PNG: the file ends at byte ${bytes.length} before the IEND chunk.`);
    const length = view.getUint32(offset);
    const type = latin1.decode(bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new Error(`Corrupt PNG: invalid chunk type at byte ${offset + 4}.`);
    if (index === 0 && type !== 'IHDR') throw new Error(`Corrupt PNG: the first chunk is '${type}', expected IHDR.`);
    const end = offset + PNG_CHUNK_OVERHEAD + length;
    if (length > MAX_PNG_CHUNK_LENGTH || end > bytes.length) {
      throw new Error(`Corrupt or truncated PNG: chunk '${type}' at byte ${offset} claims ${length} bytes, more than the file holds.`);
    }
    if (type !== 'IDAT') kept.push(bytes.subarray(offset, end));
    if (type === 'eXIf' && exif === null) exif = bytes.subarray(offset + 8, end - 4);
    if (type === 'IEND') return { withoutImageData: Buffer.concat(kept), exif };
    offset = end;
  }
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

/** Walks the marker segments before the image data (SOS). */
export function readJpegSegments(bytes: Uint8Array): { exif: Uint8Array | null; xmp: string | null; comment: string | null } {
  if (bytes[0] !== 0xff || bytes[1] !== JPEG.soi) throw new Error('Not a JPEG file: the SOI marker is missing.');
  let exif: Uint8Array | null = null;
  let xmp: string | null = null;
  const comments: string[] = [];
  let offset = 2;
  for (;;) {
    while (bytes[offset] === 0xff && bytes[offset + 1] === 0xff) offset++; // fill bytes
    if (offset + 4 > bytes.length) throw new Error(`Truncated JPEG: the file ends at byte ${bytes.length} before the image data.`);
    if (bytes[offset] !== 0xff) throw new Error(`Corrupt JPEG: no marker at byte ${offset}.`);
    const marker = bytes[offset + 1]!;
    if (marker === JPEG.sos || marker === JPEG.eoi) break;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // standalone markers carry no length
      continue;
    }
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) throw new Error(`Corrupt JPEG: segment 0xFF${marker.toString(16).toUpperCase()} at byte ${offset} overruns the file.`);
    const payload = bytes.subarray(offset + 4, end);
    if (marker === JPEG.app1 && exif === null && startsWith(payload, JPEG_EXIF_ID)) exif = payload.subarray(JPEG_EXIF_ID.length);
    else if (marker === JPEG.app1 && xmp === null && startsWith(payload, JPEG_XMP_ID)) xmp = utf8.decode(payload.subarray(JPEG_XMP_ID.length));
    else if (marker === JPEG.com) comments.push(decodeComment(payload));
    offset = end;
  }
  return { exif, xmp, comment: comments.length > 0 ? comments.join('\n') : null };
}

/** COM has no declared charset: UTF-8 when it is valid UTF-8 (GIMP writes UTF-8), else Latin-1. */
function decodeComment(payload: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(payload).replace(/\0+$/, '');
  } catch {
    return latin1.decode(payload).replace(/\0+$/, '');
  }
}

/** Walks the RIFF chunks of a WebP file. */
export function readWebpChunks(bytes: Uint8Array): { exif: Uint8Array | null; xmp: string | null } {
  if (bytes.length < RIFF_HEADER_BYTES || !startsWith(bytes, 'RIFF') || !startsWith(bytes.subarray(8), 'WEBP')) {
    throw new Error('Not a WebP file: the RIFF/WEBP header is missing.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const riffEnd = Math.min(bytes.length, 8 + view.getUint32(4, true));
  let exif: Uint8Array | null = null;
  let xmp: string | null = null;
  let offset = RIFF_HEADER_BYTES;
  while (offset + RIFF_CHUNK_HEADER_BYTES <= riffEnd) {
    const fourcc = latin1.decode(bytes.subarray(offset, offset + 4));
    const size = view.getUint32(offset + 4, true);
    const start = offset + RIFF_CHUNK_HEADER_BYTES;
    if (start + size > bytes.length) throw new Error(`Truncated WebP: chunk '${fourcc}' at byte ${offset} claims ${size} bytes, more than the file holds.`);
    const data = bytes.subarray(start, start + size);
    if (fourcc === 'EXIF' && exif === null) exif = data;
    else if (fourcc === 'XMP ' && xmp === null) xmp = utf8.decode(data);
    offset = start + size + (size % 2); // chunks are padded to an even length
  }
  return { exif, xmp };
}

function startsWith(bytes: Uint8Array, ascii: string): boolean {
  if (bytes.length < ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[i] !== ascii.charCodeAt(i)) return false;
  return true;
}
