/**
 * An RFC 4180 reader that remembers where every value started (line and column), so a bad cell is
 * reported where the artist can find it. Quoted fields may hold the delimiter, `""` for a quote, and line
 * breaks; records end with CRLF, LF or CR. Lenient where spreadsheets are sloppy (a quote in the middle of
 * an unquoted field is kept as a character; a short record simply lacks its last columns), strict where
 * guessing would corrupt data (an unclosed quote, text after a closing quote).
 */

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvCell {
  value: string;
  line: number;
  column: number;
  /**
   * Empty here; the batch reader sets the column's name, so the cell itself becomes a batch field and a
   * 10,000-row file does not allocate its 100,000 values twice.
   */
  key: string;
}

export interface CsvRecord {
  line: number;
  cells: CsvCell[];
}

export interface CsvProblem {
  line: number;
  column: number;
  /** Line of the record the problem belongs to. */
  recordLine: number;
  reason: string;
}

const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** The delimiter used most in the header line (outside quotes); `,` when there is none. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<string, number>(CANDIDATES.map((d) => [d, 0]));
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: CsvDelimiter = ',';
  for (const d of CANDIDATES) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

export function describeDelimiter(delimiter: CsvDelimiter): string {
  return delimiter === '\t' ? 'tab' : delimiter === ';' ? 'semicolon' : 'comma';
}

/**
 * Reads every record. Blank records are skipped. `maxRecords` stops reading early (the caller reports the
 * limit); problems are collected, never thrown.
 */
export function readCsv(text: string, delimiter: CsvDelimiter, maxRecords: number): { records: CsvRecord[]; problems: CsvProblem[]; truncated: boolean } {
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  const records: CsvRecord[] = [];
  const problems: CsvProblem[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;

  while (i < n) {
    if (records.length >= maxRecords) return { records, problems, truncated: true };
    const recordLine = line;
    const cells: CsvCell[] = [];
    // A record of empty unquoted cells only (a blank line, or `,,,` left at the end of a spreadsheet export) is skipped.
    let blank = true;
    for (;;) {
      const cellLine = line;
      const cellColumn = i - lineStart + 1;
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        blank = false;
        i++;
        value = '';
        for (;;) {
          const close = text.indexOf('"', i);
          const segment = text.slice(i, close < 0 ? n : close);
          // Line breaks inside quotes are part of the value; keep counting lines so later positions stay right.
          for (let k = 0; k < segment.length; k++) {
            const c = segment.charCodeAt(k);
            if (c === LF || (c === CR && segment.charCodeAt(k + 1) !== LF)) {
              line++;
              lineStart = i + k + 1;
            }
          }
          value += segment;
          if (close < 0) {
            problems.push({ line: cellLine, column: cellColumn, recordLine, reason: 'a quoted value starts here and is never closed (a missing ")' });
            i = n;
            break;
          }
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            i = close + 2;
            continue;
          }
          i = close + 1;
          break;
        }
        value = value.replace(/\r\n?/g, '\n');
        if (i < n) {
          const c = text.charCodeAt(i);
          if (c !== delim && c !== LF && c !== CR) {
            problems.push({ line, column: i - lineStart + 1, recordLine, reason: `text after a closing quote (a quote inside a quoted value is written "")` });
            while (i < n && text.charCodeAt(i) !== delim && text.charCodeAt(i) !== LF && text.charCodeAt(i) !== CR) i++;
          }
        }
      } else {
        const start = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === delim || c === LF || c === CR) break;
          i++;
        }
        value = text.slice(start, i);
        if (blank && value.trim() !== '') blank = false;
      }
      cells.push({ value, line: cellLine, column: cellColumn, key: '' });
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === delim) {
        i++;
        if (i >= n) {
          cells.push({ value: '', line, column: i - lineStart + 1, key: '' });
          break;
        }
        continue;
      }
      // End of record: CRLF, LF or CR.
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      lineStart = i;
      break;
    }
    if (!blank) records.push({ line: recordLine, cells });
  }
  return { records, problems, truncated: false };
}
