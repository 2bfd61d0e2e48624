import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import type { ApexClient } from '../../shared/client';
import { connectApi, expect, requireChromium, test } from './fixtures';
import { collectPageErrors, screenshot } from './page-helpers';

requireChromium();

const FIXTURES = resolve(import.meta.dirname, '../fixtures/real-images');
const PROMPT = 'a lighthouse on a cliff at dusk, oil painting';

async function waitForJob(client: ApexClient, id: number): Promise<number> {
  await expect.poll(async () => (await client.call('jobs.get', { id })).job.status, { timeout: 30_000 }).toBe('succeeded');
  const [assetId] = (await client.call('jobs.get', { id })).job.asset_ids;
  if (assetId === undefined) throw new Error(`job ${id} succeeded without an image`);
  return assetId;
}

const detail = (page: Page) => page.getByRole('dialog', { name: /^Image \d+$/ });
const side = (page: Page) => detail(page).getByRole('complementary', { name: 'Image details' });
const section = (page: Page, name: string) => side(page).getByRole('region', { name, exact: true });
const field = (page: Page, sectionName: string, label: string) =>
  section(page, sectionName).locator('.asset-detail-field').filter({ has: page.getByText(label, { exact: true }) }).locator('dd');

test('the detail view shows the provenance, zooms, copies the prompt, organises and queues the image again', async ({ page, app, context }) => {
  const errors = collectPageErrors(page);
  const api = await connectApi(app);
  const pics = mkdtempSync(join(tmpdir(), 'apex-e2e-detail-'));
  try {
    // One generated image (demo backend, a fixed seed) and one imported A1111 file.
    await api.client.call('config.update', { backends: { demo: { latency_ms: 0 } } });
    const { job_id } = await api.client.call('jobs.submit', {
      prompt: PROMPT,
      negative_prompt: 'blurry, text',
      backend: 'demo',
      params: { width: 512, height: 384, steps: 24, cfg_scale: 6.5, sampler: 'Euler a', seed: 424242 },
      tags: ['coast'],
    });
    const generatedId = await waitForJob(api.client, job_id);
    const asset = await api.client.call('assets.get', { id: generatedId });
    mkdirSync(join(pics, 'a1111'));
    copyFileSync(join(FIXTURES, 'sd-webui.png'), join(pics, 'a1111', 'sd-webui.png'));
    const imported = await api.client.call('library.import', { paths: [join(pics, 'a1111')], copy: true });
    expect(imported.imported).toBe(1);

    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(app.url).origin });
    await page.goto(app.url);
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Gallery' }).click();
    const cells = page.getByRole('grid').getByRole('gridcell');
    await expect(cells).toHaveCount(2);

    // Open the generated image (double-click its tile).
    await page.locator(`[data-asset-id="${generatedId}"]`).dblclick();
    await expect(detail(page)).toBeVisible();
    await expect(detail(page)).toHaveAccessibleName(`Image ${generatedId}`);

    // Provenance: prompt, negative, generation, cost & time, file.
    await expect(section(page, 'Prompt')).toContainText(PROMPT);
    await expect(section(page, 'Negative prompt')).toContainText('blurry, text');
    await expect(field(page, 'Generation', 'Backend')).toHaveText('Demo (offline)');
    await expect(field(page, 'Generation', 'Routing')).toHaveText('Pinned to Demo (offline)');
    await expect(field(page, 'Generation', 'Seed')).toHaveText(String(asset.seed));
    await expect(field(page, 'Generation', 'Steps')).toHaveText('24');
    await expect(field(page, 'Generation', 'CFG scale')).toHaveText('6.5');
    await expect(field(page, 'Generation', 'Sampler')).toHaveText('Euler a');
    await expect(field(page, 'Generation', 'Size asked for')).toHaveText('512 × 384');
    await expect(section(page, 'Generation')).toContainText(`Job ${job_id}`);
    await expect(field(page, 'Cost & time', 'Cost of this image')).toHaveText('Free');
    await expect(field(page, 'Cost & time', 'Attempt')).toHaveText('1 of 1');
    await expect(field(page, 'Cost & time', 'Generation time')).toHaveText(/\d+ ms|\d+\.\d s/);
    await expect(field(page, 'File', 'SHA-256')).toHaveText(asset.sha256);
    await expect(field(page, 'File', 'Dimensions')).toHaveText(`${asset.width} × ${asset.height} px (${((asset.width * asset.height) / 1e6).toFixed(1)} MP)`);
    if (asset.phash) await expect(field(page, 'File', 'Perceptual hash')).toHaveText(asset.phash);

    // The full image, loaded from the original route, fitted; keys zoom without switching panels.
    const image = detail(page).locator('img.asset-detail-image');
    await expect(image).toHaveAttribute('src', `/asset/original/${generatedId}`);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const level = detail(page).getByRole('toolbar', { name: 'Zoom' }).getByLabel('Zoom level');
    await expect(level).toHaveText('100%'); // 512 px fits in the window: fit never enlarges
    await detail(page).getByRole('button', { name: 'Zoom in' }).focus();
    await page.keyboard.press('+');
    await expect(level).toHaveText('125%');
    await page.keyboard.press('+');
    await expect(level).toHaveText('156%');
    await page.keyboard.press('0');
    await expect(level).toHaveText('100%');
    await page.keyboard.press('-');
    await expect(level).toHaveText('80%');
    await page.keyboard.press('1'); // 100%, not "switch to the Queue panel"
    await expect(level).toHaveText('100%');
    await expect(detail(page)).toBeVisible();
    const stage = detail(page).locator('.asset-detail-stage');
    await stage.hover();
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => Number.parseInt((await level.textContent()) ?? '0', 10)).toBeGreaterThan(100);
    await screenshot(page, 'asset-detail');
    await page.keyboard.press('0');

    // Copy prompt writes the clipboard.
    await section(page, 'Prompt').getByRole('button', { name: 'Copy prompt' }).click();
    await expect(section(page, 'Prompt').getByRole('status')).toHaveText('Prompt copied to the clipboard.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(PROMPT);

    // Organisation: rating, favourite, a tag added and one removed, all saved in the core.
    const organisation = section(page, 'Organisation');
    await organisation.getByRole('button', { name: '4 stars' }).click();
    await expect(organisation.getByRole('button', { name: '4 stars' })).toHaveAttribute('aria-pressed', 'true');
    await organisation.getByRole('button', { name: /Not a favourite/ }).click();
    await expect(organisation.getByRole('button', { name: /Favourite/ })).toHaveAttribute('aria-pressed', 'true');
    await organisation.getByLabel('New tag').fill('lighthouse');
    await organisation.getByRole('button', { name: 'Add tag' }).click();
    await expect(organisation.getByRole('list', { name: 'Tags' })).toContainText('lighthouse');
    await organisation.getByRole('button', { name: 'Remove tag coast' }).click();
    await expect(organisation.getByRole('list', { name: 'Tags' })).not.toContainText('coast');
    await organisation.getByLabel('Notes').fill('print this one');
    await organisation.getByRole('button', { name: 'Save notes' }).click();
    await expect(organisation.getByRole('button', { name: 'Save notes' })).toBeDisabled();
    const organised = await api.client.call('assets.get', { id: generatedId });
    expect({ rating: organised.rating, favorite: organised.favorite, tags: organised.tags, notes: organised.notes }).toEqual({
      rating: 4,
      favorite: true,
      tags: ['lighthouse'],
      notes: 'print this one',
    });

    // Generate again: the same prompt, parameters and seed, as a new job that runs.
    const generate = section(page, 'Generate');
    await generate.getByRole('button', { name: 'Generate again' }).click();
    const confirmation = generate.getByRole('status');
    await expect(confirmation).toContainText(/Queued as job \d+\./);
    const againId = Number(/job (\d+)/.exec((await confirmation.textContent()) ?? '')?.[1]);
    const again = (await api.client.call('jobs.get', { id: againId })).job;
    expect(again.prompt).toBe(PROMPT);
    expect(again.negative_prompt).toBe('blurry, text');
    expect(again.params).toMatchObject({ seed: asset.seed, steps: 24, cfg_scale: 6.5, sampler: 'Euler a', width: 512, height: 384 });
    expect(again.pinned_backend).toBeNull(); // the cascade chooses unless the artist picks
    await waitForJob(api.client, againId);

    // Variations: three one-image jobs in one batch, each with its own new seed.
    await generate.getByRole('button', { name: 'Variations…' }).click();
    const form = generate.getByRole('form', { name: 'Variations' });
    await expect(form.getByLabel('How many')).toHaveValue('4');
    await form.getByLabel('How many').fill('17');
    await expect(form.getByRole('button', { name: 'Queue variations' })).toBeDisabled();
    await form.getByLabel('How many').fill('3');
    await generate.getByLabel('Backend').selectOption('demo');
    await form.getByRole('button', { name: 'Queue variations' }).click();
    await expect(confirmation).toContainText(/Queued 3 variations as batch \d+\./);
    const batchId = Number(/batch (\d+)/.exec((await confirmation.textContent()) ?? '')?.[1]);
    const batch = await api.client.call('jobs.list', { batch_id: batchId });
    expect(batch.items).toHaveLength(3);
    expect(new Set(batch.items.map((one) => one.params.seed)).size).toBe(3);
    for (const one of batch.items) {
      expect(one.prompt).toBe(PROMPT);
      expect(one.pinned_backend).toBe('demo');
      expect(one.params).toMatchObject({ count: 1, steps: 24, width: 512, height: 384 });
    }

    // ←/→ walk the gallery's order; the imported image shows the metadata its tool embedded.
    const order = await page
      .getByRole('grid')
      .getByRole('gridcell')
      .evaluateAll((nodes) => nodes.map((node) => Number(node.getAttribute('data-asset-id'))));
    const importedId = (await api.client.call('assets.search', { filter: { source: 'imported' } })).items[0]?.id;
    expect(importedId).toBeDefined();
    await side(page).getByRole('heading', { name: 'Prompt', exact: true }).click();
    await page.keyboard.press(order.indexOf(importedId!) > order.indexOf(generatedId) ? 'ArrowRight' : 'ArrowLeft');
    await expect(detail(page)).toHaveAccessibleName(`Image ${importedId}`);
    await expect(field(page, 'Generation', 'Source')).toHaveText('Imported');
    await expect(field(page, 'Generation', 'Made with')).toHaveText('AUTOMATIC1111');
    await expect(field(page, 'Generation', 'Seed')).toHaveText('3782896554');
    await expect(section(page, 'Cost & time')).toHaveCount(0);
    const embedded = section(page, 'Embedded metadata');
    await embedded.getByText('PNG text “parameters”').click();
    await expect(embedded.locator('.asset-detail-field').filter({ hasText: 'Sampler' }).locator('dd')).toHaveText('DPM++ 2M');
    await expect(embedded.getByLabel('PNG text “parameters”, verbatim')).toContainText('Steps: 20');
    await embedded.scrollIntoViewIfNeeded();
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'asset-detail-imported-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // Go to the Queue from the confirmation of a new job.
    await section(page, 'Generate').getByRole('button', { name: 'Generate again' }).click();
    await section(page, 'Generate').getByRole('button', { name: 'Go to the Queue' }).click();
    await expect(detail(page)).toBeHidden();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Queue');

    expect(errors).toEqual([]);
  } finally {
    api.close();
    rmSync(pics, { recursive: true, force: true });
  }
});
