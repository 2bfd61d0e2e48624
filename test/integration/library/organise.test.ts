import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core';
import type { AssetFilter, AssetsChanged } from '../../../shared/domain/assets';
import { AppError } from '../../../shared/errors';
import { useTempDirs } from '../../helpers/temp-library';
import { openLibrary, scene, storeImage } from './library-fixture';

describe('organising the library through the contract', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  async function withAssets(count: number): Promise<{ c: Core; ids: number[] }> {
    const c = (core = await openLibrary(tempDir()));
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(await storeImage(c, await scene(i, 64, 48), { prompt: `picture number ${i} of a quiet harbour` }));
    return { c, ids };
  }

  const search = async (c: Core, filter: AssetFilter) =>
    (await c.client.call('assets.search', { filter })).items.map((i) => i.id).sort((a, b) => a - b);

  async function failure(promise: Promise<unknown>): Promise<AppError> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  it('files a generated image under its job\'s project and tags', async () => {
    const c = (core = await openLibrary(tempDir()));
    await c.client.call('config.update', { backends: { demo: { latency_ms: 0 } } });
    expect(await c.startOrchestrator()).toBe(true);
    await c.client.call('jobs.submitBatch', { name: 'b', jobs: [{ prompt: 'a glass lighthouse', backend: 'demo', tags: ['Sea', 'night'], params: { width: 128, height: 128 } }], defaults: { project: 'Coast Book' } });
    await c.pipeline.orchestrator.whenIdle();
    const [asset] = (await c.client.call('assets.search', { filter: { text: 'lighthouse' } })).items;
    expect(asset).toMatchObject({ projects: ['Coast Book'], tags: ['night', 'Sea'], backend: 'demo' });
    expect((await c.client.call('assets.search', { filter: { projects: ['coast book'], tags: ['sea'] } })).items).toHaveLength(1);
    expect((await c.client.call('projects.list')).items).toMatchObject([{ name: 'Coast Book', count: 1 }]);
  });

  it('adds and removes tags in bulk, renames and merges them, and tells the renderer what changed', async () => {
    const { c, ids } = await withAssets(5);
    const changed: AssetsChanged[] = [];
    c.client.on('assets.changed', (payload) => changed.push(payload));

    expect(await c.client.call('tags.add', { ids: [...ids.slice(0, 3), 9999], tags: ['Sky', 'sunny ', 'sky'] })).toEqual({ added: 6 });
    expect(await c.client.call('tags.add', { ids: ids.slice(0, 3), tags: ['sky'] })).toEqual({ added: 0 }); // already there, any case
    expect(await c.client.call('tags.add', { ids: ids.slice(2), tags: ['clouds'] })).toEqual({ added: 3 });
    expect((await c.client.call('tags.list', {})).items).toEqual([
      { id: expect.any(Number), name: 'clouds', count: 3 },
      { id: expect.any(Number), name: 'Sky', count: 3 },
      { id: expect.any(Number), name: 'sunny', count: 3 },
    ]);
    expect((await c.client.call('tags.list', { prefix: 's' })).items.map((t) => t.name)).toEqual(['Sky', 'sunny']);
    expect(await search(c, { tags: ['sky', 'clouds'] })).toEqual([ids[2]]);
    expect(await search(c, { text: 'tag:sunny' })).toEqual(ids.slice(0, 3));

    expect(await c.client.call('tags.remove', { ids: ids.slice(0, 2), tags: ['sunny', 'never-existed'] })).toEqual({ removed: 2 });
    expect(await search(c, { text: 'tag:sunny' })).toEqual([ids[2]]);
    expect(await c.client.call('tags.remove', { ids: [ids[2]!], tags: ['sunny'] })).toEqual({ removed: 1 });
    expect((await c.client.call('tags.list', {})).items.map((t) => t.name)).toEqual(['clouds', 'Sky']); // unused tags are forgotten

    expect(await c.client.call('tags.rename', { from: 'sky', to: 'Blue Sky' })).toMatchObject({ name: 'Blue Sky', count: 3 });
    expect(await search(c, { text: 'tag:"blue sky"' })).toEqual(ids.slice(0, 3));
    expect(await search(c, { tags: ['Sky'] })).toEqual([]);
    expect(await c.client.call('tags.rename', { from: 'blue sky', to: 'BLUE SKY' })).toMatchObject({ name: 'BLUE SKY' }); // a case change is a rename
    const conflict = await failure(c.client.call('tags.rename', { from: 'clouds', to: 'blue sky' }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toMatch(/merge/);
    expect((await failure(c.client.call('tags.rename', { from: 'nope', to: 'x' }))).code).toBe('NOT_FOUND');

    expect(await c.client.call('tags.merge', { from: ['clouds', 'BLUE SKY'], into: 'weather' })).toMatchObject({ into: { name: 'weather', count: 5 }, merged: 2 });
    expect((await c.client.call('tags.list', {})).items.map((t) => [t.name, t.count])).toEqual([['weather', 5]]);
    expect(await search(c, { text: 'tag:weather' })).toEqual(ids);
    expect(await search(c, { text: 'tag:clouds' })).toEqual([]);

    await new Promise((resolve) => setTimeout(resolve, 250)); // events are coalesced (at most one per 100 ms)
    const seen = new Set(changed.flatMap((e) => e.ids));
    for (const id of ids) expect(seen.has(id)).toBe(true);
    expect(seen.has(9999)).toBe(false);
  });

  it('rates, favourites and annotates many images at once, with bounds checked', async () => {
    const { c, ids } = await withAssets(4);
    expect(await c.client.call('assets.update', { ids: ids.slice(0, 2), rating: 5, favorite: true })).toEqual({ changed: 2 });
    expect(await c.client.call('assets.update', { ids: [ids[1]!], notes: 'print this one' })).toEqual({ changed: 1 });
    expect(await search(c, { rating_min: 4 })).toEqual(ids.slice(0, 2));
    expect(await search(c, { favorite: true })).toEqual(ids.slice(0, 2));
    expect((await c.client.call('assets.get', { id: ids[1]! })).notes).toBe('print this one');
    expect(await c.client.call('assets.update', { ids: [ids[1]!], notes: '' })).toEqual({ changed: 1 });
    expect((await c.client.call('assets.get', { id: ids[1]! })).notes).toBeNull();
    const sorted = (await c.client.call('assets.search', { sort: 'rating' })).items.map((i) => i.id);
    expect(sorted.slice(0, 2).sort()).toEqual(ids.slice(0, 2).sort());

    const bad = await failure(c.client.call('assets.update', { ids: [ids[0]!], rating: 6 }));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.details.field).toBe('rating');
    expect((await failure(c.client.call('assets.update', { ids: [ids[0]!] }))).code).toBe('INVALID_INPUT');
    expect((await failure(c.client.call('tags.add', { ids: [ids[0]!], tags: ['x'.repeat(101)] }))).details.field).toBe('tags[0]');
  });

  it('keeps projects many-to-many: create, add, rename, remove, delete (images stay)', async () => {
    const { c, ids } = await withAssets(4);
    const book = await c.client.call('projects.create', { name: 'Picture Book' });
    const poster = await c.client.call('projects.create', { name: 'Poster' });
    expect((await failure(c.client.call('projects.create', { name: 'picture book' }))).code).toBe('CONFLICT');
    expect(await c.client.call('projects.addAssets', { id: book.id, ids: ids.slice(0, 3) })).toEqual({ added: 3 });
    expect(await c.client.call('projects.addAssets', { id: poster.id, ids: ids.slice(2) })).toEqual({ added: 2 });
    expect((await c.client.call('assets.get', { id: ids[2]! })).projects).toEqual(['Picture Book', 'Poster']);
    expect(await search(c, { projects: ['poster'] })).toEqual(ids.slice(2));
    expect(await search(c, { text: 'project:book' })).toEqual(ids.slice(0, 3));

    expect(await c.client.call('projects.rename', { id: book.id, name: 'Storybook' })).toMatchObject({ name: 'Storybook', count: 3 });
    expect(await search(c, { text: 'storybook' })).toEqual(ids.slice(0, 3));
    expect((await failure(c.client.call('projects.rename', { id: book.id, name: 'POSTER' }))).code).toBe('CONFLICT');
    expect(await c.client.call('projects.removeAssets', { id: book.id, ids: [ids[0]!] })).toEqual({ removed: 1 });
    expect(await search(c, { unfiled: true })).toEqual([ids[0]]);
    expect(await c.client.call('projects.delete', { id: poster.id })).toEqual({ unlinked: 2 });
    expect((await c.client.call('projects.list')).items.map((p) => [p.name, p.count])).toEqual([['Storybook', 2]]);
    expect((await c.client.call('assets.search', {})).items).toHaveLength(4);
    expect((await failure(c.client.call('projects.delete', { id: poster.id }))).code).toBe('NOT_FOUND');
  });

  it('saves searches as rules, runs them, follows tag renames, and refuses duplicate names', async () => {
    const { c, ids } = await withAssets(6);
    await c.client.call('tags.add', { ids: ids.slice(0, 4), tags: ['harbour'] });
    await c.client.call('assets.update', { ids: ids.slice(2), rating: 4 });
    const rule = { filter: { text: 'quiet', tags: ['harbour'], rating_min: 3 }, sort: 'oldest' as const };
    const saved = await c.client.call('collections.save', { name: 'Best harbours', rule });
    expect(saved).toMatchObject({ name: 'Best harbours', rule });
    const [listed] = (await c.client.call('collections.list')).items;
    expect(listed).toEqual(saved);
    const run = async () => (await c.client.call('assets.search', { filter: listed!.rule.filter, ...(listed!.rule.sort ? { sort: listed!.rule.sort } : {}) })).items.map((i) => i.id);
    expect(await run()).toEqual(ids.slice(2, 4));

    await c.client.call('tags.rename', { from: 'harbour', to: 'Port' });
    const [renamed] = (await c.client.call('collections.list')).items;
    expect(renamed!.rule.filter.tags).toEqual(['Port']);
    expect((await c.client.call('assets.search', { filter: renamed!.rule.filter })).items).toHaveLength(2);

    const updated = await c.client.call('collections.save', { id: saved.id, name: 'Best ports', rule: { filter: { rating_min: 4 } } });
    expect(updated).toMatchObject({ id: saved.id, name: 'Best ports', rule: { filter: { rating_min: 4 } } });
    await c.client.call('collections.save', { name: 'Other', rule: { filter: {} } });
    expect((await failure(c.client.call('collections.save', { name: 'best PORTS', rule: { filter: {} } }))).code).toBe('CONFLICT');
    expect((await failure(c.client.call('collections.save', { name: 'x', rule: { filter: { rating_min: 9 } } }))).details.field).toBe('rule.filter.rating_min');
    expect((await failure(c.client.call('collections.save', { name: 'x', rule: { filter: { colour: 'red' } as object } }))).code).toBe('INVALID_INPUT');
    expect(await c.client.call('collections.delete', { id: saved.id })).toEqual({ deleted: true });
    expect((await c.client.call('collections.list')).items.map((s) => s.name)).toEqual(['Other']);
  });
});
