import type { FoundFile } from './intake-files';

/**
 * Dropped folders, walked in the page: `DataTransferItem.webkitGetAsEntry()` gives FileSystemEntry objects
 * whose folders are read in chunks (Chromium hands out 100 entries per `readEntries` call, so it is called
 * until it returns none). Typed structurally so a unit test can walk a fake tree.
 */

interface EntryBase {
  readonly name: string;
  readonly isFile: boolean;
  readonly isDirectory: boolean;
}

export interface FileEntryLike<F> extends EntryBase {
  readonly isFile: true;
  file(success: (file: F) => void, failure?: (error: unknown) => void): void;
}

export interface DirectoryEntryLike<F> extends EntryBase {
  readonly isDirectory: true;
  createReader(): { readEntries(success: (entries: Array<EntryLike<F>>) => void, failure?: (error: unknown) => void): void };
}

export type EntryLike<F> = FileEntryLike<F> | DirectoryEntryLike<F>;

/** One dropped item: an entry when the browser gives one, else the plain file (synthetic drops, old engines). */
export type DroppedItem<F> = { entry: EntryLike<F> } | { file: F };

export const WALK_LIMITS = {
  /** Files listed from one drop, folders included: far beyond a batch (100 files) or a sensible image drop. */
  files: 10_000,
  /** Folder depth followed. */
  depth: 32,
} as const;

export interface WalkOutcome<F extends { name: string; size: number }> {
  files: FoundFile<F>[];
  /** Entries that could not be read, with the reason, by relative path. */
  failures: Array<{ path: string; reason: string }>;
  /** The walk stopped at WALK_LIMITS.files. */
  truncated: boolean;
}

function isDirectory<F>(entry: EntryLike<F>): entry is DirectoryEntryLike<F> {
  return entry.isDirectory;
}

function readAll<F>(directory: DirectoryEntryLike<F>): Promise<Array<EntryLike<F>>> {
  const reader = directory.createReader();
  const all: Array<EntryLike<F>> = [];
  return new Promise((resolve, reject) => {
    const next = () =>
      reader.readEntries((chunk) => {
        if (chunk.length === 0) resolve(all);
        else {
          all.push(...chunk);
          next();
        }
      }, reject);
    next();
  });
}

function fileOf<F>(entry: FileEntryLike<F>): Promise<F> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : String(error));

/** Every file under the dropped items, in drop order, folders depth first and sorted by name within. */
export async function walkDroppedItems<F extends { name: string; size: number }>(items: readonly DroppedItem<F>[]): Promise<WalkOutcome<F>> {
  const outcome: WalkOutcome<F> = { files: [], failures: [], truncated: false };
  const full = () => {
    if (outcome.files.length < WALK_LIMITS.files) return false;
    outcome.truncated = true;
    return true;
  };

  const visit = async (entry: EntryLike<F>, prefix: string, depth: number): Promise<void> => {
    if (full()) return;
    const path = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (isDirectory(entry)) {
      // Hidden folders (.git, .thumbnails) are never walked, as the core's folder walks skip them.
      if (entry.name.startsWith('.') && depth > 0) return;
      if (depth >= WALK_LIMITS.depth) {
        outcome.failures.push({ path, reason: `deeper than ${WALK_LIMITS.depth} folders; not read` });
        return;
      }
      let children: Array<EntryLike<F>>;
      try {
        children = await readAll(entry);
      } catch (error) {
        outcome.failures.push({ path, reason: `folder could not be read: ${reasonOf(error)}` });
        return;
      }
      children.sort((a, b) => a.name.localeCompare(b.name));
      for (const child of children) await visit(child, path, depth + 1);
      return;
    }
    try {
      outcome.files.push({ file: await fileOf(entry), relativePath: path });
    } catch (error) {
      outcome.failures.push({ path, reason: `file could not be read: ${reasonOf(error)}` });
    }
  };

  for (const item of items) {
    if (full()) break;
    if ('entry' in item) await visit(item.entry, '', 0);
    else outcome.files.push({ file: item.file, relativePath: item.file.name });
  }
  return outcome;
}
