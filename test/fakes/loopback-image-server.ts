import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/**
 * A loopback image service with real HTTP and real latency, for the queue's crash test and benchmarks.
 * Wire format (ours, deliberately minimal; the provider fakes of test/fakes/ speak the real APIs):
 *   POST /generate {prompt, seed, width, height, count} → 200 {images: [base64 PNG]}
 * Images are deterministic for (prompt, seed, index), so a re-run makes identical bytes.
 * `script` lets a test answer a call differently (429 with Retry-After, 500, a dropped connection).
 */

export interface FakeCall {
  index: number;
  startedAt: number;
  body: { prompt: string; seed: number; width: number; height: number; count: number };
}

export type ScriptedAnswer = { status: number; headers?: Record<string, string>; body?: unknown } | 'drop' | null;

export interface LoopbackImageServer {
  readonly url: string;
  readonly calls: FakeCall[];
  latencyMs: number;
  script: ((call: FakeCall) => ScriptedAnswer) | null;
  close(): Promise<void>;
}

/** Side of the images it returns; small so the benchmarks measure the queue, not the encoder. */
const SIDE = 64;
const cache = new Map<string, string>();

export async function deterministicPng(key: string): Promise<string> {
  const cached = cache.get(key);
  if (cached) return cached;
  const digest = createHash('sha256').update(key).digest();
  const png = await sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: { r: digest[0]!, g: digest[1]!, b: digest[2]! } } })
    .composite([{ input: Buffer.from(`<svg width="${SIDE}" height="${SIDE}"><circle cx="${digest[3]! % SIDE}" cy="${digest[4]! % SIDE}" r="${8 + (digest[5]! % 20)}" fill="rgb(${digest[6]},${digest[7]},${digest[8]})"/></svg>`) }])
    .png()
    .toBuffer();
  const encoded = png.toString('base64');
  if (cache.size < 20_000) cache.set(key, encoded);
  return encoded;
}

export async function startLoopbackImageServer(options: { latencyMs?: number } = {}): Promise<LoopbackImageServer> {
  const calls: FakeCall[] = [];
  const state = { latencyMs: options.latencyMs ?? 0, script: null as ((call: FakeCall) => ScriptedAnswer) | null };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end('{"error":"fake server failure"}');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.url !== '/generate') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as FakeCall['body'];
    const call: FakeCall = { index: calls.length, startedAt: Date.now(), body };
    calls.push(call);
    // The images are drawn while the latency runs, as a remote service works during its latency: the
    // artist-visible answer time is the latency, not the latency plus this process's rendering.
    const rendering = Promise.all(Array.from({ length: body.count }, (_, i) => deterministicPng(`${body.prompt}|${body.seed}|${i}`)));
    rendering.catch(() => undefined); // a scripted answer may never look at it
    if (state.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, state.latencyMs));
    const answer = state.script?.(call) ?? null;
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    if (answer) {
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.body ?? {}));
      return;
    }
    const images = await rendering;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ images }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get latencyMs() {
      return state.latencyMs;
    },
    set latencyMs(value: number) {
      state.latencyMs = value;
    },
    get script() {
      return state.script;
    },
    set script(value) {
      state.script = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
