import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { dataTransfer, dragAndDrop } from './drop';
import { connectApi, expect, requireChromium, test } from './fixtures';
import { collectPageErrors, screenshot } from './page-helpers';

requireChromium();

/**
 * Intake (issue 8): files dropped anywhere on the window (overlay, batch preview with counts and located
 * errors, Queue), the prompt bar, the over-budget confirmation, and dropped images imported from the
 * browser — all against the real core in browser mode.
 */

const previewDialog = (page: Page) => page.getByRole('dialog', { name: /to the queue/ });
const totals = (page: Page, label: string) => previewDialog(page).locator('.intake-total', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');

test('batch files dropped on the window: overlay, preview with counts and a located error, then queued', async ({ page, app }) => {
  const errors = collectPageErrors(page, { console: false });
  const { client, close } = await connectApi(app);
  try {
    await page.goto(app.url);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

    await dragAndDrop(
      page,
      [
        { name: 'shots.csv', type: 'text/csv', text: 'prompt,count,backend,steps\na lighthouse at dusk,2,demo,20\na fox in the snow,1,demo,99999\n"a harbour, at noon",1,demo,20\n' },
        { name: 'lines.txt', type: 'text/plain', text: 'one castle\n# a comment\ntwo castles\n' },
      ],
      'Drop batch files to preview',
    );

    const dialog = previewDialog(page);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('heading', { name: 'Add 2 batch files to the queue' })).toBeVisible();
    // The bad row is named with file, line and field; the good rows are counted.
    const issues = dialog.getByRole('list', { name: /Errors and warnings/ });
    await expect(issues.getByRole('listitem').filter({ hasText: 'Error' })).toContainText('shots.csv:3');
    await expect(issues).toContainText('steps');
    const files = dialog.getByRole('table').first();
    await expect(files.getByRole('row', { name: /shots\.csv/ })).toContainText('CSV');
    await expect(files.getByRole('row', { name: /lines\.txt/ })).toContainText('Prompt lines');
    await expect(totals(page, 'Files')).toHaveText('2');
    await expect(totals(page, 'Jobs')).toHaveText('4');
    await expect(totals(page, 'Images')).toHaveText('5');
    await expect(totals(page, 'Errors')).toHaveText('1');
    await expect(dialog.getByText('a lighthouse at dusk')).toBeVisible();
    await expect(dialog.getByText(/Free/).first()).toBeVisible();
    await expect(dialog.getByText(/that time and cost land within ±25%/)).toBeVisible();
    await screenshot(page, 'intake-preview');

    // A file with errors queues nothing until the bad rows are left out.
    const queue = dialog.getByRole('button', { name: /^Queue( \d+ jobs?)?$/ });
    await expect(queue).toBeDisabled();
    await expect(dialog.getByText('A file with errors queues nothing: fix it, or leave its bad rows out.')).toBeVisible();
    await dialog.getByLabel(/Leave out the rows with errors/).check();
    await dialog.getByLabel('Project').fill('Harbour');
    await expect(queue).toHaveText('Queue 4 jobs');
    await expect(queue).toBeEnabled();
    await queue.click();

    await expect(dialog).toBeHidden();
    await expect(page.getByText('Queued 4 jobs (5 images) from 2 files.')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Panels' }).locator('[aria-current="page"]')).toContainText('Queue');
    const jobs = await client.call('jobs.list', { limit: 50 });
    expect(jobs.items).toHaveLength(4);
    expect(jobs.items.every((job) => job.project === 'Harbour')).toBe(true);
    expect(jobs.items.map((job) => job.prompt).sort()).toEqual(['a harbour, at noon', 'a lighthouse at dusk', 'one castle', 'two castles']);
    expect(errors).toEqual([]);
  } finally {
    await close();
  }
});

test('the prompt bar queues one prompt with its options and shows the live estimate', async ({ page, app }) => {
  const { client, close } = await connectApi(app);
  try {
    await page.goto(app.url);
    await page.keyboard.press('Control+K');
    const prompt = page.getByRole('textbox', { name: 'Prompt', exact: true });
    await expect(prompt).toBeFocused();
    await prompt.fill('a red kite over the dunes');
    await page.getByRole('button', { name: 'Options' }).click();
    await page.getByRole('spinbutton', { name: 'Images' }).fill('2');
    await page.getByRole('spinbutton', { name: 'Seed' }).fill('1234');
    await page.getByRole('combobox', { name: 'Backend' }).selectOption('demo');
    await page.getByRole('combobox', { name: 'Priority' }).selectOption('5');
    await page.getByRole('textbox', { name: 'Negative prompt' }).fill('blurry');
    await expect(page.getByTestId('prompt-estimate')).toContainText('Free');
    await expect(page.getByTestId('prompt-estimate')).toContainText('Demo');
    await screenshot(page, 'intake-prompt-bar');

    // A bad seed is named and blocks the submit.
    await page.getByRole('spinbutton', { name: 'Seed' }).fill('-7');
    await expect(page.getByText(/^Seed: empty or -1 for random/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Queue prompt' })).toBeDisabled();
    await page.getByRole('spinbutton', { name: 'Seed' }).fill('1234');

    await prompt.focus();
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('second line');
    await page.keyboard.press('Enter');
    await expect(page.getByText(/^Queued job #\d+\./)).toBeVisible();
    await expect(prompt).toHaveValue('');

    const jobs = await client.call('jobs.list', { limit: 10 });
    expect(jobs.items).toHaveLength(1);
    const job = jobs.items[0]!;
    expect(job.prompt).toBe('a red kite over the dunes\nsecond line');
    expect(job.negative_prompt).toBe('blurry');
    expect(job.params.count).toBe(2);
    expect(job.params.seed).toBe(1234);
    expect(job.priority).toBe(5);
    expect(job.pinned_backend).toBe('demo');
  } finally {
    await close();
  }
});

test('a batch over the daily budget is queued only after "Queue anyway…" is confirmed', async ({ page, app }) => {
  const { client, close } = await connectApi(app);
  try {
    // A paid price on the local SDXL backend (no server needed to estimate) and a tiny daily cap.
    await client.call('config.update', { backends: { sdxl: { cost_per_image: 0.5 } }, budget: { daily_usd: 0.01 } });
    await page.goto(app.url);
    await page
      .getByTestId('intake-file-input')
      .setInputFiles({ name: 'paid.csv', mimeType: 'text/csv', buffer: Buffer.from('prompt,backend\na castle on a hill,sdxl\na quiet bay,sdxl\n') });

    const dialog = previewDialog(page);
    await expect(dialog).toBeVisible();
    await expect(dialog.getByText(/Over the daily budget: this batch would take the spend today to \$1\.00, past the cap of \$0\.010/)).toBeVisible();
    await expect(dialog.getByText('$0.00 of $0.010 spent today', { exact: false })).toBeVisible();
    const queueAnyway = dialog.getByRole('button', { name: 'Queue anyway…' });
    await expect(queueAnyway).toBeEnabled();

    // Declining queues nothing.
    await queueAnyway.click();
    const confirm = page.getByRole('dialog', { name: 'Over the daily budget' });
    await screenshot(page, 'intake-over-budget');
    await expect(confirm).toContainText('The daily budget is $0.010. $0.00 is spent today, and this batch is estimated at $1.00, which would take it to $1.00.');
    await confirm.getByRole('button', { name: "Don't queue" }).click();
    await expect(confirm).toBeHidden();
    expect((await client.call('jobs.list', { limit: 10 })).items).toHaveLength(0);

    await queueAnyway.click();
    await page.getByRole('dialog', { name: 'Over the daily budget' }).getByRole('button', { name: 'Queue anyway' }).click();
    await expect(dialog).toBeHidden();
    const jobs = await client.call('jobs.list', { limit: 10 });
    expect(jobs.items.map((job) => job.pinned_backend)).toEqual(['sdxl', 'sdxl']);
  } finally {
    await close();
  }
});

test('images dropped on the window are imported into the library from the browser', async ({ page, app }) => {
  const { client, close } = await connectApi(app);
  try {
    const png = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 60, b: 30 } } })
      .png()
      .toBuffer();
    await page.goto(app.url);
    await dragAndDrop(page, [{ name: 'sunset.png', type: 'image/png', base64: png.toString('base64') }], 'Drop images to import');

    const dialog = page.getByRole('dialog', { name: 'Import 1 image' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('list', { name: 'Images to import' })).toContainText('sunset.png');
    await dialog.getByRole('button', { name: 'Import 1 image' }).click();
    await expect(dialog.getByText('Imported 1 image.')).toBeVisible();

    const found = await client.call('assets.search', { limit: 10 });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]!.width).toBe(48);
    expect(found.items[0]!.height).toBe(32);
    await dialog.getByRole('button', { name: 'Open the Gallery' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Gallery');
    await expect(page.getByRole('gridcell')).toHaveCount(1);
    await screenshot(page, 'intake-gallery-after-import');
  } finally {
    await close();
  }
});

test('a drop on a panel’s own drop zone stays there: no overlay over it, no preview', async ({ page, app }) => {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Estimate' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Estimate');
  const dt = await dataTransfer(page, [{ name: 'card.txt', type: 'text/plain', text: 'one\ntwo\n' }]);

  // Over the workspace the overlay shows; over the Estimate card (which claims the drag) it gives way.
  await page.locator('main.workspace').dispatchEvent('dragenter', { dataTransfer: dt });
  await page.locator('main.workspace').dispatchEvent('dragover', { dataTransfer: dt });
  await expect(page.getByTestId('intake-overlay')).toBeVisible();
  const zone = page.getByTestId('estimate-drop-zone');
  await zone.dispatchEvent('dragenter', { dataTransfer: dt });
  await zone.dispatchEvent('dragover', { dataTransfer: dt });
  await expect(page.getByTestId('intake-overlay')).toBeHidden();

  await zone.dispatchEvent('drop', { dataTransfer: dt });
  await expect(page.getByText('From card.txt')).toBeVisible();
  await expect(previewDialog(page)).toHaveCount(0);
});

test('a drop of batch files and images previews the batch first, then offers the images', async ({ page, app }) => {
  const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 10, g: 120, b: 200 } } })
    .png()
    .toBuffer();
  await page.goto(app.url);
  await dragAndDrop(
    page,
    [
      { name: 'mixed.txt', type: 'text/plain', text: 'a blue door\n' },
      { name: 'door.png', type: 'image/png', base64: png.toString('base64') },
      { name: 'notes.md', type: 'text/markdown', text: '# not a batch' },
    ],
    'Drop to preview the batch files and import the images',
  );
  const dialog = previewDialog(page);
  await expect(dialog.getByRole('heading', { name: 'Add 1 batch file to the queue' })).toBeVisible();
  await expect(dialog.getByRole('list', { name: 'Files left out' })).toContainText('notes.md — not a batch file or an image; left alone');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  const images = page.getByRole('dialog', { name: 'Import 1 image' });
  await expect(images).toBeVisible();
  await images.getByRole('button', { name: 'Cancel' }).click();
  await expect(images).toBeHidden();
});
