import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { useApi } from '../../api/api-context';
import { previewUrl, thumbUrl } from '../../lib/asset-url';
import type { AssetPager, TileAsset } from './asset-pager';
import { CAPTION_HEIGHT, GAP, GRID_PADDING, layoutFor, rowsFor } from './grid-layout';
import { MAX_SELECTION, clearSelection, clickSelect, gridMove, isGridKey, moveFocus, selectAll, toggle, type Selection } from './selection';

export interface AssetGridProps {
  pager: AssetPager;
  selection: Selection;
  onSelectionChange(update: (selection: Selection) => Selection): void;
  /** Double-click or Enter on a loaded tile. */
  onOpen(id: number): void;
  /** Delete key with something selected. */
  onDeleteRequest(): void;
  /** Accessible name of the grid ("Images", "Search results"...). */
  label: string;
}

/** Rows rendered beyond the screen in each direction: enough for a fast wheel, few enough to stay cheap. */
const OVERSCAN_ROWS = 3;
/** Rows loaded ahead of the last one on screen, so scrolling rarely meets a placeholder. */
const PREFETCH_ROWS = 8;
/** Live events come in bursts (a batch finishing, an import): one refresh per burst. */
const REFRESH_DEBOUNCE_MS = 300;

interface ScrollAnchor {
  /** The pager's reload count when the refresh began; the anchor applies once a reload has been swapped in. */
  reloads: number;
  topId: number | null;
  /** Pixels the top visible row was scrolled past. */
  offset: number;
  focusId: number | null;
  anchorId: number | null;
}

/**
 * The virtualized thumbnail grid. Rows are virtualized (one row = `columns` tiles, columns from the
 * width, fixed tile size), pages load as rows come into view, and tiles are memoized components fed
 * only primitives and their own immutable asset, so a selection change re-renders the tiles it touches.
 * Keyboard: roving tabindex over `gridcell`s; the focused row is always rendered so focus never drops.
 */
