import { LIBRARY_LIMITS } from '../../../../shared/domain/assets';

/**
 * The gallery's multi-selection, as pure functions over an immutable value (unit-tested without a DOM).
 * Selected things are asset ids, so a selection survives a live refresh that moves rows around; positions
 * (`anchor`, `focus`) are indices into the current result, which is what Shift+click ranges are made of.
 * Ranges need the ids between two indices; the caller loads those pages first and passes a lookup.
 */

/** One bulk call takes at most this many ids (the contract's `idsPerCall`), so a selection never grows past it. */
export const MAX_SELECTION = LIBRARY_LIMITS.idsPerCall;

export interface Selection {
  readonly ids: ReadonlySet<number>;
  /** Where the last plain or Mod click (or Space) happened: one end of the next Shift range. */
  readonly anchor: number | null;
  /** The cell with keyboard focus (roving tabindex), or -1 before the grid has any. */
  readonly focus: number;
  /** True when a range or select-all was cut at MAX_SELECTION. */
  readonly truncated: boolean;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null, focus: -1, truncated: false };

/** Ids of the rows `from..to` inclusive (either order), or null when some of them are not loaded yet. */
export type IdsBetween = (from: number, to: number) => readonly number[] | null;

export interface ClickModifiers {
  /** Shift: select the range from the anchor. */
  range: boolean;
  /** Ctrl on Windows/Linux, ⌘ on macOS: add or remove one. */
  toggle: boolean;
}

function capped(ids: Iterable<number>): { ids: Set<number>; truncated: boolean } {
  const out = new Set<number>();
  for (const id of ids) {
    if (out.size >= MAX_SELECTION) return { ids: out, truncated: true };
    out.add(id);
  }
  return { ids: out, truncated: false };
}

/** A mouse click on row `index` (asset `id`). */
export function clickSelect(selection: Selection, index: number, id: number, modifiers: ClickModifiers, idsBetween: IdsBetween): Selection {
  if (modifiers.range && selection.anchor !== null) {
    const range = idsBetween(selection.anchor, index);
    if (range) {
      // Shift+Mod adds the range to what was there (Finder, Explorer); Shift alone replaces it.
      const base = modifiers.toggle ? [...selection.ids, ...range] : range;
      const { ids, truncated } = capped(base);
      return { ids, anchor: selection.anchor, focus: index, truncated };
    }
    // The range is not loaded: fall through to a single selection rather than guess.
  }
  if (modifiers.toggle) return toggle(selection, index, id);
  return { ids: new Set([id]), anchor: index, focus: index, truncated: false };
}

/** Space, or Mod+click: flips one asset and makes it the anchor. */
export function toggle(selection: Selection, index: number, id: number): Selection {
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else if (ids.size < MAX_SELECTION) ids.add(id);
  else return { ...selection, anchor: index, focus: index, truncated: true };
  return { ids, anchor: index, focus: index, truncated: false };
}

/** Arrow keys: focus moves; with Shift the selection becomes the range from the anchor to the new focus. */
export function moveFocus(selection: Selection, to: number, extend: boolean, idsBetween: IdsBetween): Selection {
  if (!extend) return { ...selection, focus: to };
  const anchor = selection.anchor ?? (selection.focus >= 0 ? selection.focus : to);
  const range = idsBetween(anchor, to);
  if (!range) return { ...selection, focus: to, anchor };
  const { ids, truncated } = capped(range);
  return { ids, anchor, focus: to, truncated };
}

/** Mod+A: everything given (the caller loads up to MAX_SELECTION ids of the result first). */
export function selectAll(selection: Selection, ids: readonly number[], moreExist: boolean): Selection {
  const result = capped(ids);
  return { ids: result.ids, anchor: selection.anchor, focus: selection.focus, truncated: result.truncated || moreExist };
}

/** Escape: nothing selected; focus stays where it was so the keyboard user does not lose their place. */
export function clearSelection(selection: Selection): Selection {
  return { ids: new Set(), anchor: null, focus: selection.focus, truncated: false };
}

/** Drops ids that no longer exist (after a delete). */
export function without(selection: Selection, removed: Iterable<number>): Selection {
  const ids = new Set(selection.ids);
  for (const id of removed) ids.delete(id);
  return { ...selection, ids, truncated: false };
}

export type GridKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown' | 'Home' | 'End' | 'PageUp' | 'PageDown';

const GRID_KEYS = new Set<string>(['ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown']);

export function isGridKey(key: string): key is GridKey {
  return GRID_KEYS.has(key);
}

/**
 * Where a navigation key takes focus in a grid of `count` cells laid out `columns` wide, `pageRows` rows
 * to a screen. Clamped to the grid; Home/End go to the first/last cell of the whole result.
 */
export function gridMove(from: number, key: GridKey, columns: number, count: number, pageRows: number): number {
  if (count <= 0) return -1;
  const start = from < 0 ? 0 : Math.min(from, count - 1);
  if (from < 0) return key === 'End' ? count - 1 : 0;
  const cols = Math.max(1, columns);
  const last = count - 1;
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, start - 1);
    case 'ArrowRight':
      return Math.min(last, start + 1);
    case 'ArrowUp':
      return start - cols >= 0 ? start - cols : start;
    case 'ArrowDown':
      // Into the last, shorter row: land on its last cell rather than stay put.
      return start + cols <= last ? start + cols : Math.floor(start / cols) < Math.floor(last / cols) ? last : start;
    case 'PageUp':
      return Math.max(start % cols, start - cols * Math.max(1, pageRows));
    case 'PageDown': {
      const target = start + cols * Math.max(1, pageRows);
      return target <= last ? target : last;
    }
    case 'Home':
      return 0;
    case 'End':
      return last;
  }
}
