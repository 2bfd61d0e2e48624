/**
 * Every keyboard shortcut of the app, in one list: the help overlay (`?`) renders it, so a shortcut that
 * is not listed here does not exist for the artist. Features add their rows here when they bind a key.
 * `keys` uses "Mod" for Ctrl on Windows/Linux and ⌘ on macOS.
 */
export interface ShortcutDefinition {
  keys: readonly string[];
  description: string;
  /** Where it works: "Everywhere" or the panel's name. */
  scope: string;
}

export const SHORTCUTS: readonly ShortcutDefinition[] = [
  { keys: ['1', '…', '5'], description: 'Switch panel (Queue, Gallery, Estimate, Settings, Health)', scope: 'Everywhere' },
  { keys: ['Mod', '1', '…', '5'], description: 'Switch panel, even while typing', scope: 'Everywhere' },
];
