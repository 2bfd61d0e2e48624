import type { Page } from '@playwright/test';
import { formatViolations, seriousViolations } from './a11y';
import { connectApi, expect, requireChromium, test, type ServedApp } from './fixtures';
import { collectPageErrors, screenshot } from './page-helpers';

requireChromium();

/**
 * The quality bar of every panel, in light and dark: a full-page screenshot saved under
 * test-results/screenshots/ and an axe scan with no serious or critical violation, on a library with
 * real demo jobs and on a fresh one (the empty states). Then the keyboard: focus order, the `?` overlay,
 * and the theme override.
 */

const PANELS = ['Queue', 'Gallery', 'Estimate', 'Settings', 'Health'] as const;
type PanelName = (typeof PANELS)[number];
const THEMES = ['light', 'dark'] as const;

const nav = (page: Page) => page.getByRole('navigation', { name: 'Panels' });
const heading = (page: Page) => page.getByRole('heading', { level: 1 });

/** Opens a panel and waits until it shows data from the core: its heading, and nothing still loading. */
async function openPanel(page: Page, name: PanelName): Promise<void> {
  await nav(page).getByRole('button', { name }).click();
  await expect(heading(page)).toHaveText(name);
  await expect(page.getByRole('main').locator('[aria-busy="true"]')).toHaveCount(0);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

/** Screenshot to test-results/screenshots/<name>.png, then the axe scan; violations are reported, not thrown, so one run lists them all. */
async function captureAndScan(page: Page, name: string, scope?: string): Promise<void> {
  await screenshot(page, name, { fullPage: true });
  const violations = await seriousViolations(page, scope);
  expect.soft(violations.length, formatViolations(name, violations)).toBe(0);
}

/** Every panel in light and dark, each captured and scanned as `<panel>-<prefix><theme>`. */
async function scanEveryPanel(page: Page, prefix: string): Promise<void> {
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    for (const panel of PANELS) {
      await openPanel(page, panel);
      await captureAndScan(page, `${panel.toLowerCase()}-${prefix}${theme}`);
    }
  }
}

/** Real work through the real core: demo images that finish (gallery, health, spend) and jobs left waiting (queue). */
async function fillLibrary(app: ServedApp): Promise<void> {
  const api = await connectApi(app);
  try {
    await api.client.call('config.update', { backends: { demo: { latency_ms: 0 } } });
    await api.client.call('jobs.submitBatch', {
      name: 'quality bar',
      jobs: ['a lighthouse at dusk', 'a fox in the snow', 'a red boat on a lake', 'a castle in the mist'].map((prompt) => ({ prompt, backend: 'demo' as const, params: { width: 256, height: 256 } })),
    });
    await expect.poll(async () => (await api.client.call('queue.state')).counts.succeeded, { timeout: 30_000 }).toBe(4);
    await api.client.call('queue.pause');
    await api.client.call('jobs.submitBatch', {
      name: 'waiting',
      jobs: ['a harbour at night', 'a knight in the rain', 'a cat in a library'].map((prompt, i) => ({ prompt, backend: 'demo' as const, priority: 1 + i, params: { width: 256, height: 256 } })),
    });
  } finally {
    api.close();
  }
}

test('every panel with data, light and dark: screenshots and no serious axe violations', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await fillLibrary(app);
  await page.goto(app.url);
  await scanEveryPanel(page, '');
  expect(errors).toEqual([]);
});

test('every panel of a fresh library (empty states), light and dark: screenshots and no serious axe violations', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await page.goto(app.url);
  await scanEveryPanel(page, 'empty-');
  expect(errors).toEqual([]);
});

test('dialogs and overlays pass the scan too: shortcuts, image detail, drop overlay and batch preview', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);
  await fillLibrary(app);
  await page.goto(app.url);
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await openPanel(page, 'Queue');
    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toBeVisible();
    await captureAndScan(page, `help-overlay-${theme}`, 'dialog[open]');
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();

    await openPanel(page, 'Gallery');
    await page.getByRole('grid').getByRole('gridcell').first().dblclick();
    const detail = page.getByRole('dialog', { name: /^Image \d+$/ });
    await expect(detail).toBeVisible();
    await expect(detail.getByRole('img').first()).toBeVisible();
    await expect(detail.locator('[aria-busy="true"]')).toHaveCount(0);
    await captureAndScan(page, `image-detail-${theme}`, 'dialog[open]');
    await page.keyboard.press('Escape');
    await expect(detail).toBeHidden();

    // A batch file dragged over the window: the overlay, then the preview dialog once dropped.
    await openPanel(page, 'Queue');
    const dt = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['a harbour at dawn\na harbour at noon\na harbour at night\n'], 'harbours.txt', { type: 'text/plain' }));
      return transfer;
    });
    const target = page.locator('main.workspace');
    await target.dispatchEvent('dragenter', { dataTransfer: dt });
    await target.dispatchEvent('dragover', { dataTransfer: dt });
    await expect(page.getByTestId('intake-overlay')).toBeVisible();
    await captureAndScan(page, `drop-overlay-${theme}`);
    await target.dispatchEvent('drop', { dataTransfer: dt });
    const preview = page.getByRole('dialog', { name: /to the queue/ });
    await expect(preview).toBeVisible();
    await expect(preview.getByText('a harbour at dawn')).toBeVisible();
    await captureAndScan(page, `drop-preview-${theme}`, 'dialog[open]');
    await page.keyboard.press('Escape');
    await expect(preview).toBeHidden();
  }
  expect(errors).toEqual([]);
});

