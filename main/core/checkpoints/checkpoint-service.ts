import { copyFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Checkpoint } from '../../../shared/domain/checkpoints';
import { AppError } from '../../../shared/errors';
import { closeDatabase, openDatabase, type Db } from '../db/connection';
import { LATEST_VERSION, migrate } from '../db/migrations';
import type { Logger } from '../log';
import type { AuditLog } from '../queue/audit';
import type { JobStore } from '../queue/job-store';

/**
 * Tables a restore brings back, parents first. The audit log, estimator history and the checkpoint list
 * itself are facts about what happened and stay as they are.
 */
const RESTORED_TABLES = ['batches', 'jobs', 'attempts', 'tags', 'projects', 'assets', 'job_outputs', 'asset_tags', 'asset_projects', 'saved_searches'] as const;

interface CheckpointRow {
  id: number;
  name: string | null;
  reason: Checkpoint['reason'];
  file: string;
  size_bytes: number;
  job_counts_json: string;
  schema_version: number;
  created_at: number;
}

export interface CheckpointHooks {
  /** Stop dispatching and settle in-flight calls before the database changes underneath. */
  suspend(): Promise<void>;
  /** After the swap: close interrupted attempts, re-index files newer than the checkpoint, resume. */
  afterRestore(): Promise<void>;
}

export interface CheckpointDeps {
  db: Db;
  dir: string;
  jobs: JobStore;
  audit: AuditLog;
  log: Logger;
  nativeBinding?: string | undefined;
  keepAutomatic: () => number;
  now?: () => number;
}

/**
 * Named snapshots of the library database, made with SQLite's online backup (never a file copy of a live
 * database). A restore swaps the contents of the restored tables in ONE transaction, so readers see the old
 * state or the new, never a mix, and every open connection and prepared statement stays valid.
 */
