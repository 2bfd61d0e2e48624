import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Session } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AssetKind, AssetLocation, AssetLocator } from '../../../main/core/assets/resolve-asset';
import {
  handleAppRequest,
  handleAssetRequest,
  installProtocols,
  PRIVILEGED_SCHEMES,
  resolveAppPath,
  type AssetSource,
} from '../../../main/electron/protocols';
import { CONTENT_SECURITY_POLICY } from '../../../main/electron/security/csp';
import { useTempDirs } from '../../helpers/temp-library';

const newDir = useTempDirs();

const INDEX = '<!doctype html><title>APEX</title>';
const SECRET = 'TOP-SECRET-OUTSIDE-THE-RENDERER';

/** Reads the whole body (also closes file streams); null for bodiless responses. */
async function text(response: Response): Promise<string | null> {
  return response.body === null ? null : await response.text();
}

describe('privileged schemes', () => {
  it('registers apex-app and apex-asset as standard, secure, fetchable, and never bypassCSP', () => {
    expect(PRIVILEGED_SCHEMES).toEqual([
      { scheme: 'apex-app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
      { scheme: 'apex-asset', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
    for (const { privileges } of PRIVILEGED_SCHEMES) expect(privileges?.bypassCSP).toBeUndefined();
  });
});

describe('resolveAppPath (pure)', () => {
  const root = '/srv/out/renderer';

  it('maps the origin and folders to index.html and files to files', () => {
    expect(resolveAppPath('GET', 'apex-app://app/', root)).toEqual({ status: 200, path: '/srv/out/renderer/index.html' });
    expect(resolveAppPath('GET', 'apex-app://app', root)).toEqual({ status: 200, path: '/srv/out/renderer/index.html' });
    expect(resolveAppPath('HEAD', 'apex-app://app/assets/index-1a2b.js', root)).toEqual({ status: 200, path: '/srv/out/renderer/assets/index-1a2b.js' });
    expect(resolveAppPath('GET', 'apex-app://app/assets/a%20b.css?v=1#x', root)).toEqual({ status: 200, path: '/srv/out/renderer/assets/a b.css' });
  });

  it('allows GET and HEAD only', () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'get']) expect(resolveAppPath(method, 'apex-app://app/index.html', root)).toMatchObject({ status: 405 });
  });

  it.each([
    ['encoded slash', 'apex-app://app/..%2f..%2fetc%2fpasswd'],
    ['encoded slash inside a folder', 'apex-app://app/assets/..%2F..%2Fsecret.txt'],
    ['encoded backslash', 'apex-app://app/..%5c..%5csecret.txt'],
    ['raw backslash', 'apex-app://app/..\\..\\secret.txt'],
    ['double encoding', 'apex-app://app/%252e%252e%252fsecret.txt'],
    ['double-encoded backslash', 'apex-app://app/..%255csecret.txt'],
    ['absolute path via empty segment', 'apex-app://app//etc/passwd'],
    ['absolute path encoded', 'apex-app://app/%2Fetc%2Fpasswd'],
    ['windows drive', 'apex-app://app/C:%5CWindows%5Cwin.ini'],
    ['NUL byte', 'apex-app://app/index.html%00.js'],
    ['bad escape', 'apex-app://app/%E0%A4%A'],
  ])('refuses %s with 400', (_label, url) => {
    expect(resolveAppPath('GET', url, root)).toMatchObject({ status: 400 });
  });

  it('keeps dot segments (already folded by URL parsing) inside the root', () => {
    for (const url of ['apex-app://app/../../etc/passwd', 'apex-app://app/%2e%2e/%2e%2e/etc/passwd', 'apex-app://app/assets/./../../x']) {
      const resolution = resolveAppPath('GET', url, root);
      expect(resolution.status).toBe(200);
      if (resolution.status === 200) expect(resolution.path.startsWith(`${root}/`)).toBe(true);
    }
  });

  it.each([
    ['another host', 'apex-app://evil/index.html'],
    ['credentials', 'apex-app://user:pw@app/index.html'],
    ['a port', 'apex-app://app:8080/index.html'],
    ['another scheme', 'https://app/index.html'],
  ])('refuses %s', (_label, url) => {
    expect(resolveAppPath('GET', url, root)).toMatchObject({ status: 404 });
  });
});

describe('handleAppRequest', () => {
  let renderer: string;

  beforeEach(() => {
    const base = newDir();
    renderer = join(base, 'out', 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), INDEX);
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(base, 'out', 'secret.txt'), SECRET);
    writeFileSync(join(base, 'secret.txt'), SECRET);
    symlinkSync(join(base, 'secret.txt'), join(renderer, 'assets', 'escape.js'));
  });

  it('serves index.html with the CSP header and nosniff', async () => {
    const response = await handleAppRequest({ method: 'GET', url: 'apex-app://app/' }, renderer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await text(response)).toBe(INDEX);
  });

  it('serves bundle files with their type; HEAD has headers and no body', async () => {
    const js = await handleAppRequest({ method: 'GET', url: 'apex-app://app/assets/app.js' }, renderer);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await text(js)).toBe('console.log(1)');
    const head = await handleAppRequest({ method: 'HEAD', url: 'apex-app://app/assets/app.js' }, renderer);
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('14');
    expect(head.body).toBeNull();
  });

  it('falls back to index.html for client routes, not for missing files', async () => {
    const route = await handleAppRequest({ method: 'GET', url: 'apex-app://app/library/favorites' }, renderer);
    expect(route.status).toBe(200);
    expect(await text(route)).toBe(INDEX);
    const missing = await handleAppRequest({ method: 'GET', url: 'apex-app://app/assets/missing.js' }, renderer);
    expect(missing.status).toBe(404);
    expect(await text(missing)).toBeNull();
  });

  it('refuses a symlink inside the renderer that points outside it', async () => {
    const response = await handleAppRequest({ method: 'GET', url: 'apex-app://app/assets/escape.js' }, renderer);
    expect(response.status).toBe(403);
    expect(await text(response)).toBeNull();
  });

  it.each([
    'apex-app://app/..%2fsecret.txt',
    'apex-app://app/..%2f..%2fsecret.txt',
    'apex-app://app/assets/..%5c..%5csecret.txt',
    'apex-app://app/%252e%252e%252fsecret.txt',
    'apex-app://app/%2e%2e/secret.txt',
    'apex-app://app/../../secret.txt',
    'apex-app://app//secret.txt',
    'apex-app://app/%2F' + encodeURIComponent('/etc/passwd'),
  ])('never leaks a file outside the renderer for %s', async (url) => {
    const response = await handleAppRequest({ method: 'GET', url }, renderer);
    const body = await text(response);
    expect(body ?? '').not.toContain(SECRET);
    if (response.status === 200) expect(body).toBe(INDEX);
  });

  it('answers 405 to POST and 500 (not a throw) when the renderer is missing', async () => {
    expect((await handleAppRequest({ method: 'POST', url: 'apex-app://app/index.html' }, renderer)).status).toBe(405);
    expect((await handleAppRequest({ method: 'GET', url: 'apex-app://app/index.html' }, join(renderer, 'nope'))).status).toBe(500);
  });
});

