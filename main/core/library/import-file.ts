import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { extname, relative, sep } from 'node:path';
import type { AssetRecordInput } from './asset-index';
import { analyzeImage, detectImageFormat, type ImageAnalysis, type ImageFormat } from './image-pipeline';
import type { ImportFileStore, ImportOrigin } from './import-files';
import type { ImportRoot } from './import-roots';
import type { WalkedFile } from './import-walk';
import { readGenerationMetadata, type GenerationMetadata } from './metadata';
import { SIDECAR_VERSION, type AssetSidecar } from './sidecar';

/**
 * One file of an import: sniff the format from the first bytes, hash, skip what the library already
 * holds, then decode (thumbnail + perceptual hash, one decode) and read the embedded generation metadata
 * side by side, write the library-side files, and return the row to index. The file itself is never
 * modified. Every failure is returned with its reason, never thrown: one bad file must not stop an import.
 */

export type FileOutcome =
  | { kind: 'imported'; record: AssetRecordInput; notes: string[] }
  | { kind: 'already_present' }
  | { kind: 'not_image' }
  | { kind: 'failed'; reason: string };

export interface ImportFileContext {
  store: ImportFileStore;
  /** Whether the library already holds these bytes. */
  hasSha(sha256: string): boolean;
  /** Whether this exact file (same place, size and mtime) is indexed in place already. */
  hasUnchanged(rootId: number, relPath: string, bytes: number, mtime: number): boolean;
  /** Copy into the library (null root) or index in place under `root`. */
  root: ImportRoot | null;
}

/** Largest image file read (sharp refuses more than 8192² pixels anyway; this bounds memory first). */
export const MAX_IMPORT_FILE_BYTES = 512 * 1024 * 1024;
/** Enough to tell PNG, JPEG and WebP apart. */
const SNIFF_BYTES = 16;
/** Files named like images: when their bytes are not an image they are reported as corrupt, not skipped. */
const IMAGE_NAME = /\.(png|jpe?g|jfif|jpe|webp)$/i;

/** A file read, hashed, decoded and parsed: everything but the library-side writes. */
export interface PreparedImport {
  kind: 'ready';
  file: WalkedFile;
  format: ImageFormat;
  bytes: Buffer;
  sha: string;
  mtime: number;
  /** Relative to the import root (in place); null when copying. */
  relPath: string | null;
  analysis: ImageAnalysis;
  metadata: GenerationMetadata;
}

type Terminal = Exclude<FileOutcome, { kind: 'imported' }>;

export async function importFile(file: WalkedFile, ctx: ImportFileContext): Promise<FileOutcome> {
  const prepared = await prepareImport(file, ctx);
  return prepared.kind === 'ready' ? storeImport(prepared, ctx) : prepared;
}

/**
 * The CPU-bound half: sniff, read, hash, skip known bytes, decode + parse. The importer runs this with
 * bounded concurrency and hands the writes (storeImport) off, so a decode lane never waits on the disk.
 */
export async function prepareImport(file: WalkedFile, ctx: ImportFileContext): Promise<PreparedImport | Terminal> {
  const mtime = Math.round(file.mtimeMs);
  const relPath = ctx.root ? relative(ctx.root.path, file.path).split(sep).join('/') : null;
  if (ctx.root && relPath !== null && ctx.hasUnchanged(ctx.root.id, relPath, file.size, mtime)) return { kind: 'already_present' };

  const read = await readImageFile(file);
  if ('kind' in read) return read;
  const { format, bytes } = read;
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (ctx.hasSha(sha)) return { kind: 'already_present' };

  try {
    const [analysis, metadata] = await Promise.all([analyzeImage(bytes), readGenerationMetadata(bytes, format)]);
    return { kind: 'ready', file, format, bytes, sha, mtime, relPath, analysis, metadata };
  } catch (error) {
    return { kind: 'failed', reason: decodeFailure(error) };
  }
}

/** The I/O half: thumbnail, the copy (with `copy`), the sidecar; returns the row to index. */
export async function storeImport(prepared: PreparedImport, ctx: ImportFileContext): Promise<FileOutcome> {
  const { sha, format, bytes, analysis, metadata, file } = prepared;
  try {
    const thumbRelPath = await ctx.store.thumbnail(sha, analysis.thumbnail);
    const libraryPath = ctx.root ? null : await ctx.store.copy(sha, format, bytes);
    const relPath = libraryPath ?? prepared.relPath!;
    const record = recordFor({ sha, bytes: bytes.length, mtime: prepared.mtime, analysis, metadata, thumbRelPath, relPath, root: ctx.root, sourcePath: file.path });
    const notes = notesFor(metadata);
    const origin: ImportOrigin = { root: ctx.root?.path ?? null, source_path: file.path, generator: metadata.generator };
    await ctx.store.sidecar(sidecarFor(record), origin).catch((error: unknown) => notes.push(`metadata sidecar not written: ${errorText(error)}`));
    return { kind: 'imported', record, notes };
  } catch (error) {
    return { kind: 'failed', reason: `cannot write to the library: ${errorText(error)}` };
  }
}

