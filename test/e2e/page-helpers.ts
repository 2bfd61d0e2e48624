import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';

/** Where every spec saves its screenshots, for a person to look at after the run. */
export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

/**
 * Every uncaught exception on the page and, unless `console: false`, every console error (CSP violations
 * arrive as console errors). Assert the returned list is empty at the end of a test.
 */
export function collectPageErrors(page: Page, options: { console?: boolean } = {}): string[] {
  const errors: string[] = [];
  if (options.console !== false) {
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`console: ${message.text()}`);
    });
  }
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  return errors;
}

/** Saves the page to test-results/screenshots/<name>.png, creating the folder if needed. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? false });
}
