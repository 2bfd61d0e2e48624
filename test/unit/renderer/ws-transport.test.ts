import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { createWsTransport, TransportClosedError, type WsTransport } from '../../../renderer/src/api/ws-transport';
import type { EventMessage, RpcRequest } from '../../../shared/wire';

/** A real WebSocket server on loopback; the test decides what it answers. */
async function startServer(): Promise<{ url: string; server: WebSocketServer; connection: Promise<ServerSocket>; received: RpcRequest[] }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const received: RpcRequest[] = [];
  const connection = new Promise<ServerSocket>((resolve) =>
    server.once('connection', (socket) => {
      socket.on('message', (data) => received.push(JSON.parse(data.toString()) as RpcRequest));
      resolve(socket);
    }),
  );
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/rpc`, server, connection, received };
}

const servers: WebSocketServer[] = [];
const transports: WsTransport[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
});

async function setup() {
  const served = await startServer();
  servers.push(served.server);
  const transport = createWsTransport(served.url, { createSocket: (url) => new WebSocket(url) });
  transports.push(transport);
  return { ...served, transport };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error('condition not met');
}

describe('ws transport', () => {
  it('sends requests made before the socket opened and resolves them by id', async () => {
    const { transport, connection, received } = await setup();
    const first = transport.request({ id: 'a', method: 'system.ping', input: { echo: 'one' } });
    const second = transport.request({ id: 'b', method: 'system.ping' });
    const socket = await connection;
    await until(() => received.length === 2);
    expect(received.map((request) => request.id)).toEqual(['a', 'b']);

    // Answer out of order: ids, not arrival order, pair results with calls.
    socket.send(JSON.stringify({ type: 'result', id: 'b', result: { ok: true, value: 'B' } }));
    socket.send(JSON.stringify({ type: 'result', id: 'a', result: { ok: false, error: { code: 'NOT_FOUND', message: 'nope', details: {} } } }));
    await expect(second).resolves.toEqual({ ok: true, value: 'B' });
    await expect(first).resolves.toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'nope', details: {} } });
  });

  it('rejects every pending request when the socket closes, and later ones at once', async () => {
    const { transport, connection, received } = await setup();
    const pending = [transport.request({ id: '1', method: 'system.status' }), transport.request({ id: '2', method: 'config.get' })];
    const socket = await connection;
    await until(() => received.length === 2);

    socket.close(1001, 'server going away');
    for (const request of pending) await expect(request).rejects.toBeInstanceOf(TransportClosedError);
    await expect(transport.request({ id: '3', method: 'system.status' })).rejects.toBeInstanceOf(TransportClosedError);
  });

  it('rejects pending requests when the server dies without a close frame', async () => {
    const { transport, connection, received } = await setup();
    const pending = transport.request({ id: 'x', method: 'system.status' });
    const socket = await connection;
    await until(() => received.length === 1);
    socket.terminate();
    await expect(pending).rejects.toThrow(/connection .* closed/i);
  });

  it('dispatches events to listeners and ignores frames it cannot read', async () => {
    const { transport, connection, received } = await setup();
    const events: EventMessage[] = [];
    const unsubscribe = transport.onEvent((message) => events.push(message));
    const call = transport.request({ id: 'q', method: 'system.status' });
    const later = transport.request({ id: 'r', method: 'system.status' });
    const socket = await connection;
    await until(() => received.length === 2);

    socket.send('not json');
    socket.send(JSON.stringify({ type: 'result', id: 'q', result: { ok: 'maybe' } })); // malformed result: ignored
    socket.send(JSON.stringify({ type: 'result', id: 'unknown', result: { ok: true, value: 1 } })); // nobody waits for it
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    socket.send(JSON.stringify({ type: 'event', event: { name: 'stats.changed', payload: { n: 1 } } }));
    socket.send(JSON.stringify({ type: 'result', id: 'q', result: { ok: true, value: 'done' } }));

    await expect(call).resolves.toEqual({ ok: true, value: 'done' });
    expect(events).toEqual([{ name: 'stats.changed', payload: { n: 1 } }]);

    unsubscribe();
    // Frames arrive in order, so once `r` resolves the event before it has been handled (and dropped).
    socket.send(JSON.stringify({ type: 'event', event: { name: 'stats.changed', payload: { n: 2 } } }));
    socket.send(JSON.stringify({ type: 'result', id: 'r', result: { ok: true, value: 'r' } }));
    await expect(later).resolves.toEqual({ ok: true, value: 'r' });
    expect(events).toHaveLength(1);
  });
});
