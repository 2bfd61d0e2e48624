import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../main/core/db/connection';
import { LATEST_VERSION, MIGRATIONS, migrate } from '../../../main/core/db/migrations';
import { AppError } from '../../../shared/errors';
import { useTempDirs } from '../../helpers/temp-library';

describe('migrations', () => {
  const tempDir = useTempDirs();

  it('migrates an empty database to the latest schema and records the version', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    expect(migrate(db)).toEqual({ from: 0, to: LATEST_VERSION });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['batches', 'jobs', 'attempts', 'assets', 'events', 'generation_records', 'checkpoints', 'job_outputs', 'meta']));
    const columns = (table: string) => db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((r) => r.name);
    expect(columns('jobs')).toEqual(expect.arrayContaining(['priority', 'status', 'attempts', 'not_before', 'pinned_backend', 'constraints_json', 'estimated_cost', 'actual_cost', 'retried_from']));
    expect(columns('attempts')).toEqual(expect.arrayContaining(['outcome', 'error_class', 'http_status', 'retry_after_ms', 'possibly_billed', 'request_fingerprint']));
    expect(columns('assets')).toEqual(expect.arrayContaining(['sha256', 'phash', 'job_id', 'attempt_id', 'backend', 'model', 'prompt', 'negative_prompt', 'seed', 'params_json', 'cost_usd', 'generation_ms']));
    // The dispatch query walks its partial index in order, with no sort step (INDEXED BY fails if it cannot).
    const planOf = (sql: string): string =>
      db
        .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
        .all()
        .map((p) => p.detail)
        .join(' ');
    const plan = planOf("SELECT id FROM jobs INDEXED BY jobs_dispatch WHERE status = 'queued' AND not_before <= 0 ORDER BY priority DESC, id LIMIT 10");
    expect(plan).toContain('jobs_dispatch');
    expect(plan).not.toContain('TEMP B-TREE');
    // The health window reads a backend's newest attempts from the timeline index (0070 dropped its prefix twin).
    const healthPlan = planOf("SELECT backend, ended_at FROM attempts WHERE backend = 'demo' AND ended_at >= 0 ORDER BY ended_at DESC LIMIT 50");
    expect(healthPlan).toContain('attempts_timeline');
    expect(healthPlan).not.toContain('TEMP B-TREE');
    const indexes = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'attempts'").all().map((r) => r.name);
    expect(indexes).not.toContain('attempts_backend');
    expect(migrate(db)).toEqual({ from: LATEST_VERSION, to: LATEST_VERSION });
    closeDatabase(db);
  });

  it('enforces status values and foreign keys', () => {
    const db = openDatabase(join(tempDir(), 'library.db'));
    migrate(db);
    expect(() => db.prepare("INSERT INTO jobs (prompt, params_json, priority, status, created_at, updated_at) VALUES ('x', '{}', 3, 'exploded', 0, 0)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO attempts (job_id, number, backend, started_at) VALUES (999, 1, 'demo', 0)").run()).toThrow(/FOREIGN KEY/);
    closeDatabase(db);
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const file = join(tempDir(), 'library.db');
    const db = openDatabase(file);
    db.pragma(`user_version = ${LATEST_VERSION + 10}`);
    let error: unknown;
    try {
      migrate(db);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/newer APEX Director/);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 10);
    closeDatabase(db);
  });

  it('lists migrations in strictly increasing order', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
  });
});