describe('handleAssetRequest', () => {
  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  let library: string;
  let outside: string;
  let located: Array<[AssetKind, string]>;
  let table: Record<string, AssetLocation>;

  function source(roots?: string[]): AssetSource {
    const assets: AssetLocator = {
      locate: (kind, id) => {
        located.push([kind, id]);
        return table[id] ?? null;
      },
    };
    return { assets, assetRoots: () => roots ?? [library] };
  }

  beforeEach(() => {
    const base = newDir();
    library = join(base, 'library');
    outside = join(base, 'elsewhere');
    mkdirSync(join(library, 'assets', 'images'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(library, 'assets', 'images', 'a.png'), PNG);
    writeFileSync(join(outside, 'private.png'), SECRET);
    symlinkSync(join(outside, 'private.png'), join(library, 'assets', 'images', 'link.png'));
    located = [];
    table = {
      good: { root: library, relPath: 'assets/images/a.png', mime: 'image/png', immutable: true },
      link: { root: library, relPath: 'assets/images/link.png', mime: 'image/png', immutable: false },
      dotdot: { root: library, relPath: '../elsewhere/private.png', mime: 'image/png', immutable: false },
      foreign: { root: outside, relPath: 'private.png', mime: 'image/png', immutable: false },
      svg: { root: library, relPath: 'assets/images/a.png', mime: 'image/svg+xml', immutable: false },
      gone: { root: library, relPath: 'assets/images/missing.png', mime: 'image/png', immutable: false },
    };
  });

  it('streams a located file with its type, nosniff and a locked-down CSP', async () => {
    const response = await handleAssetRequest({ method: 'GET', url: 'apex-asset://original/good' }, source());
    expect(response.status).toBe(200);
    expect(located).toEqual([['original', 'good']]);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(response.headers.get('content-length')).toBe(String(PNG.length));
    expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG);
  });

  it('answers HEAD without a body', async () => {
    const response = await handleAssetRequest({ method: 'HEAD', url: 'apex-asset://thumb/good' }, source());
    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
  });

  it.each([
    ['a symlink escaping the root', 'apex-asset://original/link', 403],
    ['a stored path climbing out of the root', 'apex-asset://original/dotdot', 403],
    ['a root that is not allowed', 'apex-asset://original/foreign', 403],
    ['a type that is not served', 'apex-asset://original/svg', 403],
    ['an unknown id', 'apex-asset://original/nope', 404],
    ['a located file that is missing', 'apex-asset://original/gone', 404],
    ['an unknown kind', 'apex-asset://secrets/good', 404],
    ['a traversal in the id', 'apex-asset://original/..%2f..%2fetc%2fpasswd', 400],
    ['a path instead of an id', 'apex-asset://original/a/b', 404],
    ['credentials', 'apex-asset://u:p@original/good', 400],
  ])('refuses %s', async (_label, url, status) => {
    const response = await handleAssetRequest({ method: 'GET', url }, source());
    expect(response.status).toBe(status);
    expect(await text(response)).toBeNull();
  });

  it('allows GET and HEAD only', async () => {
    const response = await handleAssetRequest({ method: 'POST', url: 'apex-asset://original/good' }, source());
    expect(response.status).toBe(405);
  });

  it('answers 500 instead of throwing when the locator fails', async () => {
    const broken: AssetSource = {
      assets: {
        locate: () => {
          throw new Error('database is closed');
        },
      },
      assetRoots: () => [library],
    };
    expect((await handleAssetRequest({ method: 'GET', url: 'apex-asset://original/good' }, broken)).status).toBe(500);
  });
});

describe('installProtocols', () => {
  it('handles both schemes and blocks file: on the given session', async () => {
    const handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
    const ses = {
      protocol: {
        handle: vi.fn((scheme: string, handler: (request: Request) => Response | Promise<Response>) => handlers.set(scheme, handler)),
        unhandle: vi.fn((scheme: string) => handlers.delete(scheme)),
      },
    };
    const renderer = newDir();
    writeFileSync(join(renderer, 'index.html'), INDEX);
    const dispose = installProtocols(ses as unknown as Session, {
      rendererRoot: renderer,
      source: { assets: { locate: () => null }, assetRoots: () => [] },
    });

    expect([...handlers.keys()].sort()).toEqual(['apex-app', 'apex-asset', 'file']);
    const file = await handlers.get('file')!(new Request('file:///etc/hosts'));
    expect(file.status).toBe(403);
    const app = await handlers.get('apex-app')!({ method: 'GET', url: 'apex-app://app/index.html' } as Request);
    expect(await app.text()).toBe(INDEX);
    const asset = await handlers.get('apex-asset')!({ method: 'GET', url: 'apex-asset://thumb/x1' } as Request);
    expect(asset.status).toBe(404);

    dispose();
    expect(handlers.size).toBe(0);
  });
});
