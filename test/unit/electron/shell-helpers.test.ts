import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { libraryFlag } from '../../../main/electron/args';
import { sqliteNativeBinding, SQLITE_BINDING_RELATIVE } from '../../../main/electron/native-binding';
import { appPaths } from '../../../main/electron/paths';

describe('libraryFlag', () => {
  it('reads --library DIR and --library=DIR wherever they are', () => {
    expect(libraryFlag(['/usr/bin/electron', '.', '--library', '/data/lib'])).toBe('/data/lib');
    expect(libraryFlag(['/opt/APEX/apex-director', '--no-sandbox', '--library=/data/lib 2'])).toBe('/data/lib 2');
  });

  it('is undefined when absent or without a value', () => {
    expect(libraryFlag(['/usr/bin/electron', '.'])).toBeUndefined();
    expect(libraryFlag(['electron', '.', '--library'])).toBeUndefined();
    expect(libraryFlag(['electron', '.', '--library', '--inspect'])).toBeUndefined();
  });
});

describe('sqliteNativeBinding', () => {
  const appPath = '/work/apex';
  const expected = join(appPath, '.electron-native', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

  it('leaves a packaged app on its own in-place build', () => {
    const exists = vi.fn(() => true);
    expect(sqliteNativeBinding({ isPackaged: true, appPath, exists })).toBeUndefined();
    expect(exists).not.toHaveBeenCalled();
  });

  it('points development at the Electron build in .electron-native/', () => {
    expect(SQLITE_BINDING_RELATIVE).toBe(join('.electron-native', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'));
    expect(sqliteNativeBinding({ isPackaged: false, appPath, exists: (path) => path === expected })).toBe(expected);
  });

  it('warns and falls back when that build is missing', () => {
    const warn = vi.fn();
    expect(sqliteNativeBinding({ isPackaged: false, appPath, exists: () => false, warn })).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('npm start'));
  });
});

describe('appPaths', () => {
  it('finds the preload and renderer next to the bundled main script', () => {
    expect(appPaths('/app/out/main')).toEqual({ preload: join('/app/out/preload/index.cjs'), renderer: join('/app/out/renderer') });
  });
});
