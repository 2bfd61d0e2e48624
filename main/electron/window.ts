import { BrowserWindow, screen, type Rectangle, type WebPreferences } from 'electron';
import type { Preferences, WindowState } from './preferences';
import { APP_ENTRY_URL } from './security/trusted-sender';

const DEFAULT_SIZE = { width: 1280, height: 820 };

/**
 * The security baseline of every window (Electron checklist 2–4, 11): no Node in the page, isolated and
 * sandboxed, no webviews. webSecurity, allowRunningInsecureContent and experimental features keep their safe
 * defaults by not being mentioned. Pure so a unit test pins it.
 */
export function buildWebPreferences(preload: string): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    preload,
  };
}

/**
 * Saved bounds are reused only if the window would still be visible: a monitor unplugged since last time
 * would otherwise open the app off-screen. Position is dropped (Electron centres it), size kept.
 */
export function restorableBounds(saved: WindowState | null, workAreas: readonly Rectangle[]): Partial<Rectangle> & { width: number; height: number } {
  if (!saved) return { ...DEFAULT_SIZE };
  const size = { width: saved.width, height: saved.height };
  if (saved.x === undefined || saved.y === undefined) return size;
  const rect = { x: saved.x, y: saved.y, ...size };
  return workAreas.some((area) => intersects(rect, area)) ? rect : size;
}

function intersects(a: Rectangle, b: Rectangle): boolean {
  const MIN_VISIBLE = 48; // enough of the title bar to grab
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width >= MIN_VISIBLE && height >= MIN_VISIBLE;
}

export function createMainWindow(options: { preload: string; preferences: Preferences }): BrowserWindow {
  const saved = options.preferences.windowState();
  const bounds = restorableBounds(
    saved,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const win = new BrowserWindow({
    ...bounds,
    minWidth: 800,
    minHeight: 560,
    title: 'APEX Director',
    show: false,
    backgroundColor: '#14161a',
    webPreferences: buildWebPreferences(options.preload),
  });
  if (saved?.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    const normal = win.getNormalBounds();
    options.preferences.saveWindowState({ ...normal, maximized: win.isMaximized() });
  });
  void win.loadURL(APP_ENTRY_URL);
  return win;
}
