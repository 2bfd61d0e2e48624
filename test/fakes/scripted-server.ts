import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The loopback HTTP machinery under every provider fake (gemini-, minimax-, a1111-, comfyui-server.ts):
 * it records each request exactly as it arrived (method, path, query, headers, raw and parsed body) so
 * tests can assert the wire format, and lets a test replace the fake's own answer — once with `next()`,
 * or by rule with `script` — with any status and body, a slow answer, or a dropped connection.
 */

export interface RecordedRequest {
  index: number;
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The body parsed as JSON, or null when it is not JSON. */
  body: unknown;
  at: number;
}

export type FakeAnswer =
  | {
      status: number;
      headers?: Record<string, string>;
      /** Serialized as JSON with content-type application/json. */
      json?: unknown;
      /** Raw bytes or text, sent as is. */
      raw?: Buffer | string;
      /** Wait this long before answering (a slow provider); the wait ends if the client goes away. */
      delayMs?: number;
    }
  /** Close the socket without answering. */
  | { drop: 'before-headers'; delayMs?: number }
  /** Send the status line, headers and half the body, then close the socket. */
  | { drop: 'mid-body'; status?: number; json: unknown; delayMs?: number };

export type Handler = (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

interface Queued {
  answer: FakeAnswer;
  match: (request: RecordedRequest) => boolean;
}

export interface ScriptedServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Answer the next matching request (default: any) with this instead of the fake's own answer. */
  next(answer: FakeAnswer, match?: (request: RecordedRequest) => boolean): void;
  /** Consulted for every request without a `next` answer; return null to let the fake answer. */
  script: ((request: RecordedRequest) => FakeAnswer | null | Promise<FakeAnswer | null>) | null;
  /** Requests whose path matches, for assertions. */
  requestsTo(path: string | RegExp): RecordedRequest[];
  close(): Promise<void>;
}

export async function startScriptedServer(handler: Handler): Promise<ScriptedServer> {
  const requests: RecordedRequest[] = [];
  const queued: Queued[] = [];
  const state: { script: ScriptedServer['script'] } = { script: null };

  const server = createServer((req, res) => {
    void serve(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' }).end(`fake server failure: ${String(error)}`);
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const request: RecordedRequest = {
      index: requests.length,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      rawBody,
      body: parseJson(rawBody),
      at: Date.now(),
    };
    requests.push(request);
    const slot = queued.findIndex((q) => q.match(request));
    let answer: FakeAnswer | null = null;
    if (slot >= 0) answer = queued.splice(slot, 1)[0]!.answer;
    else if (state.script) answer = await state.script(request);
    answer ??= await handler(request);
    await send(answer, req, res);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    next(answer, match = () => true) {
      queued.push({ answer, match });
    },
    get script() {
      return state.script;
    },
    set script(value) {
      state.script = value;
    },
    requestsTo(path) {
      return requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function send(answer: FakeAnswer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (answer.delayMs) await waitOrClientGone(answer.delayMs, req);
  if (req.socket.destroyed) return;
  if ('drop' in answer) {
    if (answer.drop === 'before-headers') {
      req.socket.destroy();
      return;
    }
    const body = Buffer.from(JSON.stringify(answer.json));
    res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', 'content-length': String(body.length) });
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    // Let the half body leave before the socket dies, as with a proxy cutting a long answer.
    await new Promise((resolve) => setTimeout(resolve, 20));
    req.socket.destroy();
    return;
  }
  if (answer.json !== undefined) {
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify(answer.json));
    return;
  }
  res.writeHead(answer.status, answer.headers ?? {}).end(answer.raw ?? '');
}

function waitOrClientGone(ms: number, req: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    req.socket.once('close', done);
    function done() {
      clearTimeout(timer);
      req.socket.off('close', done);
      resolve();
    }
  });
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Basic-auth "user:password" from a request, or null. */
export function basicCredential(headers: IncomingHttpHeaders): string | null {
  const header = headers.authorization ?? '';
  const match = /^Basic (.+)$/.exec(header);
  return match ? Buffer.from(match[1]!, 'base64').toString('utf8') : null;
}

/** Makes a fake's knobs (`apiKey`, `imageFormat`…) live properties of its server: reads and writes go to `state`. */
export function exposeState<S extends object>(server: ScriptedServer, state: S): ScriptedServer & S {
  const record = state as Record<string, unknown>;
  for (const key of Object.keys(state)) {
    Object.defineProperty(server, key, {
      get: () => record[key],
      set: (value: unknown) => {
        record[key] = value;
      },
      enumerable: true,
    });
  }
  return server as ScriptedServer & S;
}
