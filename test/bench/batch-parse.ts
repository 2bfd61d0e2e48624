import { join } from 'node:path';
import { createCore } from '../../main/core';
import { createDemoBackend } from '../../main/core/backends/demo';
import { createBackends } from '../../main/core/backends/registry';
import type { BackendInterface } from '../../main/core/backends/types';
import { prepareBatch } from '../../main/core/batch/prepare-batch';
import { NO_WILDCARDS } from '../../main/core/batch/wildcards';
import { silentLogger } from '../../main/core/log';
import { defaultConfig } from '../../shared/domain/config';
import { benchCredentials, elapsedMs, formatNumber, median, withTempDir, type BenchResult } from './report';

const ROWS = 10_000;
const RUNS = 5;
const TARGET_MS = 300;

/**
 * A CSV shaped like a real one: ~100-character prompts (every tenth a dynamic-prompt template, some with
 * quoted commas), negatives on a third of the rows, sizes, steps, seeds, tags and projects.
 */
export function makeCsv(rows: number): string {
  const lines = ['prompt,negative_prompt,width,height,steps,cfg_scale,seed,count,priority,tags,project'];
  for (let i = 0; i < rows; i++) {
    const prompt = i % 10 === 0 ? `"a {watercolor|ink|oil} fox number ${i} in a {misty|snowy} birch forest at dawn, soft light"` : `"a watercolor fox number ${i}, in a misty birch forest at dawn, soft light, highly detailed"`;
    const negative = i % 3 === 0 ? '"blurry, low quality, watermark"' : '';
    lines.push(`${prompt},${negative},1024,${i % 2 === 0 ? 1024 : 768},${20 + (i % 30)},7.5,${1_000 + i},${1 + (i % 4)},${1 + (i % 5)},fox;forest,Bench`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Figure: parse, check (every field with zod, every row against the backends' capabilities) and expand
 * a 10,000-row CSV — `prepareBatch`, what both `batch.preview` and `batch.submit` run before anything
 * else. Median of five runs after a warm-up. The whole `batch.preview` call (JSON round trip, contract
 * validation, routing forecast) is measured too and reported as a note.
 */
export async function benchBatchParse(): Promise<BenchResult> {
  const text = makeCsv(ROWS);
  const config = defaultConfig();
  const registry = new Map<string, BackendInterface>([['demo', createDemoBackend({ latencyMs: 0 })]]);
  for (const backend of createBackends(() => config)) registry.set(backend.id, backend);
  const run = () =>
    prepareBatch([{ name: 'bench.csv', path: null, text, failure: null }], {
      mode: 'random',
      seed: 42,
      variants: 1,
      maxJobs: ROWS,
      skipBadRows: false,
      defaults: {},
      wildcards: NO_WILDCARDS,
      config,
      registry,
    });

  const warm = run();
  if (warm.issues.errors > 0 || warm.files[0]!.jobs.length !== ROWS) throw new Error(`the bench CSV did not prepare cleanly: ${JSON.stringify(warm.issues.items.slice(0, 3))}`);
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    run();
    times.push(elapsedMs(started));
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
  }
  const ms = median(times);

  const previewMs = await withTempDir('batch', async (dir) => {
    const core = await createCore({ library: join(dir, 'library'), log: silentLogger, credentials: benchCredentials, keychainService: null });
    try {
      const input = { sources: [{ name: 'bench.csv', text }], max_jobs: ROWS, preview_prompts: 10 };
      await core.client.call('batch.preview', input);
      const started = performance.now();
      await core.client.call('batch.preview', input);
      return elapsedMs(started);
    } finally {
      await core.close();
    }
  });

  return {
    name: 'Parse, check and expand a 10,000-row CSV',
    value: ms,
    unit: 'ms',
    target: `≤ ${TARGET_MS} ms`,
    pass: ms <= TARGET_MS,
    notes: [
      `${(text.length / 1_048_576).toFixed(1)} MB, 1,000 template rows; median of ${RUNS}: ${times.map((t) => formatNumber(t)).join(', ')} ms`,
      // CPU time (this process, GC threads included) tells a slow parser from a busy machine.
      `CPU time of the same runs: ${cpuTimes.map((t) => formatNumber(t)).join(', ')} ms`,
      `whole batch.preview call (JSON round trip, contract checks, routing forecast of 10,000 jobs): ${formatNumber(previewMs)} ms`,
    ],
  };
}
