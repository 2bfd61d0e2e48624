import { app, dialog, Notification, type BrowserWindow } from 'electron';
import type { ApexClient } from '../../shared/client';
import type { BatchSummary } from '../../shared/domain/batches';

/**
 * The desktop's side of the queue (issue 8 part 2): the taskbar/dock progress of the batches being worked,
 * a system notification when a batch ends, and a question before quitting while jobs run. Everything comes
 * from the core's events and contract calls; nothing here decides anything about the queue itself.
 */
export interface QueueAttentionOptions {
  /** The core (or the library host): its contract calls and events. */
  client: Pick<ApexClient, 'call' | 'on'>;
  window(): BrowserWindow | null;
  /** Events come in bursts; the taskbar follows at most this often. */
  intervalMs?: number;
  log?: (message: string, error: unknown) => void;
}

export interface QueueAttention {
  /** Reads the queue now (also runs by itself after each burst of events). */
  refresh(): Promise<void>;
  dispose(): void;
}

/** Batches read for the taskbar: the newest ones, which is where running work is. */
const BATCHES_READ = 50;

export function installQueueAttention(options: QueueAttentionOptions): QueueAttention {
  const { client } = options;
  const intervalMs = options.intervalMs ?? 1_000;
  /** Batches seen with unfinished work in this session: only those announce their end. */
  const active = new Map<number, BatchSummary>();
  /** Jobs queued or running at the last reading, for the quit question (it must be answered synchronously). */
  let unfinished = 0;
  let running = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  let quitting = false;
  let asking = false;
  let disposed = false;

  /** One reading at a time; a call during one gets a fresh reading right after it (never a stale answer). */
  const refresh = (): Promise<void> => {
    if (inFlight) {
      next ??= inFlight.then(() => {
        next = null;
        return disposed ? undefined : refresh();
      });
      return next;
    }
    inFlight = read()
      .catch((error: unknown) => options.log?.('queue attention: reading the queue failed', error))
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  const read = async () => {
    const [list, state] = await Promise.all([client.call('batches.list', { limit: BATCHES_READ }), client.call('queue.state')]);
    if (disposed) return;
    unfinished = state.counts.queued + state.counts.running;
    running = state.counts.running;
    const groups = list.items;
    const working = groups.filter((g) => g.counts.queued + g.counts.running + g.counts.held > 0);
    for (const batch of groups) {
      if (batch.id === null) continue;
      const isWorking = working.includes(batch);
      if (isWorking) active.set(batch.id, batch);
      else if (active.has(batch.id)) {
        active.delete(batch.id);
        announceEnd(batch);
      }
    }
    setProgress(working, state.paused);
  };

  const setProgress = (working: readonly BatchSummary[], paused: boolean) => {
    const win = options.window();
    if (!win || win.isDestroyed()) return;
    if (working.length === 0) {
      win.setProgressBar(-1);
      return;
    }
    const total = working.reduce((n, b) => n + b.total, 0);
    const done = working.reduce((n, b) => n + b.counts.succeeded + b.counts.failed + b.counts.canceled, 0);
    const ratio = total > 0 ? done / total : 0;
    win.setProgressBar(ratio, { mode: paused ? 'paused' : working.some((b) => b.counts.failed > 0) ? 'error' : 'normal' });
  };

  const announceEnd = (batch: BatchSummary) => {
    if (!Notification.isSupported()) return;
    const name = batch.name ?? batch.source_file?.split(/[\\/]/).at(-1) ?? `Batch ${batch.id}`;
    new Notification({ title: `${name} finished`, body: batchEndBody(batch) }).show();
  };

  const schedule = () => {
    if (timer || disposed) return;
    timer = setTimeout(() => {
      timer = null;
      void refresh();
    }, intervalMs);
  };

  /** Asks "quit or keep running?"; true when the artist chose to quit. */
  const ask = async (): Promise<boolean> => {
    const win = options.window();
    const question = {
      type: 'question' as const,
      buttons: ['Quit — jobs resume next start', 'Keep running'],
      defaultId: 1,
      cancelId: 1,
      noLink: true,
      message: running > 0 ? `${count(running, 'job')} running, ${count(unfinished - running, 'more')} queued` : `${count(unfinished, 'job')} still queued`,
      detail: 'Quitting stops them cleanly: nothing is lost, and the queue carries on the next time APEX Director starts. A call that is cut off may still be billed by a paid service.',
    };
    const { response } = win && !win.isDestroyed() ? await dialog.showMessageBox(win, question) : await dialog.showMessageBox(question);
    return response === 0;
  };

  const quitIfTold = (event: Electron.Event) => {
    if (quitting || unfinished === 0) return;
    event.preventDefault();
    if (asking) return;
    asking = true;
    void ask()
      .then((quit) => {
        if (!quit) return;
        quitting = true;
        app.quit();
      })
      .finally(() => {
        asking = false;
      });
  };

  // Closing the last window quits on Windows and Linux: ask there, while the window (and the way back) still
  // exists. On macOS closing the window keeps the app and its queue running, so only Quit asks.
  const onWindowCreated = (_event: Electron.Event, win: BrowserWindow) => {
    if (process.platform === 'darwin') return;
    win.on('close', quitIfTold);
  };

  const stops = [client.on('jobs.changed', schedule), client.on('stats.changed', schedule), client.on('library.changed', () => {
    active.clear();
    schedule();
  })];
  app.on('before-quit', quitIfTold);
  app.on('browser-window-created', onWindowCreated);
  void refresh();

  return {
    refresh,
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      stops.forEach((stop) => stop());
      app.removeListener('before-quit', quitIfTold);
      app.removeListener('browser-window-created', onWindowCreated);
    },
  };
}

/** "48 done, 2 failed · $1.92" */
export function batchEndBody(batch: BatchSummary): string {
  const parts = [`${batch.counts.succeeded.toLocaleString('en-US')} done`];
  if (batch.counts.failed > 0) parts.push(`${batch.counts.failed.toLocaleString('en-US')} failed`);
  if (batch.counts.canceled > 0) parts.push(`${batch.counts.canceled.toLocaleString('en-US')} canceled`);
  const spent = batch.spent_usd > 0 ? ` · spent $${batch.spent_usd.toFixed(2)}` : '';
  return `${parts.join(', ')}${spent}`;
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun === 'job' && n !== 1 ? 'jobs' : noun}`;
}
