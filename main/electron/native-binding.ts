import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where `npm start` builds better-sqlite3 for Electron (scripts/start.js), relative to the project root. */
export const ELECTRON_NATIVE_DIR = '.electron-native';
export const SQLITE_BINDING_RELATIVE = join(ELECTRON_NATIVE_DIR, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');

export interface NativeBindingInput {
  isPackaged: boolean;
  /** `app.getAppPath()`: the project root in development. */
  appPath: string;
  exists?: (path: string) => boolean;
  warn?: (message: string) => void;
}

/**
 * better-sqlite3 is not Node-API, so Node (tests, CLI) and Electron need different builds of it. The Node one
 * stays where npm put it; the Electron one lives in its own folder and is picked here, so neither runtime ever
 * overwrites the other's (DESIGN §6). A packaged app has its copy rebuilt in place by electron-builder.
 */
export function sqliteNativeBinding(input: NativeBindingInput): string | undefined {
  if (input.isPackaged) return undefined;
  const path = join(input.appPath, SQLITE_BINDING_RELATIVE);
  if ((input.exists ?? existsSync)(path)) return path;
  (input.warn ?? console.warn)(
    `No Electron build of better-sqlite3 at ${path}; falling back to the default binding, which fails to load if it was built for Node. Run \`npm start\` to build it.`,
  );
  return undefined;
}
