import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core';
import { useTempDirs } from '../../helpers/temp-library';
import { openLibrary, scene, storeImage } from './library-fixture';

describe('search after a checkpoint restore', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  it('finds every image by its words, with the checkpoint\'s ratings, and keeps images made since', async () => {
    const c = (core = await openLibrary(tempDir()));
    const before = await storeImage(c, await scene(51, 64, 64), { prompt: 'an orchard in bloom' });
    await c.client.call('assets.update', { ids: [before], rating: 2 });
    const checkpoint = await c.client.call('checkpoints.create', { name: 'orchard' });
    await c.client.call('assets.update', { ids: [before], rating: 5 });
    await storeImage(c, await scene(52, 64, 64), { prompt: 'a vineyard at harvest' });

    await c.client.call('checkpoints.restore', { id: checkpoint.id });
    const find = async (text: string) => (await c.client.call('assets.search', { filter: { text } })).items;
    expect(await find('orchard')).toMatchObject([{ id: before, rating: 2 }]);
    expect(await find('vineyard')).toHaveLength(1); // re-indexed from its sidecar
    expect(await find('orchard OR vineyard')).toHaveLength(2);
    const fts = c.pipeline.db.prepare("SELECT COUNT(*) AS n FROM assets_fts WHERE assets_fts MATCH 'orchard OR vineyard'").get();
    expect(fts).toEqual({ n: 2 }); // no stale full-text rows left behind
  });
});
