import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../main/core';
import { ERROR_CLASSES } from '../../main/core/backends/types';
import type { ApexClient } from '../../shared/client';
import type { BatchSummary } from '../../shared/domain/batches';
import { ChangeCoalescer, type PendingChanges } from '../../renderer/src/features/queue/change-coalescer';
import { createQueueStore, type QueueStore } from '../../renderer/src/features/queue/queue.store';
import { SINGLES, failureReason, flattenGroups, groupTitle, rowEta, rowProgress } from '../../renderer/src/features/queue/queue-view';
import { useTempDirs } from '../helpers/temp-library';

const tempDir = useTempDirs();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`gave up waiting for ${what}`);
}

function summary(id: number | null, total: number, overrides: Partial<BatchSummary> = {}): BatchSummary {
  return {
    id,
    name: id === null ? null : `batch ${id}`,
    source_file: null,
    created_at: 0,
    total,
    counts: { queued: total, running: 0, succeeded: 0, failed: 0, canceled: 0, held: 0 },
    images_done: 0,
    images_wanted: total,
    spent_usd: 0,
    remaining_usd: 0,
    remaining_partial: false,
    started_at: null,
    finished_at: null,
    eta: { remaining_ms: null, basis: null },
    ...overrides,
  };
}

describe('ChangeCoalescer', () => {
  it('folds a storm of events into one refresh with every id, then refreshes again for what came during it', async () => {
    const flushes: PendingChanges[] = [];
    let release: () => void = () => undefined;
    const coalescer = new ChangeCoalescer(async (changes) => {
      flushes.push(changes);
      if (flushes.length === 1) await new Promise<void>((resolve) => (release = resolve));
    }, 20);
    cleanups.push(() => coalescer.stop());
    for (let i = 1; i <= 500; i++) coalescer.add({ ids: [i], batch_ids: [i % 3 === 0 ? 9 : 8], all: false });
    await until(() => flushes.length === 1, 'the first flush');
    expect(flushes[0]!.ids.size).toBe(500);
    expect([...flushes[0]!.batchIds].sort()).toEqual([8, 9]);
    // Events during a running flush wait for it: no second request piles up behind a slow core.
    coalescer.add({ ids: [501], batch_ids: [], all: false });
    coalescer.add({ ids: [], batch_ids: [], all: true });
    await sleep(60);
    expect(flushes).toHaveLength(1);
    release();
    await until(() => flushes.length === 2, 'the second flush');
    expect([...flushes[1]!.ids]).toEqual([501]);
    expect(flushes[1]!.all).toBe(true);
    await sleep(60);
    expect(flushes).toHaveLength(2);
  });

  it('stops for good', async () => {
    let count = 0;
    const coalescer = new ChangeCoalescer(async () => void (count += 1), 5);
    coalescer.stop();
    coalescer.add({ ids: [1], batch_ids: [], all: false });
    coalescer.poke();
    await sleep(30);
    expect(count).toBe(0);
  });
});

