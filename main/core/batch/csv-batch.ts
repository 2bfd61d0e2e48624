import { BATCH_LIMITS } from '../../../shared/domain/batch';
import { describeDelimiter, detectDelimiter, readCsv, type CsvDelimiter } from './csv';
import type { FileIssues } from './issues';
import type { ParsedRows, RawRow } from './raw-row';
import { matchKey, ROW_FIELDS } from './row-fields';

/**
 * A `.csv` (or `.tsv`) batch: a header row naming the columns (DESIGN §8 field names, any case), then one
 * job per record. The delimiter is `,`, `;` or tab, detected from the header (a `.tsv` is always tab).
 */
export function parseCsvBatch(text: string, issues: FileIssues, forced: CsvDelimiter | null = null): ParsedRows {
  const delimiter = forced ?? detectDelimiter(text);
  // +1: the header is a record too.
  const { records, problems, truncated } = readCsv(text, delimiter, BATCH_LIMITS.rowsPerFile + 1);
  const empty: ParsedRows = { format: 'csv', rows: [], defaults: null };
  const header = records[0];
  if (!header) return empty;

  const columns: Array<string | null> = [];
  const seen = new Map<string, number>();
  for (const [index, cell] of header.cells.entries()) {
    const name = cell.value.trim();
    if (name === '') {
      columns.push(null);
      continue;
    }
    const match = matchKey(name);
    if (match.kind === 'typo') {
      // Once for the header, not once per row: the whole column would be lost.
      issues.whole({ line: cell.line, column: cell.column }, name, `unknown column (did you mean ${match.suggestion}?)`);
    }
    if (match.kind === 'field') {
      const before = seen.get(match.field);
      if (before !== undefined) {
        issues.whole({ line: cell.line, column: cell.column }, name, `column ${index + 1} repeats column ${before + 1} (${match.field}); which one counts would be a guess`);
      }
      seen.set(match.field, index);
    }
    columns.push(name);
  }
  if (!seen.has('prompt')) {
    const named = columns.filter((c): c is string => c !== null);
    issues.whole(
      { line: header.line, column: 1 },
      'prompt',
      `has no prompt column (${describeDelimiter(delimiter)}-separated header: ${named.slice(0, 8).join(', ') || 'empty'}). The first row must name the columns, e.g. ${ROW_FIELDS.slice(0, 4).join(describeDelimiter(delimiter) === 'tab' ? '\\t' : delimiter)}`,
    );
    return empty;
  }
  if (issues.failed) return empty;

  for (const problem of problems) issues.rowAt(problem.recordLine, { line: problem.line, column: problem.column }, null, problem.reason);
  if (truncated) issues.whole({ line: records.at(-1)!.line, column: null }, null, `has more than ${BATCH_LIMITS.rowsPerFile.toLocaleString('en-US')} rows; split it into several files`);

  const promptColumn = seen.get('prompt')!;
  const rows: RawRow[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r]!;
    const fields: RawRow['fields'] = [];
    let misaligned = false;
    for (let c = 0; c < record.cells.length; c++) {
      const cell = record.cells[c]!;
      const key = columns[c];
      if (key === undefined) {
        if (cell.value.trim() !== '') {
          issues.row(
            { line: cell.line, column: cell.column },
            null,
            `this row has ${record.cells.length} values but the header names ${columns.length} columns (a ${describeDelimiter(delimiter)} inside a value? put the value in "double quotes")`,
          );
          // The values no longer line up with their columns: checking them would only add noise.
          misaligned = true;
          break;
        }
        continue;
      }
      // An empty cell means "not given": skipping it here spares 10,000-row files most of their checks.
      // The prompt cell is kept so "a prompt is required" can point at it.
      if (key === null || (cell.value === '' && c !== promptColumn)) continue;
      cell.key = key;
      fields.push(cell);
    }
    if (!misaligned) rows.push({ at: { line: record.line, column: null }, fields });
  }
  return { format: 'csv', rows, defaults: null };
}
