import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli';
import { useTempDirs } from '../../helpers/temp-library';

const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'batch');
/** No keychain in these child processes: keys come from the environment only (none unless a test sets one). */
const ENV = { APEX_KEYCHAIN_SERVICE: '' };

/** Each test starts the CLI two or three times (tsx compiles the sources each time): room for a busy machine. */
const CLI_TEST_TIMEOUT_MS = 120_000;

describe('apex-director run / estimate with batch files', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  const tempDir = useTempDirs();

  it('run --dry-run --json previews a folder and a file, with a reproducible seed, and queues nothing', () => {
    const dir = tempDir();
    const library = join(dir, 'library');
    const file = join(dir, 'cars.txt');
    writeFileSync(file, 'a {red|green|blue} car at {dawn|dusk}\n');
    const args = ['run', join(FIXTURES, 'folder'), file, '--dry-run', '--variants', '4', '--seed', '77', '--backend', 'demo', '--library', library, '--json'];
    const first = runCli(args, ENV);
    expect(first.code).toBe(0);
    const preview = JSON.parse(first.stdout) as { ok: boolean; totals: Record<string, number>; prompts: Array<{ prompt: string }>; expansion: { seed: number } };
    expect(preview.ok).toBe(true);
    expect(preview.expansion.seed).toBe(77);
    // a-prompts.txt: a lighthouse + a {red|blue} boat × 4 variants; b-table.csv: one row; cars.txt: 4 variants.
    expect(preview.totals).toMatchObject({ files: 3, rows: 4, jobs: 1 + 4 + 1 + 4, errors: 0 });
    const again = JSON.parse(runCli(args, ENV).stdout) as typeof preview;
    expect(again.prompts).toEqual(preview.prompts);
    expect(JSON.parse(runCli(['status', '--library', library, '--json'], ENV).stdout)).toMatchObject({ jobs: { queued: 0 } });
  });

  it('run refuses a file with errors with exit 2, naming every line and field, and queues nothing', () => {
    const dir = tempDir();
    const library = join(dir, 'library');
    const file = join(dir, 'bad.csv');
    writeFileSync(file, 'prompt,steps,width\nfine,20,\ntoo many steps,900,\nnarrow,,10\n');
    const run = runCli(['run', file, '--library', library, '--backend', 'demo'], ENV);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('2 errors in the batch files; nothing was queued');
    expect(run.stderr).toContain(`${file}:3:16: steps: must be 1 to 150 (got "900")`);
    expect(run.stderr).toContain(`${file}:4:9: width: must be 64 to 8192 (got "10")`);
    expect(JSON.parse(runCli(['status', '--library', library, '--json'], ENV).stdout)).toMatchObject({ jobs: { queued: 0 } });
  });

  it('run --mode combinatorial --skip-bad-rows --no-wait queues every combination of the good rows', () => {
    const dir = tempDir();
    const library = join(dir, 'library');
    const file = join(dir, 'grid.jsonl');
    writeFileSync(file, '{"prompt": "a {red|green|blue} {cube|sphere}", "tags": "grid"}\n{"prompt": "broken", "priority": 9}\n');
    const run = runCli(['run', file, '--mode', 'combinatorial', '--skip-bad-rows', '--no-wait', '--backend', 'demo', '--project', 'Grid', '--library', library, '--json'], ENV);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ queued: 6, batches: [{ jobs: 6 }], expansion: { mode: 'combinatorial' } });
    expect(run.stderr).toContain(`skipped: ${file}:2:34: priority: must be 1 to 5 (got 9)`);
    const jobs = JSON.parse(runCli(['jobs', '--library', library, '--json'], ENV).stdout) as { items: Array<{ prompt: string; project: string; tags: string[] }> };
    expect(jobs.items.map((j) => j.prompt)).toEqual(['a red cube', 'a red sphere', 'a green cube', 'a green sphere', 'a blue cube', 'a blue sphere']);
    expect(jobs.items.every((j) => j.project === 'Grid' && j.tags.includes('grid'))).toBe(true);
  });

  it('run works a CSV batch through the demo backend', () => {
    const dir = tempDir();
    const library = join(dir, 'library');
    const file = join(dir, 'shots.csv');
    writeFileSync(file, 'prompt;count;width;height\n"harbour; at night";2;512;512\nlighthouse;1;640;384\n');
    const run = runCli(['run', file, '--backend', 'demo', '--library', library, '--json'], ENV);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ jobs: 2, succeeded: 2, failed: 0, assets: 3 });
  });

  it('estimate prints counts, the routing forecast and a cost', () => {
    const dir = tempDir();
    const library = join(dir, 'library');
    const file = join(dir, 'p.txt');
    writeFileSync(file, 'a cat\na dog\n--prompt an owl --n_iter 3\n');
    const run = runCli(['estimate', file, '--library', library, '--json'], { ...ENV, APEX_MINIMAX_API_KEY: 'test-key' });
    expect(run.code).toBe(0);
    const estimate = JSON.parse(run.stdout) as { routing: { backends: Array<{ backend: string; jobs: number; images: number; cost_usd: number }> }; cost: { usd: number }; time: unknown };
    expect(estimate).toMatchObject({ ok: true, totals: { jobs: 3, images: 5 }, cost: { basis: 'price_per_image' } });
    expect(estimate.routing.backends).toEqual([{ backend: 'minimax', jobs: 3, images: 5, cost_usd: expect.any(Number) }]);
    expect(estimate.routing.backends[0]!.cost_usd).toBeGreaterThan(0);
    expect(estimate.cost.usd).toBeGreaterThan(0);
    // The estimator fills time (and refines cost) in the same document.
    expect(estimate).toHaveProperty('time');
    expect(run.stdout).not.toContain('test-key');

    const human = runCli(['estimate', file, '--library', library], ENV);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('Total: 3 jobs, 5 images from 3 rows in 1 file');
    expect(human.stdout).toContain('demo');
  });
});