export class CheckpointService {
  private readonly now: () => number;
  private lastAutoEventId = -1;
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly deps: CheckpointDeps) {
    this.now = deps.now ?? Date.now;
  }

  async create(name: string | null, reason: Checkpoint['reason']): Promise<Checkpoint> {
    const at = this.now();
    const counts = this.deps.jobs.counts();
    // Time first so the folder sorts by age; a random tail keeps two checkpoints of one millisecond apart.
    const base = `${new Date(at).toISOString().replace(/[:.]/g, '-')}-${reason}-${randomBytes(3).toString('hex')}`;
    const temp = join(this.deps.dir, `.${base}.partial`);
    const file = join(this.deps.dir, `${base}.sqlite`);
    try {
      await this.deps.db.backup(temp);
      renameSync(temp, file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new AppError('UNAVAILABLE', `Could not write the checkpoint: ${error instanceof Error ? error.message : String(error)}`);
    }
    const size = statSync(file).size;
    const id = Number(
      this.deps.db
        .prepare('INSERT INTO checkpoints (name, reason, file, size_bytes, job_counts_json, schema_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(name, reason, `${base}.sqlite`, size, JSON.stringify(counts), LATEST_VERSION, at).lastInsertRowid,
    );
    this.deps.audit.record('checkpoint.created', at, {}, { checkpoint_id: id, reason, name });
    if (reason === 'auto') this.prune();
    return this.require(id);
  }

  list(): Checkpoint[] {
    return this.deps.db.prepare<[], CheckpointRow>('SELECT * FROM checkpoints ORDER BY created_at DESC, id DESC').all().map(toCheckpoint);
  }

  require(id: number): Checkpoint {
    const row = this.deps.db.prepare<[number], CheckpointRow>('SELECT * FROM checkpoints WHERE id = ?').get(id);
    if (!row) throw new AppError('NOT_FOUND', `No checkpoint ${id}.`, { checkpoint_id: id });
    return toCheckpoint(row);
  }

  /**
   * Restores checkpoint `id`: dispatch stops, a safety checkpoint of the current state is taken, the
   * checkpoint is migrated to the current schema in a scratch copy, its tables replace ours in one
   * transaction, then dispatch resumes. Images made after the checkpoint stay indexed (hooks.afterRestore).
   */
  async restore(id: number, hooks: CheckpointHooks): Promise<{ restored: Checkpoint; safety: Checkpoint }> {
    const target = this.require(id);
    const source = join(this.deps.dir, target.file);
    if (!fileExists(source)) throw new AppError('NOT_FOUND', `The file of checkpoint ${id} is missing (${target.file}).`, { checkpoint_id: id });
    await hooks.suspend();
    const safety = await this.create(`before restoring #${id}`, 'before_restore');
    const scratch = join(this.deps.dir, `.restore-${id}-${this.now()}.sqlite`);
    try {
      copyFileSync(source, scratch);
      const copy = openDatabase(scratch, this.deps.nativeBinding ? { nativeBinding: this.deps.nativeBinding } : {});
      try {
        migrate(copy);
        copy.pragma('journal_mode = DELETE'); // a single file to attach
      } finally {
        closeDatabase(copy);
      }
      this.swapTables(scratch);
      this.deps.audit.record('checkpoint.restored', this.now(), {}, { checkpoint_id: id, safety_checkpoint_id: safety.id });
    } finally {
      rmSync(scratch, { force: true });
      rmSync(`${scratch}-wal`, { force: true });
      rmSync(`${scratch}-shm`, { force: true });
    }
    await hooks.afterRestore();
    return { restored: target, safety };
  }

  /** Every `checkpoint_interval` seconds, a checkpoint if anything was recorded since the last one. */
  startAutomatic(intervalSeconds: number): void {
    this.stopAutomatic();
    this.timer = setInterval(() => {
      void this.autoIfChanged().catch((error: unknown) => this.deps.log.error('automatic checkpoint failed', { error: String(error) }));
    }, intervalSeconds * 1000);
    this.timer.unref();
  }

  stopAutomatic(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async autoIfChanged(): Promise<Checkpoint | null> {
    const latest = (this.deps.db.prepare("SELECT MAX(id) AS id FROM events WHERE kind NOT LIKE 'checkpoint.%'").get() as { id: number | null }).id ?? 0;
    if (latest === this.lastAutoEventId) return null;
    this.lastAutoEventId = latest;
    return this.create(null, 'auto');
  }

  /** Keeps the newest `checkpoint_keep` automatic checkpoints; manual and safety ones stay. */
  prune(): number {
    const keep = this.deps.keepAutomatic();
    const old = this.deps.db
      .prepare<[number], { id: number; file: string }>("SELECT id, file FROM checkpoints WHERE reason = 'auto' ORDER BY created_at DESC, id DESC LIMIT -1 OFFSET ?")
      .all(keep);
    for (const row of old) {
      rmSync(join(this.deps.dir, row.file), { force: true });
      this.deps.db.prepare('DELETE FROM checkpoints WHERE id = ?').run(row.id);
    }
    return old.length;
  }

  private swapTables(scratch: string): void {
    const db = this.deps.db;
    db.prepare('ATTACH DATABASE ? AS cp').run(scratch);
    try {
      db.transaction(() => {
        db.pragma('defer_foreign_keys = ON');
        for (const table of [...RESTORED_TABLES].reverse()) db.exec(`DELETE FROM main.${table}`);
        for (const table of RESTORED_TABLES) db.exec(`INSERT INTO main.${table} SELECT * FROM cp.${table}`);
      })();
    } finally {
      db.exec('DETACH DATABASE cp');
    }
  }
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    id: row.id,
    name: row.name,
    reason: row.reason,
    file: row.file,
    size_bytes: row.size_bytes,
    job_counts: JSON.parse(row.job_counts_json) as Checkpoint['job_counts'],
    schema_version: row.schema_version,
    created_at: row.created_at,
  };
}

function fileExists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}
