import { existsSync } from 'node:fs';
import { mkdir, open, readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, relative, resolve, sep } from 'node:path';
import sharp from 'sharp';
import { LIBRARY_LIMITS, type AssetDetail, type ExportFormat, type ExportInput, type ExportResult } from '../../../shared/domain/assets';
import { AppError } from '../../../shared/errors';
import type { AssetLocator } from '../assets/resolve-asset';
import type { Logger } from '../log';
import { infotextFor, insertJpegUserComment } from './asset-files';
import { MAX_INPUT_PIXELS, detectImageFormat, type ImageFormat } from './image-pipeline';
import type { LibraryPaths } from './layout';
import { insertPngTextChunks, readPngTextChunks, type PngTextInput } from './png-text';
import type { AssetSearch } from './search';
import { APEX_CHUNK_KEYWORD, SIDECAR_VERSION, stableJson, type ApexEmbeddedMetadata, type AssetProvenance } from './sidecar';
import { ZipWriter } from './zip-writer';

/**
 * Export of a selection or a search to a folder or a zip (issue 5 part B): originals byte for byte, or
 * converted (png/jpeg/webp, optionally scaled down) with the generation recipe written back into the
 * new file — the A1111 `parameters` text (PNG text chunk, JPEG/WebP EXIF UserComment) that Civitai,
 * A1111 and image browsers read — plus a JSON sidecar with everything the library knows.
 *
 * File names are built here from the asset id and a slug of its prompt (never from user or file
 * text as-is), every path is checked to lie directly in the chosen folder, and files are created with
 * O_EXCL so an existing file (or a planted symlink) is never overwritten or followed.
 */

/** Images converted ahead of the writer: sharp uses its own threads per image; a few in flight keep the disk busy. */
export const EXPORT_CONCURRENCY = 4;
/** Longest prompt slug in a file name. */
const SLUG_CHARS = 48;
const DEFAULT_QUALITY = 90;
const PARAMETERS_KEYWORD = 'parameters';
const EXTENSIONS: Record<ImageFormat, string> = { png: 'png', jpeg: 'jpg', webp: 'webp' };
/** Name suffixes tried when a file of the same name is already in the folder. */
const MAX_NAME_ATTEMPTS = 1_000;

export interface ExportDeps {
  search: AssetSearch;
  locator: AssetLocator;
  library: LibraryPaths;
  log: Logger;
  now?: () => number;
}

interface Output {
  write(name: string, data: Uint8Array, mtime: number, text: boolean): Promise<string>;
  finish(): Promise<string>;
  abort(): Promise<void>;
}

/** One asset ready to write, or why it cannot be exported. */
type Prepared = { id: number; detail: AssetDetail; converted: Converted } | { id: number; problem: string };

interface Converted {
  bytes: Uint8Array;
  format: ImageFormat;
  width: number;
  height: number;
  embedded: boolean;
  parameters: string | null;
}

