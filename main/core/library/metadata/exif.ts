import type { ExifText } from './types';

/**
 * Reads the EXIF text fields image generators write to, from a TIFF structure (the payload of a JPEG
 * APP1 `Exif` segment, a WebP `EXIF` chunk or a PNG `eXIf` chunk). Only IFD0 and the Exif IFD are
 * visited; every offset is bounds-checked because imported files may be truncated or hostile.
 *
 * Who writes what:
 * - A1111/Forge/SD.Next (piexif) and Civitai: UserComment = `UNICODE\0` + UTF-16 text. piexif writes
 *   UTF-16BE even inside a little-endian TIFF, SwarmUI writes UTF-16LE: the byte order of the text is
 *   detected from the text itself, not taken from the TIFF header.
 * - NovelAI WebP: UserComment = `ASCII\0\0\0` + JSON.
 * - ComfyUI SaveImagePlus: UserComment with no charset header at all, just UTF-8 JSON.
 * - ComfyUI WebP / Save Image Extended: `Workflow: {...}` / `Prompt: {...}` in ImageDescription, Make, Model.
 */

const TAG = {
  imageDescription: 0x010e,
  make: 0x010f,
  model: 0x0110,
  software: 0x0131,
  artist: 0x013b,
  exifIfd: 0x8769,
  xpComment: 0x9c9c,
  userComment: 0x9286,
} as const;

/** Bytes per value of each TIFF field type (1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, 7 UNDEFINED...). */
const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };
/** A real IFD has a few dozen entries; more means we are reading garbage. */
const MAX_IFD_ENTRIES = 1_000;
const TIFF_MAGIC = 42;
const CHARSET_HEADER_BYTES = 8;
const EXIF_PREFIX = 'Exif\0\0';

interface Reader {
  u16(at: number): number;
  u32(at: number): number;
  littleEndian: boolean;
}

/** Decoded text fields, or throws an Error naming the defect when the TIFF header itself is broken. */
export function readExifText(input: Uint8Array): ExifText {
  // Some writers keep the JPEG `Exif\0\0` prefix inside WebP/PNG chunks; TIFF starts after it.
  const tiff = startsWithAscii(input, 0, EXIF_PREFIX) ? input.subarray(EXIF_PREFIX.length) : input;
  if (tiff.length < 8) throw new Error('EXIF block is too short for a TIFF header.');
  const order = String.fromCharCode(tiff[0]!, tiff[1]!);
  if (order !== 'II' && order !== 'MM') throw new Error('EXIF block does not start with a TIFF byte-order mark (II or MM).');
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const littleEndian = order === 'II';
  const reader: Reader = { u16: (at) => view.getUint16(at, littleEndian), u32: (at) => view.getUint32(at, littleEndian), littleEndian };
  if (reader.u16(2) !== TIFF_MAGIC) throw new Error('EXIF block has a bad TIFF magic number.');

  const result: ExifText = {};
  const ifd0 = readIfd(tiff, reader, reader.u32(4));
  const ascii = (tag: number): string | undefined => {
    const raw = ifd0.get(tag);
    return raw ? decodeAscii(raw) : undefined;
  };
  assign(result, 'imageDescription', ascii(TAG.imageDescription));
  assign(result, 'make', ascii(TAG.make));
  assign(result, 'model', ascii(TAG.model));
  assign(result, 'software', ascii(TAG.software));
  assign(result, 'artist', ascii(TAG.artist));
  const xp = ifd0.get(TAG.xpComment);
  if (xp) assign(result, 'xpComment', stripNuls(decodeUtf16(xp, true)));

  const exifPointer = ifd0.get(TAG.exifIfd);
  const exif = exifPointer && exifPointer.length >= 4 ? readIfd(tiff, reader, new DataView(exifPointer.buffer, exifPointer.byteOffset, 4).getUint32(0, littleEndian)) : null;
  // UserComment belongs in the Exif IFD; ComfyUI SaveImagePlus puts it straight into IFD0.
  const comment = exif?.get(TAG.userComment) ?? ifd0.get(TAG.userComment);
  if (comment) assign(result, 'userComment', decodeUserComment(comment, littleEndian));
  return result;
}

