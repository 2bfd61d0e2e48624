import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors';

/** Every folder and file of a library (DESIGN §5). Nothing else in the core builds library paths by hand. */
export interface LibraryPaths {
  root: string;
  database: string;
  config: string;
  images: string;
  thumbnails: string;
  metadata: string;
  exports: string;
  cache: string;
  checkpoints: string;
  logs: string;
  wildcards: string;
}

export function libraryPaths(root: string): LibraryPaths {
  const abs = resolve(root);
  const assets = join(abs, 'assets');
  return {
    root: abs,
    database: join(abs, 'library.db'),
    config: join(abs, 'apex_config.json'),
    images: join(assets, 'images'),
    thumbnails: join(assets, 'thumbnails'),
    metadata: join(assets, 'metadata'),
    exports: join(assets, 'exports'),
    cache: join(assets, 'cache'),
    checkpoints: join(abs, 'checkpoints'),
    logs: join(abs, 'logs'),
    wildcards: join(abs, 'wildcards'),
  };
}

/** Creates the folder layout if missing and checks the library is a writable folder. */
export function openLibraryFolder(root: string): LibraryPaths {
  const paths = libraryPaths(root);
  try {
    const stat = statSync(paths.root, { throwIfNoEntry: false });
    if (stat && !stat.isDirectory()) {
      throw new AppError('UNAVAILABLE', `The library path ${paths.root} is a file, not a folder.`, { path: paths.root });
    }
    for (const dir of [paths.root, paths.images, paths.thumbnails, paths.metadata, paths.exports, paths.cache, paths.checkpoints, paths.logs, paths.wildcards]) {
      mkdirSync(dir, { recursive: true });
    }
    accessSync(paths.root, constants.W_OK);
  } catch (error) {
    if (error instanceof AppError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new AppError('UNAVAILABLE', `Cannot open the library at ${paths.root}: ${reason}`, { path: paths.root });
  }
  return paths;
}

export interface LibraryLocationInput {
  /** `--library DIR` */
  flag?: string | undefined;
  /** `$APEX_LIBRARY` */
  env?: string | undefined;
  /** The desktop app's default, `<userData>/library`; the CLI passes the same folder so both open one library. */
  fallback?: string | undefined;
}

/** DESIGN §8: `--library DIR`, else `$APEX_LIBRARY`, else the desktop app's default. */
export function resolveLibraryLocation(input: LibraryLocationInput): string {
  const chosen = [input.flag, input.env, input.fallback].find((value) => value !== undefined && value.trim() !== '');
  if (chosen === undefined) return defaultLibraryLocation();
  return resolve(expandHome(chosen));
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * The folder Electron's `app.getPath('userData')` gives for this app, plus `/library`, computed without
 * Electron so the CLI and the app agree on the default.
 */
export function defaultLibraryLocation(): string {
  const appName = 'APEX Director';
  const home = homedir();
  switch (process.platform) {
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), appName, 'library');
    case 'darwin':
      return join(home, 'Library', 'Application Support', appName, 'library');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), appName, 'library');
  }
}