export async function exportAssets(deps: ExportDeps, input: ExportInput): Promise<ExportResult> {
  const dir = await checkFolder(input.to, deps.library);
  const ids = input.ids ? [...new Set(input.ids)] : collectIds(deps.search, input);
  const now = deps.now ?? Date.now;
  const result: ExportResult = { path: dir, images: 0, sidecars: 0, metadata_embedded: 0, bytes: 0, skipped: 0, problems: [] };
  if (ids.length === 0) return result; // an export of nothing writes nothing, not even the folder
  await mkdir(dir, { recursive: true });
  const output = input.zip ? await zipOutput(dir, now()) : folderOutput(dir);
  const problem = (id: number, reason: string) => {
    result.skipped += 1;
    if (result.problems.length < LIBRARY_LIMITS.reportedProblems) result.problems.push({ id, reason });
  };

  // Conversions run a few ahead of the writer; files are written one at a time in the order of `ids`
  // (the search's sort order), so a zip lists its entries in that order too.
  const prepare = async (id: number): Promise<Prepared> => {
    try {
      const detail = deps.search.get(id);
      const original = await readOriginal(deps.locator, id);
      const converted = await convert(original, detail, input.format ?? 'original', input.max_side, input.quality ?? DEFAULT_QUALITY);
      return { id, detail, converted };
    } catch (error) {
      return { id, problem: error instanceof AppError && error.code === 'NOT_FOUND' ? 'not in the library' : error instanceof Error ? error.message : String(error) };
    }
  };
  const write = async (prepared: Prepared): Promise<void> => {
    if ('problem' in prepared) {
      deps.log.warn('export: asset skipped', { id: prepared.id, reason: prepared.problem });
      return problem(prepared.id, prepared.problem);
    }
    const { id, detail, converted } = prepared;
    const base = `${id}-${slug(detail.prompt ?? detail.file_name.replace(/\.[^.]*$/, ''))}`;
    const imageName = await output.write(`${base}.${EXTENSIONS[converted.format]}`, converted.bytes, detail.created_at, false);
    result.images += 1;
    result.bytes += converted.bytes.length;
    if (converted.embedded) result.metadata_embedded += 1;
    if (input.sidecars !== false) {
      const sidecar = Buffer.from(`${JSON.stringify(exportSidecar(detail, converted, imageName, now()), null, 2)}\n`, 'utf8');
      await output.write(`${imageName.replace(/\.[^.]*$/, '')}.json`, sidecar, detail.created_at, true);
      result.sidecars += 1;
      result.bytes += sidecar.length;
    }
  };
  try {
    const ahead: Array<Promise<Prepared>> = [];
    for (const id of ids) {
      ahead.push(prepare(id));
      if (ahead.length >= EXPORT_CONCURRENCY) await write(await ahead.shift()!);
    }
    while (ahead.length > 0) await write(await ahead.shift()!);
    result.path = await output.finish();
  } catch (error) {
    await output.abort();
    throw error;
  }
  return result;
}

function collectIds(search: AssetSearch, input: ExportInput): number[] {
  const ids: number[] = [];
  for (const page of search.matchingIds(input.filter ?? {}, input.sort ?? 'newest')) ids.push(...page);
  return ids;
}

/** The destination: absolute, a folder or not there yet, and not inside the library's own store. */
async function checkFolder(to: string, library: LibraryPaths): Promise<string> {
  if (!isAbsolute(to)) throw new AppError('INVALID_INPUT', `The export folder must be an absolute path (got ${JSON.stringify(to.slice(0, 200))}).`, { field: 'to' });
  const dir = resolve(to);
  for (const store of [library.images, library.thumbnails, library.metadata, library.checkpoints]) {
    if (dir === store || dir.startsWith(store + sep)) {
      throw new AppError('INVALID_INPUT', `Exporting into the library's own ${basename(store)} folder would corrupt it; choose another folder.`, { field: 'to' });
    }
  }
  const info = await stat(dir).catch(() => null);
  if (info && !info.isDirectory()) throw new AppError('INVALID_INPUT', `${dir} is a file, not a folder.`, { field: 'to' });
  return dir;
}

async function readOriginal(locator: AssetLocator, id: number): Promise<Uint8Array> {
  const location = locator.locate('original', String(id));
  if (!location) throw new Error('its file is not known to the library');
  const root = resolve(location.root);
  const path = resolve(root, ...location.relPath.split('/'));
  if (path !== root && !path.startsWith(root + sep)) throw new Error('its recorded path lies outside its folder');
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`its file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}): run \`apex-director library check\``, { cause: error });
  }
}