export function AssetGrid({ pager, selection, onSelectionChange, onOpen, onDeleteRequest, label }: AssetGridProps) {
  const client = useApi();
  const snapshot = useSyncExternalStore(pager.subscribe, pager.getSnapshot);
  const scrollRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });

  useLayoutEffect(() => {
    const element = scrollRef.current;
    if (!element) return;
    const measure = () => setSize((old) => (old.width === element.clientWidth && old.height === element.clientHeight ? old : { width: element.clientWidth, height: element.clientHeight }));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const { columns, tile, rowHeight } = layoutFor(size.width);
  const count = Math.max(snapshot.total ?? 0, snapshot.items.length);
  const rowCount = rowsFor(count, columns);
  const pageRows = Math.max(1, Math.floor(size.height / rowHeight));
  const focusRow = selection.focus >= 0 && selection.focus < count ? Math.floor(selection.focus / columns) : -1;

  // The focused row stays mounted even when scrolled away, so the roving tab stop always exists.
  const rangeExtractor = useCallback(
    (range: Range) => {
      const rows = defaultRangeExtractor(range);
      if (focusRow >= 0 && focusRow < range.count && !rows.includes(focusRow)) {
        rows.push(focusRow);
        rows.sort((a, b) => a - b);
      }
      return rows;
    },
    [focusRow],
  );

  // The virtualizer keeps mutable state the React Compiler cannot see; this component is not compiled, by design.
  // eslint-disable-next-line react-hooks/incompatible-library -- @tanstack/react-virtual, the project's virtualizer
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: OVERSCAN_ROWS,
    paddingStart: GRID_PADDING,
    paddingEnd: GRID_PADDING,
    rangeExtractor,
  });
  // A new width can mean a new tile size: every row's offset changes with it.
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  const virtualRows = virtualizer.getVirtualItems();
  const lastRow = virtualRows.length > 0 ? virtualRows[virtualRows.length - 1]!.index : 0;
  const firstRow = virtualRows.length > 0 ? virtualRows[0]!.index : 0;

  // Load what is about to be on screen (and the first page before anything is laid out).
  useEffect(() => {
    void pager.ensure((lastRow + 1 + PREFETCH_ROWS) * columns - 1);
  }, [pager, lastRow, columns]);

  // ---- live refresh without jumping -------------------------------------------------------------
  const live = useRef({ columns, rowHeight, selection, items: snapshot.items, reloads: snapshot.reloads });
  live.current = { columns, rowHeight, selection, items: snapshot.items, reloads: snapshot.reloads };
  const pendingAnchor = useRef<ScrollAnchor | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const refresh = () => {
      const element = scrollRef.current;
      if (!element) return;
      const { columns: cols, rowHeight: height, selection: sel, items, reloads } = live.current;
      const top = Math.max(0, element.scrollTop - GRID_PADDING);
      const topRow = Math.floor(top / height);
      // At the very top, new images simply appear above; further down, the rows on screen stay put.
      pendingAnchor.current = {
        reloads,
        topId: element.scrollTop < height / 2 ? null : (items[topRow * cols]?.id ?? null),
        offset: top - topRow * height,
        focusId: items[sel.focus]?.id ?? null,
        anchorId: sel.anchor === null ? null : (items[sel.anchor]?.id ?? null),
      };
      const lastVisible = Math.ceil((element.scrollTop + element.clientHeight) / height + PREFETCH_ROWS) * cols;
      void pager.reload(Math.max(lastVisible, sel.focus));
    };
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_DEBOUNCE_MS);
    };
    const stops = [client.on('assets.added', schedule), client.on('assets.changed', schedule)];
    return () => {
      if (timer) clearTimeout(timer);
      stops.forEach((stop) => stop());
    };
  }, [client, pager]);

  useLayoutEffect(() => {
    const anchor = pendingAnchor.current;
    const element = scrollRef.current;
    // Pages appended by scrolling do not count: only the reload's swap moves rows.
    if (!anchor || snapshot.reloads <= anchor.reloads || !element) return;
    pendingAnchor.current = null;
    const { columns: cols, rowHeight: height } = live.current;
    if (anchor.topId !== null) {
      const index = pager.indexOf(anchor.topId);
      if (index >= 0) element.scrollTop = Math.floor(index / cols) * height + anchor.offset + GRID_PADDING;
    }
    const focus = anchor.focusId === null ? -1 : pager.indexOf(anchor.focusId);
    const anchorIndex = anchor.anchorId === null ? -1 : pager.indexOf(anchor.anchorId);
    onSelectionChange((sel) => ({ ...sel, focus: focus >= 0 ? focus : Math.min(sel.focus, snapshot.items.length - 1), anchor: anchorIndex >= 0 ? anchorIndex : null }));
  }, [snapshot.reloads, snapshot.items.length, pager, onSelectionChange]);

  // ---- keyboard focus follows the model ---------------------------------------------------------
  useEffect(() => {
    const element = scrollRef.current;
    if (!element || selection.focus < 0) return;
    if (!element.contains(document.activeElement)) return; // never steal focus from the toolbar
    const cell = element.querySelector<HTMLElement>(`[data-index="${selection.focus}"]`);
    if (cell && document.activeElement !== cell) cell.focus({ preventScroll: true });
  }, [selection.focus, virtualRows]);

  const focusCell = useCallback(
    (index: number) => {
      virtualizer.scrollToIndex(Math.floor(index / Math.max(1, columns)), { align: 'auto' });
    },
    [virtualizer, columns],
  );

  const indexOfEvent = (event: MouseEvent | KeyboardEvent): number | null => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    if (!cell) return null;
    const index = Number(cell.dataset.index);
    return Number.isInteger(index) ? index : null;
  };

  const onClick = (event: MouseEvent<HTMLDivElement>) => {
    const index = indexOfEvent(event);
    if (index === null) return;
    const asset = snapshot.items[index];
    if (!asset) return;
    const modifiers = { range: event.shiftKey, toggle: event.ctrlKey || event.metaKey };
    if (modifiers.range) event.preventDefault(); // no text selection on Shift+click
    onSelectionChange((sel) => clickSelect(sel, index, asset.id, modifiers, pager.idsBetween));
  };

  // Focus that arrives some other way (Tab into the grid, a click, assistive technology) moves the model's focus too.
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    const cell = (event.target as HTMLElement).closest<HTMLElement>('[data-index]');
    const index = cell ? Number(cell.dataset.index) : NaN;
    if (Number.isInteger(index) && index !== selection.focus) onSelectionChange((sel) => ({ ...sel, focus: index }));
  };

  const onDoubleClick = (event: MouseEvent<HTMLDivElement>) => {
    const index = indexOfEvent(event);
    const asset = index === null ? undefined : snapshot.items[index];
    if (asset) onOpen(asset.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const mod = event.ctrlKey || event.metaKey;
    if (isGridKey(event.key) && !event.altKey) {
      event.preventDefault();
      const to = gridMove(selection.focus, event.key, columns, count, pageRows);
      if (to < 0) return;
      void pager.ensure(to + pageRows * columns);
      focusCell(to);
      onSelectionChange((sel) => moveFocus(sel, to, event.shiftKey, pager.idsBetween));
      return;
    }
    const focused = selection.focus >= 0 ? snapshot.items[selection.focus] : undefined;
    if (event.key === ' ' && !mod) {
      event.preventDefault(); // Space must not scroll the grid
      if (focused) onSelectionChange((sel) => toggle(sel, sel.focus, focused.id));
      return;
    }
    if (event.key === 'Enter' && focused) {
      event.preventDefault();
      onOpen(focused.id);
      return;
    }
    if (event.key === 'Escape' && selection.ids.size > 0) {
      event.preventDefault();
      onSelectionChange(clearSelection);
      return;
    }
    if (mod && !event.shiftKey && !event.altKey && event.key.toLowerCase() === 'a') {
      event.preventDefault();
      const wanted = Math.min(count, MAX_SELECTION);
      void pager.ensure(wanted - 1).then(() => {
        const ids = pager.getSnapshot().items.slice(0, MAX_SELECTION).map((item) => item.id);
        onSelectionChange((sel) => selectAll(sel, ids, Math.max(pager.getSnapshot().total ?? 0, ids.length) > ids.length));
      });
      return;
    }
    if ((event.key === 'Delete' || event.key === 'Backspace') && selection.ids.size > 0) {
      event.preventDefault();
      onDeleteRequest();
    }
  };

  // The tab stop: the focused cell, else the first one on screen.
  const tabStop = selection.focus >= 0 && selection.focus < count ? selection.focus : firstRow * columns;

  return (
    <div
      ref={scrollRef}
      className="gallery-grid-scroll"
      style={{ ['--tile-size' as string]: `${tile}px`, ['--tile-caption' as string]: `${CAPTION_HEIGHT}px`, ['--tile-gap' as string]: `${GAP}px`, ['--grid-padding' as string]: `${GRID_PADDING}px` }}
    >
      <div
        role="grid"
        aria-label={label}
        aria-multiselectable="true"
        aria-rowcount={rowCount}
        aria-colcount={columns}
        aria-busy={snapshot.loading || undefined}
        className="gallery-grid"
        style={{ height: virtualizer.getTotalSize() }}
        onClick={onClick}
        onDoubleClick={onDoubleClick}
        onKeyDown={onKeyDown}
        onFocus={onFocus}
      >
        {virtualRows.map((row) => {
          const start = row.index * columns;
          const end = Math.min(start + columns, count);
          const cells = [];
          for (let index = start; index < end; index++) {
            const asset = snapshot.items[index];
            cells.push(
              asset ? (
                <Tile key={asset.id} asset={asset} index={index} column={index - start + 1} selected={selection.ids.has(asset.id)} tabbable={index === tabStop} size={tile} />
              ) : (
                <Placeholder key={`p${index}`} index={index} column={index - start + 1} tabbable={index === tabStop} />
              ),
            );
          }
          return (
            <div key={row.key} role="row" aria-rowindex={row.index + 1} className="gallery-row" style={{ transform: `translateY(${row.start}px)` }}>
              {cells}
            </div>
          );
        })}
      </div>
    </div>
  );
}

