import { BATCH_LIMITS } from '../../../shared/domain/batch';
import type { FileIssues, Position } from './issues';
import { JsonArray, JsonObject, JsonSyntaxError, lineStartsOf, positionOf, readJson, type JsonValue } from './json-reader';
import type { ParsedRows, RawField, RawRow } from './raw-row';

/**
 * `.json`: an array of jobs, or `{"defaults": {...}, "jobs": [...]}`. `.jsonl`: one job per line. A job is
 * an object of batch fields, or simply a prompt string. Every position is kept for error messages.
 */

const JOBS_KEYS = new Set(['jobs', 'prompts', 'rows']);
const TOP_KEYS = 'a .json batch is an array of jobs, or {"defaults": {...}, "jobs": [...]}';

type Locate = (offset: number) => Position;

function plain(value: JsonValue): unknown {
  if (value instanceof JsonArray) return value.items.map((item) => plain(item.value));
  // Object.fromEntries defines own properties, so a `__proto__` key cannot reach a prototype.
  if (value instanceof JsonObject) return Object.fromEntries([...value.entries].map(([key, entry]) => [key, plain(entry.value)]));
  return value;
}

function fieldsOf(object: JsonObject, locate: Locate): RawField[] {
  return [...object.entries].map(([key, entry]) => {
    const at = locate(entry.valueOffset);
    return { key, value: plain(entry.value), line: at.line, column: at.column };
  });
}

function rowOf(value: JsonValue, offset: number, locate: Locate, issues: FileIssues): RawRow | null {
  const at = locate(offset);
  if (value instanceof JsonObject) return { at: { line: at.line, column: at.column }, fields: fieldsOf(value, locate) };
  if (typeof value === 'string') return { at, fields: [{ key: 'prompt', value, line: at.line, column: at.column }] };
  issues.row(at, null, 'each job is an object such as {"prompt": "..."}, or a prompt string');
  return null;
}

function syntaxError(error: JsonSyntaxError, locate: Locate, issues: FileIssues, kind: string): void {
  issues.whole(locate(error.offset), null, `is not valid ${kind}: ${error.message}`);
}

export function parseJsonBatch(text: string, issues: FileIssues): ParsedRows {
  const starts = lineStartsOf(text);
  const locate: Locate = (offset) => positionOf(starts, offset);
  const empty: ParsedRows = { format: 'json', rows: [], defaults: null };
  let root: JsonValue;
  try {
    root = readJson(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    // One object per line in a .json file: read it as the JSON Lines it is.
    if (error.message.includes('after the end of the JSON value') && text.trimStart().startsWith('{')) {
      issues.warn(null, null, 'holds one JSON object per line: read as JSON Lines (name it .jsonl)');
      return parseJsonLinesBatch(text, issues);
    }
    syntaxError(error, locate, issues, 'JSON');
    return empty;
  }

  let jobs: JsonArray;
  let defaults: ParsedRows['defaults'] = null;
  if (root instanceof JsonArray) jobs = root;
  else if (root instanceof JsonObject) {
    let found: JsonArray | null = null;
    for (const [key, entry] of root.entries) {
      const name = key.trim().toLowerCase();
      if (JOBS_KEYS.has(name)) {
        if (!(entry.value instanceof JsonArray)) {
          issues.whole(locate(entry.valueOffset), key, 'must be an array of jobs');
          return empty;
        }
        found = entry.value;
      } else if (name === 'defaults') {
        if (!(entry.value instanceof JsonObject)) {
          issues.whole(locate(entry.valueOffset), key, 'must be an object of batch fields, e.g. {"project": "Forest", "steps": 30}');
          return empty;
        }
        defaults = { at: locate(entry.valueOffset), fields: fieldsOf(entry.value, locate) };
      } else if (name !== 'name') {
        issues.warn(locate(entry.keyOffset), key, `not a batch key; ignored (${TOP_KEYS})`);
      }
    }
    if (!found) {
      issues.whole(locate(root.offset), 'jobs', `has no "jobs" array (${TOP_KEYS})`);
      return empty;
    }
    jobs = found;
  } else {
    issues.whole(locate(0), null, TOP_KEYS);
    return empty;
  }

  if (jobs.items.length > BATCH_LIMITS.rowsPerFile) {
    issues.whole(locate(jobs.items[BATCH_LIMITS.rowsPerFile]!.offset), null, `has more than ${BATCH_LIMITS.rowsPerFile.toLocaleString('en-US')} jobs; split it into several files`);
    return empty;
  }
  const rows: RawRow[] = [];
  for (const item of jobs.items) {
    const row = rowOf(item.value, item.offset, locate, issues);
    if (row) rows.push(row);
  }
  return { format: 'json', rows, defaults };
}

export function parseJsonLinesBatch(text: string, issues: FileIssues): ParsedRows {
  const starts = lineStartsOf(text);
  const locate: Locate = (offset) => positionOf(starts, offset);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    issues.warn(null, null, 'holds one JSON array, not one object per line: read as JSON (name it .json)');
    return parseJsonBatch(text, issues);
  }
  const rows: RawRow[] = [];
  for (let index = 0; index < starts.length; index++) {
    const start = starts[index]!;
    let end = index + 1 < starts.length ? starts[index + 1]! : text.length;
    while (end > start && (text[end - 1] === '\n' || text[end - 1] === '\r')) end--;
    if (text.slice(start, end).trim() === '') continue;
    if (rows.length >= BATCH_LIMITS.rowsPerFile) {
      issues.whole(locate(start), null, `has more than ${BATCH_LIMITS.rowsPerFile.toLocaleString('en-US')} jobs; split it into several files`);
      break;
    }
    let value: JsonValue;
    try {
      value = readJson(text, start, end);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      issues.row(locate(error.offset), null, `is not valid JSON: ${error.message}`);
      continue;
    }
    const offset = start + (text.slice(start, end).length - text.slice(start, end).trimStart().length);
    const row = rowOf(value, offset, locate, issues);
    if (row) rows.push(row);
  }
  return { format: 'jsonl', rows, defaults: null };
}
