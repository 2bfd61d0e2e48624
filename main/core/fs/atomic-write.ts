import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { directWriteApplies, writeFileDirect } from './direct-write';

/**
 * Writes a file so that readers see either the old content or the new, never a torn file:
 * temp file in the same folder, fsync, rename over the target, fsync the folder (POSIX).
 *
 * The synchronous form is for small files written rarely (settings); the image store uses
 * `writeFileAtomicAsync`, whose system calls run on libuv's threads so a slow disk never stalls the
 * event loop (the scheduler, the UI's transport) while an image is being written.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  const dir = dirname(target);
  const temp = tempPathFor(target);
  const fd = openSync(temp, 'w', 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

/**
 * `writeFileAtomic` without blocking the event loop: same steps, same guarantees, same temp names, every
 * system call on libuv's threads. Not only the fsyncs wait on the disk: while a journal commit is under
 * way, creating or renaming a file waits for it too (milliseconds under load), so none of them is made
 * on the event loop. `data` may come in parts (written with one writev), so a caller that assembled a
 * file from pieces never copies megabytes into one buffer just to write it. Large files skip the page
 * cache where the system allows it (direct-write.ts).
 */
export async function writeFileAtomicAsync(target: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const prepared = await prepareAtomicWrite(target, data);
  await prepared.commit();
}

/** A file written and fsynced under its temp name, waiting to be renamed into place. */
export interface PreparedWrite {
  /** Renames the temp file over the target and fsyncs the folder: the file is then durable under its name. */
  commit(): Promise<void>;
  /** Removes the temp file instead (nothing appears under the target). */
  discard(): Promise<void>;
}

/**
 * The first half of `writeFileAtomicAsync`: the bytes are down and fsynced under a temp name, and nothing
 * is visible under the target yet. A caller whose file must not appear before others are durable (a
 * sidecar after its image) writes it alongside them and commits it after, so only the rename and the
 * folder fsync wait for the others, not the write.
 */
export async function prepareAtomicWrite(target: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<PreparedWrite> {
  const temp = tempPathFor(target);
  const parts = typeof data === 'string' ? null : data instanceof Uint8Array ? [data] : data;
  const direct = parts !== null && directWriteApplies(byteLengthOf(parts)) && (await writeFileDirect(temp, parts));
  if (!direct) await writeThroughCache(temp, data);
  return {
    async commit() {
      try {
        await rename(temp, target);
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      await syncDirectoryAsync(dirname(target));
    },
    discard: () => rm(temp, { force: true }),
  };
}

async function writeThroughCache(temp: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  const handle = await open(temp, 'w', 0o644);
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else await writeParts(handle, data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await handle.close();
}

function byteLengthOf(parts: readonly Uint8Array[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0);
}

async function writeParts(handle: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  const total = byteLengthOf(parts);
  const written = (await handle.writev([...parts])).bytesWritten;
  if (written === total) return;
  // A short write (rare on a regular file): the rest from a copy, until all of it is down.
  const rest = Buffer.concat(parts).subarray(written);
  for (let offset = 0; offset < rest.length; ) {
    const { bytesWritten } = await handle.write(rest, offset, rest.length - offset);
    if (bytesWritten === 0) throw new Error(`Could not write the last ${rest.length - offset} of ${total} bytes.`);
    offset += bytesWritten;
  }
}

/** `.<name>.<random>.tmp` beside the target: same filesystem for the rename; cleaned up by AssetFiles.cleanTempFiles. */
function tempPathFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
}

function syncDirectory(dir: string): void {
  // Directories cannot be opened for fsync on Windows; the rename is durable enough there.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function syncDirectoryAsync(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
