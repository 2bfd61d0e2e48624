import {
  LIBRARY_LIMITS,
  formatOfMime,
  type AssetDetail,
  type AssetFilter,
  type AssetPage,
  type AssetSearchInput,
  type AssetSort,
  type AssetSummary,
} from '../../../shared/domain/assets';
import { AppError } from '../../../shared/errors';
import type { Db } from '../db/connection';
import { embeddedTexts } from './embedded-metadata';
import { compileFilter, type SqlValue } from './search-filter';
import { SEARCH_PLAN, planQuery, type QueryPlan, type SearchPlanSettings, type TextWindow } from './search-plan';
import { MAX_BITS, bitsFor, idOf, keySql, shuffleFor } from './shuffle';
import { StatementCache } from './statement-cache';

/**
 * Library search (DESIGN §5): FTS5 text plus filters, four sorts, keyset pagination. Pages never use
 * OFFSET: the cursor carries the sort key of the last row, so page 500 costs what page 1 costs and an
 * image added meanwhile neither repeats nor skips a row.
 */

interface SummaryRow {
  id: number;
  sha256: string;
  rel_path: string;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  source: 'generated' | 'imported';
  backend: string | null;
  model: string | null;
  prompt: string | null;
  negative_prompt: string | null;
  seed: number | null;
  rating: number;
  favorite: number;
  thumb_rel_path: string | null;
  created_at: number;
}

interface DetailRow extends SummaryRow {
  phash: string | null;
  notes: string | null;
  params_json: string | null;
  cost_usd: number;
  generation_ms: number | null;
  job_id: number | null;
  attempt_id: number | null;
  batch_id: number | null;
  image_index: number | null;
  project: string | null;
  tags_json: string | null;
  generator: string | null;
  raw_metadata: string | null;
}

interface KeyRow {
  id: number;
  k0: number;
  k1: number;
  k2: number;
}

const SUMMARY_COLUMNS =
  'a.id, a.sha256, a.rel_path, a.mime, a.width, a.height, a.bytes, a.source, a.backend, a.model, a.prompt, a.negative_prompt, a.seed, a.rating, a.favorite, a.thumb_rel_path, a.created_at';

/** SUMMARY_COLUMNS, then the tag and project names as JSON arrays, as one raw row. */
type SummaryTuple = [
  id: number,
  sha256: string,
  rel_path: string,
  mime: string,
  width: number,
  height: number,
  bytes: number,
  source: 'generated' | 'imported',
  backend: string | null,
  model: string | null,
  prompt: string | null,
  negative_prompt: string | null,
  seed: number | null,
  rating: number,
  favorite: number,
  thumb_rel_path: string | null,
  created_at: number,
  tags_json: string,
  projects_json: string,
];

const SUMMARIES_SQL = `SELECT ${SUMMARY_COLUMNS},
    (SELECT json_group_array(t.name ORDER BY t.name) FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id = a.id) AS tags,
    (SELECT json_group_array(p.name ORDER BY p.name) FROM asset_projects x JOIN projects p ON p.id = x.project_id WHERE x.asset_id = a.id) AS projects
  FROM assets a WHERE a.id IN (SELECT value FROM json_each(?))`;

function summaryFromTuple(t: SummaryTuple): AssetSummary {
  const relPath = t[2];
  return {
    id: t[0],
    sha256: t[1],
    file_name: relPath.slice(relPath.lastIndexOf('/') + 1),
    format: formatOfMime(t[3]),
    width: t[4],
    height: t[5],
    bytes: t[6],
    source: t[7],
    backend: t[8],
    model: t[9],
    prompt: t[10],
    negative_prompt: t[11],
    seed: t[12],
    rating: t[13],
    favorite: t[14] === 1,
    tags: t[17] === '[]' ? [] : (JSON.parse(t[17]) as string[]),
    projects: t[18] === '[]' ? [] : (JSON.parse(t[18]) as string[]),
    has_thumbnail: t[15] !== null,
    created_at: t[16],
  };
}

