import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, methods, type CallInput, type MethodName } from '../../../shared/contract';
import { EVENT_CHANNEL, RPC_CHANNEL, type RpcResult } from '../../../shared/wire';
import type { Core } from '../../../main/core';
import { LibraryHost } from '../../../main/core/library-host';
import { silentLogger } from '../../../main/core/log';
import { useTempDirs } from '../../helpers/temp-library';

/**
 * The Electron transport against a real core: only `electron` is faked (an ipcMain that records the handler,
 * windows whose webContents.send is a spy). Proves that every contract method is reachable from the app's
 * frame, that nothing else reaches the core, and that core events reach every live window.
 */

type InvokeHandler = (event: unknown, raw: unknown) => Promise<RpcResult>;

interface FakeWindow {
  destroyed: boolean;
  isDestroyed(): boolean;
  webContents: { destroyed: boolean; isDestroyed(): boolean; send: ReturnType<typeof vi.fn> };
}

const fake = vi.hoisted(() => {
  const handlers = new Map<string, unknown>();
  const windows: unknown[] = [];
  return {
    handlers,
    windows,
    ipcMain: {
      handle: vi.fn((channel: string, handler: unknown) => {
        if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
        handlers.set(channel, handler);
      }),
      removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
    },
    BrowserWindow: { getAllWindows: vi.fn(() => windows) },
  };
});

vi.mock('electron', () => ({ ipcMain: fake.ipcMain, BrowserWindow: fake.BrowserWindow }));

const { installIpcTransport } = await import('../../../main/electron/ipc-transport');

function fakeWindow(options: { destroyed?: boolean; contentsDestroyed?: boolean; sendThrows?: boolean } = {}): FakeWindow {
  const win: FakeWindow = {
    destroyed: options.destroyed ?? false,
    isDestroyed: () => win.destroyed,
    webContents: {
      destroyed: options.contentsDestroyed ?? false,
      isDestroyed: () => win.webContents.destroyed,
      send: vi.fn(() => {
        if (options.sendThrows) throw new Error('Object has been destroyed');
      }),
    },
  };
  return win;
}

const APP_FRAME = { parent: null, url: 'apex-app://app/index.html' };

function invokeEvent(senderFrame: unknown) {
  return { senderFrame, sender: { id: 1 }, processId: 1, frameId: 1 };
}

/**
 * One valid input per contract method. Typed as a complete map, so a new method without an entry is a type
 * error in `tsc -p test`, and the first test below fails at run time as well.
 */
/** Where `library.open` switches to (a fresh folder, removed after the file). */
const OPEN_TARGET = join(tmpdir(), `apex-ipc-library-${randomUUID()}`);
afterAll(() => rmSync(OPEN_TARGET, { recursive: true, force: true }));

