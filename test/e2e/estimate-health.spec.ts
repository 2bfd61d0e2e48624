import type { Page } from '@playwright/test';
import { connectApi, expect, requireChromium, test } from './fixtures';
import { collectPageErrors, screenshot } from './page-helpers';

requireChromium();

/** Estimate and Health panels against the real core in browser mode, with real demo jobs. */

const panel = (page: Page, name: string) => page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name });
const tile = (page: Page, label: string) => page.getByTestId('estimate-tiles').locator('.stat-tile', { hasText: label });

test('pasted CSV, a dropped file and an opened file are estimated: counts, cost, makespan and the split per backend', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  await page.goto(app.url);
  await panel(page, 'Estimate').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Estimate');
  // Nothing has run: the spend chart says what will fill it.
  await expect(page.getByText('Spend appears here once jobs run on a paid backend.')).toBeVisible();

  await page.getByLabel('Read as').selectOption('csv');
  await page.getByLabel('Batch text').fill('prompt,count,backend\n"a lighthouse, dusk",2,demo\na fox in the snow,1,demo\n{red|blue} boat,1,demo\n');
  await page.getByRole('main').getByRole('button', { name: 'Estimate batch' }).click();

  await expect(tile(page, 'Jobs').locator('.stat-tile-value')).toHaveText('3');
  await expect(tile(page, 'Images').locator('.stat-tile-value')).toHaveText('4');
  await expect(tile(page, 'Cost (80% range)').locator('.stat-tile-value')).toHaveText('$0.00');
  await expect(tile(page, 'Until the last job ends').locator('.stat-tile-value')).toHaveText(/\d+ (s|min)/);
  const split = page.getByRole('table', { name: 'Split per backend' });
  await expect(split.getByRole('row', { name: /Demo/ })).toContainText('100%');
  await expect(page.getByText(/^Confidence$/)).toBeVisible();
  // A fresh library has no caps: the panel says nothing stops the batch on cost.
  await expect(page.getByText(/^No budget cap is set/)).toBeVisible();

  // A file dropped on the card: its name picks the format and it is estimated at once.
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['one harbour\ntwo harbours\n# a comment\nthree harbours\nfour harbours\n'], 'shots.txt', { type: 'text/plain' }));
    return dt;
  });
  await page.getByTestId('estimate-drop-zone').dispatchEvent('drop', { dataTransfer });
  await expect(page.getByText('From shots.txt')).toBeVisible();
  await expect(tile(page, 'Jobs').locator('.stat-tile-value')).toHaveText('4');

  // "Open file…" reads a JSON file.
  await page.getByTestId('estimate-file-input').setInputFiles({ name: 'jobs.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify([{ prompt: 'a', backend: 'demo', count: 3 }, 'b'])) });
  await expect(page.getByText('From jobs.json')).toBeVisible();
  await expect(tile(page, 'Jobs').locator('.stat-tile-value')).toHaveText('2');
  await expect(tile(page, 'Images').locator('.stat-tile-value')).toHaveText('4');

  // A bad row is named with its line and field; the good rows are still estimated.
  await page.getByLabel('Read as').selectOption('csv');
  await page.getByLabel('Batch text').fill('prompt,steps\ngood,20\nbad,99999\n');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByText(/line 3/)).toBeVisible();
  await expect(page.getByText('Rows with errors, left out')).toBeVisible();
  await expect(tile(page, 'Jobs').locator('.stat-tile-value')).toHaveText('1');

  await screenshot(page, 'estimate-panel');
  expect(errors).toEqual([]);
});

test('after demo jobs run, Health shows the demo backend success rate and the audit log lists and filters entries', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  const api = await connectApi(app);
  try {
    await api.client.call('config.update', { backends: { demo: { latency_ms: 0 } } });
    const { job_ids } = await api.client.call('jobs.submitBatch', { name: 'e2e', jobs: [1, 2, 3].map((i) => ({ prompt: `a demo lighthouse ${i}`, backend: 'demo' as const, params: { width: 256, height: 256 } })) });
    await expect.poll(async () => (await api.client.call('queue.state')).counts.succeeded, { timeout: 30_000 }).toBe(3);

    await page.goto(app.url);
    await panel(page, 'Health').click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Health');
    const demoRow = page.getByRole('table', { name: 'Backend health' }).getByRole('row', { name: /Demo/ });
    await expect(demoRow).toContainText('100%');
    await expect(demoRow.getByRole('img', { name: /3 calls, 3 succeeded/ })).toBeVisible();
    await page.getByRole('group', { name: 'Timeline range' }).getByRole('button', { name: 'Last hour' }).click();
    await expect(demoRow.getByRole('img', { name: /last hour: 3 calls, 3 succeeded/ })).toBeVisible();
    // No real service has a key: the panel points at Settings.
    await page.getByRole('button', { name: 'Set up a backend in Settings' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
    await panel(page, 'Health').click();

    const entries = page.getByRole('table', { name: 'Audit log entries' });
    const ofKind = (kind: string) => entries.locator(`tbody tr[data-kind="${kind}"]`);
    await expect(ofKind('batch.submitted')).toHaveCount(1);
    await expect(ofKind('job.started')).toHaveCount(3);
    await expect(ofKind('job.succeeded')).toHaveCount(3);
    await expect(entries.locator('tbody tr').first()).toHaveAttribute('data-kind', 'job.succeeded');
    await page.getByLabel('Kind').selectOption({ label: 'Job succeeded' });
    await expect(entries.locator('tbody tr')).toHaveCount(3);
    for (const row of await entries.locator('tbody tr').all()) await expect(row).toHaveAttribute('data-kind', 'job.succeeded');
    await page.getByLabel('Job id').fill(String(job_ids[1]));
    await expect(entries.locator('tbody tr')).toHaveCount(1);
    await expect(entries.locator('tbody tr')).toContainText(`#${job_ids[1]}`);
    await page.getByLabel('Kind').selectOption({ label: 'Checkpoint restored' });
    await expect(page.getByText('Nothing matches these filters.')).toBeVisible();
    await page.getByLabel('Kind').selectOption({ label: 'All kinds' });
    await page.getByLabel('Job id').fill('');
    await page.getByLabel('Search loaded entries').fill('batch queued');
    await expect(entries.locator('tbody tr')).toHaveCount(1);

    // Live: a job queued elsewhere shows up on top without a reload.
    await page.getByLabel('Search loaded entries').fill('');
    const { job_id } = await api.client.call('jobs.submit', { prompt: 'one more', backend: 'demo', params: { width: 256, height: 256 } });
    await expect(ofKind('job.succeeded')).toHaveCount(4, { timeout: 15_000 });
    await expect(entries.locator('tbody tr').first()).toContainText(`#${job_id}`);

    // System figures come from system.status.
    await expect(page.getByRole('group', { name: 'System' })).toContainText('Jobs per hour');
    await screenshot(page, 'health-panel');
  } finally {
    api.close();
  }
  expect(errors).toEqual([]);
});
