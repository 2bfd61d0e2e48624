import { crc32, deflateSync, inflateSync } from 'node:zlib';

/**
 * PNG text chunks (tEXt, zTXt, iTXt) read and written at the chunk level: pixels are never decoded or
 * re-encoded, so embedding a recipe into a provider's PNG is lossless and fast. The reader is strict
 * (signature, chunk CRCs, lengths) because it is also the first thing to touch images imported from
 * other tools, which may be truncated or hostile.
 */

export type PngTextKind = 'tEXt' | 'iTXt' | 'zTXt';

export interface PngTextChunk {
  keyword: string;
  text: string;
  kind: PngTextKind;
  /** iTXt only: RFC 3066 language tag ('' when not given). */
  languageTag?: string;
  /** iTXt only: the keyword translated into the language ('' when not given). */
  translatedKeyword?: string;
}

export interface PngTextInput {
  keyword: string;
  text: string;
  /** 'auto' (default): tEXt when the text is Latin-1, iTXt (UTF-8) otherwise — what PIL, and so A1111, does. */
  kind?: 'auto' | 'tEXt' | 'iTXt';
  /** iTXt only: deflate the text. Worth it for large JSON such as workflows. */
  compress?: boolean;
}

export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** The PNG spec caps a chunk's length at 2^31 - 1. */
const MAX_CHUNK_LENGTH = 0x7fff_ffff;
/** Decompressed zTXt/iTXt text cap: ComfyUI workflows run to a few MB; anything far larger is a zip bomb. */
export const MAX_INFLATED_TEXT_BYTES = 32 * 1024 * 1024;
/** Text we agree to embed: a recipe or a workflow, never a payload. */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;
const MAX_KEYWORD_BYTES = 79;
const CHUNK_OVERHEAD = 12; // length + type + CRC

interface RawChunk {
  type: string;
  /** Offset of the chunk's length field in the file. */
  start: number;
  /** Offset just past the chunk's CRC. */
  end: number;
  data: Uint8Array;
}

/** Reads every text chunk, in file order. Throws an Error naming the defect on a malformed PNG. */
export function readPngTextChunks(bytes: Uint8Array): PngTextChunk[] {
  const chunks: PngTextChunk[] = [];
  for (const chunk of walkPngChunks(bytes)) {
    if (chunk.type === 'tEXt') chunks.push(decodeTEXt(chunk.data));
    else if (chunk.type === 'zTXt') chunks.push(decodeZTXt(chunk.data));
    else if (chunk.type === 'iTXt') chunks.push(decodeITXt(chunk.data));
  }
  return chunks;
}

/**
 * Returns a new PNG with the given text chunks right after IHDR. Existing text chunks with the same
 * keywords are dropped so a file never carries two conflicting `parameters` (readers disagree on
 * which one wins). Everything else is copied byte for byte.
 */
export function insertPngTextChunks(bytes: Uint8Array, inputs: readonly PngTextInput[]): Uint8Array {
  return embedPngText(bytes, () => inputs);
}

/**
 * `insertPngTextChunks` when what to write depends on what the file already says: `choose` gets the
 * keywords of the file's text chunks and returns the chunks to insert. ONE walk of the file: the
 * structure (signature, IHDR first, lengths, IEND) is checked throughout, but only the text chunks —
 * the ones whose content is read — have their CRC checked here, and only the new chunks get a CRC
 * computed. The image data is copied byte for byte and is checked by the decoder that reads it (the
 * store decodes every image before embedding), so CRC'ing megabytes of IDAT twice per image bought
 * nothing.
 */
export function embedPngText(bytes: Uint8Array, choose: (existingKeywords: ReadonlySet<string>) => readonly PngTextInput[]): Uint8Array {
  return Buffer.concat(embedPngTextParts(bytes, choose));
}

/** `embedPngText` as the pieces of the new file in order (views into `bytes` and the new chunks), not copied into one buffer. */
export function embedPngTextParts(bytes: Uint8Array, choose: (existingKeywords: ReadonlySet<string>) => readonly PngTextInput[]): Uint8Array[] {
  const chunks = walkPngChunks(bytes, isTextType);
  const existing = new Set(chunks.filter((chunk) => isTextType(chunk.type)).map((chunk) => textChunkKeyword(chunk.data)));
  const inputs = choose(existing);
  const replaced = new Set(inputs.map((input) => input.keyword));
  const encoded = inputs.map(encodeTextChunk);
  const kept = chunks.filter((chunk) => !(isTextType(chunk.type) && replaced.has(textChunkKeyword(chunk.data))));
  const ihdr = kept[0]!;
  const rest = kept.slice(1);
  return [PNG_SIGNATURE, bytes.subarray(ihdr.start, ihdr.end), ...encoded, ...contiguous(bytes, rest)];
}