test('keyboard: Tab reaches the rail then the panel, ? lists every shortcut, Escape closes it', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  await page.goto(app.url);
  for (const panel of PANELS) {
    await openPanel(page, panel);
    // Start from the top of the document: a reload keeps the panel and puts focus back at the start.
    await page.reload();
    await expect(heading(page)).toHaveText(panel);
    await expect(page.getByRole('main').locator('[aria-busy="true"]')).toHaveCount(0);
    await page.keyboard.press('Tab');
    await expect(nav(page).getByRole('button', { name: panel })).toBeFocused();
    // The panel's first control, if it has one (a panel still loading may have none yet).
    const hasControl = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('main a[href], main button, main input, main select, main textarea, main [tabindex]')].some(
        (el) => el.tabIndex >= 0 && !el.matches(':disabled') && el.getClientRects().length > 0,
      ),
    );
    if (!hasControl) continue;
    await page.keyboard.press('Tab');
    const inMain = await page.evaluate(() => {
      const active = document.activeElement;
      return { inMain: Boolean(active?.closest('main')), what: active ? `${active.tagName.toLowerCase()} "${active.getAttribute('aria-label') ?? active.textContent?.trim().slice(0, 40) ?? ''}"` : 'nothing' };
    });
    expect(inMain.inMain, `${panel}: the second Tab stop should be the panel's first control, was ${inMain.what}`).toBe(true);
  }

  // `?` opens the overlay from anywhere outside a text field; it lists the shortcuts by scope, with Ctrl for Mod off macOS.
  await openPanel(page, 'Queue');
  await page.getByRole('main').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Shift+Slash');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('heading', { name: 'Everywhere', level: 3 })).toBeVisible();
  await expect(help.getByRole('heading', { name: 'Gallery', level: 3 })).toBeVisible();
  await expect(help.getByRole('listitem').filter({ hasText: 'Show this list of keyboard shortcuts' })).toContainText('?');
  await expect(help.getByRole('listitem').filter({ hasText: 'Switch panel, even while typing' })).toContainText('Ctrl');
  await expect(help.getByRole('button', { name: 'Close' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // In a text field `?` is just a character.
  await openPanel(page, 'Estimate');
  const field = page.getByRole('textbox').first();
  await field.fill('');
  await field.press('Shift+Slash');
  await expect(help).toBeHidden();
  await expect(field).toHaveValue('?');
  expect(errors).toEqual([]);
});

test('the theme picker overrides the OS in both directions and is remembered', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  const background = () => page.evaluate(() => getComputedStyle(document.querySelector('.workspace') ?? document.body).backgroundColor);
  const theme = page.getByRole('group', { name: 'Theme' });
  await page.goto(app.url);
  await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();

  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(background).not.toBe(light);
  const dark = await background();

  // OS dark, app forced light.
  await theme.getByRole('radio', { name: 'Light' }).check();
  await expect.poll(background).toBe(light);
  await page.reload();
  await expect(page.getByRole('group', { name: 'Theme' }).getByRole('radio', { name: 'Light' })).toBeChecked();
  await expect.poll(background).toBe(light);
  await captureAndScan(page, 'theme-forced-light-on-dark-os');

  // OS light, app forced dark.
  await page.emulateMedia({ colorScheme: 'light' });
  await theme.getByRole('radio', { name: 'Dark' }).check();
  await expect.poll(background).toBe(dark);
  await captureAndScan(page, 'theme-forced-dark-on-light-os');

  // Back to the OS.
  await theme.getByRole('radio', { name: 'System' }).check();
  await expect.poll(background).toBe(light);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(background).toBe(dark);
  expect(await page.evaluate(() => document.documentElement.dataset.theme ?? null)).toBeNull();
  expect(errors).toEqual([]);
});