const VALID_INPUTS: { [M in MethodName]: CallInput<M> } = {
  'system.ping': { echo: 'x' },
  'system.status': undefined,
  'config.get': undefined,
  'config.update': { orchestrator: { max_attempts: 3 } },
  'jobs.submit': { prompt: 'a lighthouse at dusk', backend: 'demo' },
  'jobs.submitBatch': { jobs: [{ prompt: 'one' }, { prompt: 'two' }] },
  'jobs.get': { id: 1 },
  'jobs.list': { status: ['queued'], limit: 10 },
  'jobs.cancel': { ids: [1] },
  'jobs.retry': { failed: true },
  'jobs.setPriority': { ids: [1], priority: 5 },
  'jobs.runNext': { ids: [1] },
  'jobs.release': { ids: [1] },
  'queue.state': undefined,
  'queue.pause': undefined,
  'queue.resume': undefined,
  'batches.list': { limit: 5 },
  'batches.jobIds': { batch_id: null },
  'batches.jobRows': { ids: [1] },
  'checkpoints.create': { name: 'before a big batch' },
  'checkpoints.list': undefined,
  'checkpoints.restore': { id: 1 },
  'library.check': { repair: false },
  'library.open': { path: OPEN_TARGET, create: true },
  'library.recent': undefined,
  'library.choose_folder': { purpose: 'open' },
  'library.import': { paths: ['/nonexistent/apex-import-test'] },
  'library.importUpload': { files: [{ name: 'dot.png', data_base64: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' }] },
  'audit.list': { limit: 5 },
  'batch.preview': { sources: [{ name: 'prompts.txt', text: 'a fox in {snow|rain}\n' }], defaults: { backend: 'demo' } },
  'batch.submit': { sources: [{ name: 'prompts.txt', text: 'a fox in {snow|rain}\n' }], defaults: { backend: 'demo' } },
  'backends.health': undefined,
  // sdxl: a key for a backend that needs none cannot send a real call anywhere (the service is a test one).
  'keys.set': { backend: 'sdxl', value: 'apex-test-user:apex-test-password' },
  'keys.delete': { backend: 'sdxl' },
  'keys.status': undefined,
  'keys.test': { backend: 'sdxl' },
  'estimate.job': { prompt: 'a lighthouse at dusk', params: { width: 1024, height: 1024 } },
  'estimate.batch': { jobs: [{ prompt: 'one' }, { prompt: 'two', backend: 'demo' }], runs: 5 },
  'estimate.accuracy': { last: 10 },
  'estimate.prices': undefined,
  'budget.spend': { days: 7 },
  'budget.history': { days: 7 },
  'backends.timeline': { hours: 1, buckets: 12 },
  'estimate.files': { sources: [{ name: 'pasted.txt', text: 'a lighthouse' }] },
  'assets.search': { filter: { text: 'sky', tags: ['sky'] }, sort: 'rating', limit: 10, count: true },
  'assets.get': { id: 1 },
  'assets.duplicates': { threshold: 4 },
  // Nothing matches, so nothing is written (not even the folder).
  'assets.export': { filter: { text: 'nothing-matches-this' }, to: '/nonexistent/apex-export-test', zip: true },
  'assets.delete': { ids: [1] },
  'assets.stats': undefined,
  'library.cleanup': { dry_run: true },
  'library.thumbnails': { mode: 'missing' },
  'library.rebuild': undefined,
  'assets.update': { ids: [1], rating: 4, favorite: true },
  'tags.add': { ids: [1], tags: ['sea'] },
  'tags.remove': { ids: [1], tags: ['sky'] },
  'tags.list': { prefix: 's' },
  'tags.rename': { from: 'sky', to: 'Blue sky' },
  'tags.merge': { from: ['sky'], into: 'weather' },
  'projects.list': undefined,
  'projects.create': { name: 'Poster' },
  'projects.rename': { id: 1, name: 'Picture book' },
  'projects.delete': { id: 1 },
  'projects.addAssets': { id: 1, ids: [1] },
  'projects.removeAssets': { id: 1, ids: [1] },
  'collections.list': undefined,
  'collections.save': { name: 'Best skies', rule: { filter: { tags: ['sky'], rating_min: 4 } } },
  'collections.delete': { id: 1 },
};

const newDir = useTempDirs();
let core: Core;
let dispatch: ReturnType<typeof vi.fn<Core['dispatch']>>;
let dispose: () => void;
let nextId = 0;

function handler(): InvokeHandler {
  const registered = fake.handlers.get(RPC_CHANNEL);
  if (typeof registered !== 'function') throw new Error('no apex:rpc handler installed');
  return registered as InvokeHandler;
}

function call(method: string, input: unknown, frame: unknown = APP_FRAME): Promise<RpcResult> {
  nextId += 1;
  return handler()(invokeEvent(frame), { id: `req-${nextId}`, method, input });
}

beforeEach(async () => {
  // The desktop app hands the transport a library host (a Core that can switch libraries); the picker answers "cancelled".
  core = await LibraryHost.open({ library: join(newDir(), 'library'), core: { log: silentLogger }, chooseFolder: () => Promise.resolve(null) });
  // Job 1 and checkpoint 1 exist, so every method has something to act on.
  await core.client.call('jobs.submit', { prompt: 'seed job', backend: 'demo' });
  await core.client.call('checkpoints.create', { name: 'seed' });
  // Asset 1 (a row without files) with tag "sky" in project 1 "Book", so every library method has something to act on.
  core.pipeline.assets.upsert({ sha256: 'a'.repeat(64), rel_path: 'assets/images/aa/a.png', thumb_rel_path: null, mime: 'image/png', width: 8, height: 8, bytes: 1, phash: null, source: 'generated', created_at: 0, job_id: null, attempt_id: null, batch_id: null, image_index: null, backend: 'demo', model: null, prompt: 'a sky', negative_prompt: null, seed: 1, params: null, cost_usd: 0, generation_ms: null, project: 'Book', tags: ['sky'] });
  dispatch = vi.fn<Core['dispatch']>((request, ctx) => core.dispatch(request, ctx));
  fake.windows.length = 0;
  dispose = installIpcTransport({ dispatch, subscribe: (listener) => core.subscribe(listener), log: silentLogger });
});

afterEach(async () => {
  dispose();
  await core.close();
  vi.clearAllMocks();
});

describe('apex:rpc from the app frame', () => {
  it('has a valid input for exactly the methods of the contract', () => {
    expect(Object.keys(VALID_INPUTS).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it.each(METHOD_NAMES)('reaches %s and returns a result that satisfies the contract', async (method) => {
    expect(Object.hasOwn(VALID_INPUTS, method), `add ${method} to VALID_INPUTS`).toBe(true);
    const result = await call(method, VALID_INPUTS[method]);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(methods[method].output.safeParse(result.value).success).toBe(true);
    expect(dispatch).toHaveBeenCalledWith(expect.objectContaining({ method }), { transport: 'electron' });
  });

  it('passes router refusals through as results, never as throws', async () => {
    await expect(call('no.such', undefined)).resolves.toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await expect(call('system.ping', { echo: 7 })).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await expect(handler()(invokeEvent(APP_FRAME), 'not an envelope')).resolves.toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('apex:rpc from anything else', () => {
  const untrusted: Array<[string, unknown]> = [
    ['an iframe showing an app page', { parent: { url: 'apex-app://app/index.html' }, url: 'apex-app://app/index.html' }],
    ['a web page', { parent: null, url: 'https://evil.example/' }],
    ['another apex-app host', { parent: null, url: 'apex-app://evil/index.html' }],
    ['a file: page', { parent: null, url: 'file:///index.html' }],
    ['the app origin with credentials', { parent: null, url: 'apex-app://user:pw@app/index.html' }],
    ['a destroyed frame (null)', null],
  ];

  it.each(untrusted)('refuses %s with FORBIDDEN without calling the core', async (_label, frame) => {
    const result = await call('system.ping', { echo: 'x' }, frame);
    expect(result).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: expect.any(String), details: {} } });
    expect(dispatch).not.toHaveBeenCalled();
  });
});

describe('apex:event broadcast', () => {
  it('sends core events to every live window and skips destroyed ones', async () => {
    const first = fakeWindow();
    const second = fakeWindow();
    const gone = fakeWindow({ destroyed: true });
    const contentsGone = fakeWindow({ contentsDestroyed: true });
    fake.windows.push(first, gone, second, contentsGone);

    const result = await call('config.update', { orchestrator: { max_attempts: 3 } });
    expect(result.ok).toBe(true);

    for (const win of [first, second]) {
      expect(win.webContents.send).toHaveBeenCalledWith(
        EVENT_CHANNEL,
        expect.objectContaining({ name: 'config.changed', payload: expect.objectContaining({ orchestrator: expect.objectContaining({ max_attempts: 3 }) }) }),
      );
    }
    expect(gone.webContents.send).not.toHaveBeenCalled();
    expect(contentsGone.webContents.send).not.toHaveBeenCalled();
  });

  it('keeps delivering when one window fails mid-send', async () => {
    const failing = fakeWindow({ sendThrows: true });
    const healthy = fakeWindow();
    fake.windows.push(failing, healthy);
    await call('config.update', { orchestrator: { max_attempts: 4 } });
    expect(failing.webContents.send).toHaveBeenCalled();
    expect(healthy.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, expect.objectContaining({ name: 'config.changed' }));
  });

  it('stops handling and broadcasting once disposed', async () => {
    const win = fakeWindow();
    fake.windows.push(win);
    dispose();
    expect(fake.ipcMain.removeHandler).toHaveBeenCalledWith(RPC_CHANNEL);
    expect(fake.handlers.has(RPC_CHANNEL)).toBe(false);
    await core.client.call('config.update', { orchestrator: { max_attempts: 2 } });
    expect(win.webContents.send).not.toHaveBeenCalled();
    dispose = () => {};
  });
});
