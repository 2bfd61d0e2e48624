import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { BATCH_LIMITS, utf8Length, type BatchSource } from '../../../shared/domain/batch';
import { AppError } from '../../../shared/errors';
import { BATCH_EXTENSIONS } from './parse-file';
import type { LoadedSource } from './prepare-batch';
import { checkBatchText, decodeBatchBytes } from './text-input';

/**
 * Turns what a caller sent into file texts: contents as they are (the renderer has no paths), or paths
 * read here (the CLI and the desktop app only), a folder standing for every batch file in it. A file that
 * cannot be read becomes a located error of its own; the other files are still checked.
 */

const megabytes = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

export function loadSources(sources: readonly BatchSource[], options: { allowPaths: boolean }): LoadedSource[] {
  const loaded: LoadedSource[] = [];
  for (const source of sources) {
    if ('text' in source) {
      loaded.push(fromText(source.name, source.text));
      continue;
    }
    if (!options.allowPaths) {
      throw new AppError('FORBIDDEN', 'File paths are read only by the desktop app and the command line; send the file contents ({name, text}) instead.', { field: 'sources' });
    }
    loaded.push(...fromPath(source.path));
  }
  if (loaded.length > BATCH_LIMITS.filesPerCall) {
    throw new AppError('INVALID_INPUT', `${loaded.length} batch files; one call takes at most ${BATCH_LIMITS.filesPerCall}. Add them in smaller groups.`, { field: 'sources' });
  }
  return loaded;
}

function fromText(name: string, text: string): LoadedSource {
  const bytes = utf8Length(text);
  if (bytes > BATCH_LIMITS.fileBytes) return failed(name, null, `is ${megabytes(bytes)}; a batch file may be at most ${megabytes(BATCH_LIMITS.fileBytes)}`);
  const checked = checkBatchText(text);
  return checked.ok ? { name, path: null, text: checked.text, failure: null } : failed(name, null, checked.reason);
}

function fromPath(given: string): LoadedSource[] {
  const path = resolve(given);
  try {
    return fromResolvedPath(given, path);
  } catch (error) {
    return [failed(given, path, `cannot be read (${error instanceof Error ? error.message : String(error)})`)];
  }
}

function fromResolvedPath(given: string, path: string): LoadedSource[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return [failed(given, path, 'no such file')];
  if (stat.isDirectory()) {
    const names = readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('.') && BATCH_EXTENSIONS.includes(extname(entry.name).toLowerCase()))
      .map((entry) => entry.name)
      .sort((a, b) => a.localeCompare(b));
    if (names.length === 0) return [failed(given, path, `is a folder with no batch files (${BATCH_EXTENSIONS.join(' ')})`)];
    return names.map((name) => fromFile(join(path, name), join(given, name)));
  }
  if (!stat.isFile()) return [failed(given, path, 'is not a file')];
  return [fromFile(path, given, stat.size)];
}

function fromFile(path: string, name: string, knownSize?: number): LoadedSource {
  let size = knownSize;
  try {
    size ??= statSync(path).size;
    // Refused before reading: a 50 MB file is never loaded into memory.
    if (size > BATCH_LIMITS.fileBytes) return failed(name, path, `is ${megabytes(size)}; a batch file may be at most ${megabytes(BATCH_LIMITS.fileBytes)}`);
    const decoded = decodeBatchBytes(readFileSync(path));
    return decoded.ok ? { name, path, text: decoded.text, failure: null } : failed(name, path, decoded.reason);
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    return failed(name, path, code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** `name` is the path as the artist typed it (short, and what their terminal and editor link to). */
function failed(name: string, path: string | null, reason: string): LoadedSource {
  return { name, path, text: null, failure: reason };
}
