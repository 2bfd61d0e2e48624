import type { AssetSort } from '../../../shared/domain/assets';
import type { CompiledFilter, SetCondition, SqlValue } from './search-filter';
import type { StatementCache } from './statement-cache';

/**
 * Chooses how each "a.id is in this set" condition (full-text match, tag, projects) runs, because
 * SQLite's planner cannot: it does not know how many rows an FTS MATCH or a tag holds, and the right
 * plan flips with that number.
 *
 * - drive: walk the set, look every member up, sort. Cost grows with the set: right for a rare word.
 * - scan: walk the sort index (newest first...) and test each row, stopping after one page. Cost grows
 *   with how far we must walk to fill the page: right when the sets are large.
 *   In a scan, a tag or project is tested with an indexed EXISTS (cheap), and a text set either as an IN
 *   over its materialised match list (cost grows with the list) or — for a single word found in a large
 *   part of the library — by windows: search.ts walks candidates in sort order and asks FTS5 only about
 *   the rowid ranges they span, so a word in most prompts costs what a page costs.
 *
 * The costs below are microseconds per row measured by `npm run bench` (test/bench/library-search.ts)
 * on a 100,000-asset library; only their ratios matter.
 */
export interface SearchPlanSettings {
  /** Tag and project sets, and single words, are counted up to this many members (≤ ~1 ms). */
  countCap: number;
  /**
   * A set this small always drives: sorting it is cheaper than any walk. A larger text set never drives
   * (reading its doclist is the costly part), so other text is only counted this far.
   */
  alwaysDrive: number;
  /**
   * A single word found in more assets than this is probed by windows (non-random sorts); any other
   * large text set is materialised once (about 0.15 µs per match).
   */
  windowAbove: number;
  costDrivePerRow: number;
  costScanPerRow: number;
  costMaterialisePerRow: number;
}

export const SEARCH_PLAN: SearchPlanSettings = {
  countCap: 20_000,
  alwaysDrive: 3_000,
  windowAbove: 10_000,
  costDrivePerRow: 1.0,
  costScanPerRow: 0.4,
  costMaterialisePerRow: 0.15,
};

export interface TextWindow {
  match: string;
  /** The same query with the text materialised, for when windows stop paying (search.ts). */
  fallback: QueryPlan;
}

export interface QueryPlan {
  where: string[];
  params: SqlValue[];
  /** Text to match by windows over the candidate rows (search.ts), or null. */
  window: TextWindow | null;
  /** Some set is empty: nothing can match. */
  empty: boolean;
}

export function planQuery(statements: StatementCache, filter: CompiledFilter, sort: AssetSort, limit: number, settings: SearchPlanSettings = SEARCH_PLAN): QueryPlan {
  if (filter.empty) return { where: [], params: [], window: null, empty: true };
  if (filter.sets.length === 0) return { where: filter.where, params: filter.params, window: null, empty: false };

  const sizes = filter.sets.map((set) => countCapped(statements, set, set.kind === 'text' && set.windowable !== true ? settings.alwaysDrive : settings.countCap));
  if (sizes.some((size) => size === 0)) return { where: [], params: [], window: null, empty: true };
  const smallest = sizes.reduce((best, size, i) => (size < sizes[best]! ? i : best), 0);
  const total = Math.max(1, statements.get<{ n: number | null }>('SELECT MAX(id) AS n FROM assets').get()?.n ?? 1);

  const textIndex = filter.sets.findIndex((set) => set.kind === 'text');
  const textSize = textIndex === -1 ? 0 : sizes[textIndex]!;
  const windowed = textIndex !== -1 && sort !== 'random' && textSize > settings.windowAbove && filter.sets[textIndex]!.windowable === true;

  const smallestKnown = sizes[smallest]! <= settings.countCap && !(filter.sets[smallest]!.kind === 'text' && sizes[smallest]! > settings.alwaysDrive);
  let drive = -1;
  if (sizes[smallest]! <= settings.alwaysDrive) drive = smallest;
  else if (smallestKnown) {
    // Rows to walk before a page is full, if the sets were independent of each other and of the order.
    const hitRate = sizes.reduce((p, size) => p * Math.min(1, size / total), 1);
    const walk = Math.min(total, (limit + 1) / hitRate);
    const scanCost = walk * settings.costScanPerRow + (textIndex !== -1 && !windowed ? textSize * settings.costMaterialisePerRow : 0);
    const driveCost = sizes[smallest]! * settings.costDrivePerRow;
    if (driveCost < scanCost) drive = smallest;
  }

  const build = (windowText: boolean): QueryPlan => {
    const where: string[] = [];
    const params: SqlValue[] = [];
    filter.sets.forEach((set, i) => {
      if (windowText && i === textIndex) return;
      where.push(i === drive ? set.drive : set.probe);
      params.push(...set.params);
    });
    return { where: [...where, ...filter.where], params: [...params, ...filter.params], window: null, empty: false };
  };
  const text = textIndex === -1 ? undefined : filter.sets[textIndex]!.match;
  if (windowed && drive !== textIndex && text !== undefined) return { ...build(true), window: { match: text, fallback: build(false) } };
  return build(false);
}

function countCapped(statements: StatementCache, set: SetCondition, cap: number): number {
  return statements.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (${set.members} LIMIT ${Math.trunc(cap) + 1})`).get(...set.params)?.n ?? 0;
}
