import type { Db } from '../db/connection';

/** Most changes one group commit carries; a longer queue is committed in several transactions. */
export const MAX_GROUP = 256;

interface Pending<T> {
  change: () => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit. Every SQLite commit writes each page it touched to the WAL again, and finishing one job
 * touches ~40 pages (job, attempt, audit, asset and search rows and their indexes): committing jobs that
 * finish in the same turn of the event loop together writes those shared pages once instead of once per
 * job. Each change must be a transaction function (`db.transaction(...)`): nested in the group's
 * transaction it runs as a savepoint, so it is applied whole or not at all, and a failing change rolls
 * back only itself (its promise rejects) while the others commit.
 *
 * A change waits at most one turn of the event loop (`setImmediate`): a crash in that window loses it
 * exactly as a crash a moment before it was requested would, which the queue's recovery already covers
 * (an attempt left open is interrupted at the next start).
 */
export class CommitGroup {
  private queue: Array<Pending<unknown>> = [];
  private scheduled = false;

  /** `around` wraps each group's changes inside its transaction (the ledger writes their search rows together). */
  constructor(
    private readonly db: Db,
    private readonly around: <T>(work: () => T) => T = (work) => work(),
  ) {}

  /** Runs `change` (a transaction function: see above) in the next group transaction; resolves with its result once committed. */
  run<T>(change: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ change, resolve: resolve as (value: unknown) => void, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Commits everything waiting now (also called by `run`'s timer). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const group = this.queue.splice(0, MAX_GROUP);
      const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      try {
        this.db.transaction(() =>
          this.around(() => {
            for (const item of group) {
              try {
                outcomes.push({ ok: true, value: item.change() });
              } catch (error) {
                outcomes.push({ ok: false, error });
              }
            }
          }),
        )();
      } catch (error) {
        // The commit itself failed (disk full, I/O error): nothing of this group was written.
        for (const item of group) item.reject(error);
        continue;
      }
      group.forEach((item, i) => {
        const outcome = outcomes[i]!;
        if (outcome.ok) item.resolve(outcome.value);
        else item.reject(outcome.error);
      });
    }
  }
}
