import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportSummary } from '../../../shared/domain/import';
import { runCli } from '../../helpers/run-cli';
import { useTempDirs } from '../../helpers/temp-library';
import { FIXTURES_DIR, corruptFixtures, readableFixtures } from '../../unit/library/metadata/fixture-table';

describe('apex-director import', () => {
  const tempDir = useTempDirs();

  it('--json prints one summary; exit 1 when some files failed, every corrupt file named', () => {
    const library = join(tempDir(), 'library');
    const run = runCli(['import', FIXTURES_DIR, '--library', library, '--json']);
    expect(run.code).toBe(1);
    const summary = ImportSummary.parse(JSON.parse(run.stdout));
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
    expect(summary.imported).toBe(readableFixtures().length);
    expect(summary.failed.map((f) => f.path.split('/').pop()).sort()).toEqual(corruptFixtures().map(([file]) => file).sort());
  });

  it('exits 0 for a clean folder, takes relative paths, and says what it did in words', () => {
    const base = tempDir();
    const pics = join(base, 'pics');
    mkdirSync(pics);
    for (const file of ['comfyui.png', 'swarmui.jpg', 'SOURCES.md']) copyFileSync(join(FIXTURES_DIR, file), join(pics, file));
    const run = runCli(['import', relative(process.cwd(), pics), '--library', join(base, 'library')]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Imported 2 image\(s\), indexed in place under .*pics\.\n {2}0 already in the library, 0 failed, 1 non-image file\(s\) skipped/);
    const again = runCli(['import', pics, '--library', join(base, 'library'), '--json']);
    expect(again.code).toBe(0);
    expect(ImportSummary.parse(JSON.parse(again.stdout))).toMatchObject({ imported: 0, already_present: 2 });
  });

  it('--copy stores the images in the library', () => {
    const base = tempDir();
    const library = join(base, 'library');
    const run = runCli(['import', join(FIXTURES_DIR, 'comfyui.png'), join(FIXTURES_DIR, 'novelai-curated.webp'), '--copy', '--library', library, '--json']);
    expect(run.code).toBe(0);
    const summary = ImportSummary.parse(JSON.parse(run.stdout));
    expect(summary).toMatchObject({ imported: 2, copied: true, roots: [] });
    expect(existsSync(join(library, 'assets', 'images'))).toBe(true);
  });

  it('assets get names the tool an imported image came from and each text it carried', () => {
    const library = join(tempDir(), 'library');
    expect(runCli(['import', join(FIXTURES_DIR, 'comfyui.png'), '--library', library, '--json']).code).toBe(0);
    const human = runCli(['assets', 'get', '1', '--library', library]);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^ {2}generator: comfyui$/m);
    expect(human.stdout).toMatch(/^ {2}embedded: {2}png:prompt \(\d+ chars\) {2}\{.{0,100}…$/m);
    expect(human.stdout).toMatch(/^ {2}embedded: {2}png:workflow \(\d+ chars\)/m);
    expect(human.stdout).toContain('(--json prints the embedded texts whole)');
  });

  it('exits 2 on usage errors', () => {
    expect(runCli(['import', '--library', join(tempDir(), 'library')]).code).toBe(2);
  });
});
