import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { CustomScheme, Session } from 'electron';
import { isInside, parseAssetProtocolUrl, resolveAsset, type AssetLocator } from '../core/assets/resolve-asset';
import { openResolvedAsset } from '../core/assets/serve-asset';
import type { Logger } from '../core/log';
import { CONTENT_SECURITY_POLICY } from './security/csp';
import { APP_HOST, APP_SCHEME } from './security/trusted-sender';

/**
 * The app's two schemes. `apex-app://app/` serves the built renderer (so it gets a real origin and a CSP
 * header, which `file://` cannot have); `apex-asset://<kind>/<id>` serves library images by opaque id.
 * Neither bypasses the CSP: the page's policy governs both (style.md §8.7.1). The request → response logic
 * is plain functions over `{method, url}` so tests drive it without Electron.
 */
export const ASSET_SCHEME = 'apex-asset';

export const PRIVILEGED_SCHEMES: CustomScheme[] = [
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  { scheme: ASSET_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
];

export interface ProtocolRequest {
  readonly method: string;
  readonly url: string;
}

export interface AssetSource {
  readonly assets: AssetLocator;
  assetRoots(): readonly string[];
}

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export type AppResolution = { status: 200; path: string } | { status: 400 | 403 | 404 | 405; reason: string };

/**
 * Pure: maps an `apex-app://app/...` request to a file under `rendererRoot`, or a refusal. Every path
 * segment is decoded once and must then be a plain file name: a decoded `/`, `\`, `%`, `:` or control
 * character (`..%2f`, `%5c`, `%252e`, `C:`, `%00`) is refused, as are `.`/`..` and empty inner segments,
 * and the joined path must still lie inside the root.
 */
export function resolveAppPath(method: string, rawUrl: string, rendererRoot: string): AppResolution {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, reason: 'method not allowed' };
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '' || url.port !== '') {
    return { status: 404, reason: 'not the app origin' };
  }
  const raw = url.pathname.split('/');
  if (raw[0] !== '') return { status: 400, reason: 'relative path' };
  const segments: string[] = [];
  for (const [index, encoded] of raw.slice(1).entries()) {
    const last = index === raw.length - 2;
    if (encoded === '') {
      if (last) break; // a trailing slash names a folder: the SPA entry handles it below
      return { status: 400, reason: 'empty path segment' };
    }
    let name: string;
    try {
      name = decodeURIComponent(encoded);
    } catch {
      return { status: 400, reason: 'bad escape' };
    }
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    if (name === '.' || name === '..' || /[/\\%:\u0000-\u001f]/.test(name)) return { status: 400, reason: 'bad path segment' };
    segments.push(name);
  }
  const root = resolve(rendererRoot);
  if (segments.length === 0) return { status: 200, path: resolve(root, 'index.html') };
  const path = resolve(root, ...segments);
  if (!isInside(root, path)) return { status: 403, reason: 'outside the renderer' };
  return { status: 200, path };
}

/** GET/HEAD of one renderer file, with the CSP header. Missing extensionless paths are client routes: index.html. */
export async function handleAppRequest(request: ProtocolRequest, rendererRoot: string): Promise<Response> {
  try {
    const resolution = resolveAppPath(request.method, request.url, rendererRoot);
    if (resolution.status !== 200) return refusal(resolution.status);
    const realRoot = await realpath(rendererRoot);
    let file = await realFileInside(realRoot, resolution.path);
    if (file === 'missing' && extname(resolution.path) === '') file = await realFileInside(realRoot, resolve(rendererRoot, 'index.html'));
    if (file === 'missing') return refusal(404);
    if (file === 'outside') return refusal(403);
    const mime = MIME_BY_EXTENSION[extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    return fileResponse(request.method, file.path, file.size, {
      'Content-Type': mime,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
  } catch {
    return refusal(500);
  }
}

/** `apex-asset://<kind>/<id>`: id → database → path inside an allowed root → realpath checked again → stream. */
export async function handleAssetRequest(request: ProtocolRequest, source: AssetSource, log?: Logger): Promise<Response> {
  try {
    const roots = source.assetRoots();
    const resolution = resolveAsset(request.method, parseAssetProtocolUrl(request.url), source.assets, roots);
    const opened = await openResolvedAsset(resolution, roots);
    if (opened.status !== 200 || !('open' in opened)) {
      // The reason names no path; the id alone is enough to find the row.
      if (opened.status === 403) log?.warn('asset refused', { reason: 'reason' in opened ? opened.reason : 'refused' });
      return refusal(opened.status);
    }
    const body = request.method === 'HEAD' ? null : (Readable.toWeb(opened.open()) as ReadableStream<Uint8Array>);
    return new Response(body, { status: 200, headers: opened.headers });
  } catch (error) {
    log?.error('asset handler failed', { code: error instanceof Error && 'code' in error ? String(error.code) : 'unknown' });
    return refusal(500);
  }
}

export interface ProtocolDeps {
  rendererRoot: string;
  source: AssetSource;
  log?: Logger;
}

/** Registers the handlers on the session the windows use, and blocks `file:` there (nothing loads from disk by path). */
export function installProtocols(ses: Session, deps: ProtocolDeps): () => void {
  ses.protocol.handle(APP_SCHEME, (request) => handleAppRequest(request, deps.rendererRoot));
  ses.protocol.handle(ASSET_SCHEME, (request) => handleAssetRequest(request, deps.source, deps.log));
  ses.protocol.handle('file', () => refusal(403));
  return () => {
    for (const scheme of [APP_SCHEME, ASSET_SCHEME, 'file']) ses.protocol.unhandle(scheme);
  };
}

type RealFile = { path: string; size: number } | 'missing' | 'outside';

/** Follows symlinks and checks containment against the real root: a link inside out/renderer pointing out is refused. */
async function realFileInside(realRoot: string, path: string): Promise<RealFile> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return 'missing';
  }
  if (!isInside(realRoot, real)) return 'outside';
  const info = await stat(real);
  if (!info.isFile()) return 'missing';
  return { path: real, size: info.size };
}

function fileResponse(method: string, path: string, size: number, headers: Record<string, string>): Response {
  const body = method === 'HEAD' ? null : (Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>);
  return new Response(body, { status: 200, headers: { ...headers, 'Content-Length': String(size) } });
}

/** Bodies stay empty on refusals: a reason could leak a path, and the page has no use for one. */
function refusal(status: number): Response {
  return new Response(null, { status, headers: { 'X-Content-Type-Options': 'nosniff' } });
}
