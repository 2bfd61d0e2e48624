import { describe, expect, it } from 'vitest';
import type { ApexBridge } from '../../../shared/bridge';
import type { EventMessage } from '../../../shared/wire';
import { createElectronTransport } from '../../../renderer/src/api/electron-transport';

function fakeBridge(answer: unknown) {
  let listener: ((message: EventMessage) => void) | null = null;
  const bridge: ApexBridge = {
    platform: 'linux',
    request: async () => answer,
    onEvent(cb) {
      listener = cb;
      return () => {
        listener = null;
      };
    },
  };
  // The preload hands the page whatever main sent: let the test push untyped messages too.
  return { bridge, push: (message: unknown) => listener?.(message as EventMessage) };
}

describe('electron transport', () => {
  it('passes well-formed results through', async () => {
    const { bridge } = fakeBridge({ ok: true, value: { pong: true } });
    await expect(createElectronTransport(bridge).request({ id: '1', method: 'system.ping' })).resolves.toEqual({ ok: true, value: { pong: true } });
  });

  it('turns a malformed answer from main into an INTERNAL error instead of trusting it', async () => {
    const { bridge } = fakeBridge({ ok: false, error: { code: 'NOT_A_CODE' } });
    const result = await createElectronTransport(bridge).request({ id: '1', method: 'system.status' });
    expect(result).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('drops event messages that do not have the envelope shape', () => {
    const { bridge, push } = fakeBridge(null);
    const seen: EventMessage[] = [];
    const stop = createElectronTransport(bridge).onEvent((message) => seen.push(message));
    push({ nope: true });
    push({ name: 'stats.changed', payload: 1 });
    stop();
    push({ name: 'stats.changed', payload: 2 });
    expect(seen).toEqual([{ name: 'stats.changed', payload: 1 }]);
  });
});
