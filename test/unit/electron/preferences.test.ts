import { describe, expect, it } from 'vitest';
import { Preferences, type PreferenceStore } from '../../../main/electron/preferences';

function memoryStore(initial: Record<string, unknown> = {}): PreferenceStore & { data: Map<string, unknown> } {
  const data = new Map(Object.entries(initial));
  return { data, get: (key) => data.get(key), set: (key, value) => data.set(key, value) };
}

describe('Preferences', () => {
  it('round-trips window state and the last library', () => {
    const prefs = new Preferences(memoryStore());
    prefs.saveWindowState({ x: 1, y: 2, width: 1200, height: 800, maximized: true });
    prefs.saveLastLibrary('/home/artist/Pictures/apex');
    expect(prefs.windowState()).toEqual({ x: 1, y: 2, width: 1200, height: 800, maximized: true });
    expect(prefs.lastLibrary()).toBe('/home/artist/Pictures/apex');
  });

  it('starts empty', () => {
    const prefs = new Preferences(memoryStore());
    expect(prefs.windowState()).toBeNull();
    expect(prefs.lastLibrary()).toBeUndefined();
  });

  it.each([
    ['a string', 'big'],
    ['missing size', { x: 1, y: 2 }],
    ['a tiny window', { width: 10, height: 10 }],
    ['non-numbers', { width: '1200', height: 800 }],
    ['fractions', { width: 1200.5, height: 800 }],
    ['null', null],
  ])('ignores hand-edited window state: %s', (_label, value) => {
    expect(new Preferences(memoryStore({ window: value })).windowState()).toBeNull();
  });

  it('fills in maximized when an older file lacks it', () => {
    expect(new Preferences(memoryStore({ window: { width: 900, height: 700 } })).windowState()).toEqual({ width: 900, height: 700, maximized: false });
  });

  it.each([['a number', 42], ['an empty string', ''], ['an object', { path: '/x' }]])('ignores a bad last library: %s', (_label, value) => {
    expect(new Preferences(memoryStore({ lastLibrary: value })).lastLibrary()).toBeUndefined();
  });

  it('does not write invalid values, and survives a store that throws on read', () => {
    const store = memoryStore();
    const prefs = new Preferences(store);
    prefs.saveWindowState({ width: -1, height: 5, maximized: false });
    prefs.saveLastLibrary('');
    expect(store.data.size).toBe(0);
    const throwing = new Preferences({
      get: () => {
        throw new Error('corrupt JSON');
      },
      set: () => {},
    });
    expect(throwing.windowState()).toBeNull();
  });
});
