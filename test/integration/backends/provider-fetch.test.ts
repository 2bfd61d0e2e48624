import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { providerFetch } from '../../../main/core/backends/provider-fetch';

/**
 * A server that holds every request until the test answers it: a txt2img call on a slow GPU. The clock
 * undici's timers read is faked, so five minutes pass in an instant while the socket stays real.
 */
async function holdingServer(): Promise<{ url: string; held: ServerResponse[]; server: Server }> {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => held.push(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sdapi/v1/txt2img`, held, server };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error('the request never reached the server');
}

const SIX_MINUTES = 6 * 60 * 1000;

describe('providerFetch', () => {
  let server: Server | null = null;
  afterEach(async () => {
    vi.useRealTimers();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = null;
  });

  it('waits past Node fetch’s 300 s limit for a server that answers late', async () => {
    const fake = await holdingServer();
    server = fake.server;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });

    // The control: the same fetch through an agent with undici's default timers gives up in the six minutes.
    const control = (fetch as (url: string, init: RequestInit & { dispatcher: Agent }) => Promise<Response>)(fake.url, { method: 'POST', body: '{}', dispatcher: new Agent() });
    const controlOutcome = control.then(() => 'answered', (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message);
    const answered = providerFetch(fake.url, { method: 'POST', body: '{}' });
    await until(() => fake.held.length === 2);
    await vi.advanceTimersByTimeAsync(SIX_MINUTES);
    expect(await controlOutcome).toBe('UND_ERR_HEADERS_TIMEOUT');

    for (const res of fake.held) if (!res.writableEnded) res.end('{"images":[]}');
    vi.useRealTimers();
    const response = await answered;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ images: [] });
  });

  it('still stops when the call’s own deadline aborts it', async () => {
    const fake = await holdingServer();
    server = fake.server;
    const call = providerFetch(fake.url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) });
    await expect(call).rejects.toMatchObject({ name: 'TimeoutError' });
  });
});
