import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { CHROMIUM_PATH, chromiumAvailable } from '../../playwright.config';
import { createClient, type ApexClient } from '../../shared/client';
import { connectNodeWsTransport } from '../helpers/node-ws-transport';
import { startServe } from '../helpers/serve-process';

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
    try {
      const served = await startServe(library, { startTimeoutMs: START_TIMEOUT_MS, env: { XDG_CONFIG_HOME: configHome } });
      try {
        await use({ url: served.url, library, reportedLibrary: served.library });
      } finally {
        await served.stop();
      }
    } finally {
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
