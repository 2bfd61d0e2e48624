import type { ShortcutDefinition } from './shortcuts';

/** How the help overlay presents SHORTCUTS: pure, so it is unit-tested without a DOM. */

/** Keys that combine with the next one ("Mod + Enter") rather than being alternatives ("← → ↑ ↓"). */
const MODIFIERS = new Set(['Mod', 'Ctrl', 'Shift', 'Alt']);

export function isModifier(key: string): boolean {
  return MODIFIERS.has(key);
}

export function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
}

/** "Mod" is ⌘ on macOS and Ctrl elsewhere, as the shortcuts themselves are bound. */
export function keyLabel(key: string, mac: boolean = isMac()): string {
  if (key === 'Mod') return mac ? '⌘' : 'Ctrl';
  return key;
}

/** Scopes in first-seen order of SHORTCUTS, "Everywhere" first. */
export function groupShortcuts(shortcuts: readonly ShortcutDefinition[]): Array<{ scope: string; rows: ShortcutDefinition[] }> {
  const groups = new Map<string, ShortcutDefinition[]>();
  for (const shortcut of shortcuts) {
    const rows = groups.get(shortcut.scope) ?? [];
    rows.push(shortcut);
    groups.set(shortcut.scope, rows);
  }
  const list = [...groups].map(([scope, rows]) => ({ scope, rows }));
  return [...list.filter((g) => g.scope === 'Everywhere'), ...list.filter((g) => g.scope !== 'Everywhere')];
}