const STARS = ['', '★', '★★', '★★★', '★★★★', '★★★★★'];

interface TileProps {
  asset: TileAsset;
  index: number;
  column: number;
  selected: boolean;
  tabbable: boolean;
  /** Pixel side of the image box (the intrinsic size of the <img>, so the browser reserves it). */
  size: number;
}

/** One thumbnail. Fixed box, lazy image decoded off the main thread: nothing moves when it arrives. */
const Tile = memo(function Tile({ asset, index, column, selected, tabbable, size }: TileProps) {
  const stars = asset.rating > 0 ? `, ${asset.rating} of 5 stars` : '';
  const format = asset.format === 'other' ? '' : asset.format.toUpperCase();
  // The caption's visible text (the format) is part of the name, so speech input can say what it sees.
  return (
    <div
      role="gridcell"
      aria-selected={selected}
      aria-colindex={column}
      aria-label={`${asset.label}${format ? `, ${format}` : ''}${stars}${asset.favorite ? ', favourite' : ''}`}
      title={asset.label}
      tabIndex={tabbable ? 0 : -1}
      data-index={index}
      data-asset-id={asset.id}
      className={selected ? 'gallery-tile is-selected' : 'gallery-tile'}
    >
      <div className="gallery-tile-image">
        <img
          src={asset.hasThumbnail ? thumbUrl(asset.id) : previewUrl(asset.id)}
          alt=""
          width={size}
          height={size}
          loading="lazy"
          decoding="async"
          draggable={false}
        />
        {selected ? (
          <span className="gallery-tile-check" aria-hidden="true">
            ✓
          </span>
        ) : null}
      </div>
      <div className="gallery-tile-caption" aria-hidden="true">
        <span className="gallery-tile-stars">{STARS[asset.rating] ?? ''}</span>
        <span className="gallery-tile-format">{format}</span>
        {asset.favorite ? <span className="gallery-tile-favorite">♥</span> : null}
      </div>
    </div>
  );
});

const Placeholder = memo(function Placeholder({ index, column, tabbable }: { index: number; column: number; tabbable: boolean }) {
  return <div role="gridcell" aria-colindex={column} aria-label="Loading" aria-busy="true" tabIndex={tabbable ? 0 : -1} data-index={index} className="gallery-tile is-placeholder" />;
});
