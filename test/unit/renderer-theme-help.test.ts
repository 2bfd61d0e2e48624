import { describe, expect, it } from 'vitest';
import { groupShortcuts, isModifier, keyLabel } from '../../renderer/src/app/help-shortcuts';
import { SHORTCUTS } from '../../renderer/src/app/shortcuts';
import { applyThemeChoice, readThemeChoice, storeThemeChoice, THEME_STORAGE_KEY } from '../../renderer/src/app/theme';

/** A Storage made of a Map: the real interface, in memory. */
function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map(Object.entries(initial));
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

describe('theme choice', () => {
  it('defaults to the OS, and ignores what it does not know', () => {
    expect(readThemeChoice(memoryStorage())).toBe('system');
    expect(readThemeChoice(memoryStorage({ [THEME_STORAGE_KEY]: 'sepia' }))).toBe('system');
    expect(readThemeChoice(memoryStorage({ [THEME_STORAGE_KEY]: 'dark' }))).toBe('dark');
  });

  it('falls back to the OS when storage throws', () => {
    const broken = { getItem: (): string | null => { throw new Error('SecurityError'); } };
    expect(readThemeChoice(broken)).toBe('system');
  });

  it('stores a forced theme and forgets it for "system"', () => {
    const storage = memoryStorage();
    storeThemeChoice('light', storage);
    expect(storage.map.get(THEME_STORAGE_KEY)).toBe('light');
    expect(readThemeChoice(storage)).toBe('light');
    storeThemeChoice('system', storage);
    expect(storage.map.has(THEME_STORAGE_KEY)).toBe(false);
  });

  it('sets data-theme for a forced theme and removes it for the OS', () => {
    const root: { dataset: DOMStringMap } = { dataset: {} };
    applyThemeChoice('dark', root);
    expect(root.dataset.theme).toBe('dark');
    applyThemeChoice('light', root);
    expect(root.dataset.theme).toBe('light');
    applyThemeChoice('system', root);
    expect(root.dataset.theme).toBeUndefined();
  });
});

describe('help overlay', () => {
  it('lists ? itself, under Everywhere, which comes first', () => {
    const groups = groupShortcuts(SHORTCUTS);
    expect(groups[0]?.scope).toBe('Everywhere');
    expect(groups[0]?.rows.some((row) => row.keys.length === 1 && row.keys[0] === '?')).toBe(true);
    // Every shortcut appears exactly once.
    expect(groups.reduce((n, g) => n + g.rows.length, 0)).toBe(SHORTCUTS.length);
    expect(new Set(groups.map((g) => g.scope)).size).toBe(groups.length);
  });

  it('draws Mod as ⌘ on macOS and Ctrl elsewhere', () => {
    expect(keyLabel('Mod', true)).toBe('⌘');
    expect(keyLabel('Mod', false)).toBe('Ctrl');
    expect(keyLabel('Enter', true)).toBe('Enter');
    expect(isModifier('Shift')).toBe(true);
    expect(isModifier('←')).toBe(false);
  });
});
