import type { AssetSummary } from '../../../../shared/domain/assets';

/**
 * The gallery's paging cache: one search result, loaded page by page as rows scroll into view.
 * `assets.search` pages by keyset cursor, so pages can only be fetched in order and what is loaded is
 * always a prefix of the result; `ensure(i)` walks the cursor chain until row `i` is there. Only what a
 * tile shows is kept (a few hundred bytes per asset), so 100,000 loaded rows stay light.
 * Pure: the fetch function is injected, so the logic is unit-tested without a core; React reads it
 * through `subscribe` + `getSnapshot` (useSyncExternalStore), and every change is a new snapshot object.
 */

export interface TileAsset {
  id: number;
  /** First line of the prompt (or the file name): the tile's accessible name and tooltip. */
  label: string;
  rating: number;
  favorite: boolean;
  hasThumbnail: boolean;
  format: AssetSummary['format'];
  width: number;
  height: number;
}

export interface PageRequest {
  cursor: string | null;
  limit: number;
  /** Ask for the total as well (first page only: it costs the core one more query). */
  count: boolean;
}

export interface PageResult {
  items: readonly AssetSummary[];
  next: string | null;
  total: number | null;
}

export type FetchPage = (request: PageRequest) => Promise<PageResult>;

export interface PagerSnapshot {
  readonly items: readonly TileAsset[];
  /** Number of matches; null until the first page arrived. */
  readonly total: number | null;
  /** The first page has arrived. */
  readonly loaded: boolean;
  /** Cursor of the page after the loaded prefix; null when everything is loaded (or nothing yet). */
  readonly next: string | null;
  readonly loading: boolean;
  /** The last fetch failed; `retry()` clears it. Items loaded before stay shown. */
  readonly error: unknown;
  /** How many reloads have been swapped in: a view that must react to a reload (and not to a page appended) watches this. */
  readonly reloads: number;
}

export interface PagerOptions {
  /** Small first page: the first screen of thumbnails should not wait for 500 rows. */
  firstPage?: number;
  /** Later pages: the contract's largest, fewest round trips while scrolling far. */
  pageSize?: number;
}

const LABEL_CHARS = 160;

export function toTile(asset: AssetSummary): TileAsset {
  const firstLine = (asset.prompt ?? '').split('\n').find((line) => line.trim() !== '')?.trim() ?? '';
  const label = firstLine === '' ? asset.file_name : firstLine.length > LABEL_CHARS ? `${firstLine.slice(0, LABEL_CHARS - 1)}…` : firstLine;
  return {
    id: asset.id,
    label,
    rating: asset.rating,
    favorite: asset.favorite,
    hasThumbnail: asset.has_thumbnail,
    format: asset.format,
    width: asset.width,
    height: asset.height,
  };
}

const INITIAL: PagerSnapshot = { items: [], total: null, loaded: false, next: null, loading: false, error: null, reloads: 0 };

export class AssetPager {
  private state: PagerSnapshot = INITIAL;
  private readonly listeners = new Set<() => void>();
  private readonly firstPage: number;
  private readonly pageSize: number;
  /** Highest row index anyone asked for. */
  private target = -1;
  private loop: Promise<void> | null = null;
  /** Bumped by reload() and dispose(): results of older requests are dropped on arrival. */
  private generation = 0;
  private indexCache: { items: readonly TileAsset[]; map: Map<number, number> } | null = null;

  constructor(
    private readonly fetchPage: FetchPage,
    options: PagerOptions = {},
  ) {
    this.firstPage = options.firstPage ?? 120;
    this.pageSize = options.pageSize ?? 500;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): PagerSnapshot => this.state;

  /** Rows the grid should lay out: the total when known, else what is loaded. */
  count(): number {
    return Math.max(this.state.total ?? 0, this.state.items.length);
  }

  /** Loads pages in order until row `index` is loaded or the result ends. Never throws: failures land in `error`. */
  ensure(index: number): Promise<void> {
    this.target = Math.max(this.target, index);
    if (this.loop) return this.loop;
    const loop = this.run().finally(() => {
      if (this.loop === loop) this.loop = null;
    });
    this.loop = loop;
    return loop;
  }

