import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeImage, detectImageFormat } from '../../../../main/core/library/image-pipeline';
import { readGenerationMetadata } from '../../../../main/core/library/metadata';
import { FIXTURES, FIXTURES_DIR, corruptFixtures, fixtureFiles, readableFixtures } from './fixture-table';

/** The rows of SOURCES.md's table: file name → byte size. */
function sourcesTable(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const line of readFileSync(join(FIXTURES_DIR, 'SOURCES.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length > 3 && /^\d+$/.test(cells[2] ?? '')) rows.set(cells[1]!, Number(cells[2]));
  }
  return rows;
}

describe('real-world fixtures (test/fixtures/real-images, see SOURCES.md)', () => {
  it('has a row in the expectation table for every file, and a file for every row', () => {
    expect(fixtureFiles()).toEqual(Object.keys(FIXTURES).sort());
  });

  it('holds every file SOURCES.md lists, unchanged in size', () => {
    const table = sourcesTable();
    expect(table.size).toBe(53);
    for (const [file, bytes] of table) expect({ file, bytes: statSync(join(FIXTURES_DIR, file)).size }).toEqual({ file, bytes });
    expect([...table.keys()].sort()).toEqual(fixtureFiles().filter((file) => file !== 'SOURCES.md'));
  });

  it.each(readableFixtures())('%s: reads what its tool wrote', async (file, expected) => {
    const bytes = readFileSync(join(FIXTURES_DIR, file));
    const format = detectImageFormat(bytes);
    expect(format).not.toBeNull();
    const meta = await readGenerationMetadata(bytes, format!);
    expect(meta.generator).toBe(expected.generator);
    expect(meta.warnings).toEqual([]);
    if (expected.generator === null) {
      // Nothing invented for files without generation metadata (GIMP comments, a screenshot's "Screenshot").
      expect({ prompt: meta.prompt, seed: meta.seed, steps: meta.steps, model: meta.model }).toEqual({ prompt: null, seed: null, steps: null, model: null });
      return;
    }
    expect(meta.prompt).toContain(expected.word);
    if (expected.negativeWord) expect(meta.negative_prompt).toContain(expected.negativeWord);
    if (expected.seed !== undefined) expect(meta.seed).toBe(expected.seed);
    if (expected.steps !== undefined) expect(meta.steps).toBe(expected.steps);
    if (expected.sampler !== undefined) expect(meta.sampler).toBe(expected.sampler);
    if (expected.cfg !== undefined) expect(meta.cfg_scale).toBe(expected.cfg);
    if (expected.model !== undefined) expect(meta.model).toBe(expected.model);
    expect(meta.stealth).toBe(expected.stealth ?? null);
    expect(Object.keys(meta.raw).length).toBeGreaterThan(0);
  });

  it.each(corruptFixtures())('%s: is refused with the defect named', async (file) => {
    const bytes = readFileSync(join(FIXTURES_DIR, file));
    const format = detectImageFormat(bytes);
    if (format === null) {
      expect(bytes.length).toBe(0);
      return;
    }
    const outcome = await Promise.all([readGenerationMetadata(bytes, format), analyzeImage(bytes)]).then(
      () => 'read',
      (error: unknown) => String(error),
    );
    expect(outcome).toMatch(/corrupt|truncated|premature|Cannot decode/i);
  });

  it('keeps every carrier verbatim in the raw metadata, including values no column can hold', async () => {
    const fooocus = await readGenerationMetadata(readFileSync(join(FIXTURES_DIR, 'fooocus1_cropped.png')), 'png');
    expect(Object.keys(fooocus.raw)).toEqual(['png:parameters', 'png:fooocus_scheme']);
    expect(fooocus.raw['png:parameters']).toContain('"seed": "6952411511246973023"');
    const comfy = await readGenerationMetadata(readFileSync(join(FIXTURES_DIR, 'krea2.png')), 'png');
    expect(JSON.parse(comfy.raw['png:workflow']!)).toHaveProperty('definitions');
    const swarm = await readGenerationMetadata(readFileSync(join(FIXTURES_DIR, 'swarmui.jpg')), 'jpeg');
    expect(swarm.raw['exif:UserComment']).toContain('sui_image_params');
    const stealth = await readGenerationMetadata(readFileSync(join(FIXTURES_DIR, 'automatic1111_stealth.png')), 'png');
    expect(stealth.raw.stealth).toContain('Negative prompt: a square');
  });
});
