import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { useTempDirs } from '../../helpers/temp-library';

const tempDir = useTempDirs();
let core: Core;
afterEach(async () => {
  await core.close();
});

describe('job API', () => {
  it('pages through the queue with a keyset cursor in dispatch order, and newest first', async () => {
    core = await createCore({ library: join(tempDir(), 'library') });
    const priorities = [3, 5, 1, 3, 5, 2, 4, 3, 1, 5];
    const { job_ids } = await core.client.call('jobs.submitBatch', { jobs: priorities.map((priority, i) => ({ prompt: `p${i}`, priority })) });
    const seen: number[] = [];
    let after: string | null = null;
    do {
      const page: { items: Array<{ id: number }>; next: string | null } = await core.client.call('jobs.list', { limit: 3, ...(after ? { after } : {}) });
      seen.push(...page.items.map((j) => j.id));
      after = page.next;
    } while (after);
    const expected = job_ids.map((id, i) => ({ id, p: priorities[i]! })).sort((a, b) => b.p - a.p || a.id - b.id).map((x) => x.id);
    expect(seen).toEqual(expected);
    const newest = await core.client.call('jobs.list', { order: 'newest', limit: 4 });
    expect(newest.items.map((j) => j.id)).toEqual([...job_ids].reverse().slice(0, 4));
    const second = await core.client.call('jobs.list', { order: 'newest', limit: 4, after: newest.next });
    expect(second.items[0]!.id).toBe(job_ids.at(-5));
  });

  it('filters by status and batch and refuses a foreign cursor', async () => {
    core = await createCore({ library: join(tempDir(), 'library') });
    const a = await core.client.call('jobs.submitBatch', { jobs: [{ prompt: 'a1' }, { prompt: 'a2' }] });
    await core.client.call('jobs.submitBatch', { jobs: [{ prompt: 'b1' }] });
    await core.client.call('jobs.cancel', { ids: [a.job_ids[0]!] });
    expect((await core.client.call('jobs.list', { batch_id: a.batch_id })).items.map((j) => j.prompt)).toEqual(['a1', 'a2']);
    expect((await core.client.call('jobs.list', { status: ['canceled'] })).items.map((j) => j.prompt)).toEqual(['a1']);
    await expect(core.client.call('jobs.list', { after: 'garbage' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('validates submissions at the contract and names the field', async () => {
    core = await createCore({ library: join(tempDir(), 'library') });
    await expect(core.client.call('jobs.submit', { prompt: '   ' })).rejects.toMatchObject({ code: 'INVALID_INPUT', details: { field: 'prompt' } });
    await expect(core.client.call('jobs.submit', { prompt: 'x', priority: 9 })).rejects.toMatchObject({ details: { field: 'priority' } });
    await expect(core.client.call('jobs.submit', { prompt: 'x', params: { width: 10 } })).rejects.toMatchObject({ details: { field: 'params.width' } });
    await expect(core.client.call('jobs.submitBatch', { jobs: [{ prompt: 'ok' }, { prompt: 'x'.repeat(9000) }] })).rejects.toMatchObject({ details: { field: 'jobs[1].prompt' } });
    expect((await core.client.call('queue.state')).counts.queued).toBe(0);
  });

  it('records every state change in the audit log', async () => {
    core = await createCore({ library: join(tempDir(), 'library') });
    const { job_id } = await core.client.call('jobs.submit', { prompt: 'audited' });
    await core.client.call('jobs.setPriority', { ids: [job_id], priority: 5 });
    await core.client.call('jobs.cancel', { ids: [job_id] });
    const kinds = (await core.client.call('audit.list', { job_id })).items.map((e) => e.kind);
    expect(kinds).toEqual(['job.canceled', 'job.priority_changed', 'job.submitted']);
  });
});
