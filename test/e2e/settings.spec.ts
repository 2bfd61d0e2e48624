import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { connectApi, expect, requireChromium, test, type ServedApp } from './fixtures';
import { collectPageErrors } from './page-helpers';

requireChromium();

/** The Settings panel against the real core in browser mode: editing, keys, checkpoints, switching libraries. */

async function openSettings(page: Page, app: ServedApp): Promise<void> {
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
}

const cascadeNames = (page: Page) => page.getByRole('list', { name: /Backend cascade/ }).locator('.cascade-name strong').allTextContents();

test('the cascade reorders by keyboard, a backend is disabled and a budget cap set; Save applies them', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  const api = await connectApi(app);
  try {
    await openSettings(page, app);
    await expect.poll(() => cascadeNames(page)).toEqual(['Nano Banana', 'Imagen', 'MiniMax', 'SDXL (local)', 'Demo (offline)']);
    await expect(page.getByText('No unsaved changes.')).toBeVisible();

    // Keyboard only: focus MiniMax's "Move up" and press Enter twice.
    const moveUp = page.getByRole('button', { name: 'Move MiniMax up' });
    await moveUp.focus();
    await page.keyboard.press('Enter');
    await moveUp.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => cascadeNames(page)).toEqual(['MiniMax', 'Nano Banana', 'Imagen', 'SDXL (local)', 'Demo (offline)']);
    await expect(page.getByRole('button', { name: 'Move MiniMax up' })).toBeDisabled();

    await page.getByRole('switch', { name: 'Use Imagen' }).uncheck();
    await page.getByLabel('Daily cap').fill('5');
    await expect(page.getByText(/unsaved changes/)).toBeVisible();

    // A bad value is named next to its field and blocks Save until it is fixed.
    await page.getByLabel('Attempts per job').fill('0');
    await expect(page.getByText('at least 1', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    await page.getByLabel('Attempts per job').fill('4');

    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByText('Saved.')).toBeVisible();

    const config = await api.client.call('config.get');
    expect(config.backends.minimax.priority).toBeLessThan(config.backends.nano_banana.priority);
    expect(config.backends.nano_banana.priority).toBeLessThan(config.backends.imagen.priority);
    expect(config.backends.imagen.enabled).toBe(false);
    expect(config.budget.daily_usd).toBe(5);
    expect(config.orchestrator.max_attempts).toBe(4);

    // Revert brings back what is saved.
    await page.getByLabel('Monthly cap').fill('100');
    await page.getByRole('button', { name: 'Revert' }).click();
    await expect(page.getByLabel('Monthly cap')).toHaveValue('');
    await expect(page.getByText('No unsaved changes.')).toBeVisible();

    // Drag and drop (native HTML5): Demo's row dropped on the first row goes to the top.
    const cascade = page.getByRole('list', { name: /Backend cascade/ });
    await cascade.getByRole('listitem', { name: '5. Demo (offline)' }).locator('[draggable="true"]').dragTo(cascade.getByRole('listitem', { name: '1. MiniMax' }));
    await expect.poll(() => cascadeNames(page)).toEqual(['Demo (offline)', 'MiniMax', 'Nano Banana', 'Imagen', 'SDXL (local)']);
    await expect(page.getByText(/unsaved change/)).toBeVisible();
    await page.getByRole('button', { name: 'Revert' }).click();
    await expect.poll(() => cascadeNames(page)).toEqual(['MiniMax', 'Nano Banana', 'Imagen', 'SDXL (local)', 'Demo (offline)']);
    expect(errors).toEqual([]);
  } finally {
    api.close();
  }
});

