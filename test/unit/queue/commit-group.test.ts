import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../../main/core/db/connection';
import { CommitGroup } from '../../../main/core/queue/commit-group';
import { useTempDirs } from '../../helpers/temp-library';

describe('CommitGroup', () => {
  const tempDir = useTempDirs();
  let db: Db | null = null;
  afterEach(() => {
    if (db) closeDatabase(db);
    db = null;
  });

  function open(): Db {
    db = openDatabase(join(tempDir(), 'group.db'));
    db.exec('CREATE TABLE t (v TEXT NOT NULL)');
    return db;
  }

  const values = (db: Db) => db.prepare<[], { v: string }>('SELECT v FROM t ORDER BY rowid').all().map((r) => r.v);

  it('commits the changes requested in one turn together, and a failing change rolls back only itself', async () => {
    const db = open();
    const insert = db.prepare<[string]>('INSERT INTO t (v) VALUES (?)');
    const transactions: number[] = [];
    const group = new CommitGroup(db, (work) => {
      transactions.push(db.inTransaction ? 1 : 0);
      return work();
    });
    const add = (v: string) => db.transaction(() => insert.run(v).changes);
    const failing = db.transaction(() => {
      insert.run('half-done');
      throw new Error('this change fails');
    });
    const results = await Promise.allSettled([group.run(add('a')), group.run(failing), group.run(add('b'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('this change fails'));
    expect(values(db)).toEqual(['a', 'b']);
    expect(transactions).toEqual([1]); // one group, inside its transaction
    expect(db.inTransaction).toBe(false);

    await group.run(add('c'));
    expect(values(db)).toEqual(['a', 'b', 'c']);
    expect(transactions).toEqual([1, 1]);
  });

  it('rejects every change of a group whose commit fails, and writes none of them', async () => {
    const db = open();
    const insert = db.prepare<[string]>('INSERT INTO t (v) VALUES (?)');
    const group = new CommitGroup(db, (work) => {
      work();
      throw new Error('the group could not be finished');
    });
    const results = await Promise.allSettled([group.run(db.transaction(() => insert.run('x'))), group.run(db.transaction(() => insert.run('y')))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(values(db)).toEqual([]);
  });
});
