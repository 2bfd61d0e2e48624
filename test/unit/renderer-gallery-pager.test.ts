import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../main/core';
import { AssetPager, type FetchPage } from '../../renderer/src/features/gallery/asset-pager';
import { useTempDirs } from '../helpers/temp-library';
import { openLibrary, scene, storeImage } from '../integration/library/library-fixture';

/**
 * The gallery's paging cache over a real core (real SQLite, real keyset cursors of `assets.search`),
 * with tiny pages so a few dozen images make long cursor chains.
 */
describe('gallery paging cache', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  async function library(count: number): Promise<{ c: Core; ids: number[] }> {
    const c = (core = await openLibrary(tempDir()));
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(await storeImage(c, await scene(i, 32, 24), { prompt: `tile ${i} of the harbour\nsecond line` }));
    return { c, ids };
  }

  function fetcher(c: Core, text?: string): { fetch: FetchPage; calls: Array<{ cursor: string | null; limit: number; count: boolean }> } {
    const calls: Array<{ cursor: string | null; limit: number; count: boolean }> = [];
    return {
      calls,
      fetch: (request) => {
        calls.push(request);
        return c.client.call('assets.search', { sort: 'oldest', cursor: request.cursor, limit: request.limit, count: request.count, ...(text ? { filter: { text } } : {}) });
      },
    };
  }

  it('loads pages in order until the asked row is there, with the total from the first page', async () => {
    const { c, ids } = await library(23);
    const { fetch, calls } = fetcher(c);
    const pager = new AssetPager(fetch, { firstPage: 4, pageSize: 6 });
    let notified = 0;
    pager.subscribe(() => notified++);

    await pager.ensure(0);
    expect(pager.getSnapshot()).toMatchObject({ loaded: true, total: 23, loading: false, error: null });
    expect(pager.getSnapshot().items.map((t) => t.id)).toEqual(ids.slice(0, 4));
    expect(pager.count()).toBe(23);
    expect(calls).toEqual([{ cursor: null, limit: 4, count: true }]);

    // Row 15 needs pages 2-3 (4 + 6 + 6 = 16 rows); only the first asked for a count.
    await pager.ensure(15);
    expect(pager.getSnapshot().items.map((t) => t.id)).toEqual(ids.slice(0, 16));
    expect(calls.slice(1).map((call) => [call.limit, call.count])).toEqual([
      [6, false],
      [6, false],
    ]);
    expect(pager.idsBetween(14, 12)).toEqual(ids.slice(12, 15));
    expect(pager.idsBetween(10, 16)).toBeNull();
    expect(pager.indexOf(ids[9]!)).toBe(9);
    expect(pager.indexOf(999_999)).toBe(-1);

    // Past the end: the chain stops at the last page and the total is exact.
    await pager.ensure(500);
    expect(pager.getSnapshot()).toMatchObject({ next: null, total: 23, loading: false });
    expect(pager.getSnapshot().items).toHaveLength(23);
    const callsAtEnd = calls.length;
    await pager.ensure(22);
    expect(calls).toHaveLength(callsAtEnd);
    expect(notified).toBeGreaterThan(0);
    // Tiles keep what a tile shows: the prompt's first line is the label.
    expect(pager.getSnapshot().items[3]).toMatchObject({ id: ids[3], label: 'tile 3 of the harbour', rating: 0, favorite: false, hasThumbnail: true, format: 'png' });
  });

  it('concurrent ensure calls share one chain and never fetch a page twice', async () => {
    const { c, ids } = await library(14);
    const { fetch, calls } = fetcher(c);
    const pager = new AssetPager(fetch, { firstPage: 3, pageSize: 3 });
    await Promise.all([pager.ensure(2), pager.ensure(8), pager.ensure(5)]);
    expect(pager.getSnapshot().items.map((t) => t.id)).toEqual(ids.slice(0, 9));
    expect(new Set(calls.map((call) => call.cursor)).size).toBe(calls.length);
  });

  it('a reload swaps in the fresh result at once, keeping old rows on screen until then', async () => {
    const { c, ids } = await library(10);
    const { fetch } = fetcher(c);
    const pager = new AssetPager(fetch, { firstPage: 4, pageSize: 4 });
    await pager.ensure(7);
    const before = pager.getSnapshot();
    await c.client.call('assets.update', { ids: [ids[1]!], rating: 4, favorite: true });
    await c.client.call('assets.delete', { ids: [ids[0]!] });

    const reloading = pager.reload(5);
    expect(pager.getSnapshot()).toBe(before); // nothing changes until the fresh rows are all there
    await reloading;
    const after = pager.getSnapshot();
    expect(after.total).toBe(9);
    expect(after.items.map((t) => t.id)).toEqual(ids.slice(1, 9));
    expect(after.items[0]).toMatchObject({ id: ids[1], rating: 4, favorite: true });
    expect(pager.indexOf(ids[5]!)).toBe(4);
    // A reload is told apart from pages appended by scrolling (the grid re-anchors only on the former).
    expect(after.reloads).toBe(before.reloads + 1);
    await pager.ensure(8);
    expect(pager.getSnapshot().items).toHaveLength(9);
    expect(pager.getSnapshot().reloads).toBe(after.reloads);
  });

  it('a page that was on its way during a reload is dropped, not appended to the new result', async () => {
    const { c, ids } = await library(12);
    const { fetch } = fetcher(c);
    const pager = new AssetPager(fetch, { firstPage: 3, pageSize: 3 });
    await pager.ensure(0);
    const chain = pager.ensure(8);
    const reload = pager.reload(2);
    await Promise.all([chain, reload]);
    await pager.ensure(11);
    expect(pager.getSnapshot().items.map((t) => t.id)).toEqual(ids);
  });

  it('keeps a failure in the snapshot and carries on after retry', async () => {
    const { c, ids } = await library(6);
    const { fetch } = fetcher(c);
    let failNext = false;
    const pager = new AssetPager(
      async (request) => {
        if (failNext) {
          failNext = false;
          // A real failure from the core: a cursor it never issued.
          return c.client.call('assets.search', { cursor: 'not-a-cursor' });
        }
        return fetch(request);
      },
      { firstPage: 2, pageSize: 2 },
    );
    await pager.ensure(1);
    failNext = true;
    await pager.ensure(5);
    const failed = pager.getSnapshot();
    expect(failed.error).toBeInstanceOf(Error);
    expect(failed.items.map((t) => t.id)).toEqual(ids.slice(0, 2));
    expect(failed.loading).toBe(false);
    await pager.retry();
    expect(pager.getSnapshot().error).toBeNull();
    expect(pager.getSnapshot().items.map((t) => t.id)).toEqual(ids);
  });

  it('drops everything in flight once disposed', async () => {
    const { c } = await library(3);
    const { fetch } = fetcher(c);
    const pager = new AssetPager(fetch, { firstPage: 2, pageSize: 2 });
    const pending = pager.ensure(2);
    pager.dispose();
    await pending;
    expect(pager.getSnapshot()).toMatchObject({ loaded: false, loading: false });
    // ...and starts over when asked again (React's development double mount disposes, then mounts again).
    await pager.ensure(2);
    expect(pager.getSnapshot()).toMatchObject({ loaded: true, total: 3 });
    expect(pager.getSnapshot().items).toHaveLength(3);
  });
});
