#!/usr/bin/env node
// `npm start`: build, then run the desktop app. Plain Node ESM (no TypeScript) so it runs before anything is built.
//
// 1. `npm run build` (electron-vite: out/main, out/preload, out/renderer).
// 2. If the Electron binary is installed: make sure better-sqlite3 has an Electron build in .electron-native/
//    (DESIGN §6: the Node build in node_modules, used by tests and the CLI, is never touched), then run
//    `electron .` with the arguments given to `npm start -- ...`, and exit with its code.
// 3. If it is not installed: say why and how to get it, then open the same app in the browser instead
//    (`apex-director serve --open`), with the same arguments (e.g. --library DIR).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);

const NATIVE_DIR = join(root, '.electron-native');
const SQLITE_BINDING = join(NATIVE_DIR, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
const STAMP = join(NATIVE_DIR, 'built-for.json');
// better-sqlite3 and what it loads at run time; copied so the Electron build is a self-contained folder.
const NATIVE_PACKAGES = ['better-sqlite3', 'bindings', 'file-uri-to-path'];

await main();

async function main() {
  const built = runNpmBuild();
  if (built !== 0) {
    console.error(`npm start: the build failed (exit code ${built}).`);
    process.exit(built);
  }

  const electron = await findElectronBinary();
  if (electron.path === null) {
    console.error(
      [
        '',
        `npm start: the Electron binary is not installed, so the desktop app cannot start (${electron.why}).`,
        'This happens when `npm install` ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, with --ignore-scripts,',
        "or could not reach Electron's download server. To get it, run one of:",
        '    node node_modules/electron/install.js',
        '    npx install-electron',
        '  (or delete node_modules/electron and run `npm install` again).',
        'Opening APEX Director in your browser instead (browser mode: same app, served on 127.0.0.1).',
        '',
      ].join('\n'),
    );
    process.exit(await run(process.execPath, ['--import', 'tsx', join(root, 'main', 'cli', 'index.ts'), 'serve', '--open', ...args]));
  }

  await ensureElectronSqlite(electron.version);
  const env = { ...process.env };
  // Inherited from a parent Electron tool this would make the binary behave as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  process.exit(await run(electron.path, ['.', ...args], env));
}

/** Runs `npm run build` with the npm that runs this script when there is one (no shell needed on Windows). */
function runNpmBuild() {
  const npmCli = process.env.npm_execpath;
  const result =
    npmCli && npmCli.endsWith('.js')
      ? spawnSync(process.execPath, [npmCli, 'run', 'build'], { cwd: root, stdio: 'inherit' })
      : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) {
    console.error(`npm start: could not run the build: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

/**
 * Where the Electron binary is, or why there is none. electron's index.js *downloads* the binary when it is
 * missing (and throws when that fails), so it is imported only after the same files it checks are found here:
 * `npm start` never starts a download behind the artist's back.
 */
async function findElectronBinary() {
  let packageDir;
  let version;
  try {
    const packageJson = require.resolve('electron/package.json');
    packageDir = dirname(packageJson);
    version = JSON.parse(readFileSync(packageJson, 'utf8')).version;
  } catch {
    return { path: null, why: 'the electron package is not in node_modules' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return { path: null, why: 'node_modules/electron/path.txt is missing: the binary was never downloaded' };
  const executable = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(packageDir, 'dist');
  if (!existsSync(join(distDir, executable))) return { path: null, why: `${join(distDir, executable)} does not exist` };
  try {
    const { default: binary } = await import('electron');
    if (typeof binary !== 'string' || !existsSync(binary)) return { path: null, why: `electron reported ${String(binary)}` };
    return { path: binary, version };
  } catch (error) {
    return { path: null, why: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * better-sqlite3 is not Node-API: Electron needs its own build. It is made once, in .electron-native/, from a
 * copy of the installed package, and redone only when Electron or better-sqlite3 change version.
 */
async function ensureElectronSqlite(electronVersion) {
  const sqliteVersion = JSON.parse(readFileSync(require.resolve('better-sqlite3/package.json'), 'utf8')).version;
  const wanted = { electron: electronVersion, 'better-sqlite3': sqliteVersion };
  if (existsSync(SQLITE_BINDING) && existsSync(STAMP)) {
    try {
      const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
      if (stamp.electron === wanted.electron && stamp['better-sqlite3'] === wanted['better-sqlite3']) return;
    } catch {
      // An unreadable stamp means: build again.
    }
  }

  console.error(`npm start: building better-sqlite3 ${sqliteVersion} for Electron ${electronVersion} into .electron-native/ (once)…`);
  rmSync(NATIVE_DIR, { recursive: true, force: true });
  const modulesDir = join(NATIVE_DIR, 'node_modules');
  mkdirSync(modulesDir, { recursive: true });
  for (const name of NATIVE_PACKAGES) {
    const from = dirname(require.resolve(`${name}/package.json`));
    const nodeBuild = join(from, 'build');
    // The copied Node build is left out: if the rebuild fails, no binding of the wrong ABI sits at the Electron path.
    cpSync(from, join(modulesDir, name), {
      recursive: true,
      dereference: true,
      filter: (source) => name !== 'better-sqlite3' || (source !== nodeBuild && !source.startsWith(nodeBuild + sep)),
    });
  }
  // @electron/rebuild walks the dependencies of the package.json in buildPath.
  writeFileSync(
    join(NATIVE_DIR, 'package.json'),
    `${JSON.stringify({ name: 'apex-electron-native', private: true, dependencies: { 'better-sqlite3': sqliteVersion } }, null, 2)}\n`,
  );

  const { rebuild } = await import('@electron/rebuild');
  try {
    // projectRootPath stops the module search at .electron-native/: without it the walk climbs to the
    // project's own node_modules and would rebuild (and break) the Node binding there.
    await rebuild({
      buildPath: NATIVE_DIR,
      projectRootPath: NATIVE_DIR,
      electronVersion,
      onlyModules: ['better-sqlite3'],
      force: true,
    });
  } catch (error) {
    console.error(`npm start: building better-sqlite3 for Electron failed: ${error instanceof Error ? error.message : String(error)}`);
    console.error('It needs a C++ toolchain when no prebuilt binary can be downloaded (see node-gyp prerequisites).');
    process.exit(1);
  }
  if (!existsSync(SQLITE_BINDING)) {
    console.error(`npm start: the rebuild finished but ${SQLITE_BINDING} is missing.`);
    process.exit(1);
  }
  writeFileSync(STAMP, `${JSON.stringify(wanted, null, 2)}\n`);
}

/** Spawns a child with the terminal, forwards termination signals, resolves with its exit code. */
function run(command, commandArgs, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env, windowsHide: false });
    const forward = (signal) => {
      if (child.exitCode === null) child.kill(signal);
    };
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, forward);
    child.on('error', (error) => {
      console.error(`npm start: could not run ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}
