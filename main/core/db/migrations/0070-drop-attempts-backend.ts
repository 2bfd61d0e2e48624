import type { Db } from '../connection';

/**
 * `attempts_backend (backend, ended_at)` is a prefix of `attempts_timeline` (migration 0060), which
 * answers every query it did. Every attempt written or finished kept both up to date; now one.
 */
export default {
  version: 70,
  name: 'drop-attempts-backend',
  up(db: Db): void {
    db.exec('DROP INDEX IF EXISTS attempts_backend;');
  },
};
