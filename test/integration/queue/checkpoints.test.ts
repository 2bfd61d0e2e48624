import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { useTempDirs } from '../../helpers/temp-library';

const tempDir = useTempDirs();
let core: Core;
afterEach(async () => {
  await core.close();
});

const demoJob = (prompt: string, seed: number) => ({ prompt, backend: 'demo' as const, params: { width: 128, height: 128, seed } });

describe('checkpoints', () => {
  it('restore brings back the job states of the checkpoint and keeps every image file indexed', async () => {
    const library = join(tempDir(), 'library');
    core = await createCore({ library });
    await core.client.call('config.update', { backends: { demo: { latency_ms: 0 } } });
    await core.startOrchestrator();
    await core.client.call('jobs.submitBatch', { jobs: [demoJob('first', 1), demoJob('second', 2)] });
    await core.pipeline.orchestrator.whenIdle();
    await core.client.call('queue.pause');
    const { job_ids: later } = await core.client.call('jobs.submitBatch', { jobs: [demoJob('third', 3), demoJob('fourth', 4)] });

    const checkpoint = await core.client.call('checkpoints.create', { name: 'two done, two queued' });
    expect(checkpoint).toMatchObject({ reason: 'manual', name: 'two done, two queued', job_counts: { succeeded: 2, queued: 2 } });
    expect(existsSync(join(library, 'checkpoints', checkpoint.file))).toBe(true);

    // After the checkpoint: the two queued jobs run, one more job is added and canceled.
    await core.client.call('queue.resume');
    await core.pipeline.orchestrator.whenIdle();
    const { job_id: extra } = await core.client.call('jobs.submit', demoJob('fifth', 5));
    await core.client.call('jobs.cancel', { ids: [extra] });
    expect((await core.client.call('system.status')).library.assets).toBe(4);

    await core.client.call('queue.pause'); // so the restored queued jobs stay visible as queued
    const { restored, safety } = await core.client.call('checkpoints.restore', { id: checkpoint.id });
    expect(restored.id).toBe(checkpoint.id);
    expect(safety).toMatchObject({ reason: 'before_restore', job_counts: { succeeded: 4, canceled: 1 } });

    const state = await core.client.call('queue.state');
    expect(state.counts).toMatchObject({ succeeded: 2, queued: 2, canceled: 0 });
    for (const id of later) expect((await core.client.call('jobs.get', { id })).job.status).toBe('queued');
    await expect(core.client.call('jobs.get', { id: extra })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // The images made after the checkpoint are still indexed (re-read from their sidecars).
    const status = await core.client.call('system.status');
    expect(status.library.assets).toBe(4);
    const prompts = core.pipeline.db.prepare<[], { prompt: string }>('SELECT prompt FROM assets ORDER BY prompt').all().map((r) => r.prompt);
    expect(prompts).toEqual(['first', 'fourth', 'second', 'third']);

    // The checkpoint list keeps everything, and the safety checkpoint can undo the restore.
    const list = await core.client.call('checkpoints.list');
    expect(list.items.map((c) => c.id)).toEqual([safety.id, checkpoint.id]);
    await core.client.call('checkpoints.restore', { id: safety.id });
    expect((await core.client.call('queue.state')).counts).toMatchObject({ succeeded: 4, canceled: 1 });
    const audit = await core.client.call('audit.list', { kind: 'checkpoint.restored' });
    expect(audit.items).toHaveLength(2);
  });

  it('makes automatic checkpoints only when something changed, and keeps the newest N', async () => {
    const library = join(tempDir(), 'library');
    core = await createCore({ library });
    await core.client.call('config.update', { orchestrator: { checkpoint_keep: 2 } });
    const service = core.pipeline.checkpoints;
    expect(await service.autoIfChanged()).not.toBeNull();
    expect(await service.autoIfChanged()).toBeNull();
    for (let i = 0; i < 3; i++) {
      await core.client.call('jobs.submit', { prompt: `change ${i}` });
      expect(await service.autoIfChanged()).not.toBeNull();
    }
    const autos = (await core.client.call('checkpoints.list')).items.filter((c) => c.reason === 'auto');
    expect(autos).toHaveLength(2);
    expect(readdirSync(join(library, 'checkpoints')).filter((f) => f.includes('-auto-') && f.endsWith('.sqlite'))).toHaveLength(2);
  });

  it('refuses an unknown checkpoint', async () => {
    core = await createCore({ library: join(tempDir(), 'library') });
    await expect(core.client.call('checkpoints.restore', { id: 42 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
