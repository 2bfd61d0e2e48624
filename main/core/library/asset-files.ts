import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { prepareAtomicWrite, writeFileAtomicAsync } from '../fs/atomic-write';
import { formatInfotext } from './a1111-infotext';
import { analyzeImage, detectImageFormat, unrotatedPngSize, type ImageAnalysis, type ImageFormat } from './image-pipeline';
import type { LibraryPaths } from './layout';
import { embedPngTextParts, type PngTextInput } from './png-text';
import {
  APEX_CHUNK_KEYWORD,
  AssetProvenance,
  SIDECAR_VERSION,
  isNotFound,
  readSidecarFile,
  serializeSidecar,
  stableJson,
  type ApexEmbeddedMetadata,
  type AssetSidecar,
} from './sidecar';

/**
 * The file side of the asset store (DESIGN §5): content-addressed images, WebP thumbnails and JSON
 * sidecars under `assets/`. The database (written by the caller after `store` returns) is an index
 * over these files and can be rebuilt from the sidecars.
 *
 * Crash safety comes from the write order: image, then thumbnail, then sidecar, each atomic. A
 * sidecar therefore proves its image and thumbnail are complete; an image without a sidecar is a
 * leftover of an interrupted store that the next store of the same bytes (or `library check`) finishes.
 */

export interface StoredAssetFile {
  sha256: string;
  ext: string;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  /** Always set by `store`; null only for a reused sidecar written without one (imports). */
  phash: string | null;
  /** Library-relative, forward slashes (as stored in the database). */
  relPath: string;
  thumbRelPath: string;
  sidecarRelPath: string;
  created_at: number;
  /** True when these exact bytes were already stored and nothing was rewritten. */
  reused: boolean;
}

export interface ImageInput {
  bytes: Uint8Array;
  /** As declared by the provider; informational only — the format is detected from the bytes. */
  mime: string;
}

export interface StoreOptions {
  source?: 'generated' | 'imported';
}

export const IMAGE_EXTENSIONS: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };
const THUMBNAIL_EXT = 'webp';
const SHA_PATTERN = /^[0-9a-f]{64}$/;
const IMAGE_FILE = /^([0-9a-f]{64})\.(png|jpg|webp)$/;
const SIDECAR_FILE = /^([0-9a-f]{64})\.json$/;
/** Leftovers of writeFileAtomic: `.<name>.<random>.tmp`. */
const TEMP_FILE = /^\..+\.tmp$/;
/** A temp file younger than this may belong to a write in progress (another process, same library). */
export const DEFAULT_TEMP_MIN_AGE_MS = 60_000;
/** A1111 `parameters` keyword: the name every image tool looks for. */
const PARAMETERS_KEYWORD = 'parameters';

export class AssetFiles {
  /** Shard folders known to exist: each is made once, not checked with a mkdir for every file written. */
  private readonly folders = new Set<string>();

