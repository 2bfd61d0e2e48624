import { describe, expect, it } from 'vitest';
import {
  EMPTY_SELECTION,
  MAX_SELECTION,
  clearSelection,
  clickSelect,
  gridMove,
  moveFocus,
  selectAll,
  toggle,
  without,
  type IdsBetween,
  type Selection,
} from '../../renderer/src/features/gallery/selection';

/** Row i holds asset 100 + i; rows at or beyond `loaded` are not loaded yet. */
function rows(loaded: number): IdsBetween {
  return (from, to) => {
    const low = Math.min(from, to);
    const high = Math.max(from, to);
    if (high >= loaded) return null;
    return Array.from({ length: high - low + 1 }, (_, k) => 100 + low + k);
  };
}

const ids = (selection: Selection) => [...selection.ids].sort((a, b) => a - b);
const plain = { range: false, toggle: false };
const shift = { range: true, toggle: false };
const mod = { range: false, toggle: true };

describe('gallery selection model', () => {
  it('a plain click selects one and sets the anchor; Shift+click selects the range from it, either direction', () => {
    const between = rows(50);
    let s = clickSelect(EMPTY_SELECTION, 5, 105, plain, between);
    expect(ids(s)).toEqual([105]);
    expect(s).toMatchObject({ anchor: 5, focus: 5 });
    s = clickSelect(s, 8, 108, shift, between);
    expect(ids(s)).toEqual([105, 106, 107, 108]);
    expect(s.anchor).toBe(5);
    // A second Shift+click re-ranges from the same anchor (it does not add to the previous range).
    s = clickSelect(s, 2, 102, shift, between);
    expect(ids(s)).toEqual([102, 103, 104, 105]);
  });

  it('Mod+click toggles one and moves the anchor; Shift+Mod adds a range to what is selected', () => {
    const between = rows(50);
    let s = clickSelect(EMPTY_SELECTION, 1, 101, plain, between);
    s = clickSelect(s, 10, 110, mod, between);
    expect(ids(s)).toEqual([101, 110]);
    s = clickSelect(s, 1, 101, mod, between);
    expect(ids(s)).toEqual([110]);
    expect(s.anchor).toBe(1);
    s = clickSelect(s, 3, 103, { range: true, toggle: true }, between);
    expect(ids(s)).toEqual([101, 102, 103, 110]);
  });

  it('a range over rows that are not loaded falls back to a single selection instead of guessing', () => {
    const between = rows(10);
    let s = clickSelect(EMPTY_SELECTION, 2, 102, plain, between);
    s = clickSelect(s, 20, 120, shift, between);
    expect(ids(s)).toEqual([120]);
    expect(s.anchor).toBe(20);
  });

  it('Shift+arrow extends from the anchor; a plain arrow moves focus only; Space toggles the focused one', () => {
    const between = rows(50);
    let s = moveFocus(EMPTY_SELECTION, 4, false, between);
    expect(s.ids.size).toBe(0);
    expect(s.focus).toBe(4);
    s = toggle(s, 4, 104);
    expect(ids(s)).toEqual([104]);
    s = moveFocus(s, 5, true, between);
    s = moveFocus(s, 6, true, between);
    expect(ids(s)).toEqual([104, 105, 106]);
    s = moveFocus(s, 3, true, between);
    expect(ids(s)).toEqual([103, 104]);
    s = moveFocus(s, 9, false, between);
    expect(ids(s)).toEqual([103, 104]);
    expect(s.focus).toBe(9);
    s = toggle(s, 9, 109);
    expect(ids(s)).toEqual([103, 104, 109]);
    s = toggle(s, 9, 109);
    expect(ids(s)).toEqual([103, 104]);
  });

  it('Escape clears but keeps the focus; deleted ids drop out', () => {
    let s = clickSelect(EMPTY_SELECTION, 2, 102, plain, rows(10));
    s = clickSelect(s, 4, 104, shift, rows(10));
    expect(ids(without(s, [103]))).toEqual([102, 104]);
    const cleared = clearSelection(s);
    expect(cleared.ids.size).toBe(0);
    expect(cleared.focus).toBe(4);
    expect(cleared.anchor).toBeNull();
  });

  it('never holds more ids than one bulk call accepts, and says when it cut', () => {
    const many = Array.from({ length: MAX_SELECTION + 5 }, (_, i) => i + 1);
    const all = selectAll(EMPTY_SELECTION, many, false);
    expect(all.ids.size).toBe(MAX_SELECTION);
    expect(all.truncated).toBe(true);
    expect(selectAll(EMPTY_SELECTION, [1, 2, 3], false).truncated).toBe(false);
    expect(selectAll(EMPTY_SELECTION, [1, 2, 3], true).truncated).toBe(true);
    const range = clickSelect(clickSelect(EMPTY_SELECTION, 0, 100, plain, rows(MAX_SELECTION + 10)), MAX_SELECTION + 3, 0, shift, rows(MAX_SELECTION + 10));
    expect(range.ids.size).toBe(MAX_SELECTION);
    expect(range.truncated).toBe(true);
    const refused = toggle(all, 3, 999_999);
    expect(refused.ids.has(999_999)).toBe(false);
    expect(refused.truncated).toBe(true);
  });

  it('grid navigation moves by cell, row and screen, and stays inside a ragged last row', () => {
    // 4 columns, 10 cells: rows [0-3] [4-7] [8-9]
    expect(gridMove(-1, 'ArrowRight', 4, 10, 2)).toBe(0);
    expect(gridMove(-1, 'End', 4, 10, 2)).toBe(9);
    expect(gridMove(0, 'ArrowLeft', 4, 10, 2)).toBe(0);
    expect(gridMove(3, 'ArrowRight', 4, 10, 2)).toBe(4);
    expect(gridMove(9, 'ArrowRight', 4, 10, 2)).toBe(9);
    expect(gridMove(1, 'ArrowDown', 4, 10, 2)).toBe(5);
    expect(gridMove(6, 'ArrowDown', 4, 10, 2)).toBe(9);
    expect(gridMove(9, 'ArrowDown', 4, 10, 2)).toBe(9);
    expect(gridMove(2, 'ArrowUp', 4, 10, 2)).toBe(2);
    expect(gridMove(9, 'ArrowUp', 4, 10, 2)).toBe(5);
    expect(gridMove(1, 'PageDown', 4, 10, 2)).toBe(9);
    expect(gridMove(9, 'PageUp', 4, 10, 2)).toBe(1);
    expect(gridMove(5, 'Home', 4, 10, 2)).toBe(0);
    expect(gridMove(5, 'End', 4, 10, 2)).toBe(9);
    expect(gridMove(0, 'ArrowDown', 4, 0, 2)).toBe(-1);
  });
});
