import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { FolderPurpose, LibraryOpenResult, LibraryRecentResult } from '../../../shared/methods/library-host';
import { LIBRARY_PATH_MAX, RECENT_LIBRARIES_MAX } from '../../../shared/methods/library-host';
import { AppError } from '../../../shared/errors';
import { writeFileAtomic } from '../fs/atomic-write';
import { libraryPaths } from './layout';

/**
 * What a core needs from the process that can switch libraries (the desktop app, browser mode). The core's
 * `library.*` handlers delegate here; a core without a host (the CLI) is bound to its one library.
 */
export interface LibraryHostPort {
  open(input: { path: string; create?: boolean | undefined }): Promise<LibraryOpenResult>;
  recent(): LibraryRecentResult;
  /** The system folder picker; null when cancelled. Throws UNAVAILABLE where there is none. */
  chooseFolder(purpose: FolderPurpose): Promise<string | null>;
}

/** Files an OS drops into any folder: a folder holding only these still counts as empty. */
const OS_LITTER = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini', '.localized']);

/**
 * Checks a folder before the host opens it, and says exactly what is wrong. `open`: it must already hold a
 * library (library.db or apex_config.json) or be empty. `create`: it must be new or empty; it is made, with
 * its parents. Returns the resolved absolute path and whether a fresh library will be made.
 */
export function checkLibraryTarget(rawPath: string, create: boolean): { path: string; fresh: boolean } {
  const expanded = rawPath === '~' || rawPath.startsWith('~/') ? join(homedir(), rawPath.slice(1)) : rawPath;
  if (!isAbsolute(expanded)) {
    throw new AppError('INVALID_INPUT', `"${rawPath.slice(0, 200)}" is not a full path: give the whole path of the folder on the computer running APEX Director (for example /home/you/Pictures/apex-library).`, { field: 'path', reason: 'not an absolute path' });
  }
  const path = resolve(expanded);
  if (path.length > LIBRARY_PATH_MAX) throw new AppError('INVALID_INPUT', `The folder path is longer than ${LIBRARY_PATH_MAX} characters.`, { field: 'path', reason: 'too long' });
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new AppError('INVALID_INPUT', `${path} is a file, not a folder.`, { field: 'path', path, reason: 'not a folder' });

  if (!stat) {
    if (!create) throw new AppError('NOT_FOUND', `There is no folder at ${path}. To start a new library there, use "Create new library".`, { field: 'path', path, reason: 'missing' });
    try {
      mkdirSync(path, { recursive: true });
    } catch (error) {
      throw new AppError('UNAVAILABLE', `Cannot make the folder ${path}: ${error instanceof Error ? error.message : String(error)}`, { field: 'path', path, reason: 'mkdir failed' });
    }
    return { path, fresh: true };
  }

  const isLibrary = holdsLibrary(path);
  const entries = listEntries(path).filter((name) => !OS_LITTER.has(name));
  if (create) {
    if (isLibrary) throw new AppError('CONFLICT', `${path} already holds a library. Use "Open" to switch to it, or choose a new or empty folder to create one.`, { field: 'path', path, reason: 'already a library' });
    if (entries.length > 0) throw new AppError('INVALID_INPUT', `${path} is not empty (${entries.length} item${entries.length === 1 ? '' : 's'}). A new library needs a new or empty folder, so its files do not mix with others.`, { field: 'path', path, reason: 'not empty' });
    return { path, fresh: true };
  }
  if (isLibrary) return { path, fresh: false };
  if (entries.length > 0) {
    throw new AppError('INVALID_INPUT', `${path} is not an APEX Director library (it has no library.db or apex_config.json) and it is not empty. Choose the library folder itself, or an empty folder to start a new library.`, { field: 'path', path, reason: 'not a library' });
  }
  return { path, fresh: true };
}

function holdsLibrary(path: string): boolean {
  const paths = libraryPaths(path);
  return existsSync(paths.database) || existsSync(paths.config);
}

function listEntries(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (error) {
    throw new AppError('UNAVAILABLE', `Cannot read the folder ${path}: ${error instanceof Error ? error.message : String(error)}`, { field: 'path', path, reason: 'unreadable' });
  }
}

// --- Recently opened libraries ---------------------------------------------------------------------

export interface RecentEntry {
  path: string;
  opened_at: number;
}

/** Where the host keeps its recent list: electron-store in the desktop app, a JSON file in browser mode. */
export interface RecentLibrariesStore {
  read(): RecentEntry[];
  write(items: readonly RecentEntry[]): void;
}

const RecentFile = z.object({
  version: z.literal(1),
  items: z.array(z.object({ path: z.string().min(1).max(LIBRARY_PATH_MAX), opened_at: z.number().int().min(0) })).max(100),
});

/** Newest first, one entry per path, at most RECENT_LIBRARIES_MAX. */
export function rememberLibrary(items: readonly RecentEntry[], path: string, at: number): RecentEntry[] {
  return [{ path, opened_at: at }, ...items.filter((item) => item.path !== path)].slice(0, RECENT_LIBRARIES_MAX);
}

/** Keeps the list in memory only (tests; a process that must not write outside its library). */
export function memoryRecentStore(initial: readonly RecentEntry[] = []): RecentLibrariesStore {
  let items = [...initial];
  return {
    read: () => [...items],
    write: (next) => {
      items = [...next];
    },
  };
}

/**
 * A small JSON file (browser mode keeps it next to the desktop app's default library, in the user's config
 * folder). A missing, unreadable or hand-broken file reads as an empty list: the list is a convenience, never
 * a reason to fail.
 */
export function jsonFileRecentStore(file: string): RecentLibrariesStore {
  return {
    read() {
      try {
        const parsed = RecentFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
        return parsed.success ? parsed.data.items.slice(0, RECENT_LIBRARIES_MAX) : [];
      } catch {
        return [];
      }
    },
    write(items) {
      mkdirSync(dirname(file), { recursive: true });
      writeFileAtomic(file, `${JSON.stringify({ version: 1, items: items.slice(0, RECENT_LIBRARIES_MAX) }, null, 2)}\n`);
    },
  };
}

/** The entries as the contract shows them: the current library first, each marked when its folder is gone. */
export function recentView(current: string, items: readonly RecentEntry[], now: number): LibraryRecentResult['items'] {
  const list = items.some((item) => item.path === current) ? [...items] : rememberLibrary(items, current, now);
  return list.slice(0, RECENT_LIBRARIES_MAX).map((item) => ({ path: item.path, opened_at: Math.max(0, Math.round(item.opened_at)), exists: existsSync(item.path) }));
}
