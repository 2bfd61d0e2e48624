import type { BatchIssue } from '../../../shared/domain/batch';

/** Where in a file something is: 1-based line and column (column null when the format has none). */
export interface Position {
  line: number;
  column: number | null;
}

/**
 * Collects every problem of one call, located by file, line, column and field. Nothing stops at the first
 * error: the artist fixes a file in one pass, not one complaint at a time.
 */
export class IssueList {
  readonly items: BatchIssue[] = [];
  private errorCount = 0;
  private warningCount = 0;

  error(file: string, at: Position | null, field: string | null, reason: string, scope: BatchIssue['scope'] = 'row'): void {
    this.errorCount += 1;
    this.items.push({ severity: 'error', scope, file, line: at?.line ?? null, column: at?.column ?? null, field, reason });
  }

  warning(file: string, at: Position | null, field: string | null, reason: string): void {
    this.warningCount += 1;
    this.items.push({ severity: 'warning', scope: 'row', file, line: at?.line ?? null, column: at?.column ?? null, field, reason });
  }

  get errors(): number {
    return this.errorCount;
  }

  get warnings(): number {
    return this.warningCount;
  }

  /** `file:line:column: field: reason`, the form editors and terminals link to. */
  static format(issue: BatchIssue): string {
    const where = [issue.file, issue.line, issue.column].filter((part) => part !== null).join(':');
    return `${where}: ${issue.field ? `${issue.field}: ` : ''}${issue.reason}`;
  }
}

/** Collects a file's problems into the call's list; tracks which rows went bad so they can be skipped. */
export class FileIssues {
  private readonly bad = new Set<number>();
  private fileError = false;
  errors = 0;
  warnings = 0;

  constructor(
    readonly file: string,
    private readonly list: IssueList,
  ) {}

  row(at: Position, field: string | null, reason: string): void {
    this.bad.add(at.line);
    this.errors += 1;
    this.list.error(this.file, at, field, reason, 'row');
  }

  /** A row error reported at one position but belonging to the row that starts at `rowLine`. */
  rowAt(rowLine: number, at: Position, field: string | null, reason: string): void {
    this.bad.add(rowLine);
    this.errors += 1;
    this.list.error(this.file, at, field, reason, 'row');
  }

  /** The file cannot be used at all (unreadable, binary, no prompt column...). */
  whole(at: Position | null, field: string | null, reason: string): void {
    this.fileError = true;
    this.errors += 1;
    this.list.error(this.file, at, field, reason, 'file');
  }

  warn(at: Position | null, field: string | null, reason: string): void {
    this.warnings += 1;
    this.list.warning(this.file, at, field, reason);
  }

  /** Lines of rows that had an error (rows a parser could not even read are among them). */
  get badLines(): ReadonlySet<number> {
    return this.bad;
  }

  isBad(rowLine: number): boolean {
    return this.bad.has(rowLine);
  }

  get badRows(): number {
    return this.bad.size;
  }

  get failed(): boolean {
    return this.fileError;
  }
}
