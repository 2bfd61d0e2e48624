/**
 * Tile geometry of the gallery grid. For a given width every tile has the same size whatever its image, so
 * rows have one known height: the virtualizer never measures, and nothing shifts when a thumbnail arrives.
 * Columns come from the width; tiles then grow a little to fill the row (thumbnails are 256 px, so they stay
 * sharp). The numbers reach gallery.css through CSS variables set on the scrolling element.
 */
export const MIN_TILE = 160;
/** The caption line under the image (stars, format, favourite mark). */
export const CAPTION_HEIGHT = 24;
export const GAP = 10;
/** Inner padding of the scrolling area, on every side. */
export const GRID_PADDING = 16;

export interface GridLayout {
  columns: number;
  /** Side of the square image box, whole pixels. */
  tile: number;
  rowHeight: number;
}

export function layoutFor(width: number): GridLayout {
  const usable = Math.max(0, width - GRID_PADDING * 2);
  const columns = Math.max(1, Math.floor((usable + GAP) / (MIN_TILE + GAP)));
  const tile = Math.max(MIN_TILE, Math.floor((usable - GAP * (columns - 1)) / columns));
  return { columns, tile, rowHeight: tile + CAPTION_HEIGHT + GAP };
}

export function rowsFor(count: number, columns: number): number {
  return count <= 0 ? 0 : Math.ceil(count / Math.max(1, columns));
}
