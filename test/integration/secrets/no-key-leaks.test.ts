import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore } from '../../../main/core';
import type { CredentialSource } from '../../../main/core/ports';
import { OsKeychain } from '../../../main/core/secrets/keychain';
import { startGeminiFake } from '../../fakes/gemini-server';
import { startLoopbackImageServer } from '../../fakes/loopback-image-server';
import { useTempDirs } from '../../helpers/temp-library';
import { scriptedBackend } from '../cascade/scripted-backend';
import { keychainProblem, uniqueService } from './keychain-gate';

/**
 * A unique key is planted and pushed through every path that handles keys — set, test (accepted and
 * refused), generation failures whose errors repeat the key — and then every file under the library
 * folder (database, WAL, config, sidecars, logs) and every event is searched for it.
 */

const tempDir = useTempDirs();
// The real keychain when this machine has one (so its path is covered too), else the session store.
const service = (await keychainProblem()) === null ? uniqueService() : null;
afterAll(async () => {
  if (service) for (const id of ['nano_banana', 'minimax']) await new OsKeychain(service).delete(id).catch(() => false);
});

const noKeys: CredentialSource = { has: () => Promise.resolve(false), get: () => Promise.resolve(null) };

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('API keys never leak', () => {
  it('into the library folder, its logs, errors, results or events', async () => {
    const key = `AIza-leak-probe-${randomUUID()}`;
    const forms = [key, Buffer.from(key).toString('base64')];
    const library = join(tempDir(), 'library');
    const gemini = await startGeminiFake({ apiKey: 'the-right-key' });
    const down = await startLoopbackImageServer();
    down.script = () => ({ status: 503, body: { error: 'overloaded' } });
    const refusing = await startLoopbackImageServer();
    refusing.script = () => ({ status: 401, body: { error: 'API key not valid' } });
    const core = await createCore({
      library,
      credentials: noKeys,
      keychainService: service,
      // Clients that repeat the key in their errors: the worst case the core must contain.
      backends: [
        scriptedBackend({ id: 'minimax', baseUrl: down.url, paid: true, echoKeyInErrors: true, withHealth: true }),
        scriptedBackend({ id: 'sdxl', baseUrl: refusing.url, echoKeyInErrors: true, withHealth: true }),
      ],
    });
    const seen: string[] = [];
    core.subscribe((message) => seen.push(JSON.stringify(message)));
    const replies: unknown[] = [];
    const call = async (method: Parameters<typeof core.dispatch>[0], label: string) => {
      const reply = await core.dispatch(method, { transport: 'in-process' });
      replies.push({ label, reply });
      return reply;
    };
    try {
      await core.client.call('config.update', {
        backends: { nano_banana: { base_url: gemini.url, cost_per_image: 0.04 }, minimax: { cost_per_image: 0.01 }, sdxl: { priority: 2 } },
        orchestrator: { max_attempts: 2 },
      });
      await core.startOrchestrator();

      // Set, through the contract (and a refused set whose input carried the key).
      for (const backend of ['nano_banana', 'minimax', 'sdxl']) expect(await call({ id: `set-${backend}`, method: 'keys.set', input: { backend, value: backend === 'sdxl' ? `artist:${key}` : key } }, 'set')).toMatchObject({ ok: true });
      expect(await call({ id: 'bad', method: 'keys.set', input: { backend: 'demo', value: key } }, 'refused set')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(await call({ id: 'long', method: 'keys.set', input: { backend: 'minimax', value: key.repeat(2_000) } }, 'too long')).toMatchObject({ ok: false });

      // Test: refused by the real Gemini client's fake (wrong key), refused with the key echoed, failing with it echoed.
      const refused = await core.client.call('keys.test', { backend: 'nano_banana' });
      expect(refused).toMatchObject({ outcome: 'failed', error_class: 'auth' });
      expect(refused.message).toMatch(/^Nano Banana \(Gemini\) refused this key/);
      expect(await core.client.call('keys.test', { backend: 'nano_banana', value: 'the-right-key' })).toMatchObject({ outcome: 'ok', message: 'Nano Banana (Gemini) accepted the key.' });
      const echoed = await core.client.call('keys.test', { backend: 'sdxl' });
      expect(echoed).toMatchObject({ outcome: 'failed', error_class: 'auth' });
      expect(echoed.message).toContain('[redacted]');
      replies.push(refused, echoed, await core.client.call('keys.test', { backend: 'minimax' }), await core.client.call('keys.test', { backend: 'minimax', value: key }));

      // Generate: auth failures, transient failures with retries, an unpinned job falling through the cascade.
      const jobs = await core.client.call('jobs.submitBatch', {
        jobs: [
          { prompt: 'pinned to the refusing server', backend: 'sdxl', params: { width: 512, height: 512 } },
          { prompt: 'pinned to the failing service', backend: 'minimax' },
          { prompt: 'anywhere', params: { width: 512, height: 512 } },
        ],
      });
      await core.pipeline.orchestrator.whenIdle();
      for (const id of jobs.job_ids) {
        const detail = await core.client.call('jobs.get', { id });
        expect(detail.job.status).toBe('failed');
        replies.push(detail);
      }
      const sdxlJob = await core.client.call('jobs.get', { id: jobs.job_ids[0]! });
      expect(sdxlJob.attempts[0]!.error_message).toContain('[redacted]');
      replies.push(await core.client.call('keys.status'), await core.client.call('system.status'), await core.client.call('backends.health'));
      replies.push(await core.client.call('jobs.list', { limit: 50 }));
    } finally {
      await core.close();
      await Promise.all([gemini.close(), down.close(), refusing.close()]);
    }

    const everything = [...seen, ...replies.map((r) => JSON.stringify(r))];
    expect(everything.length).toBeGreaterThan(20);
    for (const form of forms) {
      expect(everything.filter((text) => text.includes(form))).toEqual([]);
      for (const file of filesUnder(library)) expect(readFileSync(file).includes(form), `${file} contains the key`).toBe(false);
    }
    expect(filesUnder(library).some((f) => f.includes(`${join('library', 'logs')}`))).toBe(true);
  });
});
