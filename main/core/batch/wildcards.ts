import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { decodeBatchBytes, splitLines } from './text-input';
import { parseTemplate, TemplateError, type TemplateNode } from './template-parse';

/**
 * Wildcard files: `<library>/wildcards/**\/*.txt`, one value per line, `#` comments and blank lines skipped
 * (dynamicprompts' text format). `__season__` reads `season.txt`, `__artists/dutch__` a nested file,
 * `__colours*__` every matching file of that folder and `__artists/**__` every file under `artists/`.
 * Values may hold dynamic syntax and further wildcards. Files are read when first used and cached for the
 * call, so a preview sees the files as they are now.
 */

export interface WildcardValue {
  node: TemplateNode;
  /** `artists/dutch.txt`, for messages. */
  file: string;
  line: number;
}

export interface WildcardSource {
  /** The values of every file matching the pattern, in path order; null when no file matches. */
  resolve(pattern: string): WildcardValue[] | null;
}

export const WILDCARD_LIMITS = {
  /** Files listed under the wildcards folder. */
  files: 10_000,
  /** Folder depth searched. */
  depth: 16,
  fileBytes: 2 * 1024 * 1024,
  /** Values one pattern may resolve to (after globbing several files). */
  values: 200_000,
} as const;

export const NO_WILDCARDS: WildcardSource = { resolve: () => null };

export function wildcardFolder(dir: string): WildcardSource {
  let names: string[] | null = null;
  const byPattern = new Map<string, WildcardValue[] | null>();
  const byFile = new Map<string, WildcardValue[]>();

  const list = (): string[] => {
    if (names) return names;
    const found: string[] = [];
    const walk = (folder: string, depth: number) => {
      if (depth > WILDCARD_LIMITS.depth || found.length >= WILDCARD_LIMITS.files) return;
      let entries;
      try {
        entries = readdirSync(folder, { withFileTypes: true });
      } catch {
        return; // no wildcards folder (yet): every wildcard is then unknown, which the caller reports
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name.startsWith('.')) continue;
        const path = join(folder, entry.name);
        if (entry.isDirectory()) walk(path, depth + 1);
        else if (entry.isFile() && entry.name.toLowerCase().endsWith('.txt') && found.length < WILDCARD_LIMITS.files) {
          found.push(relative(dir, path).split(sep).join('/').slice(0, -'.txt'.length));
        }
      }
    };
    walk(dir, 0);
    names = found;
    return found;
  };

  const read = (name: string): WildcardValue[] => {
    const cached = byFile.get(name);
    if (cached) return cached;
    const file = `${name}.txt`;
    const path = join(dir, ...name.split('/')) + '.txt';
    let bytes: Buffer;
    try {
      if (statSync(path).size > WILDCARD_LIMITS.fileBytes) {
        throw new TemplateError(`wildcard file wildcards/${file} is larger than ${WILDCARD_LIMITS.fileBytes / 1_048_576} MB`, null);
      }
      bytes = readFileSync(path);
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      throw new TemplateError(`wildcard file wildcards/${file} cannot be read (${error instanceof Error ? error.message : String(error)})`, null);
    }
    const decoded = decodeBatchBytes(bytes);
    if (!decoded.ok) throw new TemplateError(`wildcard file wildcards/${file} ${decoded.reason}`, null);
    const values: WildcardValue[] = [];
    splitLines(decoded.text).forEach((raw, index) => {
      const text = raw.trim();
      if (text === '' || text.startsWith('#')) return;
      try {
        values.push({ node: parseTemplate(text), file, line: index + 1 });
      } catch (error) {
        if (error instanceof TemplateError) throw new TemplateError(`wildcards/${file} line ${index + 1}: ${error.message}`, null);
        throw error;
      }
    });
    byFile.set(name, values);
    return values;
  };

  return {
    resolve(pattern) {
      if (byPattern.has(pattern)) return byPattern.get(pattern)!;
      const regex = globToRegExp(pattern);
      const matched = list().filter((name) => regex.test(name));
      let result: WildcardValue[] | null = null;
      if (matched.length > 0) {
        result = [];
        for (const name of matched) {
          result.push(...read(name));
          if (result.length > WILDCARD_LIMITS.values) throw new TemplateError(`__${pattern}__ has more than ${WILDCARD_LIMITS.values.toLocaleString('en-US')} values`, null);
        }
      }
      byPattern.set(pattern, result);
      return result;
    },
  };
}

/** `*` matches within one folder, `**` across folders, `?` one character; matching ignores case. */
export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '*' && pattern[i + 1] === '*') {
      out += '.*';
      i++;
    } else if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`, 'i');
}
