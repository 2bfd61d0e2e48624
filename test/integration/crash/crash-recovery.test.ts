import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core';
import type { RecoveryReport } from '../../../main/core/queue/recovery';
import { startLoopbackImageServer, type LoopbackImageServer } from '../../fakes/loopback-image-server';
import { useTempDirs } from '../../helpers/temp-library';

const JOBS = 500;
const WORKER = ['--import', 'tsx', 'test/integration/crash/crash-worker.ts'];
/** Kill windows, as fractions of JOBS calls that have reached the fake server: early, middle, late. */
const KILL_WINDOWS: ReadonlyArray<readonly [number, number]> = [
  [0.1, 0.3],
  [0.4, 0.6],
  [0.7, 0.9],
];

type Worker = ChildProcessByStdio<null, Readable, Readable>;

interface StartedWorker {
  child: Worker;
  recovery: RecoveryReport;
  /** Resolves when the worker prints `idle`. */
  idle: Promise<void>;
  /** Resolves with the exit code (null when killed) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Workers still running when a test fails: killed (and waited for) before the library folder is removed. */
const live = new Map<Worker, Promise<unknown>>();
afterEach(async () => {
  for (const child of live.keys()) child.kill('SIGKILL');
  await Promise.all(live.values());
  live.clear();
});

/** Spawns the worker and waits for its `ready` line (with the recovery report printed just before it). */
async function startWorker(library: string, url: string): Promise<StartedWorker> {
  const child = spawn(process.execPath, [...WORKER, library, url], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, stderr });
    }),
  );
  live.set(child, exited);
  const lines = createInterface({ input: child.stdout });
  let recovery: RecoveryReport | null = null;
  let markReady: () => void = () => undefined;
  let markIdle: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const idle = new Promise<void>((resolve) => (markIdle = resolve));
  lines.on('line', (line) => {
    if (line.startsWith('recovery ')) recovery = JSON.parse(line.slice('recovery '.length)) as RecoveryReport;
    else if (line === 'ready') markReady();
    else if (line === 'idle') markIdle();
  });
  await Promise.race([
    ready,
    exited.then(({ code, signal, stderr: err }) => {
      throw new Error(`worker exited (${code ?? signal}) before it was ready: ${err}`);
    }),
  ]);
  if (!recovery) throw new Error('worker was ready without a recovery report');
  return { child, recovery, idle, exited };
}

/** Resolves once the fake server has seen `count` calls; rejects if the worker exits first. */
function whenCalls(server: LoopbackImageServer, count: number, worker: StartedWorker): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setInterval(() => {
      if (done || server.calls.length < count) return;
      done = true;
      clearInterval(timer);
      resolve();
    }, 1);
    void worker.exited.then(({ code, signal, stderr }) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      reject(new Error(`worker exited (${code ?? signal}) before ${count} calls: ${stderr}`));
    });
  });
}

function randomIn([low, high]: readonly [number, number]): number {
  return low + Math.random() * (high - low);
}

/** Every file under `dir`, library-relative with forward slashes. */
function walk(dir: string, root: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, root));
    else out.push(relative(root, path).split('\\').join('/'));
  }
  return out;
}