describe('queue view', () => {
  it('flattens groups into headers and, under open ones, their jobs', () => {
    const groups = [summary(3, 2), summary(2, 1), summary(null, 1)];
    const ids = new Map([
      [3, [31, 32]],
      [2, [21]],
      [SINGLES, [5]],
    ]);
    expect(flattenGroups(groups, new Set([3, SINGLES]), ids)).toEqual([
      { kind: 'group', key: 3 },
      { kind: 'job', key: 3, id: 31 },
      { kind: 'job', key: 3, id: 32 },
      { kind: 'group', key: 2 },
      { kind: 'group', key: SINGLES },
      { kind: 'job', key: SINGLES, id: 5 },
    ]);
    expect(groupTitle(summary(null, 1))).toBe('Single prompts');
    expect(groupTitle(summary(4, 1, { name: null, source_file: '/home/a/shots/harbour.csv' }))).toBe('harbour.csv');
    expect(groupTitle(summary(4, 1, { name: null }))).toBe('Batch 4');
  });

  it('says every error class a backend can report in plain words, with advice', () => {
    for (const errorClass of [...ERROR_CLASSES, 'interrupted', 'no_backend']) {
      const reason = failureReason(errorClass);
      expect(reason.sentence, errorClass).not.toMatch(/_/);
      expect(reason.advice, errorClass).toBeTruthy();
    }
    expect(failureReason('something_new').sentence).toBe('The job failed (something new).');
  });

  it('counts a running job down from its stored estimate, and shows progress by images', () => {
    const row = {
      id: 1, batch_id: null, prompt: 'p', priority: 3, status: 'running' as const, attempts: 1, backend: 'demo', pinned_backend: null,
      images_done: 1, images_wanted: 4, estimated_cost: null, actual_cost: 0, estimated_ms: 10_000, not_before: 0, created_at: 0,
      started_at: 1_000, finished_at: null, error_class: null, error_message: null,
    };
    expect(rowEta(row, 4_000)).toBe(7_000);
    expect(rowEta(row, 20_000)).toBe(0);
    expect(rowEta({ ...row, status: 'queued' }, 4_000)).toBeNull();
    expect(rowProgress(row)).toBe(0.25);
    expect(rowProgress({ ...row, status: 'succeeded' })).toBe(1);
  });
});

