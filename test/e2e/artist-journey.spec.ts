import type { Page } from '@playwright/test';
import { dragAndDrop } from './drop';
import { connectApi, expect, requireChromium, test } from './fixtures';
import { collectPageErrors } from './page-helpers';

requireChromium();

/**
 * Issue 8's must-show, end to end in one session as an artist would do it, against the real core in
 * browser mode and the demo backend: drop two batch files, read the preview (counts, the bad row's line),
 * queue, watch the queue finish, find the images by a prompt word, read an image's provenance, tag two
 * and filter by the tag, then roll the library back to a checkpoint from Settings.
 */

const CSV = ['prompt,count,steps', 'a lighthouse at dusk,1,20', 'a fox in the snow,1,99999', '"a castle by the sea, at noon",1,20', ''].join('\n');
const TXT = ['a castle on a hill', '# a comment line', 'a castle in the fog', ''].join('\n');

const nav = (page: Page) => page.getByRole('navigation', { name: 'Panels' });
const openPanel = (page: Page, name: string) => nav(page).getByRole('button', { name }).click();
const preview = (page: Page) => page.getByRole('dialog', { name: /to the queue/ });
const total = (page: Page, label: string) => preview(page).locator('.intake-total', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
const grid = (page: Page) => page.getByRole('grid');
const cells = (page: Page) => grid(page).getByRole('gridcell');
const result = (page: Page) => page.getByRole('region', { name: 'Result' });
const selectionBar = (page: Page) => page.getByRole('region', { name: 'Selection' });
const sidebar = (page: Page) => page.getByRole('navigation', { name: 'Library' });

test('drop, preview, queue, watch, find, read provenance, tag and filter, restore a checkpoint', async ({ page, app }) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page, { console: false });
  const api = await connectApi(app);
  try {
    await page.goto(app.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Queue');

    // 1. Drop a CSV and a txt file anywhere on the window: the preview counts them and names the bad row.
    await dragAndDrop(
      page,
      [
        { name: 'shots.csv', type: 'text/csv', text: CSV },
        { name: 'castles.txt', type: 'text/plain', text: TXT },
      ],
      'Drop batch files to preview',
    );
    await expect(preview(page)).toBeVisible();
    await expect(total(page, 'Files')).toHaveText('2');
    await expect(total(page, 'Jobs')).toHaveText('4');
    await expect(total(page, 'Errors')).toHaveText('1');
    const issues = preview(page).getByRole('list', { name: /Errors and warnings/ });
    await expect(issues.getByRole('listitem').filter({ hasText: 'Error' })).toContainText('shots.csv:3');
    await expect(issues).toContainText('steps');

    // A file with errors queues nothing until its bad row is left out; then the four good jobs go.
    const queueButton = preview(page).getByRole('button', { name: /^Queue( \d+ jobs?)?$/ });
    await expect(queueButton).toBeDisabled();
    await preview(page).getByLabel(/Leave out the rows with errors/).check();
    await expect(queueButton).toHaveText('Queue 4 jobs');
    await queueButton.click();
    await expect(preview(page)).toBeHidden();

    // 2. The Queue panel shows the jobs and they finish on the demo backend.
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Queue');
    await expect(page.getByRole('list', { name: 'Jobs by batch' })).toBeVisible();
    await expect(page.locator('.stat-tile', { hasText: 'Done' }).locator('.stat-tile-value')).toHaveText('4', { timeout: 60_000 });
    await expect(page.locator('.stat-tile', { hasText: 'Failed' }).locator('.stat-tile-value')).toHaveText('0');

    // A checkpoint of the library as the batch left it, made from Settings.
    await openPanel(page, 'Settings');
    await page.getByLabel('Checkpoint name').fill('after the batch');
    await page.getByRole('button', { name: 'Create checkpoint' }).click();
    await expect(page.getByText('Checkpoint “after the batch” created.')).toBeVisible();

    // 3. The Gallery finds the images by a word of their prompt.
    await openPanel(page, 'Gallery');
    await page.getByRole('searchbox', { name: 'Search' }).fill('castle');
    await expect(result(page)).toContainText('3 images');
    await expect(cells(page)).toHaveCount(3);

    // 4. One image's provenance: prompt, backend, seed, hashes.
    await cells(page).first().dblclick();
    const detail = page.getByRole('dialog', { name: /^Image \d+$/ });
    await expect(detail).toBeVisible();
    const side = detail.getByRole('complementary', { name: 'Image details' });
    await expect(side.getByRole('region', { name: 'Prompt', exact: true })).toContainText('castle');
    const generation = side.getByRole('region', { name: 'Generation', exact: true });
    await expect(generation).toContainText('Demo (offline)');
    await expect(generation).toContainText('Seed');
    await expect(side.getByRole('region', { name: 'File', exact: true })).toContainText('SHA-256');
    await page.keyboard.press('Escape');
    await expect(detail).toBeHidden();

    // 5. Tag two of them and filter by the tag: exactly those two.
    await cells(page).nth(0).click();
    await cells(page).nth(1).click({ modifiers: ['Control'] });
    await expect(selectionBar(page)).toContainText('2 selected');
    const tagged = await cells(page).evaluateAll((nodes) => nodes.filter((node) => node.getAttribute('aria-selected') === 'true').map((node) => node.getAttribute('data-asset-id')));
    await selectionBar(page).getByRole('button', { name: 'Tag…' }).click();
    const tagDialog = page.getByRole('dialog', { name: 'Tag 2 images' });
    await tagDialog.getByLabel('Tags').fill('keep-for-print');
    await tagDialog.getByRole('button', { name: 'Add tags' }).click();
    await expect(tagDialog).toBeHidden();
    await page.keyboard.press('Escape');
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await expect(result(page)).toContainText('4 images');
    await sidebar(page).getByRole('button', { name: /^keep-for-print/ }).click();
    await expect(result(page)).toContainText('2 images');
    expect((await cells(page).evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-asset-id')))).sort()).toEqual([...tagged].sort());

    // 6. Restore the checkpoint from Settings, after a confirmation: the tag made since is gone.
    await openPanel(page, 'Settings');
    await page.getByRole('button', { name: 'Restore after the batch' }).click();
    const confirm = page.getByRole('dialog', { name: 'Restore “after the batch”?' });
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Restore checkpoint' }).click();
    await expect(page.getByText(/^Restored “after the batch”/)).toBeVisible();
    await expect.poll(async () => (await api.client.call('tags.list', {})).items.map((tag) => tag.name)).not.toContain('keep-for-print');
    await openPanel(page, 'Gallery');
    await expect(sidebar(page).getByRole('button', { name: /^keep-for-print/ })).toHaveCount(0);

    expect(errors).toEqual([]);
  } finally {
    api.close();
  }
});
