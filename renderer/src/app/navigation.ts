/** The panels of the app frame, in rail order; the digit is the keyboard shortcut (plain or with Ctrl/⌘). */
export const PANELS = [
  { id: 'queue', label: 'Queue', shortcut: '1', group: 'workspace' },
  { id: 'gallery', label: 'Gallery', shortcut: '2', group: 'workspace' },
  { id: 'estimate', label: 'Estimate', shortcut: '3', group: 'workspace' },
  { id: 'settings', label: 'Settings', shortcut: '4', group: 'system' },
  { id: 'health', label: 'Health', shortcut: '5', group: 'system' },
] as const;

export type PanelId = (typeof PANELS)[number]['id'];
export type PanelDefinition = (typeof PANELS)[number];

export const DEFAULT_PANEL: PanelId = 'queue';

export function isPanelId(value: string): value is PanelId {
  return PANELS.some((panel) => panel.id === value);
}

export function panelForShortcut(key: string): PanelId | null {
  return PANELS.find((panel) => panel.shortcut === key)?.id ?? null;
}
