import { existsSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

/**
 * E2E runs the real renderer in Debian's Chromium against the real core in browser mode (`serve`).
 * Playwright's own browser downloads are not used: the system Chromium is the one CI installs with apt.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM_PATH);

export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results/',
  reporter: 'list',
  retries: 0,
  workers: 1,
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    headless: true,
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: CHROMIUM_PATH,
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
        },
      },
    },
  ],
});
