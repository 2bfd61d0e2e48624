import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core';
import { readPngTextChunks } from '../../../main/core/library/png-text';
import { parseInfotext } from '../../../main/core/library/a1111-infotext';
import { parseSidecar } from '../../../main/core/library/sidecar';
import { useTempDirs } from '../../helpers/temp-library';

describe('a 200-job batch through the demo backend', () => {
  const tempDir = useTempDirs();

  it('ends with 200 succeeded jobs and 200 assets whose files, thumbnails, sidecars and PNG chunks agree with their rows', async () => {
    const library = join(tempDir(), 'library');
    const core = await createCore({ library });
    await core.client.call('config.update', { backends: { demo: { latency_ms: 0, max_concurrency: 8 } }, orchestrator: { max_concurrent_jobs: 8 } });
    expect(await core.startOrchestrator()).toBe(true);
    const jobs = Array.from({ length: 200 }, (_, i) => ({
      prompt: `a watercolor fox number ${i}, misty forest`,
      negative_prompt: i % 2 === 0 ? 'blurry' : null,
      params: { width: 256, height: 192, steps: 20, seed: 1000 + i },
      tags: ['fox'],
    }));
    const { batch_id, job_ids } = await core.client.call('jobs.submitBatch', { name: 'foxes', jobs, defaults: { project: 'Forest' } });
    expect(job_ids).toHaveLength(200);
    await core.pipeline.orchestrator.whenIdle();

    const state = await core.client.call('queue.state');
    expect(state.counts).toMatchObject({ succeeded: 200, queued: 0, running: 0, failed: 0 });
    const status = await core.client.call('system.status');
    expect(status.library.assets).toBe(200);
    expect(status.jobs.succeeded).toBe(200);
    expect(status.performance.success_rate).toBe(1);

    const rows = core.pipeline.db
      .prepare<[], { id: number; sha256: string; rel_path: string; thumb_rel_path: string; job_id: number; prompt: string; seed: number; width: number; height: number; bytes: number; phash: string; backend: string; project: string; batch_id: number }>(
        'SELECT * FROM assets ORDER BY job_id',
      )
      .all();
    expect(rows).toHaveLength(200);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(200);
    for (const row of rows.slice(0, 200)) {
      const file = join(library, row.rel_path);
      const bytes = readFileSync(file);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(row.sha256);
      expect(bytes.length).toBe(row.bytes);
      expect(existsSync(join(library, row.thumb_rel_path))).toBe(true);
      const sidecar = parseSidecar(readFileSync(join(library, 'assets', 'metadata', row.sha256.slice(0, 2), `${row.sha256}.json`), 'utf8'));
      expect(sidecar.provenance).toMatchObject({ job_id: row.job_id, prompt: row.prompt, seed: row.seed, backend: 'demo', project: 'Forest', batch_id });
      const chunks = readPngTextChunks(bytes);
      const parameters = chunks.find((c) => c.keyword === 'parameters');
      const apex = chunks.find((c) => c.keyword === 'apex');
      expect(parameters && parseInfotext(parameters.text)).toMatchObject({ prompt: row.prompt, seed: row.seed });
      expect(JSON.parse(apex?.text ?? '{}')).toMatchObject({ provenance: { job_id: row.job_id, seed: row.seed } });
      expect(row.phash).toMatch(/^[0-9a-f]{16}$/);
    }
    const meta = await sharp(join(library, rows[0]!.rel_path)).metadata();
    expect([meta.width, meta.height]).toEqual([256, 192]);
    const thumb = await sharp(join(library, rows[0]!.thumb_rel_path)).metadata();
    expect(thumb.format).toBe('webp');

    const detail = await core.client.call('jobs.get', { id: job_ids[0]! });
    expect(detail.job.asset_ids).toHaveLength(1);
    expect(detail.attempts).toHaveLength(1);
    expect(detail.attempts[0]).toMatchObject({ backend: 'demo', outcome: 'succeeded', possibly_billed: false });
    expect(detail.progress).toBe(1);
    await core.close();
  });
});
