import { mkdir, mkdtemp, readdir, realpath, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportSummary } from '../../../shared/domain/import';
import type { UploadedImage } from '../../../shared/methods/uploads';
import type { LibraryImporter } from './import-service';
import type { LibraryPaths } from './layout';

/**
 * `library.importUpload`: image bytes sent by a browser-mode page are written to a staging folder inside
 * the library (so the copy into `assets/images` stays on one disk), imported with `copy`, and the staging
 * folder is removed. The staging folder is outside the library's own storage folders, which the import
 * walk refuses to read. Staged paths never reach the caller: the summary names each file as it was sent.
 */

/** Leftovers of a call cut off by a crash are swept by the next upload after this long. */
const STALE_STAGING_MS = 60 * 60 * 1000;
const STAGING_PREFIX = 'upload-';

export function uploadsFolder(library: LibraryPaths): string {
  return join(library.root, 'uploads');
}

/** A name safe to write as one path segment on every platform, not hidden (the walk skips dot files). */
export function safeUploadName(name: string): string {
  const cleaned = Array.from(name, (char) => (char.charCodeAt(0) < 0x20 ? '_' : char))
    .join('')
    .replace(/[<>:"/\\|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .slice(0, 200);
  return cleaned === '' ? 'image' : cleaned;
}

export async function importUploadedImages(deps: { library: LibraryPaths; importer: LibraryImporter }, files: readonly UploadedImage[]): Promise<ImportSummary> {
  const parent = uploadsFolder(deps.library);
  await mkdir(parent, { recursive: true });
  await sweepStale(parent);
  // Real path: the walk reports real paths, and they are mapped back to the sent names below.
  const staging = await realpath(await mkdtemp(join(parent, STAGING_PREFIX)));
  try {
    // One folder per file: two files called image.png both keep their name.
    const staged = new Map<string, string>();
    for (const [index, file] of files.entries()) {
      const folder = join(staging, String(index));
      await mkdir(folder);
      const path = join(folder, safeUploadName(file.name));
      await writeFile(path, Buffer.from(file.data_base64, 'base64'));
      if (file.modified_ms !== undefined) await utimes(path, new Date(), new Date(file.modified_ms));
      staged.set(folder, file.name);
    }
    const summary = await deps.importer.run({ paths: [staging], copy: true });
    return withSentNames(summary, staging, staged);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The walk reports real paths; map `<staging>/<index>/<safe name>` back to the name the caller sent. */
function withSentNames(summary: ImportSummary, staging: string, staged: ReadonlyMap<string, string>): ImportSummary {
  const rename = (path: string): string => {
    for (const [folder, name] of staged) {
      if (path.startsWith(folder + '/') || path.startsWith(folder + '\\')) return name;
    }
    return path.startsWith(staging) ? 'uploaded file' : path;
  };
  return {
    ...summary,
    failed: summary.failed.map((failure) => ({ ...failure, path: rename(failure.path) })),
    notes: summary.notes.map((note) => ({ ...note, path: rename(note.path) })),
    roots: [],
  };
}

async function sweepStale(parent: string): Promise<void> {
  const now = Date.now();
  const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(STAGING_PREFIX)) continue;
    const path = join(parent, entry.name);
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs > STALE_STAGING_MS) await rm(path, { recursive: true, force: true });
  }
}
