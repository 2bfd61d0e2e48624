import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { useTempDirs } from '../../helpers/temp-library';
import { runCli } from '../../helpers/run-cli';

const tempDir = useTempDirs();
let core: Core | null = null;
afterEach(async () => {
  await core?.close();
  core = null;
});

describe('library check', () => {
  it('finds and repairs a deleted file, a half-written file and a lost sidecar', async () => {
    const library = join(tempDir(), 'library');
    core = await createCore({ library });
    await core.client.call('config.update', { backends: { demo: { latency_ms: 0 } } });
    await core.startOrchestrator();
    await core.client.call('jobs.submitBatch', { jobs: [1, 2, 3].map((seed) => ({ prompt: `check ${seed}`, backend: 'demo' as const, params: { width: 96, height: 96, seed } })) });
    await core.pipeline.orchestrator.whenIdle();
    const rows = core.pipeline.db.prepare<[], { id: number; sha256: string; rel_path: string }>('SELECT id, sha256, rel_path FROM assets ORDER BY id').all();
    await core.close();
    core = null;

    // 1: an image deleted by hand; 2: its sidecar lost; plus a stray image file with neither row nor sidecar.
    rmSync(join(library, rows[0]!.rel_path));
    rmSync(join(library, 'assets', 'metadata', rows[1]!.sha256.slice(0, 2), `${rows[1]!.sha256}.json`));
    const strayDir = join(library, 'assets', 'images', 'ff');
    mkdirSync(strayDir, { recursive: true });
    const straySha = 'f'.repeat(64);
    copyFileSync(join(library, rows[2]!.rel_path), join(strayDir, `${straySha}.png`));

    const check = runCli(['library', 'check', '--library', library, '--json']);
    expect(check.code).toBe(1);
    expect(JSON.parse(check.stdout)).toMatchObject({ missing_files: 1, missing_sidecars: 1, incomplete_files: 1, repaired: false });

    const repair = runCli(['library', 'check', '--repair', '--library', library, '--json']);
    expect(repair.code).toBe(0);
    expect(JSON.parse(repair.stdout)).toMatchObject({ missing_files: 1, missing_sidecars: 1, incomplete_files: 1, repaired: true });

    const after = runCli(['library', 'check', '--library', library, '--json']);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ missing_files: 0, missing_sidecars: 0, incomplete_files: 0, indexed_from_sidecars: 0 });
    expect(existsSync(join(library, 'assets', 'metadata', rows[1]!.sha256.slice(0, 2), `${rows[1]!.sha256}.json`))).toBe(true);
    expect(readdirSync(strayDir)).toEqual([]);
  });

  it('re-indexes an image whose row was lost, from its sidecar', async () => {
    const library = join(tempDir(), 'library');
    core = await createCore({ library });
    await core.startOrchestrator();
    await core.client.call('jobs.submit', { prompt: 'orphaned row', backend: 'demo', params: { width: 96, height: 96, seed: 9 } });
    await core.pipeline.orchestrator.whenIdle();
    core.pipeline.db.prepare('DELETE FROM assets').run();
    const report = await core.client.call('library.check', { repair: true });
    expect(report.indexed_from_sidecars).toBe(1);
    const row = core.pipeline.db.prepare<[], { prompt: string; seed: number; backend: string }>('SELECT prompt, seed, backend FROM assets').get();
    expect(row).toEqual({ prompt: 'orphaned row', seed: 9, backend: 'demo' });
  });
});
