import { join } from 'node:path';

/**
 * Where the built pieces are, relative to the bundled main script (out/main/index.js). Inside a packaged app
 * the same layout sits in app.asar, which Electron's fs reads transparently.
 */
export interface AppPaths {
  preload: string;
  renderer: string;
}

export function appPaths(mainDir: string): AppPaths {
  return {
    preload: join(mainDir, '..', 'preload', 'index.cjs'),
    renderer: join(mainDir, '..', 'renderer'),
  };
}
