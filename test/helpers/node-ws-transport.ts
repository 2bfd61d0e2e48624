import WebSocket from 'ws';
import type { Transport } from '../../shared/transport';
import { ServerFrame, type EventMessage, type RpcResult } from '../../shared/wire';

/** A Node WebSocket client for the browser-mode server, used where tests need a second real transport. */
export async function connectNodeWsTransport(url: string, headers: Record<string, string> = {}): Promise<Transport & { close(): void }> {
  const socket = new WebSocket(url, { headers });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const pending = new Map<string, (result: RpcResult) => void>();
  const listeners = new Set<(message: EventMessage) => void>();
  socket.on('message', (data) => {
    const frame = ServerFrame.parse(JSON.parse(data.toString()));
    if (frame.type === 'result') {
      pending.get(frame.id)?.(frame.result);
      pending.delete(frame.id);
    } else {
      for (const listener of listeners) listener(frame.event);
    }
  });
  return {
    request(req) {
      return new Promise((resolve, reject) => {
        if (socket.readyState !== WebSocket.OPEN) return reject(new Error('socket closed'));
        pending.set(req.id, resolve);
        socket.send(JSON.stringify(req));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => socket.close(),
  };
}
