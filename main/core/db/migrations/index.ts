import { AppError } from '../../../../shared/errors';
import type { Db } from '../connection';
import m0010 from './0010-init';
import m0020 from './0020-library';
import m0030 from './0030-import';
import m0040 from './0040-estimates';
import m0050 from './0050-fts-once';
import m0060 from './0060-attempts-timeline';
import m0070 from './0070-drop-attempts-backend';

export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Db): void;
}

/** Forward-only. Never edit a migration that has shipped: add the next one (steps of 10 leave room). */
export const MIGRATIONS: readonly Migration[] = [m0010, m0020, m0030, m0040, m0050, m0060, m0070];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;

/**
 * Brings the database to the latest schema, each migration in its own transaction with its
 * `user_version` bump, so a failure leaves the previous version intact. A database written by a newer
 * APEX Director is refused, never downgraded or wiped.
 */
export function migrate(db: Db): { from: number; to: number } {
  for (let i = 1; i < MIGRATIONS.length; i++) {
    if (MIGRATIONS[i - 1]!.version >= MIGRATIONS[i]!.version) throw new Error('Migrations must be strictly increasing');
  }
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > LATEST_VERSION) {
    throw new AppError(
      'UNAVAILABLE',
      `This library was last opened by a newer APEX Director (database version ${from}; this version knows up to ${LATEST_VERSION}). Update APEX Director to open it; nothing was changed.`,
      { version: from, supported: LATEST_VERSION },
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    })();
  }
  return { from, to: LATEST_VERSION };
}
