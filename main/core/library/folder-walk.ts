import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** stat() calls in flight while walking: enough to hide disk latency, few enough not to exhaust file handles. */
export const WALK_CONCURRENCY = 32;

export interface WalkedFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/**
 * Every regular file under `root` (recursively), with size and mtime. Symbolic links are neither
 * followed nor reported: maintenance must never count or delete something outside the library.
 * A missing root is an empty folder.
 */
export async function walkFiles(root: string): Promise<WalkedFile[]> {
  const files: WalkedFile[] = [];
  const pending: string[] = [];
  const dirs = [root];
  while (dirs.length > 0) {
    const dir = dirs.pop()!;
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return [];
      throw error;
    });
    for (const entry of entries) {
      if (entry.isDirectory()) dirs.push(join(dir, entry.name));
      else if (entry.isFile()) pending.push(join(dir, entry.name));
    }
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < pending.length) {
      const path = pending[next++]!;
      const info = await lstat(path).catch(() => null); // removed meanwhile: skip
      if (info?.isFile()) files.push({ path, bytes: info.size, mtimeMs: info.mtimeMs });
    }
  };
  await Promise.all(Array.from({ length: Math.min(WALK_CONCURRENCY, pending.length) }, worker));
  return files;
}

export function totals(files: readonly WalkedFile[]): { files: number; bytes: number } {
  return { files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0) };
}
