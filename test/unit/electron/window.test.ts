import { describe, expect, it, vi } from 'vitest';
import { Preferences, type PreferenceStore } from '../../../main/electron/preferences';

/** A BrowserWindow stand-in that records what the shell asks of it. */
const fake = vi.hoisted(() => {
  const created: unknown[] = [];
  class FakeBrowserWindow {
    readonly listeners = new Map<string, () => void>();
    readonly loadURL = vi.fn(() => Promise.resolve());
    readonly maximize = vi.fn();
    readonly show = vi.fn();
    maximized = false;
    constructor(readonly options: Record<string, unknown>) {
      created.push(this);
    }
    on(name: string, listener: () => void) {
      this.listeners.set(name, listener);
      return this;
    }
    once(name: string, listener: () => void) {
      return this.on(name, listener);
    }
    getNormalBounds() {
      return { x: 10, y: 20, width: 1000, height: 700 };
    }
    isMaximized() {
      return this.maximized;
    }
  }
  const workAreas = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  return {
    created,
    FakeBrowserWindow,
    screen: { getAllDisplays: () => workAreas.map((workArea) => ({ workArea })) },
  };
});

vi.mock('electron', () => ({ BrowserWindow: fake.FakeBrowserWindow, screen: fake.screen }));

const { buildWebPreferences, createMainWindow, restorableBounds } = await import('../../../main/electron/window');

function memoryStore(initial: Record<string, unknown> = {}): PreferenceStore & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(initial));
  return { data, get: (key) => data.get(key), set: (key, value) => data.set(key, value) };
}

describe('buildWebPreferences', () => {
  it('is exactly the security baseline: isolated, sandboxed, no Node, no webview, our preload', () => {
    expect(buildWebPreferences('/app/out/preload/index.cjs')).toStrictEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      preload: '/app/out/preload/index.cjs',
    });
  });

  it('leaves webSecurity, insecure content and experimental features at their safe defaults', () => {
    const prefs = buildWebPreferences('/p.cjs');
    for (const key of ['webSecurity', 'allowRunningInsecureContent', 'experimentalFeatures', 'enableBlinkFeatures']) {
      expect(Object.hasOwn(prefs, key)).toBe(false);
    }
  });
});

describe('restorableBounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];

  it('uses a default size when nothing was saved', () => {
    expect(restorableBounds(null, screen)).toEqual({ width: 1280, height: 820 });
  });

  it('restores saved bounds that are on a screen', () => {
    expect(restorableBounds({ x: 100, y: 50, width: 1000, height: 700, maximized: false }, screen)).toEqual({ x: 100, y: 50, width: 1000, height: 700 });
  });

  it('keeps only the size when the saved position is off every screen', () => {
    expect(restorableBounds({ x: 4000, y: 50, width: 1000, height: 700, maximized: false }, screen)).toEqual({ width: 1000, height: 700 });
    expect(restorableBounds({ x: 1900, y: 1060, width: 1000, height: 700, maximized: false }, screen)).toEqual({ width: 1000, height: 700 });
  });
});

describe('createMainWindow', () => {
  it('opens the app origin with the baseline preferences and saves its bounds on close', () => {
    const store = memoryStore({ window: { x: 5, y: 5, width: 900, height: 600, maximized: true } });
    createMainWindow({ preload: '/out/preload/index.cjs', preferences: new Preferences(store) });
    const win = fake.created.at(-1) as InstanceType<typeof fake.FakeBrowserWindow>;

    expect(win.options).toMatchObject({ x: 5, y: 5, width: 900, height: 600, show: false, webPreferences: buildWebPreferences('/out/preload/index.cjs') });
    expect(win.loadURL).toHaveBeenCalledWith('apex-app://app/index.html');
    expect(win.maximize).toHaveBeenCalled();

    win.listeners.get('close')!();
    expect(store.data.get('window')).toEqual({ x: 10, y: 20, width: 1000, height: 700, maximized: false });
  });
});