/**
 * Windowed text probing (search-plan.ts): candidates per batch (doubling), FTS5 range queries per batch,
 * the rowid gap worth a query of its own, and how many rowids the ranges may cover per candidate before
 * the materialised plan is cheaper (another condition is selective, so matches are read for nothing).
 */
const WINDOW = { firstBatch: 512, maxBatch: 8_192, ranges: 64, minGap: 256, maxSpreadPerRow: 8 } as const;

/**
 * The rowid ranges to ask FTS5 about for these ids: split at gaps wider than WINDOW.minGap (one more
 * query costs about what reading that many rowids of a common word does), the widest gaps first, at
 * most WINDOW.ranges ranges. A few stray ids (back-dated imports) get ranges of their own.
 */
export function rowidRanges(ids: readonly number[]): Array<[number, number]> {
  if (ids.length === 0) return [];
  const sorted = Float64Array.from(ids).sort();
  const splits = Array.from({ length: sorted.length - 1 }, (_, i) => i)
    .filter((i) => sorted[i + 1]! - sorted[i]! > WINDOW.minGap)
    .sort((x, y) => sorted[y + 1]! - sorted[y]! - (sorted[x + 1]! - sorted[x]!))
    .slice(0, WINDOW.ranges - 1)
    .sort((x, y) => x - y);
  const ranges: Array<[number, number]> = [];
  let start = 0;
  for (const split of [...splits, sorted.length - 1]) {
    ranges.push([sorted[start]!, sorted[split]!]);
    start = split + 1;
  }
  return ranges;
}

/** One sort by columns: its ORDER BY, the key columns a cursor records, and the keyset condition "after this key". */
interface SortPlan {
  keys: string[];
  order: string;
  after: string;
}

const SORTS: Record<Exclude<AssetSort, 'random'>, SortPlan> = {
  newest: { keys: ['a.created_at', 'a.id'], order: 'a.created_at DESC, a.id DESC', after: '(a.created_at, a.id) < (?, ?)' },
  oldest: { keys: ['a.created_at', 'a.id'], order: 'a.created_at ASC, a.id ASC', after: '(a.created_at, a.id) > (?, ?)' },
  rating: { keys: ['a.rating', 'a.created_at', 'a.id'], order: 'a.rating DESC, a.created_at DESC, a.id DESC', after: '(a.rating, a.created_at, a.id) < (?, ?, ?)' },
};

/**
 * The seeded shuffle (shuffle.ts) is walked key by key, a batch of keys at a time (doubling), for at
 * most `maxKeys` keys; when the filter is so selective that they fill no page, the rest of the page
 * comes from keying every matching row and sorting by key — the same order, found the other way.
 */
const RANDOM = { firstKeys: 512, maxBatch: 4_096, maxKeys: 16_384 } as const;

const CURSOR_PREFIX: Record<AssetSort, string> = { newest: 'n', oldest: 'o', rating: 'r', random: 'x' };

/** `n.<created_at>.<id>`, `r.<rating>.<created_at>.<id>`; random: `x.<seed>.<bits>.<key>`. */
function encodeCursor(sort: AssetSort, values: readonly number[]): string {
  return [CURSOR_PREFIX[sort], ...values].join('.');
}

function decodeCursor(cursor: string, sort: AssetSort, count: number): number[] {
  const parts = cursor.split('.');
  const numbers = parts.slice(1).map(Number);
  if (parts[0] !== CURSOR_PREFIX[sort] || numbers.length !== count || !numbers.every((n) => Number.isSafeInteger(n))) {
    throw new AppError('INVALID_INPUT', 'The page cursor belongs to a different search or sort; start again without `cursor`.', { field: 'cursor' });
  }
  return numbers;
}

export class AssetSearch {
  private readonly statements: StatementCache;

  /** `plan`: the planner's thresholds (tests shrink them to exercise every plan on a small library). */
  constructor(
    private readonly db: Db,
    private readonly plan: SearchPlanSettings = SEARCH_PLAN,
  ) {
    this.statements = new StatementCache(db);
  }

  search(input: AssetSearchInput): AssetPage {
    const page = this.searchIds(input);
    const total = input.count ? this.count(input.filter) : null;
    return { items: this.summaries(page.ids), next: page.next, total };
  }

