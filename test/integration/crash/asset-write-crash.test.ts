import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { closeDatabase, openDatabase } from '../../../main/core/db/connection';
import { assetSink } from '../../../main/core/library/asset-records';
import type { AssetRecordInput } from '../../../main/core/library/asset-index';
import type { DispatchCandidate } from '../../../main/core/queue/job-store';
import { createLoopbackBackend } from '../../fakes/loopback-backend';
import { deterministicPng, startLoopbackImageServer, type LoopbackImageServer } from '../../fakes/loopback-image-server';
import { useTempDirs } from '../../helpers/temp-library';

/**
 * The moment the random kills of crash-recovery.test.ts rarely hit, made deterministic: the backend
 * answered, the asset files are (partly) on disk, the process dies before the database commit. The state
 * such a SIGKILL leaves is rebuilt by hand — an open attempt, the job `running`, the files of the store,
 * the session still marked open — and a fresh process must recover it.
 */

interface Interrupted {
  jobId: number;
  attemptId: number;
  stored: AssetRecordInput[];
}

describe('a crash between the asset files and the database commit', () => {
  const tempDir = useTempDirs();
  let server: LoopbackImageServer;
  let library: string;
  const open: Core[] = [];

  beforeEach(async () => {
    server = await startLoopbackImageServer({ latencyMs: 5 });
    library = join(tempDir(), 'library');
  });
  afterEach(async () => {
    for (const core of open.splice(0)) await core.close();
    await server.close();
  });

  async function start(): Promise<Core> {
    const core = await createCore({ library, backends: [createLoopbackBackend({ id: 'sdxl', baseUrl: server.url, paid: false })] });
    open.push(core);
    return core;
  }

  async function stop(core: Core): Promise<void> {
    open.splice(open.indexOf(core), 1);
    await core.close();
  }

  /** What a SIGKILL leaves: close() never ran, so the session is still marked open (unclean shutdown). */
  function markSessionOpen(): void {
    const db = openDatabase(join(library, 'library.db'));
    try {
      db.prepare("INSERT INTO meta (key, value) VALUES ('session_state', 'open') ON CONFLICT (key) DO UPDATE SET value = excluded.value").run();
    } finally {
      closeDatabase(db);
    }
  }

  /**
   * Submits one job and does what the orchestrator does up to the crash: opens the attempt (job running),
   * gets the backend's images and writes their files through the orchestrator's own sink. No commit.
   */
  async function dispatchAndStoreWithoutCommit(count: number): Promise<Interrupted> {
    const core = await start();
    await core.client.call('jobs.submit', { prompt: 'a red kite over the dunes', backend: 'sdxl', params: { width: 64, height: 64, seed: 42, count } });
    const job: DispatchCandidate = core.pipeline.jobs.candidates(Date.now(), 1)[0]!;
    const attemptId = core.pipeline.ledger.start(job.id, 'sdxl', null, 'fingerprint', { chosen: 'sdxl', skipped: [] }, Date.now());
    expect(attemptId).not.toBeNull();
    const sink = assetSink(core.pipeline.files);
    const stored: AssetRecordInput[] = [];
    for (let index = 0; index < count; index++) {
      const bytes = Buffer.from(await deterministicPng(`${job.prompt}|${job.params.seed}|${index}`), 'base64');
      stored.push(
        await sink.store(
          { bytes, mime: 'image/png' },
          {
            job_id: job.id,
            attempt_id: attemptId!,
            batch_id: job.batch_id,
            image_index: index,
            image_count: count,
            backend: 'sdxl',
            model: 'loopback-1',
            prompt: job.prompt,
            negative_prompt: job.negative_prompt,
            seed: job.params.seed,
            params: { ...job.params },
            cost_usd: 0,
            generation_ms: 25,
            project: job.project,
            tags: job.tags,
            created_at: Date.now(),
          },
        ),
      );
    }
    await stop(core);
    markSessionOpen();
    return { jobId: job.id, attemptId: attemptId!, stored };
  }

  function assetFilesOnDisk(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else out.push(relative(library, path).split('\\').join('/'));
      }
    };
    for (const folder of ['images', 'thumbnails', 'metadata']) walk(join(library, 'assets', folder));
    return out.sort();
  }

  function expectedFiles(core: Core): string[] {
    const rows = core.pipeline.db.prepare<[], { sha256: string; rel_path: string; thumb_rel_path: string }>('SELECT sha256, rel_path, thumb_rel_path FROM assets').all();
    return rows.flatMap((r) => [r.rel_path, r.thumb_rel_path, `assets/metadata/${r.sha256.slice(0, 2)}/${r.sha256}.json`]).sort();
  }

  async function expectConsistent(core: Core): Promise<void> {
    expect(assetFilesOnDisk()).toEqual(expectedFiles(core));
    expect(await core.client.call('library.check', { repair: false })).toMatchObject({
      indexed_from_sidecars: 0,
      attempts_completed: 0,
      incomplete_files: 0,
      missing_files: 0,
      missing_sidecars: 0,
      bad_sidecars: 0,
      temp_files_removed: 0,
    });
  }

  it.each([1, 3])('completes an attempt whose %i image(s) were fully stored, from those files, without calling the backend again', async (count) => {
    const crashed = await dispatchAndStoreWithoutCommit(count);

    const core = await start();
    expect(await core.startOrchestrator()).toBe(true);
    expect(core.pipeline.lastRecovery).toMatchObject({
      unclean_shutdown: true,
      interrupted_attempts: 0,
      files: { attempts_completed: 1, indexed_from_sidecars: count, incomplete_files: 0 },
    });
    await core.pipeline.orchestrator.whenIdle();
    expect(server.calls).toHaveLength(0);

    const detail = await core.client.call('jobs.get', { id: crashed.jobId });
    expect(detail.job.status).toBe('succeeded');
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ id: crashed.attemptId, outcome: 'succeeded' });
    // The completed store is what got indexed: the same files, linked to the same attempt, once each.
    const outputs = core.pipeline.db
      .prepare<[number], { attempt_id: number; image_index: number; sha256: string }>(
        'SELECT o.attempt_id, o.image_index, a.sha256 FROM job_outputs o JOIN assets a ON a.id = o.asset_id WHERE o.job_id = ? ORDER BY o.image_index',
      )
      .all(crashed.jobId);
    expect(outputs).toEqual(crashed.stored.map((s, index) => ({ attempt_id: crashed.attemptId, image_index: index, sha256: s.sha256 })));
    expect(core.pipeline.assets.stats().assets).toBe(count);
    await expectConsistent(core);

    // A second crash right after recovery changes nothing: never a second asset for one attempt.
    await stop(core);
    markSessionOpen();
    const again = await start();
    expect(await again.startOrchestrator()).toBe(true);
    expect(again.pipeline.lastRecovery).toMatchObject({ interrupted_attempts: 0, files: { attempts_completed: 0, indexed_from_sidecars: 0 } });
    await again.pipeline.orchestrator.whenIdle();
    expect(server.calls).toHaveLength(0);
    expect(again.pipeline.assets.stats().assets).toBe(count);
    expect(again.pipeline.db.prepare('SELECT COUNT(*) AS n FROM job_outputs').get()).toEqual({ n: count });
    await expectConsistent(again);
  });

  it('removes a half-written store (image and thumbnail, no sidecar, a temp file) and runs the job again, once', async () => {
    const crashed = await dispatchAndStoreWithoutCommit(1);
    const sha = crashed.stored[0]!.sha256;
    // Killed while writing the sidecar: its temp file exists, the sidecar itself was never renamed into place.
    const sidecar = join(library, 'assets', 'metadata', sha.slice(0, 2), `${sha}.json`);
    rmSync(sidecar);
    writeFileSync(join(library, 'assets', 'metadata', sha.slice(0, 2), `.${sha}.json.0a1b2c3d4e5f.tmp`), '{"version":1,"sha2');

    const core = await start();
    expect(await core.startOrchestrator()).toBe(true);
    expect(core.pipeline.lastRecovery).toMatchObject({
      unclean_shutdown: true,
      interrupted_attempts: 1,
      files: { attempts_completed: 0, indexed_from_sidecars: 0, incomplete_files: 1, temp_files_removed: 1 },
    });
    await core.pipeline.orchestrator.whenIdle();
    expect(server.calls).toHaveLength(1);

    const detail = await core.client.call('jobs.get', { id: crashed.jobId });
    expect(detail.job.status).toBe('succeeded');
    expect(detail.attempts.map((a) => a.outcome)).toEqual(['interrupted', 'succeeded']);
    expect(detail.job.asset_ids).toHaveLength(1);
    expect(core.pipeline.assets.stats().assets).toBe(1);
    expect(core.pipeline.assets.has(sha)).toBe(false);
    expect(existsSync(join(library, crashed.stored[0]!.rel_path))).toBe(false);
    await expectConsistent(core);
  });
});
