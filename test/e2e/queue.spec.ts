import type { Page } from '@playwright/test';
import { formatViolations, seriousViolations } from './a11y';
import { connectApi, expect, requireChromium, test } from './fixtures';
import { collectPageErrors, screenshot } from './page-helpers';

requireChromium();

/**
 * The Queue panel against the real core in browser mode: a batch submitted through the contract (as another
 * window or the CLI would) runs on the offline demo backend while the panel follows it live; the artist
 * cancels, retries, reorders, reprioritises, pauses and resumes, and reads why a job failed.
 */

const openQueue = (page: Page) => page.getByRole('navigation', { name: 'Panels' }).getByRole('button', { name: 'Queue' }).click();
const jobList = (page: Page) => page.getByRole('list', { name: 'Jobs by batch' });
const checkbox = (page: Page, id: number) => jobList(page).getByRole('checkbox', { name: `Select job ${id}`, exact: true });

test('a submitted batch runs to the end in the panel: run next, priority, cancel, why, retry, pause and resume', async ({ page, app }) => {
  test.setTimeout(90_000);
  const errors = collectPageErrors(page);
  const api = await connectApi(app);
  try {
    await page.goto(app.url);
    await openQueue(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Queue');
    // The empty state says what to do.
    await expect(page.getByText('Type a prompt above or drop a batch file anywhere on the window', { exact: false })).toBeVisible();

    // Held still while we arrange it: the queue is paused before the batch arrives.
    await page.getByRole('button', { name: 'Pause queue' }).click();
    await expect(page.getByRole('status').filter({ hasText: /^Paused/ })).toBeVisible();
    const { batch_id, job_ids } = await api.client.call('jobs.submitBatch', {
      name: 'harbours',
      jobs: Array.from({ length: 8 }, (_, i) => ({ prompt: `a harbour at hour ${i}`, backend: 'demo' as const, params: { width: 128, height: 128 } })),
    });

    // The batch appears by itself, open, with its jobs in queue order.
    await expect(page.getByRole('button', { name: /^harbours/ })).toHaveAttribute('aria-expanded', 'true');
    for (const id of job_ids) await expect(checkbox(page, id)).toBeVisible();
    await expect(page.getByText(/8 jobs · 8 queued · 0 running · 0 done/)).toBeVisible();

    // Run next: the last job moves to the front of the list.
    await checkbox(page, job_ids[7]!).check();
    await expect(page.getByText('1 job selected')).toBeVisible();
    await page.getByRole('toolbar').getByRole('button', { name: 'Run next', exact: true }).click();
    await expect(jobList(page).getByRole('checkbox').first()).toHaveAccessibleName(`Select job ${job_ids[7]}`);
    expect((await api.client.call('jobs.list', { batch_id, limit: 1 })).items[0]!.id).toBe(job_ids[7]);
    await page.getByRole('toolbar').getByRole('button', { name: 'Clear' }).click();

    // Priority for a selection.
    await checkbox(page, job_ids[6]!).check();
    await page.getByRole('toolbar').getByLabel('Priority').selectOption('5');
    await expect.poll(async () => (await api.client.call('jobs.get', { id: job_ids[6]! })).job.priority).toBe(5);
    await page.keyboard.press('Escape');
    await expect(page.getByText('No jobs selected')).toBeVisible();

    // Delete cancels the selection, after asking.
    await checkbox(page, job_ids[0]!).check();
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('Delete');
    const confirm = page.getByRole('dialog', { name: 'Cancel 1 job?' });
    await expect(confirm).toBeVisible();
    await confirm.getByRole('button', { name: 'Cancel 1 job' }).click();
    await expect(page.getByRole('button', { name: `Why job ${job_ids[0]} was canceled` })).toBeVisible();

    // Why: the reason in plain words beside the core's own message; retry from there.
    await page.getByRole('button', { name: `Why job ${job_ids[0]} was canceled` }).click();
    const detail = page.getByRole('dialog', { name: `Job ${job_ids[0]}` });
    await expect(detail.getByText('You canceled this job.')).toBeVisible();
    await expect(detail.getByText('Canceled by the artist.')).toBeVisible();
    expect(formatViolations('job detail', await seriousViolations(page, 'dialog[open]'))).toBe('job detail: no serious or critical axe violations');
    await detail.getByRole('button', { name: 'Retry job' }).click();
    await expect(detail).toBeHidden();
    await expect(page.getByText(/9 jobs · 8 queued · 0 running · 0 done · 0 failed/)).toBeVisible();

    expect(formatViolations('queue panel, paused', await seriousViolations(page))).toBe('queue panel, paused: no serious or critical axe violations');
    await screenshot(page, 'queue-paused');

    // Space resumes (focus outside any control); the batch runs to the end live in the panel.
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Pause queue' })).toBeVisible();
    await expect(page.getByText(/9 jobs · 0 queued · 0 running · 8 done · 0 failed/)).toBeVisible({ timeout: 30_000 });
    await expect(page.getByText(/8\/9 images/)).toBeVisible();
    await expect(page.locator('.stat-tile', { hasText: 'Done' }).locator('.stat-tile-value')).toHaveText('8');
    await expect(checkbox(page, job_ids[7]!).locator('xpath=..')).toContainText('Done');

    // Space pauses again, and the core agrees.
    await page.getByRole('heading', { level: 1 }).click();
    await page.keyboard.press('Space');
    await expect(page.getByRole('button', { name: 'Resume queue' })).toBeVisible();
    expect((await api.client.call('queue.state')).paused).toBe(true);
    await page.getByRole('button', { name: 'Resume queue' }).click();
    await expect.poll(async () => (await api.client.call('queue.state')).paused).toBe(false);

    // Collapsing a batch hides its jobs; opening it shows them again.
    await page.getByRole('button', { name: /^harbours/ }).click();
    await expect(checkbox(page, job_ids[1]!)).toHaveCount(0);
    await page.getByRole('button', { name: /^harbours/ }).click();
    await expect(checkbox(page, job_ids[1]!)).toBeVisible();
    await screenshot(page, 'queue-done');
    expect(errors).toEqual([]);
  } finally {
    api.close();
  }
});

test('a failed job says why in plain words, with the service’s own message, and filters find it', async ({ page, app }) => {
  test.setTimeout(60_000);
  const errors = collectPageErrors(page);
  const api = await connectApi(app);
  try {
    // An SDXL server that is not there, and one attempt per job: the job fails at once with the connection error.
    await api.client.call('config.update', { orchestrator: { max_attempts: 1 }, backends: { sdxl: { base_url: 'http://127.0.0.1:9' } } });
    const { job_ids } = await api.client.call('jobs.submitBatch', {
      name: 'mixed',
      jobs: [
        { prompt: 'a castle on a hill', backend: 'sdxl' as const, params: { width: 512, height: 512 } },
        { prompt: 'a boat at sea', backend: 'demo' as const, params: { width: 128, height: 128 } },
      ],
    });
    await expect.poll(async () => (await api.client.call('jobs.get', { id: job_ids[0]! })).job.status, { timeout: 30_000 }).toBe('failed');
    await expect.poll(async () => (await api.client.call('jobs.get', { id: job_ids[1]! })).job.status, { timeout: 30_000 }).toBe('succeeded');

    await page.goto(app.url);
    await openQueue(page);
    await expect(page.getByText(/2 jobs · 0 queued · 0 running · 1 done · 1 failed/)).toBeVisible();
    await page.getByRole('toolbar').getByLabel('Status').selectOption('failed');
    await expect(checkbox(page, job_ids[0]!)).toBeVisible();
    await expect(checkbox(page, job_ids[1]!)).toHaveCount(0);

    await page.getByRole('button', { name: `Why job ${job_ids[0]} failed` }).click();
    const detail = page.getByRole('dialog', { name: `Job ${job_ids[0]}` });
    const reason = detail.getByRole('region', { name: 'Why it stopped' });
    await expect(reason).toBeVisible();
    await expect(reason.locator('.queue-failure-sentence')).not.toBeEmpty();
    await expect(reason.getByText('The service said:')).toBeVisible();
    await expect(detail.getByRole('table', { name: 'Attempts' })).toContainText('SDXL (local)');
    await screenshot(page, 'queue-failure');
    await page.keyboard.press('Escape');

    await page.getByRole('toolbar').getByLabel('Status').selectOption('all');
    await expect(checkbox(page, job_ids[1]!)).toBeVisible();
    expect(errors).toEqual([]);
  } finally {
    api.close();
  }
});
