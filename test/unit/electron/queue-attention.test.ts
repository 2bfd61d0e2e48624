import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCore, type Core } from '../../../main/core';
import { useTempDirs } from '../../helpers/temp-library';

/**
 * Taskbar progress, the batch-end notification and the quit question against a real core working real
 * jobs on the offline demo backend; only `electron` is faked (app, dialog, Notification) and the window is
 * a recorder of setProgressBar calls.
 */

const fake = vi.hoisted(() => {
  const listeners = new Map<string, Array<(event: { preventDefault(): void }) => void>>();
  const notifications: Array<{ title: string; body: string; shown: boolean }> = [];
  const answers: number[] = [];
  return {
    listeners,
    notifications,
    answers,
    app: {
      on: vi.fn((name: string, listener: (event: { preventDefault(): void }) => void) => {
        listeners.set(name, [...(listeners.get(name) ?? []), listener]);
      }),
      removeListener: vi.fn((name: string, listener: unknown) => {
        listeners.set(name, (listeners.get(name) ?? []).filter((l) => l !== listener));
      }),
      quit: vi.fn(),
    },
    dialog: {
      showMessageBox: vi.fn(async () => ({ response: answers.shift() ?? 1, checkboxChecked: false })),
    },
    Notification: class {
      static isSupported(): boolean {
        return true;
      }
      readonly entry: { title: string; body: string; shown: boolean };
      constructor(options: { title: string; body: string }) {
        this.entry = { ...options, shown: false };
        notifications.push(this.entry);
      }
      show() {
        this.entry.shown = true;
      }
    },
  };
});

vi.mock('electron', () => ({ app: fake.app, dialog: fake.dialog, Notification: fake.Notification }));

const { installQueueAttention, batchEndBody } = await import('../../../main/electron/queue-attention');

const tempDir = useTempDirs();
const cleanups: Array<() => Promise<void> | void> = [];
beforeEach(() => {
  fake.listeners.clear();
  fake.notifications.length = 0;
  fake.answers.length = 0;
  vi.clearAllMocks();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function fakeWindow() {
  const progress: Array<{ value: number; mode: string | undefined }> = [];
  return {
    progress,
    isDestroyed: () => false,
    setProgressBar: (value: number, options?: { mode?: string }) => progress.push({ value, mode: options?.mode }),
  };
}

async function open(latencyMs: number): Promise<Core> {
  const core = await createCore({ library: join(tempDir(), 'library'), eventIntervalMs: 10 });
  cleanups.push(() => core.close());
  await core.client.call('config.update', { backends: { demo: { latency_ms: latencyMs, max_concurrency: 2 } }, orchestrator: { max_concurrent_jobs: 2 } });
  return core;
}

const demoJobs = (n: number) => Array.from({ length: n }, (_, i) => ({ prompt: `fox ${i}`, backend: 'demo' as const, params: { width: 64, height: 64 } }));

function beforeQuit(): { prevented: boolean } {
  const event = { prevented: false, preventDefault() { event.prevented = true; } };
  for (const listener of fake.listeners.get('before-quit') ?? []) listener(event);
  return event;
}

describe('queue attention (Electron)', () => {
  it('follows a batch on the taskbar and notifies when it ends, with its counts', async () => {
    const core = await open(5);
    const win = fakeWindow();
    const attention = installQueueAttention({ client: core.client, window: () => win as never, intervalMs: 10 });
    cleanups.push(() => attention.dispose());
    const { job_ids } = await core.client.call('jobs.submitBatch', { name: 'foxes', jobs: demoJobs(12) });
    await attention.refresh();
    expect(win.progress.at(-1)).toEqual({ value: 0, mode: 'normal' });
    await core.client.call('jobs.cancel', { ids: [job_ids[11]!] });
    expect(await core.startOrchestrator()).toBe(true);
    await core.pipeline.orchestrator.whenIdle();
    await until(() => fake.notifications.length === 1, 'the batch-end notification');
    expect(fake.notifications[0]).toEqual({ title: 'foxes finished', body: '11 done, 1 canceled', shown: true });
    await until(() => win.progress.at(-1)?.value === -1, 'the taskbar progress to clear');
    // Progress only ever moved forward while the batch ran.
    const values = win.progress.filter((p) => p.value >= 0).map((p) => p.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true);
  });

  it('asks before quitting while jobs wait, and quits only when told', async () => {
    const core = await open(0);
    const win = fakeWindow();
    const attention = installQueueAttention({ client: core.client, window: () => win as never, intervalMs: 10 });
    cleanups.push(() => attention.dispose());
    await attention.refresh();
    expect(beforeQuit().prevented).toBe(false); // nothing queued: quit at once

    await core.client.call('jobs.submitBatch', { name: 'later', jobs: demoJobs(3) });
    await attention.refresh();
    fake.answers.push(1); // Keep running
    expect(beforeQuit().prevented).toBe(true);
    await until(() => fake.dialog.showMessageBox.mock.calls.length === 1, 'the question');
    const question = (fake.dialog.showMessageBox.mock.calls[0] as unknown[]).at(-1) as { buttons: string[]; message: string };
    expect(question.buttons).toEqual(['Quit — jobs resume next start', 'Keep running']);
    expect(question.message).toBe('3 jobs still queued');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.app.quit).not.toHaveBeenCalled();

    fake.answers.push(0); // Quit
    expect(beforeQuit().prevented).toBe(true);
    await until(() => fake.app.quit.mock.calls.length === 1, 'the quit');
    expect(beforeQuit().prevented).toBe(false); // the quit it started goes through

    attention.dispose();
    expect(fake.listeners.get('before-quit')).toEqual([]);
  });

  it.skipIf(process.platform === 'darwin')('asks when the window closes with jobs queued, and keeps it open when told to', async () => {
    const core = await open(0);
    const closeListeners: Array<(event: { preventDefault(): void }) => void> = [];
    const win = { ...fakeWindow(), on: (name: string, listener: (event: { preventDefault(): void }) => void) => name === 'close' && closeListeners.push(listener) };
    const attention = installQueueAttention({ client: core.client, window: () => win as never, intervalMs: 10 });
    cleanups.push(() => attention.dispose());
    for (const listener of fake.listeners.get('browser-window-created') ?? []) (listener as unknown as (event: unknown, created: unknown) => void)({}, win);
    expect(closeListeners).toHaveLength(1);

    await core.client.call('jobs.submitBatch', { name: 'later', jobs: demoJobs(2) });
    await attention.refresh();
    fake.answers.push(1); // Keep running
    const event = { prevented: false, preventDefault() { event.prevented = true; } };
    closeListeners[0]!(event);
    expect(event.prevented).toBe(true);
    await until(() => fake.dialog.showMessageBox.mock.calls.length === 1, 'the question');
    // The question is asked with the window as its parent, and nothing quits.
    expect(fake.dialog.showMessageBox.mock.calls[0]).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(fake.app.quit).not.toHaveBeenCalled();
  });

  it('words the notification body with failures and spend', () => {
    const body = batchEndBody({
      id: 1, name: 'x', source_file: null, created_at: 0, total: 50, counts: { queued: 0, running: 0, succeeded: 48, failed: 2, canceled: 0, held: 0 },
      images_done: 48, images_wanted: 50, spent_usd: 1.92, remaining_usd: 0, remaining_partial: false, started_at: 0, finished_at: 1, eta: { remaining_ms: null, basis: null },
    });
    expect(body).toBe('48 done, 2 failed · spent $1.92');
  });
});