test('an API key is written, never shown, and removed', async ({ page, app }) => {
  const api = await connectApi(app);
  const secret = 'mm-e2e-secret-7d1c93';
  try {
    await openSettings(page, app);
    const status = page.getByTestId('key-status-minimax');
    await expect(status).toHaveText('Not set');

    const input = page.getByLabel('MiniMax API key');
    await expect(input).toHaveAttribute('type', 'password');
    await input.fill(secret);
    await page.getByRole('button', { name: 'Save MiniMax key' }).click();
    await expect(status).toHaveText(/^Set (in keychain|for this session only)$/);
    await expect(input).toHaveValue('');
    // The value never comes back: not on the page, not from the core.
    expect(await page.content()).not.toContain(secret);
    const keys = await api.client.call('keys.status');
    expect(keys.items.find((item) => item.backend === 'minimax')?.set).toBe(true);
    expect(JSON.stringify(keys)).not.toContain(secret);

    await page.getByRole('button', { name: 'Remove MiniMax key' }).click();
    await expect(status).toHaveText('Not set');
  } finally {
    // Never leave a key behind in a real keychain.
    await api.client.call('keys.delete', { backend: 'minimax' }).catch(() => undefined);
    api.close();
  }
});

test('a checkpoint is created and, after a confirmation that says what happens, restored', async ({ page, app }) => {
  const api = await connectApi(app);
  try {
    await openSettings(page, app);
    await expect(page.getByText('No checkpoints yet.', { exact: false })).toBeVisible();
    await page.getByLabel('Checkpoint name').fill('before the fox');
    await page.getByRole('button', { name: 'Create checkpoint' }).click();
    await expect(page.getByText('Checkpoint “before the fox” created.')).toBeVisible();
    const table = page.getByRole('table', { name: 'Checkpoints, newest first' });
    await expect(table.getByRole('row', { name: /before the fox/ })).toContainText('0 jobs');

    // Something changes after the checkpoint: a job is queued (the queue is paused so it stays queued).
    await api.client.call('queue.pause');
    await api.client.call('jobs.submit', { prompt: 'a fox in the snow', backend: 'demo' });
    expect((await api.client.call('jobs.list', {})).items).toHaveLength(1);

    await page.getByRole('button', { name: 'Restore before the fox' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore “before the fox”?' });
    await expect(dialog).toContainText('A safety checkpoint of everything as it is now is made first');
    await expect(dialog).toContainText('No image file is deleted');
    await dialog.getByRole('button', { name: 'Restore checkpoint' }).click();
    await expect(page.getByText(/^Restored “before the fox”/)).toBeVisible();
    await expect(dialog).toBeHidden();

    expect((await api.client.call('jobs.list', {})).items).toEqual([]);
    // The safety checkpoint holds the state before the restore (the queued job).
    await expect(table.getByRole('row', { name: /before restoring/ })).toContainText('1 job');
  } finally {
    api.close();
  }
});

test('a new library is created from Settings and the app reloads onto it', async ({ page, app }) => {
  const errors = collectPageErrors(page);
  const parent = realpathSync(mkdtempSync(join(tmpdir(), 'apex-e2e-newlib-')));
  const target = join(parent, 'second library');
  const api = await connectApi(app);
  try {
    await openSettings(page, app);
    await expect(page.getByTestId('current-library')).toHaveText(app.reportedLibrary);

    // A relative path is refused before anything is sent.
    await page.getByLabel('Library folder path').fill('relative/folder');
    await page.getByRole('button', { name: 'Create new library' }).click();
    await expect(page.getByText(/Give the full path/)).toBeVisible();

    await page.getByLabel('Library folder path').fill(target);
    await page.getByRole('button', { name: 'Create new library' }).click();
    // The page reloads (library.changed) and comes back on Settings with the new library open.
    await expect(page.getByTestId('current-library')).toHaveText(target, { timeout: 20_000 });
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
    await expect(page.getByRole('list', { name: 'Recent libraries' })).toContainText(app.reportedLibrary);

    // The core behind the same server now works on the new library.
    const status = await api.client.call('system.status');
    expect(status.library.path).toBe(target);
    expect((await api.client.call('jobs.list', {})).items).toEqual([]);
    expect(errors).toEqual([]);
  } finally {
    // Back to the fixture's library, so the folder removed below is not the one the server has open.
    await api.client.call('library.open', { path: app.reportedLibrary }).catch(() => undefined);
    api.close();
    rmSync(parent, { recursive: true, force: true });
  }
});
