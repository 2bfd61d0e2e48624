import Database from 'better-sqlite3';
import { AppError } from '../../../shared/errors';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** better-sqlite3 binding built for the running runtime (Electron passes its own; Node uses npm's). */
  nativeBinding?: string;
  readonly?: boolean;
}

/**
 * Opens the library database with the settings every connection needs: WAL (readers never block the
 * writer), foreign keys on, a busy timeout so a second process waits briefly instead of failing.
 * synchronous=NORMAL in WAL mode survives a killed process (the crash tests prove it); only a power
 * cut can lose the last transactions, which the sidecars and checkpoints cover.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  let db: Db;
  try {
    db = new Database(file, { timeout: 5_000, readonly: options.readonly ?? false, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) });
  } catch (error) {
    throw new AppError('UNAVAILABLE', `Cannot open the library database ${file}: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
  if (!options.readonly) db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}

export function closeDatabase(db: Db): void {
  if (!db.open) return;
  try {
    if (!db.readonly) db.pragma('optimize');
  } finally {
    db.close();
  }
}