/** The kept chunks as few views as possible: runs of adjacent chunks (all the IDATs, usually) become one. */
function contiguous(bytes: Uint8Array, chunks: readonly RawChunk[]): Uint8Array[] {
  const views: Uint8Array[] = [];
  let start = -1;
  let end = -1;
  for (const chunk of chunks) {
    if (chunk.start === end) {
      end = chunk.end;
      continue;
    }
    if (start >= 0) views.push(bytes.subarray(start, end));
    start = chunk.start;
    end = chunk.end;
  }
  if (start >= 0) views.push(bytes.subarray(start, end));
  return views;
}

/**
 * Walks and validates the chunk structure: signature, IHDR first, lengths, IEND present, and the CRC of
 * every chunk whose type `checkCrc` accepts (all of them unless told otherwise).
 */
function walkPngChunks(bytes: Uint8Array, checkCrc: (type: string) => boolean = () => true): RawChunk[] {
  if (bytes.length < PNG_SIGNATURE.length || !PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    throw new Error('Not a PNG file: the 8-byte PNG signature is missing.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: RawChunk[] = [];
  let offset = PNG_SIGNATURE.length;
  for (;;) {
    if (offset + CHUNK_OVERHEAD > bytes.length) {
      throw new Error(`Truncated PNG: the file ends at byte ${bytes.length} before the IEND chunk.`);
    }
    const chunk = readChunkAt(bytes, view, offset, checkCrc);
    if (chunks.length === 0 && chunk.type !== 'IHDR') {
      throw new Error(`Corrupt PNG: the first chunk is '${chunk.type}', expected IHDR.`);
    }
    chunks.push(chunk);
    if (chunk.type === 'IEND') return chunks; // bytes after IEND are ignored, as every decoder does
    offset = chunk.end;
  }
}

function readChunkAt(bytes: Uint8Array, view: DataView, start: number, checkCrc: (type: string) => boolean): RawChunk {
  const length = view.getUint32(start);
  const type = String.fromCharCode(bytes[start + 4]!, bytes[start + 5]!, bytes[start + 6]!, bytes[start + 7]!);
  if (!/^[A-Za-z]{4}$/.test(type)) {
    throw new Error(`Corrupt PNG: invalid chunk type at byte ${start + 4}.`);
  }
  if (length > MAX_CHUNK_LENGTH || start + CHUNK_OVERHEAD + length > bytes.length) {
    throw new Error(`Corrupt or truncated PNG: chunk '${type}' at byte ${start} claims ${length} bytes, more than the file holds.`);
  }
  const dataStart = start + 8;
  const dataEnd = dataStart + length;
  if (checkCrc(type) && view.getUint32(dataEnd) !== crc32(bytes.subarray(start + 4, dataEnd))) {
    throw new Error(`Corrupt PNG: CRC mismatch in chunk '${type}' at byte ${start}.`);
  }
  return { type, start, end: dataEnd + 4, data: bytes.subarray(dataStart, dataEnd) };
}

function isTextType(type: string): boolean {
  return type === 'tEXt' || type === 'zTXt' || type === 'iTXt';
}

// ---- decoding -------------------------------------------------------------------------------------

/** Splits `keyword\0rest`; the keyword is Latin-1 in all three text chunk types. */
function splitKeyword(data: Uint8Array, type: string): { keyword: string; rest: Uint8Array } {
  const nul = data.indexOf(0);
  if (nul < 1 || nul > MAX_KEYWORD_BYTES) {
    throw new Error(`Corrupt PNG: ${type} chunk has no valid keyword (1-${MAX_KEYWORD_BYTES} bytes, NUL-terminated).`);
  }
  return { keyword: Buffer.from(data.subarray(0, nul)).toString('latin1'), rest: data.subarray(nul + 1) };
}

function textChunkKeyword(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return nul < 1 ? '' : Buffer.from(data.subarray(0, nul)).toString('latin1');
}

function decodeTEXt(data: Uint8Array): PngTextChunk {
  const { keyword, rest } = splitKeyword(data, 'tEXt');
  return { keyword, text: Buffer.from(rest).toString('latin1'), kind: 'tEXt' };
}

function decodeZTXt(data: Uint8Array): PngTextChunk {
  const { keyword, rest } = splitKeyword(data, 'zTXt');
  if (rest.length < 1 || rest[0] !== 0) {
    throw new Error(`Corrupt PNG: zTXt chunk '${keyword}' uses an unknown compression method.`);
  }
  return { keyword, text: inflateText(rest.subarray(1), keyword).toString('latin1'), kind: 'zTXt' };
}

function decodeITXt(data: Uint8Array): PngTextChunk {
  const { keyword, rest } = splitKeyword(data, 'iTXt');
  if (rest.length < 2) throw new Error(`Corrupt PNG: iTXt chunk '${keyword}' is truncated.`);
  const compressed = rest[0];
  const method = rest[1];
  if ((compressed !== 0 && compressed !== 1) || method !== 0) {
    throw new Error(`Corrupt PNG: iTXt chunk '${keyword}' has an invalid compression flag or method.`);
  }
  const afterFlags = rest.subarray(2);
  const langEnd = afterFlags.indexOf(0);
  const transEnd = langEnd < 0 ? -1 : afterFlags.indexOf(0, langEnd + 1);
  if (langEnd < 0 || transEnd < 0) {
    throw new Error(`Corrupt PNG: iTXt chunk '${keyword}' lacks its language tag or translated keyword.`);
  }
  const body = afterFlags.subarray(transEnd + 1);
  const textBytes = compressed === 1 ? inflateText(body, keyword) : Buffer.from(body);
  return {
    keyword,
    text: decodeUtf8(textBytes, keyword),
    kind: 'iTXt',
    languageTag: Buffer.from(afterFlags.subarray(0, langEnd)).toString('latin1'),
    translatedKeyword: decodeUtf8(afterFlags.subarray(langEnd + 1, transEnd), keyword),
  };
}

function inflateText(data: Uint8Array, keyword: string): Buffer {
  try {
    return inflateSync(data, { maxOutputLength: MAX_INFLATED_TEXT_BYTES });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Corrupt PNG: compressed text of chunk '${keyword}' cannot be inflated (${reason}).`, { cause: error });
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(data: Uint8Array, keyword: string): string {
  try {
    return utf8.decode(data);
  } catch (error) {
    throw new Error(`Corrupt PNG: iTXt chunk '${keyword}' is not valid UTF-8.`, { cause: error });
  }
}

// ---- encoding -------------------------------------------------------------------------------------

/** Latin-1 printable, no leading, trailing or double spaces: the PNG spec's keyword rule. */
function assertValidKeyword(keyword: string): void {
  const ok =
    keyword.length >= 1 &&
    keyword.length <= MAX_KEYWORD_BYTES &&
    /^[\x20-\x7e\xa1-\xff]+$/.test(keyword) &&
    !keyword.startsWith(' ') &&
    !keyword.endsWith(' ') &&
    !keyword.includes('  ');
  if (!ok) throw new Error(`Invalid PNG text keyword ${JSON.stringify(keyword)}: 1-79 printable Latin-1 characters, single inner spaces only.`);
}

function isLatin1(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\xff]*$/.test(text);
}

function encodeTextChunk(input: PngTextInput): Uint8Array {
  assertValidKeyword(input.keyword);
  const kind = input.kind ?? 'auto';
  const useTEXt = kind === 'tEXt' || (kind === 'auto' && !input.compress && isLatin1(input.text));
  if (kind === 'tEXt' && !isLatin1(input.text)) {
    throw new Error(`PNG text '${input.keyword}' is not Latin-1 and cannot go in a tEXt chunk; use iTXt.`);
  }
  const keyword = Buffer.from(input.keyword, 'latin1');
  const text = Buffer.from(input.text, useTEXt ? 'latin1' : 'utf8');
  if (text.length > MAX_TEXT_BYTES) {
    throw new Error(`PNG text '${input.keyword}' is ${text.length} bytes, over the ${MAX_TEXT_BYTES}-byte limit.`);
  }
  if (useTEXt) return buildChunk('tEXt', Buffer.concat([keyword, Uint8Array.of(0), text]));
  const body = input.compress ? deflateSync(text) : text;
  // keyword NUL, compression flag, method 0, empty language tag NUL, empty translated keyword NUL, text
  const header = Uint8Array.of(0, input.compress ? 1 : 0, 0, 0, 0);
  return buildChunk('iTXt', Buffer.concat([keyword, header, body]));
}

function buildChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = Buffer.alloc(CHUNK_OVERHEAD + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}
