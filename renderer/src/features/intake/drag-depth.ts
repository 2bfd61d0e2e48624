/**
 * Whether files are being dragged over the window. `dragenter` and `dragleave` fire for every element the
 * pointer crosses (enter the child, leave the parent), so a boolean flickers; counting enters minus leaves
 * does not. The count never goes below zero (a leave whose enter an inner drop zone swallowed), and a drop
 * or the end of the drag resets it.
 */
export interface DragDepth {
  depth: number;
  active: boolean;
}

export type DragSignal = 'enter' | 'leave' | 'drop' | 'end';

export const IDLE_DRAG: DragDepth = { depth: 0, active: false };

export function nextDragDepth(state: DragDepth, signal: DragSignal): DragDepth {
  switch (signal) {
    case 'enter':
      return { depth: state.depth + 1, active: true };
    case 'leave': {
      const depth = Math.max(0, state.depth - 1);
      return { depth, active: depth > 0 };
    }
    case 'drop':
    case 'end':
      return IDLE_DRAG;
  }
}

/** Only drags that carry files: a dragged link or text selection is not an intake. */
export function carriesFiles(types: readonly string[] | DOMStringList | null | undefined): boolean {
  if (!types) return false;
  return Array.from(types as ArrayLike<string>).includes('Files');
}