  constructor(
    private readonly paths: LibraryPaths,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Embeds the recipe, names the file by the SHA-256 of the final bytes, writes image → thumbnail → sidecar.
   * When the header gives the image's size (a PNG), the recipe is embedded, hashed and the image written
   * while libvips decodes it for the thumbnail, so the disk and the decoder work at the same time; if the
   * decode then fails, the image this call wrote is removed again.
   */
  async store(image: ImageInput, provenance: AssetProvenance, options: StoreOptions = {}): Promise<StoredAssetFile> {
    const checked = AssetProvenance.parse(provenance);
    const analyzing = analyzeImage(image.bytes);
    analyzing.catch(() => undefined); // awaited below on every path that gets there; a throw before must not leave it unhandled
    const early = detectImageFormat(image.bytes) === 'png' ? unrotatedPngSize(image.bytes) : null;
    if (early === null) await analyzing; // its failure is reported here, before anything is written
    const format: ImageFormat = early ? 'png' : (await analyzing).format;
    const size = early ?? (await analyzing);
    // The final file as parts (the provider's bytes and the new chunks): hashed and written without a copy.
    const finalParts = embedRecipe(image.bytes, format, size, checked);
    const hash = createHash('sha256');
    for (const part of finalParts) hash.update(part);
    const sha = hash.digest('hex');
    const finalSize = finalParts.reduce((sum, part) => sum + part.length, 0);
    const files = this.filesFor(sha, IMAGE_EXTENSIONS[format]);

    // An unreadable sidecar is rewritten below; new content (the usual case) has none to read.
    const existingRead = existsSync(files.sidecar) ? readSidecarFile(files.sidecar).catch(() => null) : Promise.resolve(null);
    const imageWrite = this.writeIfAbsent(files.image, finalParts);
    let analysis: ImageAnalysis;
    try {
      analysis = await analyzing;
    } catch (error) {
      // Not decodable: nothing of this image may stay (a file of ours without a sidecar would wait for `library check`).
      if (await imageWrite.catch(() => false)) await rm(files.image, { force: true });
      throw error;
    }
    const sidecar: AssetSidecar = {
      version: SIDECAR_VERSION,
      sha256: sha,
      file: this.rel(files.image),
      thumbnail: this.rel(files.thumbnail),
      mime: analysis.mime,
      width: analysis.width,
      height: analysis.height,
      bytes: finalSize,
      phash: analysis.phash,
      source: options.source ?? 'generated',
      created_at: this.now(),
      provenance: checked,
    };
    // Image, thumbnail and the sidecar's bytes are written side by side; the sidecar only takes its name
    // once image and thumbnail are durable, so a sidecar still proves both complete.
    const sidecarWrite = this.inFolder(files.sidecar, () => prepareAtomicWrite(files.sidecar, serializeSidecar(sidecar)));
    sidecarWrite.catch(() => undefined); // awaited on every path below; a failure while the others run must not go unhandled
    let existing: AssetSidecar | null;
    try {
      [existing] = await Promise.all([existingRead, imageWrite, this.writeIfAbsent(files.thumbnail, analysis.thumbnail)]);
    } catch (error) {
      await sidecarWrite.then((prepared) => prepared.discard()).catch(() => undefined);
      throw error;
    }
    if (existing && existing.sha256 === sha) {
      await (await sidecarWrite).discard();
      return this.recordFrom(existing, true);
    }
    await (await sidecarWrite).commit();
    return this.recordFrom(sidecar, false);
  }

  /** The sidecar of `sha`, or null when there is none. Throws when it exists but is invalid. */
  async readSidecar(sha: string): Promise<AssetSidecar | null> {
    assertSha(sha);
    return readSidecarFile(this.filesFor(sha, '').sidecar);
  }

  async listSidecarShas(): Promise<string[]> {
    const shas: string[] = [];
    for (const { shard, name } of await listShardedFiles(this.paths.metadata)) {
      const match = SIDECAR_FILE.exec(name);
      if (match && match[1]!.startsWith(shard)) shas.push(match[1]!);
    }
    return shas;
  }

  async listImageFiles(): Promise<Array<{ sha: string; relPath: string }>> {
    const images: Array<{ sha: string; relPath: string }> = [];
    for (const { shard, name } of await listShardedFiles(this.paths.images)) {
      const match = IMAGE_FILE.exec(name);
      if (match && match[1]!.startsWith(shard)) images.push({ sha: match[1]!, relPath: this.rel(join(this.paths.images, shard, name)) });
    }
    return images;
  }

  /** Removes sidecar first (so a sidecar never outlives its image), then thumbnail, then image. */
  async removeAssetFiles(sha: string): Promise<void> {
    assertSha(sha);
    const files = this.filesFor(sha, '');
    await rm(files.sidecar, { force: true });
    await rm(files.thumbnail, { force: true });
    const shardDir = dirname(files.image);
    for (const name of await readdirOrEmpty(shardDir)) {
      if (IMAGE_FILE.exec(name)?.[1] === sha) await rm(join(shardDir, name), { force: true });
    }
  }

  /** Deletes `.*.tmp` leftovers of interrupted atomic writes under assets/; returns how many. */
  async cleanTempFiles(minAgeMs: number = DEFAULT_TEMP_MIN_AGE_MS): Promise<number> {
    const cutoff = this.now() - minAgeMs;
    let removed = 0;
    for (const root of [this.paths.images, this.paths.thumbnails, this.paths.metadata]) {
      const candidates = [...(await readdirOrEmpty(root)).map((name) => join(root, name)), ...(await listShardedFiles(root)).map((f) => join(root, f.shard, f.name))];
      for (const path of candidates) {
        if (!TEMP_FILE.test(basename(path))) continue;
        const info = await stat(path).catch(() => null);
        if (!info?.isFile() || info.mtimeMs > cutoff) continue;
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /** Absolute path of a library-relative path returned by `store`. */
  absolutePath(relPath: string): string {
    return join(this.paths.root, ...relPath.split('/'));
  }

  /** Writes the file unless it exists; true when this call wrote it. */
  private async writeIfAbsent(path: string, bytes: Uint8Array | readonly Uint8Array[]): Promise<boolean> {
    // Content-addressed: an existing file already holds these exact bytes (atomic writes never leave torn files).
    if (existsSync(path)) return false;
    await this.inFolder(path, () => writeFileAtomicAsync(path, bytes));
    return true;
  }

  /** Runs `write` once the folder of `path` exists; made again and written again if it went away behind our back. */
  private async inFolder<T>(path: string, write: () => Promise<T>): Promise<T> {
    const folder = dirname(path);
    if (!this.folders.has(folder)) await this.makeFolder(folder);
    try {
      return await write();
    } catch (error) {
      if (!isNotFound(error)) throw error;
      this.folders.delete(folder);
      await this.makeFolder(folder);
      return write();
    }
  }

  private async makeFolder(folder: string): Promise<void> {
    await mkdir(folder, { recursive: true });
    this.folders.add(folder);
  }

  private filesFor(sha: string, ext: string): { image: string; thumbnail: string; sidecar: string } {
    const shard = sha.slice(0, 2);
    return {
      image: join(this.paths.images, shard, `${sha}.${ext}`),
      thumbnail: join(this.paths.thumbnails, shard, `${sha}.${THUMBNAIL_EXT}`),
      sidecar: join(this.paths.metadata, shard, `${sha}.json`),
    };
  }

  private rel(absolute: string): string {
    return relative(this.paths.root, absolute).split(sep).join('/');
  }

  private recordFrom(sidecar: AssetSidecar, reused: boolean): StoredAssetFile {
    const files = this.filesFor(sidecar.sha256, '');
    return {
      sha256: sidecar.sha256,
      ext: sidecar.file.slice(sidecar.file.lastIndexOf('.') + 1),
      mime: sidecar.mime,
      width: sidecar.width,
      height: sidecar.height,
      bytes: sidecar.bytes,
      phash: sidecar.phash,
      relPath: sidecar.file,
      thumbRelPath: sidecar.thumbnail ?? this.rel(files.thumbnail),
      sidecarRelPath: this.rel(files.sidecar),
      created_at: sidecar.created_at,
      reused,
    };
  }
}

function assertSha(sha: string): void {
  // Also the path-traversal guard: only 64 hex characters ever become part of a path.
  if (!SHA_PATTERN.test(sha)) throw new Error(`Not a SHA-256 hex digest: ${JSON.stringify(sha.slice(0, 80))}`);
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw error;
  }
}

/** Files one level down in the two-hex-digit shard folders of `root`. */
async function listShardedFiles(root: string): Promise<Array<{ shard: string; name: string }>> {
  const files: Array<{ shard: string; name: string }> = [];
  for (const shard of await readdirOrEmpty(root)) {
    if (!/^[0-9a-f]{2}$/.test(shard)) continue;
    for (const name of await readdirOrEmpty(join(root, shard))) files.push({ shard, name });
  }
  return files;
}

// ---- the recipe embedded in the image ---------------------------------------------------------------

/** The A1111 `parameters` text for a provenance; Size is the real image size, not the requested one. */
export function infotextFor(provenance: AssetProvenance, width: number, height: number): string {
  const params = provenance.params;
  const extra: Record<string, string | number> = {};
  if (typeof params.aspect_ratio === 'string') extra['Aspect ratio'] = params.aspect_ratio;
  if (provenance.backend) extra.Backend = provenance.backend;
  extra.Generator = 'APEX Director';
  return formatInfotext({
    prompt: provenance.prompt ?? '',
    negative_prompt: provenance.negative_prompt,
    steps: typeof params.steps === 'number' ? params.steps : null,
    sampler: typeof params.sampler === 'string' ? params.sampler : null,
    cfg_scale: typeof params.cfg_scale === 'number' ? params.cfg_scale : null,
    seed: provenance.seed,
    width,
    height,
    model: provenance.model,
    extra,
  });
}

/**
 * PNG: `parameters` (unless the provider already wrote one, e.g. A1111/Forge, whose own is richer) and
 * an `apex` iTXt with the provenance JSON. JPEG: an EXIF UserComment when the file has no EXIF yet.
 * WebP: unchanged (the sidecar carries the metadata). Pixels are never re-encoded.
 */
function embedRecipe(bytes: Uint8Array, format: ImageFormat, size: { width: number; height: number }, provenance: AssetProvenance): Uint8Array[] {
  const infotext = infotextFor(provenance, size.width, size.height);
  if (format === 'png') {
    const embedded: ApexEmbeddedMetadata = { apex_version: SIDECAR_VERSION, provenance };
    return embedPngTextParts(bytes, (existing) => {
      const chunks: PngTextInput[] = [];
      if (!existing.has(PARAMETERS_KEYWORD)) chunks.push({ keyword: PARAMETERS_KEYWORD, text: infotext });
      chunks.push({ keyword: APEX_CHUNK_KEYWORD, text: stableJson(embedded), kind: 'iTXt' });
      return chunks;
    });
  }
  if (format === 'jpeg') return [insertJpegUserComment(bytes, infotext)];
  return [bytes];
}

// ---- JPEG: EXIF UserComment, inserted losslessly --------------------------------------------------

const JPEG_SOI = 0xd8;
const JPEG_SOS = 0xda;
const JPEG_EOI = 0xd9;
const JPEG_APP0 = 0xe0;
const JPEG_APP1 = 0xe1;
/** A marker segment's 16-bit length counts itself: at most 65533 bytes of payload. */
const MAX_SEGMENT_PAYLOAD = 0xffff - 2;
const EXIF_IDENTIFIER = Buffer.from('Exif\0\0', 'latin1');
const TAG_EXIF_IFD_POINTER = 0x8769;
const TAG_EXIF_VERSION = 0x9000;
const TAG_USER_COMMENT = 0x9286;
const TYPE_UNDEFINED = 7;
const TYPE_LONG = 4;

/**
 * Adds an APP1 Exif segment whose only content is UserComment = `text` (charset UNICODE), the way
 * A1111 stores infotext in JPEGs. Returns the input unchanged when it already has EXIF (we never
 * rewrite a provider's EXIF) or when the text does not fit in one segment (the sidecar still has it).
 * The segment goes right after SOI, or after a leading JFIF APP0, which JFIF requires to come first.
 */
export function insertJpegUserComment(jpeg: Uint8Array, text: string): Uint8Array {
  const header = scanJpegHeader(jpeg);
  if (header.hasExif) return jpeg;
  const segment = buildExifUserCommentSegment(text);
  if (!segment) return jpeg;
  return Buffer.concat([jpeg.subarray(0, header.insertAt), segment, jpeg.subarray(header.insertAt)]);
}

/** Walks the marker segments before the image data (SOS), checking lengths. */
function scanJpegHeader(jpeg: Uint8Array): { hasExif: boolean; insertAt: number } {
  if (jpeg[0] !== 0xff || jpeg[1] !== JPEG_SOI) throw new Error('Not a JPEG file: the SOI marker is missing.');
  let offset = 2;
  let insertAt = 2;
  let hasExif = false;
  for (let index = 0; ; index++) {
    while (jpeg[offset] === 0xff && jpeg[offset + 1] === 0xff) offset++; // fill bytes
    if (offset + 4 > jpeg.length || jpeg[offset] !== 0xff) throw new Error(`Corrupt JPEG: no marker at byte ${offset}.`);
    const marker = jpeg[offset + 1]!;
    if (marker === JPEG_SOS || marker === JPEG_EOI) return { hasExif, insertAt };
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2; // standalone markers carry no length
      continue;
    }
    const length = (jpeg[offset + 2]! << 8) | jpeg[offset + 3]!;
    const end = offset + 2 + length;
    if (length < 2 || end > jpeg.length) throw new Error(`Corrupt JPEG: segment 0x${marker.toString(16)} at byte ${offset} overruns the file.`);
    const payload = jpeg.subarray(offset + 4, end);
    if (marker === JPEG_APP1 && Buffer.from(payload.subarray(0, 6)).equals(EXIF_IDENTIFIER)) hasExif = true;
    if (index === 0 && marker === JPEG_APP0 && Buffer.from(payload.subarray(0, 5)).toString('latin1') === 'JFIF\0') insertAt = end;
    offset = end;
  }
}

/** Big-endian TIFF: IFD0 → Exif IFD {ExifVersion, UserComment}; UTF-16BE text, as piexif (A1111) writes it. */
function buildExifUserCommentSegment(text: string): Uint8Array | null {
  const comment = Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), Buffer.from(text, 'utf16le').swap16()]);
  const ifd0 = 8;
  const exifIfd = ifd0 + 2 + 12 + 4;
  const dataAt = exifIfd + 2 + 2 * 12 + 4;
  const tiff = Buffer.alloc(dataAt + comment.length);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(ifd0, 4);
  tiff.writeUInt16BE(1, ifd0);
  writeIfdEntry(tiff, ifd0 + 2, TAG_EXIF_IFD_POINTER, TYPE_LONG, 1, exifIfd);
  tiff.writeUInt32BE(0, ifd0 + 14);
  tiff.writeUInt16BE(2, exifIfd);
  writeIfdEntry(tiff, exifIfd + 2, TAG_EXIF_VERSION, TYPE_UNDEFINED, 4, Buffer.from('0232', 'latin1').readUInt32BE(0));
  writeIfdEntry(tiff, exifIfd + 14, TAG_USER_COMMENT, TYPE_UNDEFINED, comment.length, dataAt);
  tiff.writeUInt32BE(0, exifIfd + 26);
  comment.copy(tiff, dataAt);
  const payloadLength = EXIF_IDENTIFIER.length + tiff.length;
  if (payloadLength > MAX_SEGMENT_PAYLOAD) return null;
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | JPEG_APP1, 0);
  head.writeUInt16BE(payloadLength + 2, 2);
  return Buffer.concat([head, EXIF_IDENTIFIER, tiff]);
}

function writeIfdEntry(tiff: Buffer, at: number, tag: number, type: number, count: number, value: number): void {
  tiff.writeUInt16BE(tag, at);
  tiff.writeUInt16BE(type, at + 2);
  tiff.writeUInt32BE(count, at + 4);
  tiff.writeUInt32BE(value, at + 8);
}
