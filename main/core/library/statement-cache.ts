import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection';

/** Distinct SQL shapes kept prepared; searches build SQL from the filter's shape, so there are only a few hundred. */
export const MAX_CACHED_STATEMENTS = 256;

/**
 * Prepared statements by SQL text. Search SQL depends on which filters are set (never on their values,
 * which are bound), so repeating a search reuses its statement instead of re-planning it every page.
 */
export class StatementCache {
  private readonly statements = new Map<string, Statement<unknown[], unknown>>();

  constructor(private readonly db: Db) {}

  get<R>(sql: string): Statement<unknown[], R> {
    let statement = this.statements.get(sql);
    if (statement) {
      this.statements.delete(sql); // re-insert: Map order is the recency order
    } else {
      statement = this.db.prepare<unknown[], unknown>(sql);
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(sql, statement);
    return statement as Statement<unknown[], R>;
  }
}
