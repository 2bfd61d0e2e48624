import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { connectApi, expect, requireChromium, test } from './fixtures';
import { collectPageErrors, screenshot } from './page-helpers';

requireChromium();

/** Real images from AUTOMATIC1111, ComfyUI, Forge, GIMP...; three of them were made from "photo of a duck". */
const FIXTURES = resolve(import.meta.dirname, '../fixtures/real-images');

/** How far below the grid viewport's top the tile of an asset sits, or null when it is not rendered. */
function tileOffset(page: Page, id: string): Promise<number | null> {
  return page.locator('.gallery-grid-scroll').evaluate((scroller, assetId) => {
    const cell = scroller.querySelector(`[data-asset-id="${assetId}"]`);
    return cell ? Math.round(cell.getBoundingClientRect().top - scroller.getBoundingClientRect().top) : null;
  }, id);
}

/** The first tile wholly inside the scrolled viewport: its asset id and how far below the viewport's top it sits. */
function firstVisibleTile(page: Page): Promise<{ id: string; offset: number }> {
  return page.locator('.gallery-grid-scroll').evaluate((scroller) => {
    const top = scroller.getBoundingClientRect().top;
    for (const cell of scroller.querySelectorAll<HTMLElement>('[data-asset-id]')) {
      const rect = cell.getBoundingClientRect();
      if (rect.top >= top) return { id: cell.dataset.assetId ?? '', offset: Math.round(rect.top - top) };
    }
    return { id: '', offset: -1 };
  });
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Panels' });
const library = (page: Page) => page.getByRole('navigation', { name: 'Library' });
const grid = (page: Page) => page.getByRole('grid');
const cells = (page: Page) => grid(page).getByRole('gridcell');
const result = (page: Page) => page.getByRole('region', { name: 'Result' });
const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selection' });

test('the gallery imports a folder, searches, filters, multi-selects, tags, files into a project and finds duplicates', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  await page.goto(app.url);
  await nav(page).getByRole('button', { name: 'Gallery' }).click();

  // A new library says what to do.
  await expect(page.getByRole('heading', { name: 'Your library is empty' })).toBeVisible();
  await expect(page.getByText('Generate from the Queue or import a folder')).toBeVisible();
  await page.getByRole('button', { name: 'Import a folder' }).click();

  // Folder import through the real core, with its summary.
  await page.getByLabel('Folder path').fill('relative/path');
  await expect(page.getByText('Give an absolute path')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Import', exact: true })).toBeDisabled();
  await page.getByLabel('Folder path').fill(FIXTURES);
  await page.getByLabel(/Copy into the library/).check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const summary = page.getByRole('status').filter({ hasText: 'Import finished' });
  await expect(summary).toContainText('48 images imported', { timeout: 30_000 });
  await expect(summary).toContainText('could not be imported');
  await page.getByRole('button', { name: 'Show the images' }).click();

  // The grid: the count, real thumbnails served by id, and a virtualized DOM (not 48 cells).
  await expect(result(page)).toContainText('48 images');
  await expect(grid(page)).toHaveAttribute('aria-multiselectable', 'true');
  const firstImage = cells(page).first().locator('img');
  await expect(firstImage).toHaveAttribute('src', /^\/asset\/thumb\/\d+$/);
  await expect.poll(() => firstImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await screenshot(page, 'gallery-grid');

  // Full-text search by a prompt word.
  await page.getByRole('searchbox', { name: 'Search' }).fill('duck');
  await expect(result(page)).toContainText('3 images');
  await expect(cells(page)).toHaveCount(3);
  for (const label of await cells(page).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('aria-label')))) expect(label).toContain('duck');

  // A filter narrows the search; clearing it brings the three back.
  await page.getByLabel('Format').selectOption('jpeg');
  await expect(result(page)).toContainText('1 image');
  await expect(cells(page)).toHaveCount(1);
  await page.getByLabel('Format').selectOption('');
  await expect(cells(page)).toHaveCount(3);

  // Keyboard: focus moves with arrows, Space toggles, Shift+arrow extends, Escape clears.
  await cells(page).nth(0).click();
  await expect(selectionBar(page)).toContainText('1 selected');
  await expect(cells(page).nth(0)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(cells(page).nth(1)).toBeFocused();
  await page.keyboard.press('Space');
  await expect(selectionBar(page)).toContainText('2 selected');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(selectionBar(page)).toContainText('2 selected'); // the range from the anchor (cell 2) to cell 3
  await expect(cells(page).nth(0)).toHaveAttribute('aria-selected', 'false');
  await expect(cells(page).nth(2)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Escape');
  await expect(result(page)).toContainText('3 images');
  await page.keyboard.press('Control+a');
  await expect(selectionBar(page)).toContainText('3 selected');
  await page.keyboard.press('Escape');

  // Enter and double-click open the focused image's detail view (a modal dialog); closing it returns here.
  await cells(page).nth(1).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await cells(page).nth(2).dblclick();
  await expect(page.getByRole('dialog')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
  await page.keyboard.press('Escape');

  // Mouse: click, then Ctrl+click a second one; tag both.
  await cells(page).nth(0).click();
  await cells(page).nth(2).click({ modifiers: ['Control'] });
  await expect(selectionBar(page)).toContainText('2 selected');
  const taggedIds = await cells(page).evaluateAll((nodes) => nodes.filter((node) => node.getAttribute('aria-selected') === 'true').map((node) => node.getAttribute('data-asset-id')));
  expect(taggedIds).toHaveLength(2);
  await selectionBar(page).getByRole('button', { name: 'Tag…' }).click();
  const tagDialog = page.getByRole('dialog', { name: 'Tag 2 images' });
  await tagDialog.getByLabel('Tags').fill('waterfowl');
  await tagDialog.getByRole('button', { name: 'Add tags' }).click();
  await expect(tagDialog).toBeHidden();
  await expect(page.getByRole('status').filter({ hasText: 'Tagged 2 images' })).toBeVisible();
  await screenshot(page, 'gallery-selection');

  // Rate one of them from the bulk bar; the tile shows it after the live refresh.
  await selectionBar(page).getByLabel('Set rating').selectOption('4');
  await expect(page.getByRole('status').filter({ hasText: 'Rated 2 images 4 of 5' })).toBeVisible();
  await expect(grid(page).locator(`[data-asset-id="${taggedIds[0]}"]`)).toHaveAttribute('aria-label', /4 of 5 stars/);

  // Filter by that tag from the sidebar: exactly the two.
  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await expect(result(page)).toContainText('48 images');
  await library(page).getByRole('button', { name: /^waterfowl/ }).click();
  await expect(library(page).getByRole('button', { name: /^waterfowl/ })).toHaveAttribute('aria-current', 'true');
  await expect(result(page)).toContainText('2 images');
  expect((await cells(page).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-asset-id')))).sort()).toEqual([...taggedIds].sort());

  // File them into a new project from the selection; the project lists them.
  await cells(page).first().click();
  await page.keyboard.press('Control+a');
  await expect(selectionBar(page)).toContainText('2 selected');
  await selectionBar(page).getByRole('button', { name: 'Add to project…' }).click();
  const projectDialog = page.getByRole('dialog', { name: 'Add 2 images to a project' });
  await projectDialog.getByLabel('New project name').fill('Pond study');
  await projectDialog.getByRole('button', { name: 'Add to project' }).click();
  await expect(projectDialog).toBeHidden();
  const project = library(page).getByRole('button', { name: /^Pond study/ });
  await expect(project).toContainText('2');
  await library(page).getByRole('button', { name: 'All images' }).click();
  await expect(result(page)).toContainText('48 images');
  await project.click();
  await expect(result(page)).toContainText('2 images');

  // Favourite and export the project's two images: real files land in the folder named.
  await cells(page).first().click();
  await page.keyboard.press('Control+a');
  await selectionBar(page).getByRole('button', { name: 'Favourite' }).click();
  await expect(selectionBar(page).getByRole('button', { name: 'Unfavourite' })).toBeVisible();
  await expect(cells(page).first()).toHaveAttribute('aria-label', /favourite$/);
  const exportDir = mkdtempSync(join(tmpdir(), 'apex-e2e-export-'));
  try {
    await selectionBar(page).getByRole('button', { name: 'Export…' }).click();
    const exportDialog = page.getByRole('dialog', { name: 'Export 2 images' });
    await exportDialog.getByLabel('Destination folder').fill(exportDir);
    await exportDialog.getByRole('button', { name: 'Export' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Exported 2 images to ${exportDir}` })).toBeVisible();
    const files = readdirSync(exportDir);
    expect(files.filter((file) => /\.(png|jpe?g|webp)$/.test(file))).toHaveLength(2);
    expect(files.filter((file) => file.endsWith('.json'))).toHaveLength(2);
  } finally {
    rmSync(exportDir, { recursive: true, force: true });
  }

  // Save a search and bring it back from the sidebar.
  await library(page).getByRole('button', { name: 'All images' }).click();
  await page.getByRole('searchbox', { name: 'Search' }).fill('duck');
  await expect(result(page)).toContainText('3 images');
  await page.getByRole('button', { name: 'Save search' }).click();
  const saveDialog = page.getByRole('dialog', { name: 'Save this search' });
  await saveDialog.getByLabel('Name').fill('Ducks');
  await saveDialog.getByRole('button', { name: 'Save search' }).click();
  await library(page).getByRole('button', { name: 'All images' }).click();
  await expect(result(page)).toContainText('48 images');
  await library(page).getByRole('button', { name: 'Ducks', exact: true }).click();
  await expect(page.getByRole('searchbox', { name: 'Search' })).toHaveValue('duck');
  await expect(result(page)).toContainText('3 images');

  // Delete one with the keyboard, after a confirmation.
  await cells(page).first().click();
  await page.keyboard.press('Delete');
  const confirm = page.getByRole('dialog', { name: 'Delete 1 image?' });
  await confirm.getByRole('button', { name: 'Delete 1 image' }).click();
  await expect(confirm).toBeHidden();
  await expect(result(page)).toContainText('2 images');

  // Duplicates: groups side by side, each with its suggested keeper chosen.
  await library(page).getByRole('button', { name: 'Duplicates' }).click();
  await expect(page.getByRole('heading', { name: 'Duplicates' })).toBeVisible();
  const group = page.getByRole('group', { name: /^Group 1: \d+ images/ });
  await expect(group).toBeVisible();
  await expect(group.getByRole('radio', { checked: true })).toHaveCount(1);
  await expect(group.getByRole('button', { name: /^Delete the other \d+ images? of group 1$/ })).toBeEnabled();
  await screenshot(page, 'gallery-duplicates');

  expect(errors).toEqual([]);
});

test('new images arrive live without moving what is on screen', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  const api = await connectApi(app);
  try {
    const imported = await api.client.call('library.import', { paths: [FIXTURES], copy: true });
    expect(imported.imported).toBe(48);
    await page.goto(app.url);
    await nav(page).getByRole('button', { name: 'Gallery' }).click();
    await expect(result(page)).toContainText('48 images');

    // Scroll a few rows down, then let a demo job add an image at the top (newest first).
    await page.locator('.gallery-grid-scroll').evaluate((scroller) => {
      scroller.scrollTop = 3 * (scroller.querySelector('[role=row]')?.getBoundingClientRect().height ?? 200) + 60;
    });
    await expect.poll(async () => (await firstVisibleTile(page)).id).not.toBe('');
    const before = await firstVisibleTile(page);
    await api.client.call('config.update', { backends: { demo: { latency_ms: 0 } } });
    // Nine images: more than a row's worth, so without anchoring every row on screen would move down.
    const jobs = Array.from({ length: 9 }, (_, i) => ({ prompt: `a grey heron at dawn, study ${i + 1}`, backend: 'demo' as const, params: { width: 256, height: 256 } }));
    await api.client.call('jobs.submitBatch', { name: 'herons', jobs });
    await expect(result(page)).toContainText('57 images', { timeout: 30_000 });
    // The image that was on screen is still there at the same height (in another column, as nine images reflow the grid).
    await expect.poll(() => tileOffset(page, before.id)).toBe(before.offset);

    // At the top, the new image is the first tile.
    await page.locator('.gallery-grid-scroll').evaluate((scroller) => {
      scroller.scrollTop = 0;
    });
    await expect(cells(page).first()).toHaveAttribute('aria-label', /^a grey heron at dawn/);
  } finally {
    api.close();
  }
  expect(errors).toEqual([]);
});
