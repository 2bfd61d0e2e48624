import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { IMAGE_EXTENSIONS } from './asset-files';
import type { ImageFormat } from './image-pipeline';
import type { LibraryPaths } from './layout';
import { AssetSidecar } from './sidecar';

/**
 * The library-side files of an imported image, in the same content-addressed layout as generated ones
 * (asset-files.ts): `assets/thumbnails/ab/<sha>.webp`, `assets/metadata/ab/<sha>.json` and, with
 * `--copy`, `assets/images/ab/<sha>.<ext>` holding the ORIGINAL bytes (we never embed our chunks into
 * someone else's file). Writes are atomic (temp, fsync, rename) like every library write, but async:
 * an import writes thousands of files while sharp decodes on other threads, and a synchronous fsync
 * would stall the whole pipeline.
 */

/**
 * What an imported image's sidecar adds to the standard one. The raw metadata is not repeated there:
 * the image file itself (in place, or its unchanged copy) still carries it.
 */
export interface ImportOrigin {
  /** The import root for files indexed in place (the sidecar's `file` is then relative to it); null when copied. */
  root: string | null;
  /** Where the file was imported from. */
  source_path: string;
  generator: string | null;
}

export class ImportFileStore {
  /** Shard folders known to exist: an import writes thousands of files into 256 of them. */
  private readonly folders = new Set<string>();

  constructor(private readonly paths: LibraryPaths) {}

  /**
   * Writes the thumbnail; returns its library-relative path. Content-addressed, so an existing one (same
   * bytes, a rare re-import after its row was removed) is simply replaced with identical content.
   */
  async thumbnail(sha: string, webp: Uint8Array): Promise<string> {
    const path = join(this.paths.thumbnails, sha.slice(0, 2), `${sha}.webp`);
    await this.write(path, webp);
    return this.rel(path);
  }

  /** Copies the original bytes into the library unless they are there; returns the library-relative path. */
  async copy(sha: string, format: ImageFormat, bytes: Uint8Array): Promise<string> {
    const path = join(this.paths.images, sha.slice(0, 2), `${sha}.${IMAGE_EXTENSIONS[format]}`);
    const exists = await access(path, constants.F_OK).then(
      () => true,
      () => false,
    );
    if (!exists) await this.write(path, bytes);
    return this.rel(path);
  }

  /** The standard sidecar (validated) plus the import origin. */
  async sidecar(sidecar: AssetSidecar, origin: ImportOrigin): Promise<void> {
    const checked = AssetSidecar.parse(sidecar);
    const path = join(this.paths.metadata, sidecar.sha256.slice(0, 2), `${sidecar.sha256}.json`);
    await this.write(path, `${JSON.stringify({ ...checked, import: origin }, null, 2)}\n`);
  }

  private async write(path: string, data: string | Uint8Array): Promise<void> {
    const folder = dirname(path);
    if (!this.folders.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.folders.add(folder);
    }
    await writeAtomic(path, data);
  }

  private rel(absolute: string): string {
    return relative(this.paths.root, absolute).split(sep).join('/');
  }
}

/** temp file in the same folder → write → fsync → rename over the target → fsync the folder (POSIX). */
export async function writeAtomic(target: string, data: string | Uint8Array): Promise<void> {
  const dir = dirname(target);
  const temp = join(dir, `.${target.slice(dir.length + 1)}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'w', 0o644);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temp, { force: true });
    throw error;
  }
  await file.close();
  try {
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  if (process.platform !== 'win32') {
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
  }
}
