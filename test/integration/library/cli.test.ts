import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { AssetPage, DuplicatesResult, ExportResult } from '../../../shared/domain/assets';
import { runCli } from '../../helpers/run-cli';
import { useTempDirs } from '../../helpers/temp-library';
import { readZip } from '../../unit/library/search/zip-reader';
import { openLibrary, scene, storeImage } from './library-fixture';

/** Nine CLI processes (tsx compiles the sources each time): give a loaded CI machine room. */
const CLI_TEST_TIMEOUT_MS = 120_000;

describe('CLI: assets search / duplicates / stats, export, library cleanup', () => {
  const tempDir = useTempDirs();

  it('searches with filters and pages, finds duplicates, exports a zip and reports storage', async () => {
    const base = tempDir();
    const core = await openLibrary(base);
    const fox = await scene(31, 400, 300);
    const ids = [
      await storeImage(core, fox, { prompt: 'a fox by the river', tags: ['keep'], backend: 'sdxl' }),
      await storeImage(core, await sharp(fox).resize(200).jpeg().toBuffer(), { prompt: 'a small fox copy', tags: ['keep'], backend: 'sdxl' }),
      await storeImage(core, await scene(32, 400, 300), { prompt: 'a fox in a field', backend: 'imagen' }),
    ];
    await core.client.call('assets.update', { ids: [ids[0]!], rating: 4 });
    await core.close();
    const lib = ['--library', join(base, 'library')];

    const first = runCli(['assets', 'search', 'fox', '--tag', 'keep', '--backend', 'sdxl', '--limit', '1', '--count', '--json', ...lib]);
    expect(first.code, first.stderr).toBe(0);
    const page = JSON.parse(first.stdout) as AssetPage;
    expect(page).toMatchObject({ total: 2, items: [{ id: ids[1] }] });
    const second = JSON.parse(runCli(['assets', 'search', 'fox', '--tag', 'keep', '--backend', 'sdxl', '--limit', '1', '--after', page.next!, '--json', ...lib]).stdout) as AssetPage;
    expect(second).toMatchObject({ items: [{ id: ids[0] }], next: null });
    const human = runCli(['assets', 'search', '--rating', '4', '--format', 'png', ...lib]);
    expect(human.stdout).toMatch(new RegExp(`^\\s+${ids[0]}\\s+★★★★☆.*a fox by the river.*\\[keep\\]`, 'm'));
    const bad = runCli(['assets', 'search', '--rating', '9', ...lib]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/rating/);

    const duplicates = JSON.parse(runCli(['assets', 'duplicates', '--json', ...lib]).stdout) as DuplicatesResult;
    expect(duplicates.clusters).toMatchObject([{ keeper_id: ids[0], size: 2 }]);

    const out = join(base, 'exported');
    const exported = runCli(['export', 'fox', '--tag', 'keep', '--to', out, '--zip', '--format', 'webp', '--max-side', '100', '--json', ...lib]);
    expect(exported.code, exported.stderr).toBe(0);
    const result = JSON.parse(exported.stdout) as ExportResult;
    expect(result).toMatchObject({ images: 2, sidecars: 2, skipped: 0 });
    expect(readdirSync(out)).toHaveLength(1);
    expect(readZip(result.path).map((e) => e.name)).toEqual([`${ids[1]}-a-small-fox-copy.webp`, `${ids[1]}-a-small-fox-copy.json`, `${ids[0]}-a-fox-by-the-river.webp`, `${ids[0]}-a-fox-by-the-river.json`]);
    expect(runCli(['export', '--to', join(base, 'x'), '--ids', String(ids[2]), '--tag', 'keep', ...lib]).code).toBe(2);

    const stats = runCli(['assets', 'stats', ...lib]);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/3 image\(s\)/);
    expect(stats.stdout).toMatch(/By backend:\n\s+sdxl\s+2/);
    const cleanup = runCli(['library', 'cleanup', '--dry-run', '--json', ...lib]);
    expect(JSON.parse(cleanup.stdout)).toMatchObject({ dry_run: true, orphan_thumbnails: 0 });
    expect(existsSync(join(base, 'library', 'library.db'))).toBe(true);
  }, CLI_TEST_TIMEOUT_MS);
});
