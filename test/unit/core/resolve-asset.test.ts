import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openResolvedAsset } from '../../../main/core/assets/serve-asset';
import {
  isInside,
  parseAssetHttpPath,
  parseAssetProtocolUrl,
  resolveAsset,
  type AssetLocation,
  type AssetLocator,
} from '../../../main/core/assets/resolve-asset';
import { useTempDirs } from '../../helpers/temp-library';

const ROOT = '/library';

function locator(table: Record<string, AssetLocation>): AssetLocator {
  return { locate: (kind, id) => table[`${kind}/${id}`] ?? null };
}

const table = locator({
  'original/abc123': { root: ROOT, relPath: 'assets/images/ab/abc123.png', mime: 'image/png', immutable: true },
  'thumb/abc123': { root: ROOT, relPath: 'assets/thumbnails/ab/abc123.webp', mime: 'image/webp', immutable: true },
  'original/escape': { root: ROOT, relPath: '../etc/passwd', mime: 'image/png', immutable: false },
  'original/absolute': { root: ROOT, relPath: '/etc/passwd', mime: 'image/png', immutable: false },
  'original/svg': { root: ROOT, relPath: 'x.svg', mime: 'image/svg+xml', immutable: false },
  'original/foreign': { root: '/elsewhere', relPath: 'a.png', mime: 'image/png', immutable: false },
});

describe('asset resolver (ids in, library paths out)', () => {
  it('resolves a known id to a path inside the library with safe headers', () => {
    const result = resolveAsset('GET', parseAssetProtocolUrl('apex-asset://original/abc123'), table, [ROOT]);
    expect(result).toMatchObject({ status: 200, path: '/library/assets/images/ab/abc123.png', mime: 'image/png' });
    if (result.status !== 200) throw new Error('expected 200');
    expect(result.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(result.headers['Cache-Control']).toContain('immutable');
    expect(resolveAsset('GET', parseAssetHttpPath('/asset/thumb/abc123'), table, [ROOT])).toMatchObject({ status: 200, mime: 'image/webp' });
  });

  it.each([
    ['apex-asset://original/..%2f..%2fetc%2fpasswd', 400],
    ['apex-asset://original/%2e%2e', 404], // the URL parser folds it to '..' and drops the segment,
    ['apex-asset://original/..%5c..%5cwindows', 400],
    ['apex-asset://original/%252e%252e%252f', 400],
    ['apex-asset://original/abc123/extra', 404],
    ['apex-asset://original/', 400],
    ['apex-asset://thumbs/abc123', 404],
    ['apex-asset://original.evil/abc123', 404],
    ['apex-asset://user:pw@original/abc123', 400],
    ['apex-asset://original:8080/abc123', 400],
    ['apex-asset://original/abc123?x=1', 400],
    ['file:///etc/passwd', 400],
    ['not a url', 400],
  ])('refuses %s', (url, status) => {
    expect(resolveAsset('GET', parseAssetProtocolUrl(url), table, [ROOT]).status).toBe(status);
  });

  it.each([
    ['/asset/original/..%2f..%2fetc%2fpasswd', 400],
    ['/asset/original/../../etc/passwd', 404],
    ['/asset/../etc/passwd', 404],
    ['/asset/original/%E0%A4%A', 400],
  ])('refuses HTTP path %s', (path, status) => {
    expect(resolveAsset('GET', parseAssetHttpPath(path), table, [ROOT]).status).toBe(status);
  });

  it('refuses ids whose stored path escapes the root, foreign roots, unknown ids, unsafe types and writes', () => {
    const ref = (id: string) => parseAssetProtocolUrl(`apex-asset://original/${id}`);
    expect(resolveAsset('GET', ref('escape'), table, [ROOT]).status).toBe(403);
    expect(resolveAsset('GET', ref('absolute'), table, [ROOT]).status).toBe(403);
    expect(resolveAsset('GET', ref('foreign'), table, [ROOT]).status).toBe(403);
    expect(resolveAsset('GET', ref('svg'), table, [ROOT]).status).toBe(403);
    expect(resolveAsset('GET', ref('missing'), table, [ROOT]).status).toBe(404);
    expect(resolveAsset('POST', ref('abc123'), table, [ROOT]).status).toBe(405);
    expect(resolveAsset('HEAD', ref('abc123'), table, [ROOT]).status).toBe(200);
  });

  it('isInside compares path segments, not prefixes', () => {
    expect(isInside('/lib', '/lib/a.png')).toBe(true);
    expect(isInside('/lib', '/library/a.png')).toBe(false);
    expect(isInside('/lib', '/lib')).toBe(false);
    expect(isInside('/lib', '/lib/../etc')).toBe(false);
  });

  const tempDir = useTempDirs();

  it('refuses a symlink inside the library that points outside it', async () => {
    const base = tempDir();
    const root = join(base, 'library');
    mkdirSync(root);
    writeFileSync(join(base, 'secret.png'), 'not for the renderer');
    writeFileSync(join(root, 'real.png'), 'pixels');
    symlinkSync(join(base, 'secret.png'), join(root, 'link.png'));
    const links = locator({
      'original/real': { root, relPath: 'real.png', mime: 'image/png', immutable: false },
      'original/link': { root, relPath: 'link.png', mime: 'image/png', immutable: false },
    });
    const open = (id: string) => openResolvedAsset(resolveAsset('GET', parseAssetProtocolUrl(`apex-asset://original/${id}`), links, [root]), [root]);
    expect((await open('real')).status).toBe(200);
    expect((await open('link')).status).toBe(403);
  });
});
