import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Status } from '../../shared/domain/status';
import { runCli, startCli } from '../helpers/run-cli';
import { useTempDirs } from '../helpers/temp-library';

describe('apex-director CLI', () => {
  const tempDir = useTempDirs();

  it('status --json prints exactly one status document on stdout and creates the library', () => {
    const library = join(tempDir(), 'library');
    const run = runCli(['status', '--library', library, '--json']);
    expect(run.code).toBe(0);
    const status = Status.parse(JSON.parse(run.stdout));
    expect(status.library.path).toBe(library);
    expect(status.jobs).toEqual({ queued: 0, running: 0, active_jobs: 0, succeeded: 0, failed: 0, canceled: 0 });
    expect(JSON.parse(readFileSync(join(library, 'apex_config.json'), 'utf8'))).toHaveProperty('orchestrator.max_concurrent_jobs', 5);
  });

  it('takes the library from $APEX_LIBRARY when --library is absent', () => {
    const library = join(tempDir(), 'from-env');
    const run = runCli(['status', '--json'], { APEX_LIBRARY: library });
    expect(Status.parse(JSON.parse(run.stdout)).library.path).toBe(library);
  });

  it('reports which backends have keys from the environment', () => {
    const library = join(tempDir(), 'library');
    const run = runCli(['status', '--library', library, '--json'], { APEX_MINIMAX_API_KEY: 'test-key' });
    const status = Status.parse(JSON.parse(run.stdout));
    expect(status.backends.items.find((b) => b.id === 'minimax')?.unavailable_reason).toBeNull();
    expect(status.backends.items.find((b) => b.id === 'nano_banana')?.unavailable_reason).toMatch(/no API key/);
    expect(run.stdout).not.toContain('test-key');
  });

  it('exits 2 naming the file and JSON path of a bad config, and leaves the file alone', () => {
    const library = join(tempDir(), 'library');
    runCli(['status', '--library', library]);
    const file = join(library, 'apex_config.json');
    writeFileSync(file, JSON.stringify({ backends: { nano_banana: { priority: 'first' } } }));
    const run = runCli(['status', '--library', library, '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain('backends.nano_banana.priority');
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'CONFIG_INVALID', details: { path: '$.backends.nano_banana.priority' } } });
    expect(readFileSync(file, 'utf8')).toContain('"first"');
  });

  it('exits 3 when the library cannot be used', () => {
    const file = join(tempDir(), 'not-a-folder');
    writeFileSync(file, 'x');
    const run = runCli(['status', '--library', file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('is a file, not a folder');
  });

  it('exits 2 on usage errors and 0 on --help', () => {
    expect(runCli(['frobnicate']).code).toBe(2);
    expect(runCli(['serve', '--port', 'eighty']).code).toBe(2);
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--library');
    expect(help.stdout).toContain('status');
    expect(help.stdout).toContain('serve');
  });

  it('run works a plain text batch through the demo backend and prints the JSON summary', () => {
    const dir = tempDir();
    const library = join(dir, 'library');
    const file = join(dir, 'prompts.txt');
    writeFileSync(file, '\uFEFF# my prompts\r\na red fox in snow\r\n\r\na lighthouse at dusk\nneon alley, rain\n');
    const run = runCli(['run', file, '--library', library, '--backend', 'demo', '--project', 'Tests', '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(summary).toMatchObject({ jobs: 3, succeeded: 3, failed: 0, canceled: 0, assets: 3, cost_usd: 0, failures: [] });
    expect(typeof summary.duration_ms).toBe('number');
    const jobs = JSON.parse(runCli(['jobs', '--library', library, '--json']).stdout) as { items: Array<{ prompt: string; status: string; project: string }> };
    expect(jobs.items.map((j) => [j.prompt, j.status, j.project])).toEqual([
      ['a red fox in snow', 'succeeded', 'Tests'],
      ['a lighthouse at dusk', 'succeeded', 'Tests'],
      ['neon alley, rain', 'succeeded', 'Tests'],
    ]);
  });

  it('run refuses a missing or empty file with exit 2 and queues nothing', () => {
    const dir = tempDir();
    const library = join(dir, 'library');
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '# only a comment\n\n');
    const missing = runCli(['run', join(dir, 'nope.txt'), '--library', library]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.txt: no such file');
    const none = runCli(['run', empty, '--library', library]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('has no prompts');
    expect(JSON.parse(runCli(['status', '--library', library, '--json']).stdout)).toMatchObject({ jobs: { queued: 0 } });
  });

  it('run --no-wait queues, pause/resume control the queue, cancel and retry act on ids', () => {
    const dir = tempDir();
    const library = join(dir, 'library');
    const file = join(dir, 'p.txt');
    writeFileSync(file, 'one\ntwo\n');
    expect(runCli(['pause', '--library', library]).code).toBe(0);
    const queued = JSON.parse(runCli(['run', file, '--no-wait', '--backend', 'demo', '--library', library, '--json']).stdout) as { job_ids: number[] };
    expect(queued.job_ids).toHaveLength(2);
    expect(JSON.parse(runCli(['cancel', String(queued.job_ids[0]), '--library', library, '--json']).stdout)).toEqual({ canceled: 1 });
    expect(JSON.parse(runCli(['retry', String(queued.job_ids[0]), '--library', library, '--json']).stdout).job_ids).toHaveLength(1);
    const resumed = runCli(['resume', '--library', library, '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ jobs: 2, succeeded: 2 });
  });

  it('serve --port 0 prints the URL with its token and stops cleanly on SIGTERM', async () => {
    const library = join(tempDir(), 'library');
    const server = await startCli(['serve', '--library', library, '--port', '0', '--json']);
    const printed = JSON.parse(server.firstLine) as { url: string; port: number; library: string };
    expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    expect(printed.library).toBe(library);
    const reply = await fetch(printed.url, { redirect: 'manual' });
    expect(reply.status).toBe(303);
    expect(await server.stop()).toBe(0);
  });
});
