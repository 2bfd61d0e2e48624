import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { silentLogger } from '../../../main/core/log';
import type { ImportProgress } from '../../../shared/domain/import';
import { useTempDirs } from '../../helpers/temp-library';
import { FIXTURES_DIR, corruptFixtures, fixtureFiles, readableFixtures } from '../../unit/library/metadata/fixture-table';

interface AssetRow {
  id: number;
  sha256: string;
  rel_path: string;
  root_id: number | null;
  thumb_rel_path: string;
  source: string;
  generator: string | null;
  prompt: string | null;
  negative_prompt: string | null;
  seed: number | null;
  model: string | null;
  params_json: string;
  raw_metadata: string | null;
  created_at: number;
  file_mtime: number | null;
}

describe('importing the real-world fixtures folder', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;

  afterEach(async () => {
    await core?.close();
    core = null;
  });

  async function open(): Promise<Core> {
    core = await createCore({ library: join(tempDir(), 'library'), log: silentLogger, keychainService: null });
    return core;
  }

  const rows = (c: Core) => c.pipeline.db.prepare<[], AssetRow>('SELECT * FROM assets').all();
  const byFile = (c: Core) => new Map(rows(c).map((row) => [row.rel_path.split('/').pop()!, row]));
  /** The library's own search (full text over prompt, negative prompt, tags, model, file name). */
  const search = async (c: Core, text: string) => (await c.client.call('assets.search', { filter: { text }, limit: 500 })).items.map((item) => item.id);

  it('indexes every readable image in place with what its tool wrote, reports every corrupt one, and finds each by a word of its prompt', async () => {
    const c = await open();
    const progress: ImportProgress[] = [];
    c.subscribe((message) => {
      if (message.name === 'import.progress') progress.push(message.payload as ImportProgress);
    });
    const summary = await c.client.call('library.import', { paths: [FIXTURES_DIR] });

    const readable = readableFixtures();
    const corrupt = corruptFixtures();
    expect(summary).toMatchObject({
      total: fixtureFiles().length,
      imported: readable.length,
      already_present: 0,
      skipped_non_images: 1, // SOURCES.md
      failed_unlisted: 0,
      copied: false,
      roots: [realpathSync(FIXTURES_DIR)],
    });
    expect(summary.failed.map((f) => f.path.split('/').pop()).sort()).toEqual(corrupt.map(([file]) => file).sort());
    for (const [file, expected] of corrupt) {
      expect(summary.failed.find((f) => f.path.endsWith(`/${file}`))?.reason, file).toMatch(expected.reason);
    }
    expect(summary.notes.filter((n) => n.note.startsWith('stealth metadata present')).map((n) => n.path.split('/').pop()).sort()).toEqual(['automatic1111_stealth.png', 'novelai-curated.png']);

    const indexed = byFile(c);
    expect(indexed.size).toBe(readable.length);
    for (const [file, expected] of readable) {
      const row = indexed.get(file);
      expect(row, file).toBeDefined();
      // In place: the row points at the file where it is, and the file is unchanged.
      expect(row!.root_id, file).not.toBeNull();
      expect(row!.rel_path).toBe(file);
      expect(row!.sha256).toBe(createHash('sha256').update(readFileSync(join(FIXTURES_DIR, file))).digest('hex'));
      expect(row!.source).toBe('imported');
      expect(row!.generator, file).toBe(expected.generator);
      expect(existsSync(c.pipeline.files.absolutePath(row!.thumb_rel_path))).toBe(true);
      if (expected.generator === null) {
        expect(row!.prompt, file).toBeNull();
        continue;
      }
      expect(row!.prompt, file).toContain(expected.word);
      const query = expected.search ?? expected.word!;
      expect(await search(c, query), `search "${query}" finds ${file}`).toContain(row!.id);
      if (expected.negativeWord) expect(row!.negative_prompt, file).toContain(expected.negativeWord);
      if (expected.seed !== undefined) expect(row!.seed, file).toBe(expected.seed);
      if (expected.model !== undefined) expect(row!.model, file).toBe(expected.model);
      const params = JSON.parse(row!.params_json) as Record<string, unknown>;
      if (expected.steps !== undefined && expected.steps !== null) expect(params.steps, file).toBe(expected.steps);
      if (expected.sampler !== undefined && expected.sampler !== null) expect(params.sampler, file).toBe(expected.sampler);
      if (expected.stealth) expect(params.stealth).toBe(expected.stealth);
      expect(Object.keys(JSON.parse(row!.raw_metadata!) as object).length, file).toBeGreaterThan(0);
    }

    // Progress went from 0 to every file; the last (coalesced, so possibly still pending) event matches the summary.
    expect(progress[0]).toMatchObject({ done: 0, total: summary.total });
    await vi.waitFor(() =>
      expect(progress.at(-1)).toEqual({ import_id: summary.import_id, done: summary.total, total: summary.total, imported: summary.imported, skipped: 1, failed: corrupt.length }),
    );
  });

  it('adds nothing when the same folder is imported again (files in place keep their path)', async () => {
    const c = await open();
    const first = await c.client.call('library.import', { paths: [FIXTURES_DIR] });
    const before = rows(c);
    const second = await c.client.call('library.import', { paths: [FIXTURES_DIR, join(FIXTURES_DIR, 'comfyui.png')] });
    expect(second).toMatchObject({ imported: 0, already_present: first.imported, roots: [realpathSync(FIXTURES_DIR)] });
    expect(rows(c)).toEqual(before);
    expect(c.pipeline.db.prepare('SELECT COUNT(*) AS n FROM import_roots').get()).toEqual({ n: 1 });
  });

  it('copies with `copy`: content-addressed originals byte for byte, sidecars with the import origin, nothing in place', async () => {
    const c = await open();
    const summary = await c.client.call('library.import', { paths: [FIXTURES_DIR], copy: true });
    expect(summary).toMatchObject({ imported: readableFixtures().length, copied: true, roots: [] });
    expect(c.assetRoots()).toEqual([c.library.root]);
    for (const row of rows(c)) {
      expect(row.root_id).toBeNull();
      expect(row.rel_path).toMatch(new RegExp(`^assets/images/${row.sha256.slice(0, 2)}/${row.sha256}\\.(png|jpg|webp)$`));
      // Never our chunks in someone else's file: the copy hashes to the original's SHA-256.
      const copy = readFileSync(c.pipeline.files.absolutePath(row.rel_path));
      expect(createHash('sha256').update(copy).digest('hex')).toBe(row.sha256);
      const sidecar = JSON.parse(readFileSync(c.pipeline.files.absolutePath(`assets/metadata/${row.sha256.slice(0, 2)}/${row.sha256}.json`), 'utf8')) as {
        source: string;
        provenance: { prompt: string | null };
        import: { root: string | null; source_path: string; generator: string | null };
      };
      expect(sidecar.source).toBe('imported');
      expect(sidecar.provenance.prompt).toBe(row.prompt);
      expect(sidecar.import).toMatchObject({ root: null, generator: row.generator });
      expect(sidecar.import.source_path.startsWith(realpathSync(FIXTURES_DIR))).toBe(true);
    }
    // The library check agrees with what was written.
    expect(await c.client.call('library.check', { repair: false })).toMatchObject({ missing_files: 0, missing_sidecars: 0, incomplete_files: 0, bad_sidecars: 0 });
  });

  it('serves in-place rows from their import root and thumbnails from the library', async () => {
    const c = await open();
    await c.client.call('library.import', { paths: [FIXTURES_DIR] });
    const row = byFile(c).get('comfyui.png')!;
    expect(c.assetRoots()).toEqual([c.library.root, realpathSync(FIXTURES_DIR)]);
    expect(c.assets.locate('original', String(row.id))).toEqual({ root: realpathSync(FIXTURES_DIR), relPath: 'comfyui.png', mime: 'image/png', immutable: false });
    expect(c.assets.locate('thumb', String(row.id))).toEqual({ root: c.library.root, relPath: row.thumb_rel_path, mime: 'image/webp', immutable: true });
  });
});
