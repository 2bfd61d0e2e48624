import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { startServe } from '../helpers/serve-process';
import type { BenchResult } from './report';

/**
 * What the Chromium UI benchmarks share: the real core in browser mode (`serve`) on a prepared library,
 * Debian's Chromium driven by Playwright with the flags of playwright.config.ts, and a frame-time
 * recorder running in the page (requestAnimationFrame deltas: what the artist sees as smoothness).
 */

const ROOT = resolve(import.meta.dirname, '../..');
const RENDERER_INDEX = join(ROOT, 'out/renderer/index.html');
const CHROMIUM_PATH = '/usr/bin/chromium';
/** Same as playwright.config.ts: the e2e tests and the bench see the same browser. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const START_TIMEOUT_MS = 60_000;
export const VIEWPORT = { width: 1280, height: 800 };

/** Why a UI figure cannot be measured on this machine, or null when it can. */
export function uiBenchUnavailable(): string | null {
  if (!existsSync(CHROMIUM_PATH)) return `Chromium not found at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (!existsSync(RENDERER_INDEX)) return `${RENDERER_INDEX} is missing: run \`npm run build\` first`;
  return null;
}

/** A row that says why there is no figure, instead of a made-up one. */
export function notMeasured(name: string, target: string, reason: string): BenchResult {
  return { name, value: Number.NaN, unit: '', target, pass: false, notes: [`not measured: ${reason}`] };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/** Starts `apex-director serve --json` on `library` and waits for the URL it prints. */
export async function serveLibrary(library: string): Promise<Served> {
  const served = await startServe(library, { startTimeoutMs: START_TIMEOUT_MS });
  return { url: served.url, stop: served.stop };
}

export async function withBrowser<T>(fn: (page: Page, browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
  try {
    const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: 'light' });
    // tsx (esbuild, keepNames) wraps named functions in the callbacks we pass to page.evaluate with a
    // `__name(fn, "name")` helper that exists only in Node; give the page an identity one.
    await context.addInitScript('globalThis.__name = (fn) => fn;');
    const page = await context.newPage();
    return await fn(page, browser);
  } finally {
    await browser.close();
  }
}

interface FrameWindow {
  __apexFrames?: { deltas: number[]; running: boolean; layoutShift: number; observer: PerformanceObserver | null };
}

interface LayoutShiftEntry extends PerformanceEntry {
  value: number;
  hadRecentInput: boolean;
}

/**
 * Starts recording the time between animation frames in the page, and the layout shift score (the
 * issue's "no layout shift when live updates arrive": the sum of `layout-shift` entries not caused by input).
 */
export async function startFrameRecorder(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = { deltas: [] as number[], running: true, layoutShift: 0, observer: null as PerformanceObserver | null };
    state.observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as LayoutShiftEntry[]) if (!entry.hadRecentInput) state.layoutShift += entry.value;
    });
    state.observer.observe({ type: 'layout-shift', buffered: false });
    (window as FrameWindow).__apexFrames = state;
    let last = -1;
    const tick = (now: number) => {
      if (!state.running) return;
      if (last >= 0) state.deltas.push(now - last);
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Stops the recorder and returns every frame time (ms) since it started. */
export async function stopFrameRecorder(page: Page): Promise<number[]> {
  return (await stopRecorder(page)).frames;
}

/** Stops the recorder: frame times (ms) and the layout shift score since it started. */
export async function stopRecorder(page: Page): Promise<{ frames: number[]; layoutShift: number }> {
  return page.evaluate(() => {
    const state = (window as FrameWindow).__apexFrames;
    if (!state) return { frames: [], layoutShift: Number.NaN };
    state.running = false;
    state.observer?.disconnect();
    return { frames: state.deltas, layoutShift: state.layoutShift };
  });
}

export function frameNotes(frames: readonly number[]): string {
  const over = (limit: number) => frames.filter((f) => f > limit).length;
  return `${frames.length} frames: median ${percentile(frames, 50).toFixed(1)} ms, p95 ${percentile(frames, 95).toFixed(1)} ms, p99 ${percentile(frames, 99).toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms; ${over(20)} over 20 ms, ${over(50)} over 50 ms`;
}