/** One open: the first bytes decide whether this is an image at all, and only images are read whole. */
async function readImageFile(file: WalkedFile): Promise<{ format: ImageFormat; bytes: Buffer } | Terminal> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(file.path, 'r');
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const sniffed = head.subarray(0, bytesRead);
    const format = detectImageFormat(sniffed);
    if (!format) return IMAGE_NAME.test(file.path) ? { kind: 'failed', reason: notAnImage(sniffed, file.path) } : { kind: 'not_image' };
    if (file.size > MAX_IMPORT_FILE_BYTES) return { kind: 'failed', reason: `the file is ${(file.size / 1_048_576).toFixed(0)} MB; images over ${MAX_IMPORT_FILE_BYTES / 1_048_576} MB are not imported` };
    return { format, bytes: await handle.readFile() };
  } catch (error) {
    return { kind: 'failed', reason: `cannot be read: ${errorText(error)}` };
  } finally {
    await handle?.close();
  }
}

function notAnImage(head: Uint8Array, path: string): string {
  const ext = extname(path).slice(1).toUpperCase();
  if (head.length === 0) return `the file is empty (0 bytes), not a ${ext} image`;
  const hex = Array.from(head.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `not a PNG, JPEG or WebP image despite its .${ext.toLowerCase()} name (it starts with [${hex}])`;
}

interface RecordParts {
  sha: string;
  bytes: number;
  mtime: number;
  analysis: ImageAnalysis;
  metadata: GenerationMetadata;
  thumbRelPath: string;
  relPath: string;
  root: ImportRoot | null;
  sourcePath: string;
}

/** The `assets` row of an imported image. Its date is the file's: when the image was made, not imported. */
function recordFor(parts: RecordParts): AssetRecordInput {
  const { metadata, analysis } = parts;
  const params: Record<string, unknown> = { source_path: parts.sourcePath };
  if (metadata.steps !== null) params.steps = metadata.steps;
  if (metadata.sampler !== null) params.sampler = metadata.sampler;
  if (metadata.cfg_scale !== null) params.cfg_scale = metadata.cfg_scale;
  if (metadata.width !== null) params.width = metadata.width;
  if (metadata.height !== null) params.height = metadata.height;
  if (metadata.stealth !== null) params.stealth = metadata.stealth;
  return {
    sha256: parts.sha,
    rel_path: parts.relPath,
    thumb_rel_path: parts.thumbRelPath,
    mime: analysis.mime,
    width: analysis.width,
    height: analysis.height,
    bytes: parts.bytes,
    phash: analysis.phash,
    source: 'imported',
    created_at: parts.mtime,
    job_id: null,
    attempt_id: null,
    batch_id: null,
    image_index: null,
    backend: null,
    model: metadata.model,
    prompt: metadata.prompt,
    negative_prompt: metadata.negative_prompt,
    seed: metadata.seed,
    params,
    cost_usd: 0,
    generation_ms: null,
    project: null,
    tags: [],
    root_id: parts.root?.id ?? null,
    file_mtime: parts.root ? parts.mtime : null,
    generator: metadata.generator,
    raw_metadata: Object.keys(metadata.raw).length > 0 ? JSON.stringify(metadata.raw) : null,
  };
}

function sidecarFor(record: AssetRecordInput): AssetSidecar {
  return {
    version: SIDECAR_VERSION,
    sha256: record.sha256,
    file: record.rel_path,
    thumbnail: record.thumb_rel_path,
    mime: record.mime as AssetSidecar['mime'],
    width: record.width,
    height: record.height,
    bytes: record.bytes,
    phash: record.phash,
    source: 'imported',
    created_at: record.created_at,
    provenance: {
      job_id: null,
      attempt_id: null,
      batch_id: null,
      image_index: null,
      image_count: null,
      backend: null,
      model: record.model,
      prompt: record.prompt,
      negative_prompt: record.negative_prompt,
      seed: record.seed,
      params: JSON.parse(JSON.stringify(record.params ?? {})) as AssetSidecar['provenance']['params'],
      cost_usd: 0,
      generation_ms: null,
      project: null,
      tags: [],
    },
  };
}

function notesFor(metadata: GenerationMetadata): string[] {
  const notes: string[] = [];
  if (metadata.stealth !== null) notes.push(`stealth metadata present (hidden in the ${metadata.stealth === 'alpha' ? 'alpha channel' : 'RGB'} pixel bits)`);
  for (const warning of metadata.warnings) notes.push(warning);
  return notes;
}

/**
 * libvips sometimes reports a damaged file only as "Warning treated as error due to failOn setting"
 * (which warning depends on timing): say what it means for the artist.
 */
function decodeFailure(error: unknown): string {
  return errorText(error).replace(/Warning treated as error due to failOn setting\.?/, 'the image data is damaged or cut short');
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

