import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli';
import { useTempDirs } from '../../helpers/temp-library';

const tempDir = useTempDirs();
/** A key for Nano Banana so the cascade routes there; nothing is ever sent (estimate and --no-wait only). */
const ENV = { APEX_NANO_BANANA_API_KEY: 'test-key-not-used' };
const NANO_1K = (1120 * 60) / 1e6;

function library(budget: { daily_usd: number | null; monthly_usd: number | null }) {
  const dir = tempDir();
  const lib = join(dir, 'library');
  mkdirSync(lib, { recursive: true });
  writeFileSync(join(lib, 'apex_config.json'), JSON.stringify({ budget }));
  const batch = join(dir, 'prompts.txt');
  writeFileSync(batch, ['a lighthouse at dusk', 'a fox in the snow', '# a comment', 'a city of glass'].join('\n'));
  return { lib, batch };
}

describe('CLI estimate and run with a budget', () => {
  it('`estimate --json` reports the simulated cost and time next to the preview', () => {
    const { lib, batch } = library({ daily_usd: null, monthly_usd: null });
    const result = runCli(['--library', lib, '--json', 'estimate', batch], ENV);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      totals: { jobs: number };
      cost: { usd: number; confidence: number; estimate: { planned_usd: number; confirmed: boolean } };
      time: { expected_ms: number; low_ms: number; high_ms: number; seconds: number };
      estimate: { per_backend: Array<{ backend: string; jobs: number }> };
    };
    expect(report.totals.jobs).toBe(3);
    expect(report.cost.estimate.planned_usd).toBeCloseTo(3 * NANO_1K, 6);
    expect(report.cost.usd).toBeCloseTo(3 * NANO_1K, 6);
    expect(report.cost.estimate.confirmed).toBe(false);
    expect(report.time.low_ms).toBeLessThanOrEqual(report.time.expected_ms);
    expect(report.time.expected_ms).toBeLessThanOrEqual(report.time.high_ms);
    expect(report.estimate.per_backend).toEqual([expect.objectContaining({ backend: 'nano_banana', jobs: 3 })]);
  });

  it('`estimate` in words names cost, time and confidence', () => {
    const { lib, batch } = library({ daily_usd: 1, monthly_usd: null });
    const result = runCli(['--library', lib, 'estimate', batch], ENV);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Cost: about \$0\.20/);
    expect(result.stdout).toMatch(/Time: about .*confidence \d+%/);
    expect(result.stdout).toContain('Budget (daily $1.00)');
  });

  it('`run` refuses a batch whose estimate passes the daily cap (exit 2, nothing queued) unless --allow-over-budget', () => {
    const { lib, batch } = library({ daily_usd: 0.1, monthly_usd: null });
    const refused = runCli(['--library', lib, 'run', batch, '--no-wait'], ENV);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('the daily budget of $0.10 would be passed');
    expect(refused.stderr).toContain('--allow-over-budget');
    const listed = runCli(['--library', lib, '--json', 'jobs'], ENV);
    expect((JSON.parse(listed.stdout) as { items: unknown[] }).items).toHaveLength(0);

    const allowed = runCli(['--library', lib, '--json', 'run', batch, '--no-wait', '--allow-over-budget'], ENV);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect((JSON.parse(allowed.stdout) as { queued: number }).queued).toBe(3);
    expect(allowed.stderr).toContain('Queued anyway (--allow-over-budget)');
  });
});
