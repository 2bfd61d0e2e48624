import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../main/core';
import { mergeJobsChanged } from '../../main/core/queue/batch-summaries';
import { BATCH_LIMITS } from '../../shared/domain/batches';
import { useTempDirs } from '../helpers/temp-library';

/**
 * batches.list, batches.jobIds and batches.jobRows (the Queue panel's reads) on a real library: real SQLite,
 * real jobs run by the offline demo backend through the real orchestrator.
 */

const tempDir = useTempDirs();
const opened: Core[] = [];
afterEach(async () => {
  for (const core of opened.splice(0)) await core.close();
});

async function open(latencyMs = 0): Promise<Core> {
  const core = await createCore({ library: join(tempDir(), 'library') });
  opened.push(core);
  await core.client.call('config.update', { backends: { demo: { latency_ms: latencyMs, max_concurrency: 4 } }, orchestrator: { max_concurrent_jobs: 4 } });
  return core;
}

const demoJobs = (n: number, prefix: string, count = 1) =>
  Array.from({ length: n }, (_, i) => ({ prompt: `${prefix} ${i}`, backend: 'demo' as const, params: { width: 64, height: 64, seed: i + 1, count } }));

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('batches.list', () => {
  it('groups jobs by batch, newest first, with counts, images, spend and the single prompts apart', async () => {
    const core = await open();
    const first = await core.client.call('jobs.submitBatch', { name: 'harbours', source_file: '/home/artist/harbours.csv', jobs: demoJobs(4, 'harbour', 2) });
    const second = await core.client.call('jobs.submitBatch', { jobs: demoJobs(3, 'lighthouse') });
    const single = await core.client.call('jobs.submit', { prompt: 'one fox', backend: 'demo', params: { width: 64, height: 64 } });

    const queued = await core.client.call('batches.list', {});
    expect(queued.items.map((b) => b.id)).toEqual([second.batch_id, first.batch_id]);
    expect(queued.items[1]).toMatchObject({
      name: 'harbours',
      source_file: '/home/artist/harbours.csv',
      total: 4,
      counts: { queued: 4, running: 0, succeeded: 0, failed: 0, canceled: 0, held: 0 },
      images_done: 0,
      images_wanted: 8,
      spent_usd: 0,
      finished_at: null,
    });
    expect(queued.singles).toMatchObject({ id: null, total: 1, counts: { queued: 1 } });
    expect(queued.counts).toMatchObject({ queued: 8 });
    expect(queued.next).toBeNull();

    await core.client.call('jobs.cancel', { ids: [first.job_ids[3]!] });
    expect(await core.startOrchestrator()).toBe(true);
    await core.pipeline.orchestrator.whenIdle();

    const done = await core.client.call('batches.list', {});
    const harbours = done.items.find((b) => b.id === first.batch_id)!;
    expect(harbours).toMatchObject({ total: 4, counts: { succeeded: 3, canceled: 1, queued: 0, running: 0 }, images_done: 6, images_wanted: 8, eta: { remaining_ms: null, basis: null } });
    expect(harbours.finished_at).toEqual(expect.any(Number));
    expect(harbours.started_at).toEqual(expect.any(Number));
    expect(done.singles).toMatchObject({ counts: { succeeded: 1 }, images_done: 1 });
    expect(done.counts).toMatchObject({ succeeded: 7, canceled: 1, queued: 0 });
    expect(single.job_id).toBeGreaterThan(0);
  });

  it('pages older batches with a keyset cursor', async () => {
    const core = await open();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await core.client.call('jobs.submitBatch', { name: `b${i}`, jobs: demoJobs(1, `p${i}`) })).batch_id);
    const page1 = await core.client.call('batches.list', { limit: 2 });
    expect(page1.items.map((b) => b.id)).toEqual([ids[4], ids[3]]);
    expect(page1.next).toBe(ids[3]);
    const page2 = await core.client.call('batches.list', { limit: 2, before: page1.next });
    expect(page2.items.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    const page3 = await core.client.call('batches.list', { limit: 2, before: page2.next });
    expect(page3.items.map((b) => b.id)).toEqual([ids[0]]);
    expect(page3.next).toBeNull();
  });

  it('bases the ETA on the batch’s own pace once jobs have finished, and on stored estimates before', async () => {
    const core = await open(40);
    await core.client.call('config.update', { backends: { demo: { max_concurrency: 1 } }, orchestrator: { max_concurrent_jobs: 1 } });
    const { batch_id } = await core.client.call('jobs.submitBatch', { name: 'pace', jobs: demoJobs(60, 'pace') });
    const before = (await core.client.call('batches.list', {})).items[0]!;
    expect(before.eta.basis === 'estimates' || before.eta.basis === null).toBe(true);

    expect(await core.startOrchestrator()).toBe(true);
    await until(async () => (await core.client.call('queue.state')).counts.succeeded >= 4, 'four finished jobs');
    await core.client.call('queue.pause');
    await until(async () => (await core.client.call('queue.state')).counts.running === 0, 'running calls to end');
    const during = (await core.client.call('batches.list', {})).items.find((b) => b.id === batch_id)!;
    expect(during.counts.queued).toBeGreaterThan(0);
    expect(during.eta.basis).toBe('throughput');
    expect(during.eta.remaining_ms).toBeGreaterThan(0);
  });
});

