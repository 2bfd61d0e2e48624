/**
 * Python's `shlex.split(line)` (POSIX mode, no comments), which A1111's "prompts from file" uses to split
 * `--flag value` lines, so a line quoted for A1111 means the same here:
 * - whitespace separates words; quoted parts and plain parts next to each other join into one word;
 * - '...' is literal; inside "...", a backslash escapes only `"` and `\` (so `\(` stays `\(`);
 * - outside quotes, a backslash escapes any character (`\(` becomes `(`, as in A1111).
 */

export interface ShlexWord {
  value: string;
  /** 0-based offset of the word's first character in the line. */
  offset: number;
}

export class ShlexError extends Error {
  override name = 'ShlexError';
  constructor(
    message: string,
    /** 0-based offset the problem points at. */
    readonly offset: number,
  ) {
    super(message);
  }
}

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

export function shlexSplit(line: string): ShlexWord[] {
  const words: ShlexWord[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && WHITESPACE.has(line[i]!)) i++;
    if (i >= line.length) break;
    const start = i;
    let value = '';
    while (i < line.length && !WHITESPACE.has(line[i]!)) {
      const ch = line[i]!;
      if (ch === "'") {
        const close = line.indexOf("'", i + 1);
        if (close < 0) throw new ShlexError('no closing quotation: a \' is never closed', i);
        value += line.slice(i + 1, close);
        i = close + 1;
      } else if (ch === '"') {
        const open = i;
        i++;
        for (;;) {
          if (i >= line.length) throw new ShlexError('no closing quotation: a " is never closed', open);
          const c = line[i]!;
          if (c === '"') {
            i++;
            break;
          }
          if (c === '\\' && i + 1 < line.length && (line[i + 1] === '"' || line[i + 1] === '\\')) {
            value += line[i + 1];
            i += 2;
            continue;
          }
          value += c;
          i++;
        }
      } else if (ch === '\\') {
        if (i + 1 >= line.length) throw new ShlexError('no escaped character after the final \\', i);
        value += line[i + 1];
        i += 2;
      } else {
        value += ch;
        i++;
      }
    }
    words.push({ value, offset: start });
  }
  return words;
}
