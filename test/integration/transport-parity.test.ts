import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/client';
import type { EventName, EventPayload } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Transport } from '../../shared/transport';
import type { RpcResult } from '../../shared/wire';
import { createCore, type Core } from '../../main/core';
import { inProcessTransport } from '../../main/core/transports/in-process';
import { startWsServer } from '../../main/core/transports/ws-server';
import { connectNodeWsTransport } from '../helpers/node-ws-transport';
import { useTempDirs } from '../helpers/temp-library';

/**
 * One table of calls and events, run through every transport the core offers outside Electron
 * (the Electron transport is unit-tested with a mocked electron module). Same inputs, same results.
 */
interface Harness {
  core: Core;
  transport: Transport;
  dispose(): Promise<void>;
}

type TransportFactory = (core: Core) => Promise<{ transport: Transport; dispose(): Promise<void> }>;

const transports: Record<string, TransportFactory> = {
  'in-process': (core) => Promise.resolve({ transport: inProcessTransport(core), dispose: () => Promise.resolve() }),
  websocket: async (core) => {
    const server = await startWsServer(core, { rendererDir: null });
    const transport = await connectNodeWsTransport(`ws://127.0.0.1:${server.port}/rpc?token=${server.token}`);
    return {
      transport,
      dispose: async () => {
        transport.close();
        await server.close();
      },
    };
  },
};

const tempDir = useTempDirs();
const harnesses: Harness[] = [];
afterEach(async () => {
  for (const harness of harnesses.splice(0)) {
    await harness.dispose();
    await harness.core.close();
  }
});

async function open(name: string): Promise<Harness> {
  const library = join(tempDir(), 'library');
  const core = await createCore({ library, eventIntervalMs: 0 });
  const factory = transports[name];
  if (!factory) throw new Error(name);
  const { transport, dispose } = await factory(core);
  const harness = { core, transport, dispose };
  harnesses.push(harness);
  return harness;
}

/** Fields that legitimately differ between two runs (time, temp paths) are replaced before comparing. */
function normalize(result: RpcResult, library: string): unknown {
  return JSON.parse(
    JSON.stringify(result, (key, value: unknown) => (key === 'time' || key === 'uptime_seconds' ? 0 : value)).replaceAll(library, '<library>'),
  );
}

const calls: Array<{ name: string; method: string; input?: unknown }> = [
  { name: 'ping with echo', method: 'system.ping', input: { echo: 'hello' } },
  { name: 'ping without input', method: 'system.ping' },
  { name: 'status', method: 'system.status' },
  { name: 'config', method: 'config.get' },
  { name: 'valid update', method: 'config.update', input: { orchestrator: { max_concurrent_jobs: 3 }, backends: { demo: { latency_ms: 0 } } } },
  { name: 'update out of bounds', method: 'config.update', input: { orchestrator: { max_concurrent_jobs: 0 } } },
  { name: 'update with unknown key', method: 'config.update', input: { orchestrator: { turbo: true } } },
  { name: 'update with wrong type', method: 'config.update', input: { budget: { daily_usd: 'ten' } } },
  { name: 'unknown method', method: 'jobs.explode', input: {} },
  { name: 'prototype method name', method: 'constructor' },
  { name: 'oversized echo', method: 'system.ping', input: { echo: 'x'.repeat(10_000) } },
];

describe('transport parity', () => {
  it('gives the same result for every call through in-process and WebSocket', async () => {
    const outcomes: Record<string, unknown[]> = {};
    for (const name of Object.keys(transports)) {
      const harness = await open(name);
      outcomes[name] = [];
      for (const call of calls) {
        const result = await harness.transport.request({ id: call.name, method: call.method, input: call.input });
        outcomes[name].push({ call: call.name, result: normalize(result, harness.core.library.root) });
      }
    }
    expect(outcomes.websocket).toEqual(outcomes['in-process']);
    const byCall = Object.fromEntries((outcomes['in-process'] ?? []).map((o) => [(o as { call: string }).call, (o as { result: RpcResult }).result]));
    expect(byCall['valid update']).toMatchObject({ ok: true, value: { orchestrator: { max_concurrent_jobs: 3 } } });
    expect(byCall['update out of bounds']).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { field: 'orchestrator.max_concurrent_jobs' } } });
    expect(byCall['update with unknown key']).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', details: { field: 'orchestrator.turbo' } } });
    expect(byCall['unknown method']).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(byCall['prototype method name']).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it.each(Object.keys(transports))('delivers events through %s', async (name) => {
    const harness = await open(name);
    const client = createClient(harness.transport, { validate: true });
    const received = waitForEvent(client, 'config.changed');
    const stats = waitForEvent(client, 'stats.changed');
    await client.call('config.update', { budget: { daily_usd: 7 } });
    expect((await received).budget.daily_usd).toBe(7);
    expect((await stats).library.path).toBe(harness.core.library.root);
  });

  it.each(Object.keys(transports))('raises AppError with the wire code through %s', async (name) => {
    const harness = await open(name);
    const client = createClient(harness.transport, { validate: true });
    const error = await client.call('config.update', { orchestrator: { recovery: 'ignore' as 'hold' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('INVALID_INPUT');
  });
});

function waitForEvent<E extends EventName>(client: ReturnType<typeof createClient>, name: E): Promise<EventPayload<E>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event`)), 5_000);
    const off = client.on(name, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}
