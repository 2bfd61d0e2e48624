/**
 * The colour theme: follow the operating system (the default) or force light or dark. The choice lives in
 * localStorage (a per-machine display preference, not library config) and is applied as `data-theme` on
 * <html>; tokens.css turns that into `color-scheme`, which every token reads through `light-dark()`, so
 * the override wins whichever way the OS is set.
 */

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export const THEME_LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export const THEME_STORAGE_KEY = 'apex.theme';

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return typeof value === 'string' && (THEME_CHOICES as readonly string[]).includes(value);
}

/** The stored choice; "system" when nothing (or something unknown) is stored or storage is unavailable. */
export function readThemeChoice(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): ThemeChoice {
  try {
    const stored = storage?.getItem(THEME_STORAGE_KEY);
    return isThemeChoice(stored) ? stored : 'system';
  } catch {
    // Storage can throw (disabled, sandboxed); the OS theme is the right fallback.
    return 'system';
  }
}

export function storeThemeChoice(choice: ThemeChoice, storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined = globalThis.localStorage): void {
  try {
    if (choice === 'system') storage?.removeItem(THEME_STORAGE_KEY);
    else storage?.setItem(THEME_STORAGE_KEY, choice);
  } catch {
    // Not persisted this time; the choice still applies to this window.
  }
}

/** "system" removes the attribute, so only the OS decides. */
export function applyThemeChoice(choice: ThemeChoice, root: Pick<HTMLElement, 'dataset'> | undefined = globalThis.document?.documentElement): void {
  if (!root) return;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}