describe('queue store on a real core', () => {
  async function setup(): Promise<{ core: Core; store: QueueStore; calls: Array<{ method: string; input: unknown }> }> {
    const core = await createCore({ library: join(tempDir(), 'library'), eventIntervalMs: 10 });
    cleanups.push(() => core.close());
    await core.client.call('config.update', { backends: { demo: { latency_ms: 0, max_concurrency: 4 } }, orchestrator: { max_concurrent_jobs: 4 } });
    const calls: Array<{ method: string; input: unknown }> = [];
    const client: ApexClient = {
      ...core.client,
      call: ((method: Parameters<ApexClient['call']>[0], ...args: [never]) => {
        calls.push({ method, input: args[0] });
        return core.client.call(method, ...args);
      }) as ApexClient['call'],
    };
    const store = createQueueStore(client, { refreshMs: 20, headersMs: 20, idsRefreshMs: 20, tickMs: 60_000 });
    cleanups.push(store.getState().start());
    return { core, store, calls };
  }

  const jobs = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ prompt: `${prefix} ${i}`, backend: 'demo' as const, params: { width: 64, height: 64 } }));

  it('opens batches with work in them, loads only the rows on screen, and follows changes to them', async () => {
    const { core, store, calls } = await setup();
    const a = await core.client.call('jobs.submitBatch', { name: 'a', jobs: jobs(30, 'a') });
    const b = await core.client.call('jobs.submitBatch', { name: 'b', jobs: jobs(4, 'b') });
    await until(() => store.getState().groupIds.get(a.batch_id)?.length === 30 && store.getState().groupIds.get(b.batch_id)?.length === 4, 'both groups open with their ids');
    expect(store.getState().groups.map((g) => g.id)).toEqual([b.batch_id, a.batch_id]);
    expect([...store.getState().expanded].sort()).toEqual([a.batch_id, b.batch_id].sort());

    const onScreen = a.job_ids.slice(0, 5);
    store.getState().setVisible(onScreen);
    await until(() => onScreen.every((id) => store.getState().rows[id] !== undefined), 'the visible rows');
    const asked = calls.filter((c) => c.method === 'batches.jobRows').flatMap((c) => (c.input as { ids: number[] }).ids);
    expect(new Set(asked)).toEqual(new Set(onScreen));

    calls.length = 0;
    await core.client.call('jobs.cancel', { ids: [a.job_ids[1]!, a.job_ids[20]!] });
    await until(() => store.getState().rows[a.job_ids[1]!]?.status === 'canceled', 'the canceled row');
    const refetched = calls.filter((c) => c.method === 'batches.jobRows').flatMap((c) => (c.input as { ids: number[] }).ids);
    // The changed row on screen was fetched again; the one off screen was not, nor anything else off screen.
    expect(refetched).toContain(a.job_ids[1]);
    expect(refetched.every((id) => onScreen.includes(id))).toBe(true);
    // Headers and totals refresh on their own, slower timer: they follow too.
    await until(() => store.getState().groups.find((g) => g.id === a.batch_id)?.counts.canceled === 2, 'the batch header counting both');
    await until(() => store.getState().totals?.canceled === 2, 'the totals counting both');
  });

  it('selects one, a range and everything, acts on the selection, and filters', async () => {
    const { core, store } = await setup();
    const a = await core.client.call('jobs.submitBatch', { name: 'sel', jobs: jobs(6, 's') });
    await until(() => store.getState().groupIds.get(a.batch_id)?.length === 6, 'the group ids');
    const [j0, j1, j2, j3] = a.job_ids;
    store.getState().toggleSelect(j1!);
    store.getState().toggleSelect(j3!, { range: true });
    expect([...store.getState().selection].sort()).toEqual([j1, j2, j3]);
    store.getState().toggleSelect(j2!);
    expect(store.getState().selection.has(j2!)).toBe(false);
    store.getState().selectAll();
    expect(store.getState().selection.size).toBe(6);
    store.getState().clearSelection();

    store.getState().toggleSelect(j0!);
    await store.getState().act('runNext', { ids: [j3!] });
    await until(() => store.getState().groupIds.get(a.batch_id)?.[0] === j3, 'run next to move the job to the front');
    await store.getState().setPriority({ ids: [j2!] }, 5);
    await store.getState().act('cancel', { ids: [j0!, j1!] });
    expect(store.getState().selection.size).toBe(0);
    expect(store.getState().actionError).toBeNull();

    store.getState().setFilters({ status: ['canceled'] });
    await until(() => store.getState().groupIds.get(a.batch_id)?.length === 2, 'the canceled filter');
    expect([...store.getState().groupIds.get(a.batch_id)!].sort()).toEqual([j0, j1].sort());

    await store.getState().act('retry', { group: a.batch_id });
    store.getState().setFilters({ status: [] });
    await until(() => store.getState().groups.find((g) => g.id === a.batch_id)?.total === 8, 'the retried jobs in the batch');
  });

  it('keeps following events after being stopped and started again (React StrictMode in development)', async () => {
    const { core, store } = await setup();
    store.getState().start()(); // a second start and its stop, as StrictMode runs effects twice
    const again = store.getState().start();
    cleanups.push(again);
    const { batch_id, job_ids } = await core.client.call('jobs.submitBatch', { name: 'strict', jobs: jobs(2, 'strict') });
    await until(() => store.getState().groupIds.get(batch_id)?.length === 2, 'the new batch');
    store.getState().setVisible(job_ids);
    await until(() => store.getState().rows[job_ids[0]!] !== undefined, 'its rows');
    await core.client.call('jobs.cancel', { ids: [job_ids[0]!] });
    await until(() => store.getState().rows[job_ids[0]!]?.status === 'canceled', 'the live change');
  });

  it('pauses and resumes the queue, and shows a failed action where it happened', async () => {
    const { core, store } = await setup();
    expect(await core.startOrchestrator()).toBe(true);
    await until(() => store.getState().queue !== null, 'the queue state');
    await store.getState().setPaused(true);
    expect(store.getState().queue?.paused).toBe(true);
    await store.getState().setPaused(false);
    expect(store.getState().queue?.paused).toBe(false);

    await store.getState().act('cancel', { ids: [987_654] });
    expect(store.getState().actionError).toMatchObject({ title: 'Could not cancel', error: { code: 'NOT_FOUND' } });
  });
});
