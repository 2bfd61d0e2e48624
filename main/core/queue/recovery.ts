import type { Db } from '../db/connection';
import { reconcileLibrary, type ReconcileDeps, type ReconcileReport } from '../library/reconcile';
import type { AttemptLedger } from './attempt-ledger';

export interface RecoveryReport {
  unclean_shutdown: boolean;
  interrupted_attempts: number;
  requeued: number;
  held: number;
  files: ReconcileReport | null;
  duration_ms: number;
}

export interface RecoveryDeps extends ReconcileDeps {
  ledger: AttemptLedger;
  /** Paid backends may have billed a call that a crash cut off. */
  isPaid(backend: string): boolean;
  recovery: 'requeue' | 'hold';
}

const SESSION_KEY = 'session_state';

/**
 * Start-up recovery (DESIGN §3), run by the process that holds the orchestrator lease:
 * 1. after an unclean shutdown, files written around the crash are reconciled: finished stores are
 *    indexed (completing their attempt when every image made it), half-written files removed;
 * 2. every attempt still open is closed as `interrupted` (possibly billed for paid backends) and its job
 *    re-queued, or held when `recovery` is "hold" and the backend is paid;
 * 3. the session is marked open, so the next start knows whether this one ended cleanly.
 */
export async function recoverAtStart(deps: RecoveryDeps): Promise<RecoveryReport> {
  const started = performance.now();
  const unclean = readSession(deps.db) === 'open';
  const files = unclean ? await reconcileLibrary(deps, { repair: true, checkRows: false }) : null;
  const counts = interruptOpenAttempts(deps, 'APEX Director stopped while this call was running.');
  writeSession(deps.db, 'open');
  return { unclean_shutdown: unclean, ...counts, files, duration_ms: performance.now() - started };
}

export function interruptOpenAttempts(deps: Pick<RecoveryDeps, 'db' | 'ledger' | 'isPaid' | 'recovery' | 'now'>, reason: string): { interrupted_attempts: number; requeued: number; held: number } {
  const open = deps.db
    .prepare<[], { id: number; job_id: number; backend: string }>('SELECT id, job_id, backend FROM attempts WHERE ended_at IS NULL ORDER BY id')
    .all();
  let requeued = 0;
  let held = 0;
  for (const attempt of open) {
    const paid = deps.isPaid(attempt.backend);
    const hold = paid && deps.recovery === 'hold';
    deps.ledger.interrupt(attempt.id, attempt.job_id, { possiblyBilled: paid, hold, reason }, deps.now());
    if (hold) held += 1;
    else requeued += 1;
  }
  // A job marked running without an open attempt cannot make progress: put it back.
  const orphans = deps.db.prepare("UPDATE jobs SET status = 'queued', updated_at = ? WHERE status = 'running' AND id NOT IN (SELECT job_id FROM attempts WHERE ended_at IS NULL)").run(deps.now()).changes;
  return { interrupted_attempts: open.length, requeued: requeued + orphans, held };
}

export function markCleanShutdown(db: Db): void {
  writeSession(db, 'closed');
}

function readSession(db: Db): string | null {
  return db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(SESSION_KEY)?.value ?? null;
}

function writeSession(db: Db, value: 'open' | 'closed'): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(SESSION_KEY, value);
}
