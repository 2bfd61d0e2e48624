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
  { keys: ['Mod', 'K'], description: 'Write a prompt (the prompt bar)', scope: 'Everywhere' },
  { keys: ['Mod', 'O'], description: 'Open batch files or images to add', scope: 'Everywhere' },
  { keys: ['Enter'], description: 'Queue the prompt (Shift+Enter: new line)', scope: 'Prompt bar' },
  { keys: ['?'], description: 'Show this list of keyboard shortcuts', scope: 'Everywhere' },
  { keys: ['Escape'], description: 'Close the open dialog', scope: 'Everywhere' },
  { keys: ['Mod', 'Enter'], description: 'Estimate the batch text', scope: 'Estimate' },
  { keys: ['/'], description: 'Search the library', scope: 'Gallery' },
  { keys: ['←', '→', '↑', '↓'], description: 'Move between images (Home, End, Page Up, Page Down too)', scope: 'Gallery' },
  { keys: ['Shift', '←', '→', '↑', '↓'], description: 'Extend the selection from the anchor', scope: 'Gallery' },
  { keys: ['Space'], description: 'Select or deselect the focused image', scope: 'Gallery' },
  { keys: ['Mod', 'A'], description: 'Select every image of the result (up to 10,000)', scope: 'Gallery' },
  { keys: ['Enter'], description: 'Open the focused image (double-click too)', scope: 'Gallery' },
  { keys: ['Escape'], description: 'Clear the selection', scope: 'Gallery' },
  { keys: ['Delete'], description: 'Delete the selected images (asks first)', scope: 'Gallery' },
  { keys: ['←', '→'], description: 'Previous / next image', scope: 'Image detail' },
  { keys: ['+', '−'], description: 'Zoom in / out (mouse wheel or pinch too)', scope: 'Image detail' },
  { keys: ['0'], description: 'Fit the image to the window', scope: 'Image detail' },
  { keys: ['1'], description: 'Actual size (100%); drag to pan, double-click toggles fit', scope: 'Image detail' },
  { keys: ['Escape'], description: 'Close the image detail', scope: 'Image detail' },
  { keys: ['Space'], description: 'Pause or resume the queue', scope: 'Queue' },
  { keys: ['Mod', 'A'], description: 'Select every job of the open batches', scope: 'Queue' },
  { keys: ['Shift', 'Click'], description: 'Select the jobs between two checkboxes', scope: 'Queue' },
  { keys: ['Delete'], description: 'Cancel the selected jobs (asks first)', scope: 'Queue' },
  { keys: ['R'], description: 'Retry the selected failed or canceled jobs', scope: 'Queue' },
  { keys: ['N'], description: 'Run the selected jobs next', scope: 'Queue' },
  { keys: ['Escape'], description: 'Clear the selection', scope: 'Queue' },
];
