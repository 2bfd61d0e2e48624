import type { BatchFormat } from '../../../shared/domain/batch';
import type { Position } from './issues';

/**
 * One value as a file gave it (a CSV cell, a JSON value, an A1111 flag's argument), with where it was:
 * the field is its own Position (no extra object per cell: a 10,000-row CSV has 100,000 of them).
 */
export interface RawField extends Position {
  /** The key as written (header cell, JSON key, flag name), before normalisation. */
  key: string;
  value: unknown;
}

/** One row of a batch file before its fields are checked: the line it starts on and its fields. */
export interface RawRow {
  at: Position;
  fields: RawField[];
}

/** What every format parser returns: rows, plus file-level defaults (JSON `{defaults, jobs}` only). */
export interface ParsedRows {
  format: BatchFormat;
  rows: RawRow[];
  defaults: { at: Position; fields: RawField[] } | null;
}
