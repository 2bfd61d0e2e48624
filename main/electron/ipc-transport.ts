import { BrowserWindow, ipcMain } from 'electron';
import { EVENT_CHANNEL, RPC_CHANNEL, type EventMessage, type RpcResult } from '../../shared/wire';
import type { Core } from '../core';
import { isTrustedFrame } from './security/trusted-sender';

/** What the transport needs from the core: the router and the event stream (and a log for refusals). */
export type TransportCore = Pick<Core, 'dispatch' | 'subscribe'> & { readonly log?: Pick<Core['log'], 'warn'> };

const FORBIDDEN: RpcResult = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'This window is not allowed to call APEX Director.', details: {} },
};

/**
 * The Electron transport (DESIGN §2): one `apex:rpc` handler and one `apex:event` broadcast. The handler
 * never throws — Electron would keep only an error's message — because the router always resolves a
 * result; the sender check comes first so an untrusted frame never reaches the core at all.
 */
export function installIpcTransport(core: TransportCore): () => void {
  ipcMain.handle(RPC_CHANNEL, async (event, raw: unknown): Promise<RpcResult> => {
    if (!isTrustedFrame(event.senderFrame)) {
      core.log?.warn('rpc refused: untrusted sender', { url: safeUrl(event.senderFrame) });
      return FORBIDDEN;
    }
    return core.dispatch(raw, { transport: 'electron' });
  });

  const unsubscribe = core.subscribe((message) => broadcast(message));

  return () => {
    ipcMain.removeHandler(RPC_CHANNEL);
    unsubscribe();
  };
}

/** Every live window gets every event; one closing mid-send must not stop the others. */
function broadcast(message: EventMessage): void {
  for (const win of BrowserWindow.getAllWindows()) {
    if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
    try {
      win.webContents.send(EVENT_CHANNEL, message);
    } catch {
      // The window went away between the check and the send.
    }
  }
}

function safeUrl(frame: { url: string } | null): string | null {
  try {
    return frame ? frame.url.slice(0, 200) : null;
  } catch {
    return null;
  }
}