  /** Clears a failure and carries on loading up to where it stopped. */
  retry(): Promise<void> {
    if (this.state.error !== null) this.set({ ...this.state, error: null });
    return this.ensure(this.target);
  }

  /**
   * Fetches the result again from the top, up to row `upTo`, and swaps it in at once: the old rows stay on
   * screen meanwhile, so a live refresh never flashes placeholders. A newer reload supersedes this one.
   */
  async reload(upTo: number): Promise<void> {
    const generation = ++this.generation;
    // The chain in flight is cut by the new generation; the next `ensure` starts its own.
    this.loop = null;
    const items: TileAsset[] = [];
    let next: string | null = null;
    let total: number | null = null;
    let first = true;
    try {
      do {
        const page: PageResult = await this.fetchPage({ cursor: next, limit: first ? Math.max(this.firstPage, Math.min(upTo + 1, this.pageSize)) : this.pageSize, count: first });
        if (generation !== this.generation) return;
        if (first) total = page.total;
        first = false;
        for (const asset of page.items) items.push(toTile(asset));
        next = page.next;
      } while (next !== null && items.length <= upTo);
    } catch (error) {
      if (generation === this.generation) this.set({ ...this.state, loading: false, error });
      return;
    }
    this.target = Math.max(upTo, 0);
    this.set({ items, next, total: exactTotal(total, items.length, next), loaded: true, loading: false, error: null, reloads: this.state.reloads + 1 });
  }

  /**
   * Stops everything in flight from landing (the query changed, or the panel closed). A later `ensure`
   * still works, which keeps React's development double-mount (mount, cleanup, mount) harmless.
   */
  dispose(): void {
    this.generation++;
    this.loop = null;
    if (this.state.loading) this.set({ ...this.state, loading: false });
  }

  /** Ids of rows `from..to` inclusive (either order); null when some are not loaded. */
  readonly idsBetween = (from: number, to: number): number[] | null => {
    const low = Math.max(0, Math.min(from, to));
    const high = Math.max(from, to);
    if (high >= this.state.items.length) return null;
    const ids: number[] = [];
    for (let index = low; index <= high; index++) ids.push(this.state.items[index]!.id);
    return ids;
  };

  /** Row of an asset among the loaded ones, or -1. */
  indexOf(id: number): number {
    const items = this.state.items;
    if (this.indexCache?.items !== items) {
      const map = new Map<number, number>();
      items.forEach((item, index) => map.set(item.id, index));
      this.indexCache = { items, map };
    }
    return this.indexCache.map.get(id) ?? -1;
  }

  private async run(): Promise<void> {
    const generation = this.generation;
    for (;;) {
      const before = this.state;
      if (generation !== this.generation || before.error !== null) return;
      if (before.loaded && (before.next === null || before.items.length > this.target)) return;
      if (!before.loading) this.set({ ...before, loading: true });
      let page: PageResult;
      try {
        page = await this.fetchPage({ cursor: before.next, limit: before.loaded ? this.pageSize : this.firstPage, count: !before.loaded });
      } catch (error) {
        if (generation === this.generation) this.set({ ...this.state, loading: false, error });
        return;
      }
      if (generation !== this.generation) return;
      const current = this.state;
      // A reload swapped the result while this page was on its way: it belongs to the old chain.
      if (current.items !== before.items || current.next !== before.next) continue;
      const items = [...current.items, ...page.items.map(toTile)];
      const total = current.loaded ? current.total : page.total;
      const done = page.next === null || items.length > this.target;
      this.set({ items, next: page.next, total: exactTotal(total, items.length, page.next), loaded: true, loading: !done, error: null, reloads: current.reloads });
    }
  }

  private set(next: PagerSnapshot): void {
    this.state = next;
    for (const listener of this.listeners) listener();
  }
}

/** At the end of the chain the loaded count is the truth; before it, never report fewer rows than are loaded. */
function exactTotal(total: number | null, loaded: number, next: string | null): number {
  if (next === null) return loaded;
  return Math.max(total ?? loaded, loaded);
}