/** The bytes to write: the original untouched, or re-encoded (and scaled) with the recipe embedded again. */
async function convert(original: Uint8Array, detail: AssetDetail, format: ExportFormat, maxSide: number | undefined, quality: number): Promise<Converted> {
  const source = detectImageFormat(original);
  if (!source) throw new Error('its file is not a PNG, JPEG or WebP image');
  const parameters = parametersOf(original, source, detail);
  const target: ImageFormat = format === 'original' ? source : format;
  const needsResize = maxSide !== undefined && Math.max(detail.width, detail.height) > maxSide;
  if (target === source && !needsResize) {
    return { bytes: original, format: source, width: detail.width, height: detail.height, embedded: hasEmbeddedRecipe(original, source), parameters };
  }

  let pipeline = sharp(original, { limitInputPixels: MAX_INPUT_PIXELS }).autoOrient();
  if (needsResize) pipeline = pipeline.resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true });
  // libvips writes UserComment with the ASCII charset: only a pure-ASCII recipe survives that intact.
  const webpExif = target === 'webp' && parameters !== null && /^[\x20-\x7e\n\r\t]*$/.test(parameters);
  if (target === 'png') pipeline = pipeline.png();
  else if (target === 'jpeg') pipeline = pipeline.jpeg({ quality, mozjpeg: true });
  else pipeline = pipeline.webp({ quality });
  if (webpExif && parameters !== null) pipeline = pipeline.withExif({ IFD2: { UserComment: parameters } });
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });

  const recipe = parameters === null ? null : rescaleSize(parameters, info.width, info.height);
  let bytes: Uint8Array = data;
  let embedded = webpExif;
  if (recipe !== null && target === 'png') {
    const chunks: PngTextInput[] = [{ keyword: PARAMETERS_KEYWORD, text: recipe }];
    const provenance = provenanceOf(detail);
    if (provenance) chunks.push({ keyword: APEX_CHUNK_KEYWORD, text: stableJson({ apex_version: SIDECAR_VERSION, provenance } satisfies ApexEmbeddedMetadata), kind: 'iTXt' });
    bytes = insertPngTextChunks(data, chunks);
    embedded = true;
  } else if (recipe !== null && target === 'jpeg') {
    bytes = insertJpegUserComment(data, recipe);
    embedded = bytes !== data;
  }
  return { bytes, format: target, width: info.width, height: info.height, embedded, parameters: recipe };
}

/**
 * The recipe text to carry over: a PNG's own `parameters` (A1111/Forge write richer ones than we could
 * rebuild), else one built from the library's metadata, else null (nothing known about how it was made).
 */
function parametersOf(original: Uint8Array, format: ImageFormat, detail: AssetDetail): string | null {
  if (format === 'png') {
    try {
      const own = readPngTextChunks(original).find((chunk) => chunk.keyword === PARAMETERS_KEYWORD);
      if (own && own.text.trim() !== '') return own.text;
    } catch {
      // A damaged text chunk: fall back to the library's metadata.
    }
  }
  const provenance = provenanceOf(detail);
  return provenance && (provenance.prompt || Object.keys(provenance.params).length > 0) ? infotextFor(provenance, detail.width, detail.height) : null;
}

/** After a resize the recipe's `Size:` would lie about the file: A1111 readers take it as the image size. */
function rescaleSize(parameters: string, width: number, height: number): string {
  return parameters.replace(/(^|, )Size: \d+x\d+(?=,|$)/m, `$1Size: ${width}x${height}`);
}

function provenanceOf(detail: AssetDetail): AssetProvenance | null {
  if (detail.prompt === null && detail.params === null && detail.backend === null) return null;
  return {
    job_id: detail.job_id,
    attempt_id: detail.attempt_id,
    batch_id: detail.batch_id,
    image_index: detail.image_index,
    image_count: null,
    backend: detail.backend,
    model: detail.model,
    prompt: detail.prompt,
    negative_prompt: detail.negative_prompt,
    seed: detail.seed,
    params: detail.params ?? {},
    cost_usd: detail.cost_usd,
    generation_ms: detail.generation_ms,
    project: detail.job_project,
    tags: detail.job_tags,
  };
}

