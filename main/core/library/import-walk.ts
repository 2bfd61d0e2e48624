import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../../shared/errors';
import type { ImportFailure, ImportNote } from '../../../shared/domain/import';
import { isInside } from '../assets/resolve-asset';

/**
 * Lists the files an import covers: each given folder recursively, each given file as is. Everything is
 * realpath'd (so a file reached twice, or through a symlink, is listed once) and the library's own
 * storage is never walked (its thumbnails would otherwise come back as "imported" WebPs).
 *
 * Hidden entries (`.name`) are skipped: they are tool caches (`.thumbnails`, `.git`), not artwork.
 * Symlinked folders are not followed (they can loop); symlinked files are taken when they point inside
 * the folder being imported.
 */

export interface WalkedFile {
  /** Real absolute path. */
  path: string;
  /** The real folder this file was found under: the imported folder, or the folder of an imported file. */
  base: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: WalkedFile[];
  failures: ImportFailure[];
  notes: ImportNote[];
}

/** Far beyond a real image collection in one call; a walk of `/` by mistake stops here with a clear error. */
export const MAX_FILES_PER_IMPORT = 1_000_000;

export async function walkImportPaths(inputs: readonly string[], libraryStorage: readonly string[]): Promise<WalkResult> {
  const result: WalkResult = { files: [], failures: [], notes: [] };
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const insideStorage = (real: string) => libraryStorage.some((dir) => real === dir || isInside(dir, real));

  const addFile = (path: string, base: string, size: number, mtimeMs: number) => {
    if (seenFiles.has(path)) return;
    if (seenFiles.size >= MAX_FILES_PER_IMPORT) {
      throw new AppError('INVALID_INPUT', `These folders hold more than ${MAX_FILES_PER_IMPORT.toLocaleString('en')} files; import their subfolders one at a time.`, {
        limit: MAX_FILES_PER_IMPORT,
      });
    }
    seenFiles.add(path);
    result.files.push({ path, base, size, mtimeMs });
  };

  for (const input of inputs) {
    let real: string;
    try {
      real = await realpath(input);
    } catch (error) {
      result.failures.push({ path: input, reason: describeFsError(error, 'no such file or folder') });
      continue;
    }
    if (insideStorage(real)) {
      result.failures.push({ path: input, reason: "this is the library's own image storage; its images are indexed already" });
      continue;
    }
    const info = await stat(real).catch(() => null);
    if (!info) {
      result.failures.push({ path: input, reason: 'cannot be read' });
    } else if (info.isFile()) {
      addFile(real, dirname(real), info.size, info.mtimeMs);
    } else if (info.isDirectory()) {
      await walkFolder(real, real);
    } else {
      result.failures.push({ path: input, reason: 'not a regular file or folder' });
    }
  }
  return result;

  async function walkFolder(base: string, start: string): Promise<void> {
    const pending = [start];
    while (pending.length > 0) {
      const dir = pending.pop()!;
      if (seenDirs.has(dir) || insideStorage(dir)) continue;
      seenDirs.add(dir);
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        result.failures.push({ path: dir, reason: describeFsError(error, 'folder cannot be read') });
        continue;
      }
      // Sorted so an import (and its report) is the same every time.
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subfolders: string[] = [];
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) subfolders.push(path);
        else if (entry.isFile()) await addStatted(path, base);
        else if (entry.isSymbolicLink()) await addLinked(path, base);
      }
      pending.push(...subfolders.reverse()); // depth-first, in name order
    }
  }

  async function addStatted(path: string, base: string): Promise<void> {
    try {
      const info = await stat(path);
      addFile(path, base, info.size, info.mtimeMs);
    } catch (error) {
      if (error instanceof AppError) throw error;
      result.failures.push({ path, reason: describeFsError(error, 'cannot be read') });
    }
  }

  async function addLinked(path: string, base: string): Promise<void> {
    const target = await realpath(path).catch(() => null);
    const info = target ? await stat(target).catch(() => null) : null;
    if (!target || !info) {
      result.failures.push({ path, reason: 'broken symbolic link' });
    } else if (info.isDirectory()) {
      result.notes.push({ path, note: `symbolic link to a folder not followed; import ${basename(target)} itself to include it` });
    } else if (!isInside(base, target)) {
      result.failures.push({ path, reason: 'symbolic link points outside the imported folder; import its target instead' });
    } else if (info.isFile()) {
      addFile(target, base, info.size, info.mtimeMs);
    }
  }
}

function describeFsError(error: unknown, fallback: string): string {
  const code = error instanceof Error && 'code' in error ? (error as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return fallback;
}
