import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../shared/client';
import { AppError } from '../../../shared/errors';
import { createCore, type Core } from '../../../main/core';
import { silentLogger } from '../../../main/core/log';
import type { CredentialSource } from '../../../main/core/ports';
import { startWsServer } from '../../../main/core/transports/ws-server';
import { connectNodeWsTransport } from '../../helpers/node-ws-transport';
import { useTempDirs } from '../../helpers/temp-library';

/** No API keys: the cascade's only taker is the offline demo backend (and SDXL if a server answered, which none does). */
const NO_KEYS: CredentialSource = { has: () => Promise.resolve(false), get: () => Promise.resolve(null) };
const FIXTURES = join(process.cwd(), 'test', 'fixtures', 'batch');

describe('batch.preview and batch.submit', () => {
  const tempDir = useTempDirs();
  const cores: Core[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
  });
  const open = async () => {
    const core = await createCore({ library: join(tempDir(), 'library'), log: silentLogger, credentials: NO_KEYS });
    cores.push(core);
    return core;
  };
  const jobCount = (core: Core) => core.pipeline.db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM jobs').get()!.n;

  it('previews counts, prompts, routing and cost without queueing anything', async () => {
    const core = await open();
    const preview = await core.client.call('batch.preview', {
      sources: [
        { name: 'cars.txt', text: '# two templates\na {red|blue} car\na {green|gold} bike at {dawn|dusk}\n' },
        { name: 'table.csv', text: 'prompt,count\nharbour at night,2\n' },
      ],
      mode: 'combinatorial',
      preview_prompts: 3,
    });
    expect(preview).toMatchObject({
      ok: true,
      expansion: { mode: 'combinatorial', variants: 1, max_jobs: 10_000 },
      totals: { files: 2, rows: 3, bad_rows: 0, jobs: 2 + 4 + 1, images: 2 + 4 + 2, errors: 0, warnings: 0 },
      files: [
        { name: 'cars.txt', path: null, format: 'txt', rows: 2, template_rows: 2, jobs: 6, images: 6 },
        { name: 'table.csv', format: 'csv', rows: 1, template_rows: 0, jobs: 1, images: 2 },
      ],
      prompts: [
        { file: 'cars.txt', line: 2, prompt: 'a red car', negative_prompt: null },
        { file: 'cars.txt', line: 2, prompt: 'a blue car', negative_prompt: null },
        { file: 'cars.txt', line: 3, prompt: 'a green bike at dawn', negative_prompt: null },
      ],
      issues: [],
      routing: { backends: [{ backend: 'demo', jobs: 7, images: 8, cost_usd: 0 }], unroutable: { jobs: 0 } },
      cost: { usd: 0 },
    });
    expect(jobCount(core)).toBe(0);
  });

  it('queues exactly what was previewed when the preview\'s seed is passed back', async () => {
    const core = await open();
    const input = { sources: [{ name: 'p.txt', text: 'a {red|green|blue|gold} {cat|owl|fox} in {snow|rain}\nplain prompt\n' }], variants: 5, defaults: { project: 'Seeds', backend: 'demo' as const } };
    const preview = await core.client.call('batch.preview', { ...input, preview_prompts: 50 });
    const result = await core.client.call('batch.submit', { ...input, seed: preview.expansion.seed });
    expect(result).toMatchObject({ jobs: 6, images: 6, skipped_rows: 0, warnings: 0, issues: [], expansion: { seed: preview.expansion.seed, mode: 'random', variants: 5 } });
    const queued = await core.client.call('jobs.list', { batch_id: result.batches[0]!.batch_id, limit: 50 });
    expect(queued.items.map((j) => j.prompt)).toEqual(preview.prompts.map((p) => p.prompt));
    expect(new Set(queued.items.slice(0, 5).map((j) => j.prompt)).size).toBe(5);
    expect(queued.items.every((j) => j.project === 'Seeds' && j.pinned_backend === 'demo')).toBe(true);

    const batch = core.pipeline.db.prepare<[number], { name: string; template: string; expansion_json: string }>('SELECT name, template, expansion_json FROM batches WHERE id = ?').get(result.batches[0]!.batch_id)!;
    expect(batch.name).toBe('p.txt');
    expect(batch.template).toBe('line 1: a {red|green|blue|gold} {cat|owl|fox} in {snow|rain}');
    expect(JSON.parse(batch.expansion_json)).toMatchObject({ mode: 'random', seed: preview.expansion.seed, variants: 5, format: 'txt', rows: 2, template_rows: 1 });
  });

  it('a file with errors reports every error with its line and queues nothing; skipping bad rows queues the rest', async () => {
    const core = await open();
    const sources = [
      { name: 'good.txt', text: 'fine one\nfine two\n' },
      { name: 'bad.jsonl', text: '{"prompt": "ok"}\n{"prompt": "x", "steps": 0}\n{"prompt": ""}\n{"prompt": "y", "backend": "dalle"}\n' },
    ];
    const preview = await core.client.call('batch.preview', { sources });
    expect(preview.ok).toBe(false);
    expect(preview.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.field}`)).toEqual(['bad.jsonl:2:26 steps', 'bad.jsonl:3:12 prompt', 'bad.jsonl:4:28 backend']);

    const refused = await core.client.call('batch.submit', { sources }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('INVALID_INPUT');
    for (const where of ['bad.jsonl:2:26: steps', 'bad.jsonl:3:12: prompt: a prompt is required', 'bad.jsonl:4:28: backend']) expect((refused as AppError).message).toContain(where);
    expect(jobCount(core)).toBe(0);

    const skipped = await core.client.call('batch.submit', { sources, skip_bad_rows: true, defaults: { backend: 'demo' } });
    expect(skipped).toMatchObject({ jobs: 3, skipped_rows: 3 });
    expect(skipped.issues.filter((i) => i.severity === 'error')).toHaveLength(3);
    expect(skipped.batches.map((b) => [b.name, b.jobs])).toEqual([
      ['good.txt', 2],
      ['bad.jsonl', 1],
    ]);
    expect(jobCount(core)).toBe(3);
  });

  it('reads paths and folders in process, and uses the library\'s wildcards', async () => {
    const core = await open();
    cpSync(join(FIXTURES, 'wildcards'), core.library.wildcards, { recursive: true });
    const preview = await core.client.call('batch.preview', {
      sources: [{ path: join(FIXTURES, 'folder') }, { name: 'w.txt', text: 'a __colours*__ kite\n' }],
      mode: 'combinatorial',
      preview_prompts: 20,
    });
    expect(preview.files.map((f) => [f.name, f.jobs])).toEqual([
      [join(FIXTURES, 'folder', 'a-prompts.txt'), 3],
      [join(FIXTURES, 'folder', 'b-table.csv'), 1],
      ['w.txt', 4],
    ]);
    expect(preview.prompts.slice(-4).map((p) => p.prompt)).toEqual(['a blue kite', 'a green kite', 'a red kite', 'a yellow kite']);
  });

  it('refuses paths over the browser-mode socket but takes large file contents there', async () => {
    const core = await open();
    const server = await startWsServer(core, { rendererDir: null });
    const transport = await connectNodeWsTransport(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
    try {
      const client = createClient(transport, { validate: true });
      const refused = await client.call('batch.preview', { sources: [{ path: join(FIXTURES, 'folder') }] }).catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: 'FORBIDDEN' });
      // ~4 MB of CSV with quotes: far over the old 1 MB frame, and JSON escaping makes it bigger still.
      const row = '"a ""quoted"" watercolour fox, number N, in a misty birch forest at dawn",20\n';
      const text = `prompt,steps\n${Array.from({ length: 50_000 }, (_, i) => row.replace('N', String(i))).join('')}`;
      expect(text.length).toBeGreaterThan(4_000_000);
      const preview = await client.call('batch.preview', { sources: [{ name: 'big.csv', text }], max_jobs: 50_000, preview_prompts: 1, defaults: { backend: 'demo' } });
      expect(preview.totals).toMatchObject({ rows: 50_000, jobs: 50_000, errors: 0 });
      expect(preview.prompts[0]!.prompt).toBe('a "quoted" watercolour fox, number 0, in a misty birch forest at dawn');
    } finally {
      transport.close();
      await server.close();
    }
  });

  it('the sample fixtures in the README parse cleanly', async () => {
    const core = await open();
    const preview = await core.client.call('batch.preview', { sources: [{ name: 'jobs.csv', text: readFileSync(join(FIXTURES, 'same', 'jobs.csv'), 'utf8') }] });
    expect(preview.totals).toMatchObject({ jobs: 3, errors: 0 });
  });
});