/** Whether an untouched original already carries a recipe readers can find. */
function hasEmbeddedRecipe(bytes: Uint8Array, format: ImageFormat): boolean {
  try {
    if (format === 'png') return readPngTextChunks(bytes).some((c) => c.keyword === PARAMETERS_KEYWORD || c.keyword === APEX_CHUNK_KEYWORD);
  } catch {
    return false;
  }
  // JPEG APP1 "Exif" / WebP "EXIF" chunk near the start: where A1111 and we put UserComment.
  const head = Buffer.from(bytes.subarray(0, Math.min(bytes.length, 65_536))).toString('latin1');
  return format === 'jpeg' ? head.includes('Exif\0\0') : head.includes('EXIF');
}

function exportSidecar(detail: AssetDetail, converted: Converted, file: string, at: number): Record<string, unknown> {
  return {
    generator: 'APEX Director',
    exported_at: new Date(at).toISOString(),
    file,
    format: converted.format,
    width: converted.width,
    height: converted.height,
    original: { id: detail.id, sha256: detail.sha256, file: detail.file_name, format: detail.format, width: detail.width, height: detail.height, bytes: detail.bytes },
    source: detail.source,
    created_at: new Date(detail.created_at).toISOString(),
    prompt: detail.prompt,
    negative_prompt: detail.negative_prompt,
    seed: detail.seed,
    backend: detail.backend,
    model: detail.model,
    params: detail.params,
    cost_usd: detail.cost_usd,
    generation_ms: detail.generation_ms,
    job_id: detail.job_id,
    attempt_id: detail.attempt_id,
    rating: detail.rating,
    favorite: detail.favorite,
    notes: detail.notes,
    tags: detail.tags,
    projects: detail.projects,
    parameters: converted.parameters,
  };
}

/** A file-name-safe slug: ASCII letters and digits joined by single dashes, never empty. */
export function slug(text: string): string {
  const cleaned = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_CHARS)
    .replace(/-+$/g, '');
  return cleaned === '' ? 'image' : cleaned;
}

/** `dir/name`, refusing anything that would not be a direct child of `dir`. */
export function childPath(dir: string, name: string): string {
  const path = resolve(dir, name);
  if (name.includes('/') || name.includes('\\') || name.startsWith('.') || relative(dir, path) !== name) {
    throw new AppError('FORBIDDEN', `Refusing to write ${JSON.stringify(name)} outside the export folder.`, { field: 'to' });
  }
  return path;
}

function folderOutput(dir: string): Output {
  return {
    async write(name, data) {
      const dot = name.lastIndexOf('.');
      const stem = name.slice(0, dot);
      const ext = name.slice(dot);
      for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
        const candidate = attempt === 1 ? name : `${stem}-${attempt}${ext}`;
        // O_EXCL: an existing file or symlink is never overwritten or followed.
        const handle = await open(childPath(dir, candidate), 'wx', 0o644).catch((error: NodeJS.ErrnoException) => {
          if (error.code === 'EEXIST') return null;
          throw error;
        });
        if (!handle) continue;
        try {
          await handle.writeFile(data);
        } finally {
          await handle.close();
        }
        return candidate;
      }
      throw new Error(`${MAX_NAME_ATTEMPTS} files named like ${name} already exist in ${dir}.`);
    },
    finish: () => Promise.resolve(dir),
    abort: () => Promise.resolve(),
  };
}

async function zipOutput(dir: string, at: number): Promise<Output> {
  const stamp = new Date(at).toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  let zip: ZipWriter | null = null;
  for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS && !zip; attempt++) {
    const name = `apex-export-${stamp}${attempt === 1 ? '' : `-${attempt}`}.zip`;
    const path = childPath(dir, name);
    if (existsSync(path)) continue;
    zip = await ZipWriter.create(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return null;
      throw error;
    });
  }
  if (!zip) throw new Error(`Cannot find a free zip file name in ${dir}.`);
  const writer = zip;
  return {
    async write(name, data, mtime, text) {
      await writer.add(name, data, { mtime, compress: text });
      return name;
    },
    async finish() {
      return (await writer.close()).path;
    },
    abort: () => writer.abort(),
  };
}

