import { pngChunk } from '../images';

/**
 * Test builders for the containers metadata hides in: a TIFF/EXIF block with chosen fields and byte
 * order, a JPEG with segments, a WebP RIFF file with chunks, PNG text chunks. Written from the
 * TIFF 6.0 / EXIF 2.32 layouts, independently of the reader under test.
 */

export interface TiffField {
  tag: number;
  /** 2 ASCII, 7 UNDEFINED, 1 BYTE. */
  type: 1 | 2 | 7;
  value: Uint8Array;
}

export const TAGS = { imageDescription: 0x010e, make: 0x010f, model: 0x0110, software: 0x0131, userComment: 0x9286, xpComment: 0x9c9c } as const;

export function ascii(text: string): TiffField['value'] {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.of(0)]);
}

/** UserComment with an 8-byte charset header and the text encoded to match. */
export function userComment(text: string, charset: 'UNICODE-BE' | 'UNICODE-LE' | 'ASCII' | 'none'): Uint8Array {
  if (charset === 'none') return Buffer.from(text, 'utf8');
  if (charset === 'ASCII') return Buffer.concat([Buffer.from('ASCII\0\0\0', 'latin1'), Buffer.from(text, 'utf8')]);
  const le = Buffer.from(text, 'utf16le');
  return Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), charset === 'UNICODE-LE' ? le : Buffer.from(le).swap16()]);
}

/** TIFF with IFD0 fields and, when given, an Exif IFD (pointer 0x8769) holding `exif` fields. */
export function buildTiff(order: 'II' | 'MM', ifd0: TiffField[], exif: TiffField[] = []): Buffer {
  const le = order === 'II';
  const u16 = (n: number) => {
    const b = Buffer.alloc(2);
    if (le) b.writeUInt16LE(n);
    else b.writeUInt16BE(n);
    return b;
  };
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    if (le) b.writeUInt32LE(n);
    else b.writeUInt32BE(n);
    return b;
  };
  const ifd0Entries = exif.length > 0 ? ifd0.length + 1 : ifd0.length;
  const ifd0Size = 2 + ifd0Entries * 12 + 4;
  const exifOffset = 8 + ifd0Size;
  const exifSize = exif.length > 0 ? 2 + exif.length * 12 + 4 : 0;
  let dataOffset = exifOffset + exifSize;
  const data: Buffer[] = [];
  const entry = (field: TiffField): Buffer => {
    const count = field.value.length;
    if (count <= 4) return Buffer.concat([u16(field.tag), u16(field.type), u32(count), Buffer.concat([Buffer.from(field.value), Buffer.alloc(4 - count)])]);
    const at = dataOffset;
    data.push(Buffer.from(field.value));
    dataOffset += count;
    return Buffer.concat([u16(field.tag), u16(field.type), u32(count), u32(at)]);
  };
  const ifd0Parts = [u16(ifd0Entries), ...ifd0.map(entry)];
  if (exif.length > 0) ifd0Parts.push(Buffer.concat([u16(0x8769), u16(4), u32(1), u32(exifOffset)]));
  ifd0Parts.push(u32(0));
  const exifParts = exif.length > 0 ? [u16(exif.length), ...exif.map(entry), u32(0)] : [];
  return Buffer.concat([Buffer.from(order, 'latin1'), u16(42), u32(8), ...ifd0Parts, ...exifParts, ...data]);
}

/** A minimal JPEG: SOI, JFIF APP0, the given segments, then SOS and EOI (no real image data). */
export function jpegWith(segments: Array<{ marker: number; payload: Uint8Array }>): Buffer {
  const seg = (marker: number, payload: Uint8Array) => {
    const head = Buffer.alloc(4);
    head.writeUInt16BE(0xff00 | marker, 0);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  };
  const jfif = Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  return Buffer.concat([Buffer.of(0xff, 0xd8), seg(0xe0, jfif), ...segments.map((s) => seg(s.marker, s.payload)), seg(0xda, Buffer.of(1, 1, 0, 0, 0x3f, 0)), Buffer.of(0xff, 0xd9)]);
}

export function exifSegment(tiff: Uint8Array): { marker: number; payload: Uint8Array } {
  return { marker: 0xe1, payload: Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]) };
}

/** A WebP RIFF container with the given chunks (the image chunk is a stub: only the container is read). */
export function webpWith(chunks: Array<{ fourcc: string; data: Uint8Array }>): Buffer {
  const body = Buffer.concat(
    chunks.map(({ fourcc, data }) => {
      const head = Buffer.alloc(8);
      head.write(fourcc, 0, 'latin1');
      head.writeUInt32LE(data.length, 4);
      return Buffer.concat([head, data, data.length % 2 ? Buffer.of(0) : Buffer.alloc(0)]);
    }),
  );
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}

/** tEXt chunk (Latin-1), for PNGs built with ../images.ts. */
export function textChunk(keyword: string, text: string): Buffer {
  return pngChunk('tEXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.of(0), Buffer.from(text, 'latin1')]));
}