describe('batches.jobIds and batches.jobRows', () => {
  it('lists a group in queue order with filters, and returns small rows in the order asked', async () => {
    const core = await open();
    const { batch_id, job_ids } = await core.client.call('jobs.submitBatch', { name: 'order', jobs: demoJobs(5, 'order') });
    await core.client.call('jobs.submit', { prompt: 'loose', backend: 'demo' });

    expect((await core.client.call('batches.jobIds', { batch_id })).ids).toEqual(job_ids);
    await core.client.call('jobs.setPriority', { ids: [job_ids[3]!], priority: 5 });
    expect((await core.client.call('batches.jobIds', { batch_id })).ids).toEqual([job_ids[3], job_ids[0], job_ids[1], job_ids[2], job_ids[4]]);

    await core.client.call('jobs.cancel', { ids: [job_ids[1]!] });
    expect(await core.client.call('batches.jobIds', { batch_id, status: ['canceled'] })).toEqual({ ids: [job_ids[1]], truncated: false });
    expect((await core.client.call('batches.jobIds', { batch_id, backend: 'demo' })).ids).toHaveLength(5);
    expect((await core.client.call('batches.jobIds', { batch_id, backend: 'sdxl' })).ids).toEqual([]);
    expect((await core.client.call('batches.jobIds', { batch_id: null })).ids).toHaveLength(1);

    const rows = await core.client.call('batches.jobRows', { ids: [job_ids[2]!, 999_999, job_ids[1]!] });
    expect(rows.items.map((r) => r.id)).toEqual([job_ids[2], job_ids[1]]);
    expect(rows.items[1]).toMatchObject({ batch_id, status: 'canceled', error_class: 'canceled', backend: 'demo', images_done: 0, images_wanted: 1, attempts: 0 });
  });

  it('cuts long prompts in rows to the documented length', async () => {
    const core = await open();
    const prompt = 'a very long prompt '.repeat(100);
    const { job_id } = await core.client.call('jobs.submit', { prompt, backend: 'demo' });
    const [row] = (await core.client.call('batches.jobRows', { ids: [job_id] })).items;
    expect(row!.prompt).toBe(prompt.trim().slice(0, BATCH_LIMITS.rowPromptChars));
  });

  it('refuses more ids than a call may carry, naming the limit', async () => {
    const core = await open();
    const ids = Array.from({ length: BATCH_LIMITS.rowsPerCall + 1 }, (_, i) => i + 1);
    await expect(core.client.call('batches.jobRows', { ids })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('jobs.changed coalescing', () => {
  it('keeps every id when two pending events fold into one, and says "all" past the cap', () => {
    expect(mergeJobsChanged({ ids: [1, 2], batch_ids: [7], all: false }, { ids: [2, 3], batch_ids: [8], all: false })).toEqual({ ids: [1, 2, 3], batch_ids: [7, 8], all: false });
    const many = Array.from({ length: 900 }, (_, i) => i + 1);
    const more = Array.from({ length: 900 }, (_, i) => i + 1_000);
    const merged = mergeJobsChanged({ ids: many, batch_ids: [], all: false }, { ids: more, batch_ids: [], all: false });
    expect(merged.ids).toHaveLength(1_000);
    expect(merged.all).toBe(true);
  });

  it('delivers the ids of a burst to a listener of the real core', async () => {
    const core = await open();
    const seen = new Set<number>();
    const stop = core.client.on('jobs.changed', (payload) => payload.ids.forEach((id) => seen.add(id)));
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await core.client.call('jobs.submit', { prompt: `burst ${i}`, backend: 'demo' })).job_id);
    await until(async () => ids.every((id) => seen.has(id)), 'every id of the burst');
    stop();
  });
});
