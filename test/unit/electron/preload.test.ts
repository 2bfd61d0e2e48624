import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApexBridge } from '../../../shared/bridge';
import { EVENT_CHANNEL, RPC_CHANNEL } from '../../../shared/wire';

type IpcListener = (event: unknown, message: unknown) => void;

const fake = vi.hoisted(() => {
  const listeners = new Set<unknown>();
  return {
    listeners,
    exposed: new Map<string, unknown>(),
    ipcRenderer: {
      invoke: vi.fn((_channel: string, request: unknown) => Promise.resolve({ ok: true, value: request })),
      on: vi.fn((_channel: string, listener: unknown) => listeners.add(listener)),
      removeListener: vi.fn((_channel: string, listener: unknown) => listeners.delete(listener)),
    },
  };
});

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, value: unknown) => fake.exposed.set(name, value) },
  ipcRenderer: fake.ipcRenderer,
  // Electron's webUtils.getPathForFile: '' for a File that has no path on disk (one made in the page).
  webUtils: { getPathForFile: (file: File) => (file.name === 'on-disk.png' ? '/home/artist/on-disk.png' : '') },
}));

await import('../../../preload/index');

function bridge(): ApexBridge {
  return fake.exposed.get('apexBridge') as ApexBridge;
}

function emit(message: unknown): void {
  for (const listener of fake.listeners) (listener as IpcListener)({ sender: 'the IpcRendererEvent', ports: [] }, message);
}

beforeEach(() => vi.clearAllMocks());

describe('preload bridge', () => {
  it('exposes only apexBridge with request, onEvent, platform and pathForFile', () => {
    expect([...fake.exposed.keys()]).toEqual(['apexBridge']);
    expect(Object.keys(bridge()).sort()).toEqual(['onEvent', 'pathForFile', 'platform', 'request']);
    expect(bridge().platform).toBe(process.platform);
  });

  it('gives a dropped file its path, and null for anything without one', () => {
    expect(bridge().pathForFile?.(new File(['x'], 'on-disk.png'))).toBe('/home/artist/on-disk.png');
    expect(bridge().pathForFile?.(new File(['x'], 'made-in-page.png'))).toBeNull();
    expect(bridge().pathForFile?.({ name: 'not-a-file.png', size: 1 })).toBeNull();
  });

  it('sends requests on apex:rpc and returns the result', async () => {
    const request = { id: '1', method: 'system.ping', input: { echo: 'x' } };
    await expect(bridge().request(request)).resolves.toEqual({ ok: true, value: request });
    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(RPC_CHANNEL, request);
  });

  it('hands the page the message only, never the IPC event, and unsubscribes', () => {
    const received: unknown[] = [];
    const unsubscribe = bridge().onEvent((message) => received.push(message));
    expect(fake.ipcRenderer.on).toHaveBeenCalledWith(EVENT_CHANNEL, expect.any(Function));

    emit({ name: 'config.changed', payload: { a: 1 } });
    emit('garbage');
    emit({ payload: 1 });
    expect(received).toEqual([{ name: 'config.changed', payload: { a: 1 } }]);

    unsubscribe();
    expect(fake.ipcRenderer.removeListener).toHaveBeenCalledWith(EVENT_CHANNEL, fake.ipcRenderer.on.mock.calls[0]![1]);
    emit({ name: 'config.changed', payload: {} });
    expect(received).toHaveLength(1);
  });
});