  /** How many assets match (every page together). */
  count(filterInput: AssetFilter | undefined): number {
    const filter = compileFilter(this.db, filterInput);
    if (filter.empty) return 0;
    const only = filter.sets.length === 1 && filter.where.length === 0 ? filter.sets[0]! : null;
    if (only?.kind === 'text') {
      // Every FTS row is an asset (the triggers keep them in step): count the doclist, not the join.
      return this.statements.get<{ n: number }>(`SELECT COUNT(*) AS n FROM (${only.members})`).get(...only.params)?.n ?? 0;
    }
    const where = [...filter.sets.map((set) => set.drive), ...filter.where];
    const params = [...filter.sets.flatMap((set) => set.params), ...filter.params];
    const sql = `SELECT COUNT(*) AS n FROM assets a ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    return this.statements.get<{ n: number }>(sql).get(...params)?.n ?? 0;
  }

  /** Every matching id in sort order, page by page (export and duplicates walk big results this way). */
  *matchingIds(filter: AssetFilter | undefined, sort: AssetSort = 'newest', pageSize: number = LIBRARY_LIMITS.pageSize): Generator<number[]> {
    let cursor: string | null = null;
    do {
      const page = this.searchIds({ ...(filter ? { filter } : {}), sort, limit: pageSize, cursor });
      if (page.ids.length > 0) yield page.ids;
      cursor = page.next;
    } while (cursor !== null);
  }

  /** `search` without loading summaries. */
  searchIds(input: AssetSearchInput): { ids: number[]; next: string | null } {
    const sort = input.sort ?? 'newest';
    const limit = input.limit ?? LIBRARY_LIMITS.defaultPageSize;
    const plan = planQuery(this.statements, compileFilter(this.db, input.filter), sort, limit, this.plan);
    if (sort === 'random') return this.randomPage(plan, input.seed ?? 0, input.cursor ?? null, limit);
    const order = SORTS[sort];
    const after = input.cursor ? decodeCursor(input.cursor, sort, order.keys.length) : null;
    if (plan.empty) return { ids: [], next: null };
    const rows = plan.window ? this.windowedRows(plan, plan.window, order, after, limit + 1) : this.keyRows(plan, order, after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { ids: page.map((r) => r.id), next: rows.length > limit && last ? encodeCursor(sort, [last.k0, last.k1, last.k2].slice(0, order.keys.length)) : null };
  }

  /** Up to `count` rows of the plan in sort order, after the keyset `after`. */
  private keyRows(plan: QueryPlan, order: SortPlan, after: SqlValue[] | null, count: number): KeyRow[] {
    const where = after ? [...plan.where, order.after] : plan.where;
    const keyColumns = order.keys.map((key, i) => `${key} AS k${i}`).join(', ');
    const sql = `SELECT a.id AS id, ${keyColumns} FROM assets a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order.order} LIMIT ?`;
    return this.statements.get<KeyRow>(sql).all(...plan.params, ...(after ?? []), count);
  }

  /** A page of the seeded shuffle (shuffle.ts, RANDOM). */
  private randomPage(plan: QueryPlan, seed: number, cursor: string | null, limit: number): { ids: number[]; next: string | null } {
    let bits: number;
    let key = 0;
    if (cursor) {
      const [cursorSeed, cursorBits, lastKey] = decodeCursor(cursor, 'random', 3) as [number, number, number];
      if (cursorSeed !== seed || cursorBits < 1 || cursorBits > MAX_BITS) {
        throw new AppError('INVALID_INPUT', 'The page cursor belongs to a different shuffle; start again without `cursor`.', { field: 'cursor' });
      }
      bits = cursorBits;
      key = lastKey + 1;
    } else {
      bits = bitsFor(this.statements.get<{ n: number | null }>('SELECT MAX(id) AS n FROM assets').get()?.n ?? 0);
    }
    if (plan.empty) return { ids: [], next: null };
    const shuffle = shuffleFor(seed, bits);
    const found: Array<{ id: number; key: number }> = [];
    const wanted = limit + 1;
    const match = this.statements.get<number>(
      `SELECT a.id FROM assets a WHERE a.id IN (SELECT value FROM json_each(?)) ${plan.where.map((w) => `AND ${w}`).join(' ')}`,
    );
    let walked = 0;
    for (let batch: number = RANDOM.firstKeys; found.length < wanted && key < shuffle.modulus && walked < RANDOM.maxKeys; batch = Math.min(batch * 2, RANDOM.maxBatch)) {
      const n = Math.min(batch, shuffle.modulus - key, RANDOM.maxKeys - walked);
      const ids = Array.from({ length: n }, (_, i) => idOf(shuffle, key + i));
      const hits = new Set(match.pluck().all(JSON.stringify(ids), ...plan.params));
      for (let i = 0; i < n && found.length < wanted; i++) if (hits.has(ids[i]!)) found.push({ id: ids[i]!, key: key + i });
      key += n;
      walked += n;
    }
    if (found.length < wanted && key < shuffle.modulus) {
      // Too selective to find by keys: key every matching row from here on and sort (the same order).
      const keyExpr = keySql(shuffle);
      const rest = this.statements
        .get<{ id: number; key: number }>(
          `SELECT id, key FROM (SELECT a.id AS id, ${keyExpr} AS key FROM assets a WHERE a.id < ${shuffle.modulus} ${plan.where.map((w) => `AND ${w}`).join(' ')})
           WHERE key >= ? ORDER BY key LIMIT ?`,
        )
        .all(...plan.params, key, wanted - found.length);
      found.push(...rest);
    }
    const page = found.slice(0, limit);
    const last = page.at(-1);
    return { ids: page.map((r) => r.id), next: found.length > limit && last ? encodeCursor('random', [seed, bits, last.key]) : null };
  }

  /**
   * A very common word: walk candidates (every other condition) in sort order, a batch at a time, and
   * keep those FTS5 finds within the rowid ranges the batch spans — never materialising the whole match.
   * When the candidates turn out to be spread thinly over the rowids (another condition is selective),
   * those ranges would cover most of the match anyway: the plain plan (materialised match) takes over.
   */
  private windowedRows(plan: QueryPlan, window: TextWindow, order: SortPlan, after: SqlValue[] | null, count: number): KeyRow[] {
    const found: KeyRow[] = [];
    let keyset = after;
    for (let batch: number = WINDOW.firstBatch; ; batch = Math.min(batch * 2, WINDOW.maxBatch)) {
      const rows = this.keyRows(plan, order, keyset, batch);
      const ranges = rowidRanges(rows.map((r) => r.id));
      const covered = ranges.reduce((sum, [lo, hi]) => sum + hi - lo + 1, 0);
      if (found.length === 0 && rows.length === batch && covered > batch * WINDOW.maxSpreadPerRow) {
        return this.keyRows(window.fallback, order, after, count);
      }
      const matched = this.matchWithin(window.match, ranges);
      for (const row of rows) {
        if (!matched.has(row.id)) continue;
        found.push(row);
        if (found.length === count) return found;
      }
      const last = rows.at(-1);
      if (rows.length < batch || !last) return found;
      keyset = [last.k0, last.k1, last.k2].slice(0, order.keys.length);
    }
  }

  /** The rowids in `ranges` that the MATCH finds: one FTS5 query per range. */
  private matchWithin(match: string, ranges: ReadonlyArray<readonly [number, number]>): Set<number> {
    // CAST: better-sqlite3 binds JS numbers as REAL, and FTS5 only seeks on INTEGER rowid bounds (a REAL
    // bound is silently ignored and the whole doclist is read).
    const statement = this.statements
      .get<number>('SELECT rowid FROM assets_fts WHERE assets_fts MATCH ? AND rowid BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER)')
      .pluck();
    const matched = new Set<number>();
    for (const [lo, hi] of ranges) for (const rowid of statement.all(match, lo, hi)) matched.add(rowid);
    return matched;
  }

  /**
   * Summaries of `ids`, in the order given (unknown ids are left out). One query with each asset's tags
   * and projects as JSON arrays, read in raw (array) mode: building 200 row objects costs more than the
   * query itself, and this is on every page the grid shows.
   */
  summaries(ids: readonly number[]): AssetSummary[] {
    if (ids.length === 0) return [];
    const rows = this.statements.get<SummaryTuple>(SUMMARIES_SQL).raw(true).all(JSON.stringify(ids));
    const byId = new Map(rows.map((row) => [row[0], row]));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [summaryFromTuple(row)] : [];
    });
  }

  get(id: number): AssetDetail {
    const row = this.statements
      .get<DetailRow>(
        `SELECT ${SUMMARY_COLUMNS}, a.phash, a.notes, a.params_json, a.cost_usd, a.generation_ms, a.job_id, a.attempt_id, a.batch_id,
                a.image_index, a.project, a.tags_json, a.generator, a.raw_metadata FROM assets a WHERE a.id = ?`,
      )
      .get(id);
    if (!row) throw new AppError('NOT_FOUND', `No asset ${id}.`, { asset_id: id });
    const list = JSON.stringify([id]);
    const attempt =
      row.attempt_id === null
        ? undefined
        : this.statements
            .get<{ number: number; backend: string; model: string | null; started_at: number; ended_at: number | null; latency_ms: number | null; cost_usd: number }>(
              'SELECT number, backend, model, started_at, ended_at, latency_ms, cost_usd FROM attempts WHERE id = ?',
            )
            .get(row.attempt_id);
    return {
      ...toSummary(row, this.namesFor('tags', list).get(id) ?? [], this.namesFor('projects', list).get(id) ?? []),
      mime: row.mime,
      phash: row.phash,
      notes: row.notes,
      rel_path: row.rel_path,
      params: parseJsonObject(row.params_json),
      cost_usd: row.cost_usd,
      generation_ms: row.generation_ms,
      job_id: row.job_id,
      attempt_id: row.attempt_id,
      batch_id: row.batch_id,
      image_index: row.image_index,
      job_project: row.project,
      job_tags: parseStringArray(row.tags_json),
      attempt: attempt ?? null,
      generator: row.generator,
      embedded: embeddedTexts(row.raw_metadata),
    };
  }

  /** Tag or project names of each asset in the JSON id list, alphabetical. */
  private namesFor(kind: 'tags' | 'projects', idList: string): Map<number, string[]> {
    const sql =
      kind === 'tags'
        ? 'SELECT x.asset_id AS id, t.name AS name FROM asset_tags x JOIN tags t ON t.id = x.tag_id WHERE x.asset_id IN (SELECT value FROM json_each(?)) ORDER BY t.name'
        : 'SELECT x.asset_id AS id, p.name AS name FROM asset_projects x JOIN projects p ON p.id = x.project_id WHERE x.asset_id IN (SELECT value FROM json_each(?)) ORDER BY p.name';
    const out = new Map<number, string[]>();
    for (const row of this.statements.get<{ id: number; name: string }>(sql).all(idList)) {
      const names = out.get(row.id);
      if (names) names.push(row.name);
      else out.set(row.id, [row.name]);
    }
    return out;
  }
}

function toSummary(row: SummaryRow, tags: string[], projects: string[]): AssetSummary {
  return {
    id: row.id,
    sha256: row.sha256,
    file_name: row.rel_path.slice(row.rel_path.lastIndexOf('/') + 1),
    format: formatOfMime(row.mime),
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    source: row.source,
    backend: row.backend,
    model: row.model,
    prompt: row.prompt,
    negative_prompt: row.negative_prompt,
    seed: row.seed,
    rating: row.rating,
    favorite: row.favorite === 1,
    tags,
    projects,
    has_thumbnail: row.thumb_rel_path !== null,
    created_at: row.created_at,
  };
}

/** JSON columns are written by our own code; a damaged one shows as null instead of failing the page. */
function parseJsonObject(json: string | null): AssetDetail['params'] {
  if (json === null) return null;
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as AssetDetail['params']) : null;
  } catch {
    return null;
  }
}

function parseStringArray(json: string | null): string[] {
  if (json === null) return [];
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}
