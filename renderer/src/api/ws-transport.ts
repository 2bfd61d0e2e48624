import type { Transport } from '../../../shared/transport';
import { ServerFrame, type EventMessage, type RpcRequest, type RpcResult } from '../../../shared/wire';

/**
 * The browser-mode transport: the contract over one WebSocket to `serve` (main/core/transports/ws-server.ts).
 * No reconnect on purpose: the server lives as long as the page is useful, and a silent reconnect would
 * hide a restarted core whose state differs. When the socket closes, every pending call rejects (the
 * only way a transport may fail) and later calls reject at once; the UI shows the failure where it happens.
 */

/** The part of a WebSocket this transport uses; the browser's WebSocket and the `ws` package both fit. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export interface WsTransportOptions {
  /** Injected so tests in Node (which has no global WebSocket before v22) can pass `ws`'s class. */
  createSocket?: (url: string) => SocketLike;
}

export interface WsTransport extends Transport {
  close(): void;
}

const OPEN = 1;

export class TransportClosedError extends Error {
  override name = 'TransportClosedError';
}

export function createWsTransport(url: string, options: WsTransportOptions = {}): WsTransport {
  const createSocket: (url: string) => SocketLike = options.createSocket ?? ((target) => new WebSocket(target));
  const pending = new Map<string, { resolve: (result: RpcResult) => void; reject: (error: Error) => void }>();
  const listeners = new Set<(message: EventMessage) => void>();
  /** Requests made before the socket opened, sent in order once it does. */
  const outbox: string[] = [];
  let closed: TransportClosedError | null = null;

  const socket = createSocket(url);

  socket.addEventListener('open', () => {
    for (const frame of outbox.splice(0)) socket.send(frame);
  });
  socket.addEventListener('message', (event) => {
    const frame = parseFrame(event.data);
    if (!frame) return; // Not ours or malformed: ignore rather than let a bad frame break the page.
    if (frame.type === 'event') {
      for (const listener of listeners) listener(frame.event);
      return;
    }
    const waiter = pending.get(frame.id);
    if (!waiter) return;
    pending.delete(frame.id);
    waiter.resolve(frame.result);
  });
  // `error` is always followed by `close`; rejecting there keeps one code path.
  socket.addEventListener('close', () => {
    closed ??= new TransportClosedError('The connection to APEX Director closed. Reload the page once the app is running again.');
    const waiters = [...pending.values()];
    pending.clear();
    outbox.length = 0;
    for (const waiter of waiters) waiter.reject(closed);
  });

  return {
    request(req: RpcRequest): Promise<RpcResult> {
      if (closed) return Promise.reject(closed);
      if (pending.has(req.id)) return Promise.reject(new Error(`Duplicate request id ${req.id}`));
      return new Promise<RpcResult>((resolve, reject) => {
        pending.set(req.id, { resolve, reject });
        const frame = JSON.stringify(req);
        if (socket.readyState === OPEN) socket.send(frame);
        else outbox.push(frame);
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close() {
      socket.close(1000, 'client closed');
    },
  };
}

function parseFrame(data: unknown): ServerFrame | null {
  if (typeof data !== 'string') return null;
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = ServerFrame.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** `ws://host/rpc` for the page's own origin: the server checks Origin and the cookie it set on first visit. */
export function rpcUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/rpc`;
}
