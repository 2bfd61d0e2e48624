import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../../main/core';
import { hammingDistance } from '../../../main/core/library/phash';
import { useTempDirs } from '../../helpers/temp-library';
import { openLibrary, scene, storeImage } from './library-fixture';

describe('near-duplicate detection on real images', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  it('clusters resized and re-encoded copies of one picture, not different pictures, and suggests the largest as keeper', async () => {
    const c = (core = await openLibrary(tempDir()));
    const original = await scene(1, 1024, 768);
    const a = await storeImage(c, original, { prompt: 'the original, full size' });
    const aSmall = await storeImage(c, await sharp(original).resize(512).png().toBuffer(), { prompt: null });
    const aJpeg = await storeImage(c, await sharp(original).resize(800).jpeg({ quality: 60 }).toBuffer(), { prompt: 'a jpeg copy' });
    const aWebp = await storeImage(c, await sharp(original).resize(300).webp({ quality: 50 }).toBuffer(), { prompt: null });
    const other = await scene(2, 1024, 768);
    const b = await storeImage(c, other);
    const bJpeg = await storeImage(c, await sharp(other).resize(640).jpeg({ quality: 70 }).toBuffer());
    const loners = [await storeImage(c, await scene(3)), await storeImage(c, await scene(4)), await storeImage(c, await scene(5))];

    const result = await c.client.call('assets.duplicates', {});
    expect(result).toMatchObject({ threshold: 8, scanned: 9, total_clusters: 2 });
    const clusters = result.clusters.map((cluster) => ({ keeper: cluster.keeper_id, ids: cluster.items.map((i) => i.id).sort((x, y) => x - y) }));
    expect(clusters).toEqual([
      { keeper: a, ids: [a, aSmall, aJpeg, aWebp] },
      { keeper: b, ids: [b, bJpeg] },
    ]);
    const first = result.clusters[0]!;
    expect(first.items[0]).toMatchObject({ id: a, distance: 0, width: 1024, height: 768, has_metadata: true, format: 'png' });
    expect(first.items.find((i) => i.id === aJpeg)).toMatchObject({ format: 'jpeg', width: 800 });
    for (const item of first.items) expect(item.distance).toBeLessThanOrEqual(8);

    // The different pictures really are far apart, so "not clustered" is meaningful.
    const hashes = new Map((c.pipeline.db.prepare('SELECT id, phash FROM assets').all() as Array<{ id: number; phash: string }>).map((r) => [r.id, r.phash]));
    for (const x of [a, b, ...loners]) for (const y of [a, b, ...loners]) if (x < y) expect(hammingDistance(hashes.get(x)!, hashes.get(y)!)).toBeGreaterThan(12);

    // Scoped by a search, and with a tighter threshold.
    await c.client.call('tags.add', { ids: [b, bJpeg, a], tags: ['scope'] });
    expect((await c.client.call('assets.duplicates', { filter: { tags: ['scope'] } })).clusters.map((cl) => cl.size)).toEqual([2]);
    expect((await c.client.call('assets.duplicates', { threshold: 0 })).clusters.every((cl) => cl.items.every((i) => i.distance === 0))).toBe(true);
    await expect(c.client.call('assets.duplicates', { threshold: 13 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