function assign(target: ExifText, key: keyof ExifText, value: string | undefined): void {
  if (value !== undefined && value !== '') target[key] = value;
}

/** The raw value bytes of every entry of the IFD at `offset` (empty when the IFD is out of bounds). */
function readIfd(tiff: Uint8Array, reader: Reader, offset: number): Map<number, Uint8Array> {
  const values = new Map<number, Uint8Array>();
  if (offset < 8 || offset + 2 > tiff.length) return values;
  const count = reader.u16(offset);
  if (count > MAX_IFD_ENTRIES) return values;
  for (let i = 0; i < count; i++) {
    const entry = offset + 2 + i * 12;
    if (entry + 12 > tiff.length) break;
    const tag = reader.u16(entry);
    const size = TYPE_SIZES[reader.u16(entry + 2)];
    if (size === undefined) continue;
    const length = size * reader.u32(entry + 4);
    const start = length <= 4 ? entry + 8 : reader.u32(entry + 8);
    if (!Number.isSafeInteger(length) || start + length > tiff.length) continue; // points outside the block: skip the field
    if (!values.has(tag)) values.set(tag, tiff.subarray(start, start + length));
  }
  return values;
}

const utf8 = new TextDecoder('utf-8');

/** TIFF ASCII fields are NUL-terminated; ComfyUI and others put UTF-8 in them, so decode as UTF-8. */
function decodeAscii(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return utf8.decode(nul >= 0 ? bytes.subarray(0, nul) : bytes);
}

/**
 * UserComment: an 8-byte charset id, then the text. Without a known id (ComfyUI SaveImagePlus) the
 * whole field is taken as UTF-8.
 */
export function decodeUserComment(bytes: Uint8Array, tiffLittleEndian: boolean): string {
  const header = bytes.length >= CHARSET_HEADER_BYTES ? String.fromCharCode(...bytes.subarray(0, CHARSET_HEADER_BYTES)) : '';
  const body = bytes.subarray(CHARSET_HEADER_BYTES);
  if (header === 'UNICODE\0') return stripNuls(decodeUtf16(body, tiffLittleEndian));
  if (header === 'ASCII\0\0\0' || header === '\0\0\0\0\0\0\0\0') return stripNuls(utf8.decode(body));
  if (header.startsWith('JIS')) return stripNuls(decodeJis(body));
  return stripNuls(utf8.decode(bytes));
}

/**
 * UTF-16 of unknown byte order: a BOM decides; otherwise the side the zero bytes fall on (Latin text has
 * a zero high byte); otherwise the TIFF byte order.
 */
export function decodeUtf16(bytes: Uint8Array, fallbackLittleEndian: boolean): string {
  let body = bytes.length % 2 === 0 ? bytes : bytes.subarray(0, bytes.length - 1);
  let littleEndian = fallbackLittleEndian;
  if (body[0] === 0xfe && body[1] === 0xff) {
    littleEndian = false;
    body = body.subarray(2);
  } else if (body[0] === 0xff && body[1] === 0xfe) {
    littleEndian = true;
    body = body.subarray(2);
  } else {
    let zeroEven = 0;
    let zeroOdd = 0;
    for (let i = 0; i < body.length; i += 2) {
      if (body[i] === 0) zeroEven++;
      if (body[i + 1] === 0) zeroOdd++;
    }
    if (zeroEven !== zeroOdd) littleEndian = zeroOdd > zeroEven;
  }
  return new TextDecoder(littleEndian ? 'utf-16le' : 'utf-16be').decode(body);
}

/** JIS text via Shift_JIS when this Node has the full ICU data; UTF-8 otherwise (better than nothing). */
function decodeJis(body: Uint8Array): string {
  try {
    return new TextDecoder('shift_jis').decode(body);
  } catch {
    return utf8.decode(body);
  }
}

function stripNuls(value: string): string {
  return value.replace(/\0+$/, '');
}

function startsWithAscii(bytes: Uint8Array, at: number, ascii: string): boolean {
  for (let i = 0; i < ascii.length; i++) if (bytes[at + i] !== ascii.charCodeAt(i)) return false;
  return true;
}
