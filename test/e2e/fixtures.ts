import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { CHROMIUM_PATH, chromiumAvailable } from '../../playwright.config';
import { createClient, type ApexClient } from '../../shared/client';
import { connectNodeWsTransport } from '../helpers/node-ws-transport';

const ROOT = resolve(import.meta.dirname, '../..');
const RENDERER_INDEX = join(ROOT, 'out/renderer/index.html');
const START_TIMEOUT_MS = 30_000;

export interface ServedApp {
  /** The URL `serve` printed, token included. */
  url: string;
  /** The fresh temp dir passed as `--library`. */
  library: string;
  /** The library path `serve` printed. */
  reportedLibrary: string;
}

interface ServeJson {
  url: string;
  port: number;
  library: string;
}

function isServeJson(value: unknown): value is ServeJson {
  return typeof value === 'object' && value !== null && 'url' in value && typeof value.url === 'string' && 'library' in value && typeof value.library === 'string';
}

/**
 * Reads stdout until it holds one complete JSON document (the CLI may pretty-print it over several lines).
 * stderr is kept for the failure message: it says why the server did not start.
 */
function readServeJson(child: ChildProcess): Promise<ServeJson> {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => fail(`no URL within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    function fail(reason: string) {
      clearTimeout(timer);
      reject(new Error(`apex-director serve did not start: ${reason}\n--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`));
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      let parsed: unknown;
      try {
        parsed = JSON.parse(stdout);
      } catch {
        return; // Not complete yet.
      }
      clearTimeout(timer);
      if (isServeJson(parsed)) resolvePromise(parsed);
      else fail('stdout was JSON but not {url, library}');
    });
    child.once('exit', (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.once('error', (error) => fail(error.message));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 5_000));
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Call at the top of every spec file, before any fixture launches the browser: without Chromium the file
 * fails in CI (a broken image must not pass quietly) and is skipped, with the reason printed, elsewhere.
 */
export function requireChromium(): void {
  if (chromiumAvailable) return;
  const reason = `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` (Playwright's own browser downloads are not used).`;
  if (process.env.CI) throw new Error(reason);
  console.warn(`Skipping e2e: ${reason}`);
  base.skip(true, reason);
}

export const test = base.extend<{ app: ServedApp }>({
  // Playwright requires an object pattern for the fixtures argument, even an empty one.
  // eslint-disable-next-line no-empty-pattern
  app: async ({}, use) => {
    if (!existsSync(RENDERER_INDEX)) {
      throw new Error(`${RENDERER_INDEX} is missing: run \`npm run build\` first (\`npm run test:e2e\` does).`);
    }

    // realpath: on macOS the temp dir is behind a symlink, and the core reports the resolved path.
    const library = realpathSync(mkdtempSync(join(tmpdir(), 'apex-e2e-')));
    // The server's own per-user files (the recent-libraries list) go here, not into the real home folder.
    const configHome = mkdtempSync(join(tmpdir(), 'apex-e2e-config-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/index.ts', 'serve', '--library', library, '--port', '0', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', XDG_CONFIG_HOME: configHome },
    });
    try {
      const served = await readServeJson(child);
      await use({ url: served.url, library, reportedLibrary: served.library });
    } finally {
      await stop(child);
      rmSync(library, { recursive: true, force: true });
      rmSync(configHome, { recursive: true, force: true });
    }
  },
});

export { expect };

/** A second real client over the WebSocket API the page uses, to change the library as another window would. */
export async function connectApi(app: ServedApp): Promise<{ client: ApexClient; close(): void }> {
  const url = new URL(app.url);
  const transport = await connectNodeWsTransport(`ws://127.0.0.1:${url.port}/rpc?token=${url.searchParams.get('token')}`);
  return { client: createClient(transport, { validate: true }), close: () => transport.close() };
}
