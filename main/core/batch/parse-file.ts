import { extname } from 'node:path';
import { parseCsvBatch } from './csv-batch';
import { detectDelimiter } from './csv';
import type { FileIssues } from './issues';
import { parseJsonBatch, parseJsonLinesBatch } from './json-batch';
import { parsePlainText } from './plain-text';
import type { ParsedRows } from './raw-row';
import { matchKey } from './row-fields';
import { splitLines } from './text-input';

type Reader = 'txt' | 'csv' | 'tsv' | 'json' | 'jsonl';

const BY_EXTENSION: Readonly<Record<string, Reader>> = {
  '.txt': 'txt',
  '.text': 'txt',
  '.prompts': 'txt',
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** Extensions a folder is searched for. */
export const BATCH_EXTENSIONS: readonly string[] = Object.keys(BY_EXTENSION);

/** Header cells look like field names, not prose: short words. */
const HEADER_CELL = /^[\w\s-]{1,40}$/;

function firstContentLine(text: string): string {
  for (const line of splitLines(text)) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('#')) return trimmed;
  }
  return '';
}

function looksLikeCsvHeader(line: string): boolean {
  const delimiter = detectDelimiter(line);
  const cells = line.split(delimiter).map((cell) => cell.trim().replace(/^"|"$/g, ''));
  if (cells.length < 2 || !cells.every((cell) => HEADER_CELL.test(cell))) return false;
  return cells.some((cell) => {
    const match = matchKey(cell);
    return match.kind === 'field' && match.field === 'prompt';
  });
}

/** What the content says it is, when it clearly says so. */
function sniff(text: string): Reader | null {
  const first = firstContentLine(text);
  // `[cat:dog:0.5]` and `{red|blue}` start prompts too: only a JSON array of objects or strings, or an object with a quoted key, counts.
  if (/^\[\s*($|[{"])/.test(first)) return 'json';
  if (/^\{\s*($|")/.test(first)) return first.endsWith('}') && first !== text.trim() ? 'jsonl' : 'json';
  if (looksLikeCsvHeader(first)) return 'csv';
  return null;
}

/**
 * The format is chosen by the extension and confirmed by the content: a `.txt` holding JSON or a CSV table
 * is read as what it is (with a warning), and a name without a known extension is read by its content.
 */
export function parseBatchFile(name: string, text: string, issues: FileIssues): ParsedRows {
  const ext = extname(name).toLowerCase();
  let reader = Object.hasOwn(BY_EXTENSION, ext) ? BY_EXTENSION[ext]! : null;
  const sniffed = sniff(text);
  if (reader === null) {
    reader = sniffed ?? 'txt';
    issues.warn(null, null, `${ext ? `the extension ${ext} is not a batch format` : 'no extension'}; read as ${reader.toUpperCase()} by its content`);
  } else if (reader === 'txt' && sniffed !== null) {
    issues.warn(null, null, `is named .txt but holds ${sniffed === 'csv' ? 'a CSV table' : 'JSON'}; read as ${sniffed.toUpperCase()} (rename it to .${sniffed})`);
    reader = sniffed;
  }
  switch (reader) {
    case 'txt':
      return parsePlainText(text, issues);
    case 'csv':
      return parseCsvBatch(text, issues);
    case 'tsv':
      return parseCsvBatch(text, issues, '\t');
    case 'json':
      return parseJsonBatch(text, issues);
    case 'jsonl':
      return parseJsonLinesBatch(text, issues);
  }
}
