import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { BATCH_LIMITS } from '../../../shared/domain/batch';
import type { ServerFrame } from '../../../shared/wire';
import { openResolvedAsset } from '../assets/serve-asset';
import { isInside, parseAssetHttpPath, resolveAsset, type AssetLocator } from '../assets/resolve-asset';
import type { EventListener } from '../events';
import type { Logger } from '../log';
import type { Dispatch } from '../router';

/**
 * Browser mode: the same contract over a WebSocket, the built renderer and the asset routes over HTTP.
 * Bound to 127.0.0.1 only. A random token per launch guards everything: the printed URL carries it once,
 * the server trades it for an HttpOnly SameSite=Strict cookie, and the WebSocket checks cookie (or
 * `?token=` for non-browser clients), Host (against DNS rebinding) and Origin (against other sites).
 */

export interface WsServerTarget {
  dispatch: Dispatch;
  subscribe(listener: EventListener): () => void;
  assets: AssetLocator;
  assetRoots(): readonly string[];
  log: Logger;
}

export interface WsServerOptions {
  port?: number;
  /** Folder holding the built renderer (`out/renderer`); a page explaining how to build is served without it. */
  rendererDir?: string | null;
  /** Fixed token for tests; random otherwise. */
  token?: string;
}

export interface WsServer {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

const COOKIE = 'apex_token';
/** Room for the request envelope and the other fields of a batch call around the file contents. */
const FRAME_ENVELOPE_BYTES = 1024 * 1024;
/**
 * Big enough for the largest batch call (`batch.preview`/`batch.submit` carry file contents): JSON escaping
 * can double text (every `"`, `\\` and line break), so twice the contents plus the envelope.
 */
const MAX_FRAME_BYTES = 2 * BATCH_LIMITS.requestBytes + FRAME_ENVELOPE_BYTES;

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export async function startWsServer(target: WsServerTarget, options: WsServerOptions = {}): Promise<WsServer> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const rendererDir = options.rendererDir ? resolve(options.rendererDir) : null;
  let origin = '';
  let port = 0;

  const sockets = new Set<WebSocket>();
  const http = createServer((req, res) => {
    handleHttp(req, res).catch((error: unknown) => {
      target.log.error('browser-mode request failed', { url: req.url, error: String(error) });
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });

  function hostAllowed(req: IncomingMessage): boolean {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  }

  function authorized(req: IncomingMessage, url: URL): boolean {
    const presented = readCookie(req.headers.cookie, COOKIE) ?? url.searchParams.get('token');
    return presented !== null && safeEqual(presented, token);
  }

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req)) return send(res, 421, 'Wrong host');
    const url = new URL(req.url ?? '/', origin);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');

    // First visit with the token: trade it for a cookie and drop it from the address bar and history.
    const queryToken = url.searchParams.get('token');
    if (queryToken !== null && url.pathname.startsWith('/asset/') === false) {
      if (!safeEqual(queryToken, token)) return send(res, 403, 'Wrong token: open the URL that `apex-director serve` printed.');
      url.searchParams.delete('token');
      res.writeHead(303, {
        'Set-Cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: url.pathname + url.search,
        'Cache-Control': 'no-store',
      });
      res.end();
      return;
    }
    if (!authorized(req, url)) return send(res, 401, 'Open the URL that `apex-director serve` printed: it carries the access token.');

    if (url.pathname.startsWith('/asset/')) {
      const roots = target.assetRoots();
      const resolution = resolveAsset(req.method, parseAssetHttpPath(url.pathname), target.assets, roots);
      const opened = await openResolvedAsset(resolution, roots);
      if (opened.status !== 200 || !('open' in opened)) return send(res, opened.status, 'reason' in opened ? opened.reason : 'Error');
      res.writeHead(200, opened.headers);
      if (req.method === 'HEAD') return void res.end();
      opened.open().pipe(res);
      return;
    }
    serveStatic(url.pathname, req.method, res);
  }

  function serveStatic(pathname: string, method: string, res: ServerResponse): void {
    const headers = { 'Content-Security-Policy': contentSecurityPolicy(port), 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' };
    if (!rendererDir || !existsSync(join(rendererDir, 'index.html'))) {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>APEX Director</title><p>The renderer is not built yet. Run <code>npm run build</code>, then reload.</p>');
      return;
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, 'Bad path');
    }
    let file = resolve(rendererDir, normalize(`.${decoded}`));
    if (file !== rendererDir && !isInside(rendererDir, file)) return send(res, 403, 'Forbidden');
    const stat = statSync(file, { throwIfNoEntry: false });
    // Single-page app: routes without a file extension get index.html.
    if (!stat?.isFile()) {
      if (extname(decoded) !== '') return send(res, 404, 'Not found');
      file = join(rendererDir, 'index.html');
    }
    const type = STATIC_TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': extname(file) === '.html' ? 'no-cache' : 'public, max-age=3600' });
    if (method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  }

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const requestOrigin = req.headers.origin;
    const originOk = requestOrigin === undefined || requestOrigin === origin || requestOrigin === `http://localhost:${port}`;
    if (url.pathname !== '/rpc' || !hostAllowed(req) || !originOk || !authorized(req, url)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket): void {
    sockets.add(ws);
    const sendFrame = (frame: ServerFrame) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
    };
    const unsubscribe = target.subscribe((event) => sendFrame({ type: 'event', event }));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      let request: unknown;
      try {
        request = JSON.parse(data.toString());
      } catch {
        return ws.close(1007, 'invalid JSON');
      }
      const id = typeof request === 'object' && request !== null && 'id' in request && typeof request.id === 'string' ? request.id.slice(0, 64) : '';
      void target.dispatch(request, { transport: 'websocket' }).then((result) => sendFrame({ type: 'result', id, result }));
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolveListen());
  });
  port = (http.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    async close() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((done) => wss.close(() => done()));
      await new Promise<void>((done) => http.close(() => done()));
      http.closeAllConnections();
    },
  };
}

/** The renderer's CSP in browser mode: only this origin, its WebSocket and its image routes. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
