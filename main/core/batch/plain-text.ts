import { BATCH_LIMITS } from '../../../shared/domain/batch';
import { isA1111Line, parseA1111Line } from './a1111-line';
import type { FileIssues } from './issues';
import type { ParsedRows, RawRow } from './raw-row';
import { splitLines } from './text-input';

/**
 * A `.txt` batch: one prompt per line, or an A1111 "prompts from file" line of `--flag value` pairs (the
 * two may be mixed). A line starting with `#` is a comment; blank lines are skipped. The text arrives
 * already decoded (BOM stripped); CRLF, LF and CR line ends all work.
 */
export function parsePlainText(text: string, issues: FileIssues): ParsedRows {
  const rows: RawRow[] = [];
  let a1111 = false;
  const lines = splitLines(text);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (rows.length >= BATCH_LIMITS.rowsPerFile) {
      issues.whole({ line: index + 1, column: null }, null, `has more than ${BATCH_LIMITS.rowsPerFile.toLocaleString('en-US')} prompts; split it into several files`);
      break;
    }
    const lineNo = index + 1;
    if (isA1111Line(line)) {
      a1111 = true;
      const row = parseA1111Line(line, lineNo, issues);
      if (row) rows.push(row);
      continue;
    }
    rows.push({ at: { line: lineNo, column: null }, fields: [{ key: 'prompt', value: line, line: lineNo, column: 1 }] });
  }
  return { format: a1111 ? 'a1111' : 'txt', rows, defaults: null };
}
