import { copyFileSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../main/core';
import { embeddedTexts } from '../../main/core/library/embedded-metadata';
import { silentLogger } from '../../main/core/log';
import { LIBRARY_LIMITS } from '../../shared/domain/assets';
import { useTempDirs } from '../helpers/temp-library';
import { FIXTURES_DIR } from './library/metadata/fixture-table';

/** What the detail view needs from `assets.get` beyond the summary: the tool and the embedded texts. */
describe('assets.get for the detail view', () => {
  const tempDir = useTempDirs();
  let core: Core | null = null;
  afterEach(async () => {
    await core?.close();
    core = null;
  });

  it('returns the generator and every embedded text of imported files, and none for a bare file', async () => {
    const base = realpathSync(tempDir());
    const pics = join(base, 'pics');
    mkdirSync(pics);
    for (const file of ['sd-webui.png', 'comfyui.png', 'gimp.jpg']) copyFileSync(join(FIXTURES_DIR, file), join(pics, file));
    core = await createCore({ library: join(base, 'library'), log: silentLogger, keychainService: null });
    const summary = await core.client.call('library.import', { paths: [pics] });
    expect(summary.imported).toBe(3);
    const idOf = (file: string) => core!.pipeline.db.prepare<[string], { id: number }>('SELECT id FROM assets WHERE rel_path = ?').get(file)!.id;

    const a1111 = await core.client.call('assets.get', { id: idOf('sd-webui.png') });
    expect(a1111.generator).toBe('a1111');
    const parameters = a1111.embedded.find((entry) => entry.source === 'png:parameters');
    expect(parameters?.text).toMatch(/Steps: 20, Sampler: DPM\+\+ 2M/);
    expect(parameters?.chars).toBe(parameters?.text.length);

    const comfy = await core.client.call('assets.get', { id: idOf('comfyui.png') });
    expect(comfy.generator).toBe('comfyui');
    expect(comfy.embedded.map((entry) => entry.source)).toEqual(expect.arrayContaining(['png:prompt', 'png:workflow']));
    expect(JSON.parse(comfy.embedded.find((entry) => entry.source === 'png:prompt')!.text)).toBeTypeOf('object');

    const gimp = await core.client.call('assets.get', { id: idOf('gimp.jpg') });
    expect(gimp.generator).toBeNull();
    expect(gimp.prompt).toBeNull();
  });

  it('cuts long texts at the limit but reports their full length, and survives a damaged column', () => {
    const long = 'x'.repeat(LIBRARY_LIMITS.embeddedTextChars + 10);
    expect(embeddedTexts(JSON.stringify({ 'png:workflow': long, 'png:b': 'short', bad: 5 }))).toEqual([
      { source: 'png:b', text: 'short', chars: 5 },
      { source: 'png:workflow', text: long.slice(0, LIBRARY_LIMITS.embeddedTextChars), chars: long.length },
    ]);
    expect(embeddedTexts(null)).toEqual([]);
    expect(embeddedTexts('{not json')).toEqual([]);
    expect(embeddedTexts('[1,2]')).toEqual([]);
    const many = Object.fromEntries(Array.from({ length: LIBRARY_LIMITS.embeddedTexts + 5 }, (_, i) => [`png:k${String(i).padStart(3, '0')}`, 'v']));
    expect(embeddedTexts(JSON.stringify(many))).toHaveLength(LIBRARY_LIMITS.embeddedTexts);
  });
});
