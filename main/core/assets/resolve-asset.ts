import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Turns an asset request into a file path — ids in, library paths out. Pure: no I/O, so every traversal
 * trick can be unit-tested. The URL never carries a path; the id is looked up through `AssetLocator`, and
 * the path it yields must lie inside one of the allowed roots (the library or a folder the artist imported).
 * Callers then `realpath` the result and check containment again (`serve-asset.ts`) to defeat symlinks.
 */

export const ASSET_KINDS = ['thumb', 'preview', 'original'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** Asset ids are opaque tokens (numbers or hashes): nothing that could spell a path. */
const ASSET_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const SERVABLE_MIME = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/avif']);

export interface AssetLocation {
  /** The root this file belongs to (library root or an import root), absolute. */
  root: string;
  /** Path of the file relative to `root`, as stored in the database. */
  relPath: string;
  mime: string;
  /** Content-addressed files never change under the same URL and may be cached forever. */
  immutable: boolean;
}

export interface AssetLocator {
  locate(kind: AssetKind, id: string): AssetLocation | null;
}

export type AssetResolution =
  | { status: 200; path: string; mime: string; headers: Record<string, string> }
  | { status: 400 | 403 | 404 | 405; reason: string };

export interface AssetRef {
  kind: AssetKind;
  id: string;
}

/** `apex-asset://thumb/<id>` (Electron protocol). */
export function parseAssetProtocolUrl(raw: string): AssetRef | { status: 400 | 404; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== 'apex-asset:') return { status: 400, reason: 'wrong scheme' };
  if (url.username || url.password || url.port || url.search || url.hash) return { status: 400, reason: 'unexpected URL parts' };
  return parseKindAndId(url.hostname, url.pathname);
}

/** `/asset/<kind>/<id>` (browser-mode HTTP route). */
export function parseAssetHttpPath(pathname: string): AssetRef | { status: 400 | 404; reason: string } {
  const match = /^\/asset\/([^/]*)(\/.*)$/.exec(pathname);
  if (!match) return { status: 404, reason: 'not an asset route' };
  return parseKindAndId(match[1] ?? '', match[2] ?? '');
}

function parseKindAndId(kind: string, pathname: string): AssetRef | { status: 400 | 404; reason: string } {
  if (!(ASSET_KINDS as readonly string[]).includes(kind)) return { status: 404, reason: 'unknown asset kind' };
  // Exactly one segment; decoded text must still be a plain id (so %2e%2e%2f and friends are refused).
  const segments = pathname.split('/');
  if (segments.length !== 2 || segments[0] !== '') return { status: 404, reason: 'expected /<id>' };
  let id: string;
  try {
    id = decodeURIComponent(segments[1] ?? '');
  } catch {
    return { status: 400, reason: 'bad escape' };
  }
  if (!ASSET_ID.test(id)) return { status: 400, reason: 'bad asset id' };
  return { kind: kind as AssetKind, id };
}

export function resolveAsset(
  method: string,
  ref: AssetRef | { status: 400 | 404; reason: string },
  locator: AssetLocator,
  allowedRoots: readonly string[],
): AssetResolution {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, reason: 'method not allowed' };
  if ('status' in ref) return ref;
  const location = locator.locate(ref.kind, ref.id);
  if (!location) return { status: 404, reason: 'no such asset' };
  if (!SERVABLE_MIME.has(location.mime)) return { status: 403, reason: 'type not served' };
  const root = resolve(location.root);
  if (!allowedRoots.some((allowed) => resolve(allowed) === root)) return { status: 403, reason: 'root not allowed' };
  const path = resolve(root, location.relPath);
  if (!isInside(root, path)) return { status: 403, reason: 'outside its root' };
  return {
    status: 200,
    path,
    mime: location.mime,
    headers: {
      'Content-Type': location.mime,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
      'Cache-Control': location.immutable ? 'private, max-age=31536000, immutable' : 'no-cache',
    },
  };
}

/** True when `child` is strictly inside `parent` (both absolute). `startsWith` would accept /lib vs /library. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  if (rel === '' || isAbsolute(rel)) return false;
  const first = rel.split(/[\\/]/)[0];
  return first !== '..';
}