describe('crash recovery: a 500-job batch survives three SIGKILLs', () => {
  const tempDir = useTempDirs();

  it(
    'ends with every job succeeded exactly once, one asset per job, no orphan, no duplicate',
    async () => {
      const server = await startLoopbackImageServer({ latencyMs: 20 + Math.floor(Math.random() * 21) });
      try {
        const library = join(tempDir(), 'library');

        // Submit in this process, without dispatching: the worker does all the work.
        const submitter = await createCore({ library });
        const jobs = Array.from({ length: JOBS }, (_, i) => ({
          prompt: `crash test ${i}: a lighthouse on a cliff at dusk, variation ${i * 7919}`,
          backend: 'sdxl' as const,
          params: { width: 64, height: 64, seed: 10_000 + i },
        }));
        const { job_ids } = await submitter.client.call('jobs.submitBatch', { name: 'crash', jobs });
        expect(job_ids).toHaveLength(JOBS);
        await submitter.close();

        const kills: Array<{ at_calls: number; recovery: RecoveryReport }> = [];
        let worker = await startWorker(library, server.url);
        for (const window of KILL_WINDOWS) {
          const target = Math.floor(randomIn(window) * JOBS);
          await whenCalls(server, target, worker);
          const atCalls = server.calls.length;
          worker.child.kill('SIGKILL');
          const exit = await worker.exited;
          expect(exit.signal).toBe('SIGKILL');
          worker = await startWorker(library, server.url);
          kills.push({ at_calls: atCalls, recovery: worker.recovery });
        }
        await worker.idle;
        const last = await worker.exited;
        expect(last.code, last.stderr).toBe(0);

        for (const [i, kill] of kills.entries()) {
          const files = kill.recovery.files;
          console.log(
            `kill ${i + 1} at ${kill.at_calls} server calls: ${kill.recovery.interrupted_attempts} attempts interrupted, ` +
              `${files?.attempts_completed ?? 0} completed from their files, ${files?.incomplete_files ?? 0} half-stored images removed, ` +
              `${files?.temp_files_removed ?? 0} temp files removed`,
          );
        }
        // Each job's prompt reaches the server once for its success; every call beyond that was cut off by a kill.
        const cutOffCalls = server.calls.length - JOBS;
        console.log(`server calls in total: ${server.calls.length} for ${JOBS} jobs: ${cutOffCalls} calls were in flight when a kill landed`);
        expect(cutOffCalls).toBeGreaterThan(0);
        for (const kill of kills) {
          expect(kill.recovery.unclean_shutdown).toBe(true);
          // Eight calls in flight at every kill: each kill must leave at least one open attempt behind.
          expect(kill.recovery.interrupted_attempts + (kill.recovery.files?.attempts_completed ?? 0)).toBeGreaterThan(0);
        }

        // ---- the verdict, from a fresh core and plain SQL ----
        const core = await createCore({ library });
        try {
          const db = core.pipeline.db;
          const statuses = db.prepare<[], { status: string; n: number }>('SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all();
          expect(statuses).toEqual([{ status: 'succeeded', n: JOBS }]);

          const succeededPerJob = db
            .prepare<[], { job_id: number; n: number }>("SELECT job_id, COUNT(*) AS n FROM attempts WHERE outcome = 'succeeded' GROUP BY job_id")
            .all();
          expect(succeededPerJob).toHaveLength(JOBS);
          expect(succeededPerJob.filter((r) => r.n !== 1)).toEqual([]);

          const open = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM attempts WHERE ended_at IS NULL').get()!.n;
          expect(open).toBe(0);
          const outcomes = db.prepare<[], { outcome: string | null; n: number }>('SELECT outcome, COUNT(*) AS n FROM attempts GROUP BY outcome ORDER BY outcome').all();
          expect(outcomes.map((o) => o.outcome).filter((o) => o !== 'succeeded' && o !== 'interrupted')).toEqual([]);
          const interrupted = outcomes.find((o) => o.outcome === 'interrupted')?.n ?? 0;
          expect(interrupted).toBeGreaterThan(0);
          expect(interrupted).toBe(kills.reduce((sum, k) => sum + k.recovery.interrupted_attempts, 0));
          const attemptCount = outcomes.reduce((sum, o) => sum + o.n, 0);
          // Every call the server saw belongs to an attempt row (an attempt is opened before its call).
          expect(server.calls.length).toBeLessThanOrEqual(attemptCount);
          expect(new Set(server.calls.map((c) => c.body.prompt)).size).toBe(JOBS);
          expect(cutOffCalls).toBeLessThanOrEqual(interrupted);

          // One asset per job, linked through job_outputs to the succeeded attempt.
          const outputs = db
            .prepare<[], { job_id: number; asset_id: number; attempt_id: number; outcome: string | null; asset_job: number | null }>(
              `SELECT o.job_id, o.asset_id, o.attempt_id, a.outcome, s.job_id AS asset_job
               FROM job_outputs o JOIN attempts a ON a.id = o.attempt_id JOIN assets s ON s.id = o.asset_id`,
            )
            .all();
          expect(outputs).toHaveLength(JOBS);
          expect(new Set(outputs.map((o) => o.job_id)).size).toBe(JOBS);
          expect(new Set(outputs.map((o) => o.asset_id)).size).toBe(JOBS);
          expect(outputs.filter((o) => o.outcome !== 'succeeded' || o.asset_job !== o.job_id)).toEqual([]);

          const assets = db.prepare<[], { id: number; sha256: string; rel_path: string; thumb_rel_path: string | null; job_id: number | null }>(
            'SELECT id, sha256, rel_path, thumb_rel_path, job_id FROM assets',
          ).all();
          expect(assets).toHaveLength(JOBS);
          expect(new Set(assets.map((a) => a.sha256)).size).toBe(JOBS);
          expect(new Set(assets.map((a) => a.job_id)).size).toBe(JOBS);

          // Every row's files exist and hold what the row says; no file without a row; no temp leftovers.
          const expected = new Set<string>();
          for (const asset of assets) {
            const sidecar = `assets/metadata/${asset.sha256.slice(0, 2)}/${asset.sha256}.json`;
            for (const rel of [asset.rel_path, asset.thumb_rel_path ?? '(no thumbnail)', sidecar]) {
              expect(existsSync(join(library, rel)), rel).toBe(true);
              expected.add(rel);
            }
            expect(createHash('sha256').update(readFileSync(join(library, asset.rel_path))).digest('hex')).toBe(asset.sha256);
          }
          const onDisk = ['images', 'thumbnails', 'metadata'].flatMap((folder) => walk(join(library, 'assets', folder), library));
          expect(onDisk.filter((rel) => rel.endsWith('.tmp'))).toEqual([]);
          expect(onDisk.filter((rel) => !expected.has(rel))).toEqual([]);
          expect(onDisk).toHaveLength(expected.size);

          const check = await core.client.call('library.check', { repair: false });
          expect(check).toMatchObject({
            indexed_from_sidecars: 0,
            attempts_completed: 0,
            incomplete_files: 0,
            missing_files: 0,
            missing_sidecars: 0,
            bad_sidecars: 0,
            temp_files_removed: 0,
          });
        } finally {
          await core.close();
        }
      } finally {
        await server.close();
      }
    },
    180_000,
  );
});
