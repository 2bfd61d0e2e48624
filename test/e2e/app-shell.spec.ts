import type { Page } from '@playwright/test';
import { expect, requireChromium, test } from './fixtures';
import { collectPageErrors, screenshot } from './page-helpers';

requireChromium();

const PANELS = [
  { id: 'queue', heading: 'Queue', key: '1' },
  { id: 'gallery', heading: 'Gallery', key: '2' },
  { id: 'estimate', heading: 'Estimate', key: '3' },
  { id: 'settings', heading: 'Settings', key: '4' },
  { id: 'health', heading: 'Health', key: '5' },
] as const;

const nav = (page: Page) => page.getByRole('navigation', { name: 'Panels' });
const heading = (page: Page) => page.getByRole('heading', { level: 1 });

/** What must be on screen before a screenshot means something: data from the core, not a spinner. */
async function waitForPanelContent(page: Page, panel: (typeof PANELS)[number]['id']): Promise<void> {
  if (panel === 'settings') await expect(page.getByRole('list', { name: /Backend cascade/ })).toBeVisible();
  if (panel === 'estimate') await expect(page.getByRole('table', { name: 'Price per image' })).toBeVisible();
  if (panel === 'health') await expect(page.getByRole('heading', { name: 'Backends', level: 2 })).toBeVisible();
}

test('the app shell talks to the real core, navigates every panel and stays inside its CSP', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  expect(app.reportedLibrary).toBe(app.library);

  await page.goto(app.url);
  // The token was traded for a cookie and dropped from the address bar.
  await expect(page).not.toHaveURL(/token=/);

  // The status bar is fed by a real system.status call over the WebSocket.
  const statusBar = page.getByRole('contentinfo', { name: 'Status' });
  await expect(statusBar.getByTestId('status-library-path')).toHaveText(app.library);
  await expect(statusBar.getByTestId('status-backends')).toHaveText(/^\d+ of 5 backends ready$/);
  await expect(statusBar.getByTestId('status-orchestrator')).toHaveText(/Orchestrator (running|paused|stopped)/);
  await expect(statusBar.getByTestId('status-queue')).toContainText('queued');
  await expect(statusBar).toContainText('Connected');

  // No Node in the page, whichever transport it uses.
  expect(await page.evaluate(() => typeof (window as unknown as Record<string, unknown>).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (window as unknown as Record<string, unknown>).process)).toBe('undefined');

  // Clicks: each panel opens with its heading, the rail marks it current, and the frame is screenshotted.
  for (const panel of PANELS) {
    const button = nav(page).getByRole('button', { name: panel.heading });
    await button.click();
    await expect(heading(page)).toHaveText(panel.heading);
    await expect(button).toHaveAttribute('aria-current', 'page');
    await expect(nav(page).locator('[aria-current="page"]')).toHaveCount(1);
    await waitForPanelContent(page, panel.id);
    await screenshot(page, `shell-${panel.id}-light`);
  }

  // Keyboard shortcuts: plain digits, and Ctrl+digit.
  await page.locator('main').click({ position: { x: 5, y: 5 } });
  for (const panel of [...PANELS].reverse()) {
    await page.keyboard.press(panel.key);
    await expect(heading(page)).toHaveText(panel.heading);
    await expect(nav(page).getByRole('button', { name: panel.heading })).toHaveAttribute('aria-current', 'page');
  }
  for (const panel of PANELS) {
    await page.keyboard.press(`Control+${panel.key}`);
    await expect(heading(page)).toHaveText(panel.heading);
  }

  // The rail is one tab stop; arrow keys move within it and Enter opens the focused panel.
  await nav(page).getByRole('button', { name: 'Health' }).focus();
  await page.keyboard.press('Home');
  await expect(nav(page).getByRole('button', { name: 'Queue' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(heading(page)).toHaveText('Gallery');

  // Dark theme follows the operating system.
  await nav(page).getByRole('button', { name: 'Queue' }).click();
  const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(lightBackground);
  await expect(page.getByTestId('status-library-path')).toHaveText(app.library);
  await screenshot(page, 'shell-queue-dark');
  await nav(page).getByRole('button', { name: 'Settings' }).click();
  await waitForPanelContent(page, 'settings');
  await screenshot(page, 'shell-settings-dark');
  await nav(page).getByRole('button', { name: 'Health' }).click();
  await waitForPanelContent(page, 'health');
  await screenshot(page, 'shell-health-dark');

  expect(errors).toEqual([]);
});

test('a reload keeps the open panel', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  await page.goto(app.url);
  await nav(page).getByRole('button', { name: 'Estimate' }).click();
  await page.reload();
  await expect(heading(page)).toHaveText('Estimate');
  await expect(page.getByTestId('status-library-path')).toHaveText(app.library);
  expect(errors).toEqual([]);
});
