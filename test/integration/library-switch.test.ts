import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ApexClient } from '../../shared/client';
import type { EventMessage } from '../../shared/wire';
import { AppError } from '../../shared/errors';
import { createCore } from '../../main/core';
import { LibraryHost } from '../../main/core/library-host';
import { jsonFileRecentStore, memoryRecentStore } from '../../main/core/library/library-switch';
import { silentLogger } from '../../main/core/log';
import { startWsServer, type WsServer } from '../../main/core/transports/ws-server';
import { connectNodeWsTransport } from '../helpers/node-ws-transport';
import { useTempDirs } from '../helpers/temp-library';

/**
 * The library host: one process switching between two real libraries (real SQLite files in temp folders),
 * with a real browser-mode server and WebSocket client in front of it.
 */

const tempDir = useTempDirs();
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function openHost(library: string, extra: Partial<Parameters<typeof LibraryHost.open>[0]> = {}): Promise<LibraryHost> {
  const host = await LibraryHost.open({ library, core: { eventIntervalMs: 0, keychainService: null, credentials: { has: () => Promise.resolve(false), get: () => Promise.resolve(null) } }, ...extra });
  cleanups.push(() => host.close());
  return host;
}

async function serve(host: LibraryHost): Promise<{ server: WsServer; client: ApexClient; events: EventMessage[] }> {
  const server = await startWsServer(host, { rendererDir: null });
  const transport = await connectNodeWsTransport(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
  const events: EventMessage[] = [];
  transport.onEvent((message) => events.push(message));
  cleanups.push(async () => {
    transport.close();
    await server.close();
  });
  return { server, client: createClient(transport, { validate: true }), events };
}

async function waitFor<T>(probe: () => T | undefined | null | false, what: string, limitMs = 10_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('library host', () => {
  it('switches a WebSocket client to another library: jobs stay apart, events continue, library.changed is sent', async () => {
    const first = join(tempDir(), 'first');
    const second = join(tempDir(), 'second');
    const host = await openHost(first);
    const { client, events } = await serve(host);

    await client.call('queue.pause');
    const { job_id } = await client.call('jobs.submit', { prompt: 'a lighthouse in the first library', backend: 'demo' });
    expect((await client.call('jobs.list', {})).items.map((job) => job.id)).toEqual([job_id]);

    // No keychain here: the key lasts for the session, and the session outlives a library switch.
    expect((await client.call('keys.set', { backend: 'minimax', value: 'session-key-1' })).stored_in).toBe('session');

    const result = await client.call('library.open', { path: second, create: true });
    expect(result).toEqual({ path: second, previous: first, created: true });
    await waitFor(() => events.find((event) => event.name === 'library.changed'), 'library.changed');
    expect(events.find((event) => event.name === 'library.changed')?.payload).toEqual({ path: second, previous: first });

    // Same socket, other library: the first library's job is not there, and the new one has its own files.
    expect(existsSync(join(second, 'library.db'))).toBe(true);
    expect((await client.call('jobs.list', {})).items).toEqual([]);
    expect((await client.call('system.status')).library.path).toBe(second);
    expect((await client.call('keys.status')).items.find((item) => item.backend === 'minimax')).toMatchObject({ set: true, source: 'session' });

    // Events from the new core reach the client that subscribed before the switch.
    const before = events.length;
    await client.call('queue.pause');
    await client.call('jobs.submit', { prompt: 'a harbour in the second library', backend: 'demo' });
    await waitFor(() => events.slice(before).find((event) => event.name === 'jobs.changed'), 'jobs.changed after the switch');

    // Back to the first library: its job is still there, the second library's is not.
    await client.call('library.open', { path: first });
    const jobs = await client.call('jobs.list', {});
    expect(jobs.items.map((job) => job.id)).toEqual([job_id]);
    expect(jobs.items[0]?.prompt).toBe('a lighthouse in the first library');

    const recent = await client.call('library.recent');
    expect(recent.current).toBe(first);
    expect(recent.can_switch).toBe(true);
    expect(recent.can_choose_folder).toBe(false);
    expect(recent.items.map((item) => item.path)).toEqual([first, second]);
  });

  it('serves images of the library open now through the asset route', async () => {
    const first = join(tempDir(), 'first');
    const second = join(tempDir(), 'second');
    const host = await openHost(first, { onOpened: async (core) => void (await core.startOrchestrator()) });
    const { server, client } = await serve(host);
    const url = (kind: string, id: number) => `http://127.0.0.1:${server.port}/asset/${kind}/${id}?token=${server.token}`;

    await client.call('jobs.submit', { prompt: 'a red fox', backend: 'demo' });
    const asset = await waitForAsset(client);
    expect((await fetch(url('thumb', asset))).status).toBe(200);

    await client.call('library.open', { path: second, create: true });
    // The id belonged to the first library: the route now looks it up in the second, which has no such image.
    expect((await fetch(url('thumb', asset))).status).toBe(404);
    await client.call('jobs.submit', { prompt: 'a blue heron', backend: 'demo' });
    const other = await waitForAsset(client);
    expect((await fetch(url('thumb', other))).status).toBe(200);
  });

  it('says what is wrong with a folder and leaves the open library untouched', async () => {
    const first = join(tempDir(), 'first');
    const host = await openHost(first);
    const call = (path: string, create?: boolean) => host.client.call('library.open', create === undefined ? { path } : { path, create });
    const failure = async (promise: Promise<unknown>) => {
      const error = await promise.then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AppError);
      return error as AppError;
    };

    expect((await failure(call('relative/folder'))).message).toMatch(/not a full path/);
    expect((await failure(call(join(tempDir(), 'missing')))).code).toBe('NOT_FOUND');

    const busy = join(tempDir(), 'photos');
    mkdirSync(busy);
    writeFileSync(join(busy, 'holiday.jpg'), 'not really a photo');
    expect((await failure(call(busy))).message).toMatch(/not an APEX Director library .* not empty/);
    expect((await failure(call(busy, true))).message).toMatch(/not empty/);
    expect((await failure(call(join(busy, 'holiday.jpg')))).message).toMatch(/is a file, not a folder/);
    expect((await failure(call(first, true))).code).toBe('CONFLICT');

    // A library whose settings file is broken cannot open: the host stays on the first one.
    const broken = join(tempDir(), 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'apex_config.json'), '{"orchestrator": {"max_concurrent_jobs": 0}}');
    const error = await failure(call(broken));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain(`Could not open the library at ${broken}`);
    expect((await host.client.call('system.status')).library.path).toBe(first);

    // An empty folder opens as a fresh library; opening the current one changes nothing.
    const empty = join(tempDir(), 'empty');
    mkdirSync(empty);
    await expect(call(empty)).resolves.toEqual({ path: empty, previous: first, created: true });
    await expect(call(empty)).resolves.toEqual({ path: empty, previous: empty, created: false });
  });

  it('lets calls made during a switch finish on one library or the other, never fail', async () => {
    const first = join(tempDir(), 'first');
    const second = join(tempDir(), 'second');
    const host = await openHost(first);
    const { client } = await serve(host);
    const opening = client.call('library.open', { path: second, create: true });
    const meanwhile = Array.from({ length: 8 }, () => client.call('system.status'));
    await opening;
    const statuses = await Promise.all(meanwhile);
    for (const status of statuses) expect([first, second]).toContain(status.library.path);
    expect((await client.call('system.status')).library.path).toBe(second);
    // Two switches at once never both run: the second waits and finds the library open, or is refused as BUSY.
    const [a, b] = await Promise.allSettled([client.call('library.open', { path: first }), client.call('library.open', { path: first })]);
    const outcomes = [a, b].map((outcome) => (outcome.status === 'fulfilled' ? 'ok' : (outcome.reason as AppError).code)).sort();
    expect(outcomes[1]).toBe('ok');
    expect(['BUSY', 'ok']).toContain(outcomes[0]);
  });

  it('keeps the recent list in its file across hosts', async () => {
    const file = join(tempDir(), 'config', 'recent-libraries.json');
    const first = join(tempDir(), 'first');
    const second = join(tempDir(), 'second');
    const host = await openHost(first, { recent: jsonFileRecentStore(file) });
    await host.client.call('library.open', { path: second, create: true });
    await host.close();

    const again = await openHost(second, { recent: jsonFileRecentStore(file) });
    const recent = await again.client.call('library.recent');
    expect(recent.items.map((item) => item.path)).toEqual([second, first]);
    expect(recent.items.every((item) => item.exists)).toBe(true);
  });

  it('hands the picker what the folder is for (open, create, import) and returns its choice', async () => {
    const asked: string[] = [];
    const host = await openHost(join(tempDir(), 'picker'), {
      chooseFolder: (purpose) => {
        asked.push(purpose);
        return Promise.resolve(purpose === 'import' ? '/home/artist/renders' : null);
      },
    });
    expect((await host.client.call('library.recent')).can_choose_folder).toBe(true);
    expect(await host.client.call('library.choose_folder', { purpose: 'import' })).toEqual({ path: '/home/artist/renders' });
    expect(await host.client.call('library.choose_folder', { purpose: 'create' })).toEqual({ path: null });
    expect(asked).toEqual(['import', 'create']);
  });

  it('refuses library.open in a core bound to one library (the CLI)', async () => {
    const library = join(tempDir(), 'cli');
    const core = await createCore({ library, log: silentLogger, keychainService: null });
    cleanups.push(() => core.close());
    const recent = await core.client.call('library.recent');
    expect(recent).toMatchObject({ current: library, can_switch: false, can_choose_folder: false });
    const error = await core.client.call('library.open', { path: join(tempDir(), 'other'), create: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNAVAILABLE');
    expect(memoryRecentStore().read()).toEqual([]);
  });
});

async function waitForAsset(client: ApexClient): Promise<number> {
  const until = Date.now() + 20_000;
  for (;;) {
    const page = await client.call('assets.search', { sort: 'newest', limit: 1 });
    const first = page.items[0];
    if (first) return first.id;
    if (Date.now() > until) throw new Error('no asset was made within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
