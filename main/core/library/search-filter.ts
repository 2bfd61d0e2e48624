import { MIME_OF_FORMAT, type AssetFilter } from '../../../shared/domain/assets';
import type { Db } from '../db/connection';
import { buildFtsQuery } from './fts-query';

/**
 * Compiles an AssetFilter (a search or a saved search's rule) into SQL conditions on `assets a`, with
 * bound parameters only. Tag and project names are resolved to ids first, so the main query joins
 * small integer indexes; a tag that does not exist makes an "all of these tags" filter empty at once.
 */

export type SqlValue = string | number;

export interface CompiledFilter {
  /** Plain conditions ANDed together (empty: every asset). */
  where: string[];
  params: SqlValue[];
  /** "a.id is in this set" conditions, also ANDed; search-plan.ts decides how each one runs. */
  sets: SetCondition[];
  /** True when the filter can match nothing (e.g. an unknown tag is required). */
  empty: boolean;
}

/** `?, ?, ?` for n values. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * A condition "a.id is in this set" (text match, tag, projects) can run two ways:
 * - drive: SQLite walks the set and looks each asset up, then sorts — fast when the set is small;
 * - probe: SQLite walks assets in sort order (an index) and tests membership, stopping after one page —
 *   fast when the set is large, hopeless when it is tiny (it walks the whole library).
 * SQLite's planner cannot tell which without knowing the set's size, so we count it (capped) and choose.
 */
export interface SetCondition {
  kind: 'text' | 'tag' | 'project';
  /** `a.id IN (members)`: SQLite walks the set. */
  drive: string;
  /** A membership test per asset walked in sort order. */
  probe: string;
  /** The members themselves, `SELECT <id> ...` (for counting). */
  members: string;
  params: SqlValue[];
  /** The FTS5 MATCH expression (text sets only), for windowed probing. */
  match?: string;
  /** Text sets only: a single plain word, cheap to ask about one rowid range at a time (fts-query.ts). */
  windowable?: boolean;
}

export function compileFilter(db: Db, filter: AssetFilter | undefined): CompiledFilter {
  const where: string[] = [];
  const params: SqlValue[] = [];
  const sets: SetCondition[] = [];
  const none: CompiledFilter = { where: ['0'], params: [], sets: [], empty: true };
  if (!filter) return { where, params, sets, empty: false };

  if (filter.text !== undefined && filter.text.trim() !== '') {
    const fts = buildFtsQuery(filter.text);
    if (fts?.match) {
      const members = 'SELECT rowid FROM assets_fts WHERE assets_fts MATCH ?';
      // The probe is an IN over the materialised match set (SQLite adds a Bloom filter); a per-row
      // correlated MATCH would re-run the full-text query for every asset walked.
      sets.push({ kind: 'text', drive: `a.id IN (${members})`, probe: `+a.id IN (${members})`, members, params: [fts.match], match: fts.match, windowable: fts.singleWord });
    }
    if (fts?.exclude) {
      where.push('a.id NOT IN (SELECT rowid FROM assets_fts WHERE assets_fts MATCH ?)');
      params.push(fts.exclude);
    }
  }
  if (filter.projects?.length) {
    const ids = idsByName(db, 'projects', filter.projects);
    if (ids.length === 0) return none;
    const list = placeholders(ids.length);
    const members = `SELECT asset_id FROM asset_projects WHERE project_id IN (${list})`;
    sets.push({
      kind: 'project',
      drive: `a.id IN (${members})`,
      probe: `EXISTS (SELECT 1 FROM asset_projects x WHERE x.asset_id = a.id AND x.project_id IN (${list}))`,
      members,
      params: ids,
    });
  }
  if (filter.tags?.length) {
    const wanted = new Set(filter.tags.map((t) => t.toLowerCase()));
    const ids = idsByName(db, 'tags', filter.tags);
    if (ids.length < wanted.size) return none; // a required tag nobody carries
    for (const id of ids) {
      const members = 'SELECT asset_id FROM asset_tags WHERE tag_id = ?';
      sets.push({
        kind: 'tag',
        drive: `a.id IN (${members})`,
        probe: 'EXISTS (SELECT 1 FROM asset_tags x WHERE x.asset_id = a.id AND x.tag_id = ?)',
        members,
        params: [id],
      });
    }
  }
  if (filter.backends?.length) {
    where.push(`a.backend IN (${placeholders(filter.backends.length)})`);
    params.push(...filter.backends);
  }
  if (filter.models?.length) {
    where.push(`a.model IN (${placeholders(filter.models.length)})`);
    params.push(...filter.models);
  }
  if (filter.exclude_tags?.length) {
    const ids = idsByName(db, 'tags', filter.exclude_tags);
    if (ids.length > 0) {
      where.push(`a.id NOT IN (SELECT asset_id FROM asset_tags WHERE tag_id IN (${placeholders(ids.length)}))`);
      params.push(...ids);
    }
  }
  if (filter.untagged === true) where.push('NOT EXISTS (SELECT 1 FROM asset_tags x WHERE x.asset_id = a.id)');
  if (filter.untagged === false) where.push('EXISTS (SELECT 1 FROM asset_tags x WHERE x.asset_id = a.id)');
  if (filter.unfiled === true) where.push('NOT EXISTS (SELECT 1 FROM asset_projects x WHERE x.asset_id = a.id)');
  if (filter.unfiled === false) where.push('EXISTS (SELECT 1 FROM asset_projects x WHERE x.asset_id = a.id)');
  if (filter.rating_min !== undefined && filter.rating_min > 0) {
    where.push('a.rating >= ?');
    params.push(filter.rating_min);
  }
  if (filter.favorite !== undefined) where.push(filter.favorite ? 'a.favorite = 1' : 'a.favorite = 0');
  if (filter.source) {
    where.push('a.source = ?');
    params.push(filter.source);
  }
  if (filter.formats?.length) {
    where.push(`a.mime IN (${placeholders(filter.formats.length)})`);
    params.push(...filter.formats.map((f) => MIME_OF_FORMAT[f]));
  }
  const ranges: Array<[number | undefined, string]> = [
    [filter.min_width, 'a.width >= ?'],
    [filter.max_width, 'a.width <= ?'],
    [filter.min_height, 'a.height >= ?'],
    [filter.max_height, 'a.height <= ?'],
    [filter.created_from, 'a.created_at >= ?'],
    [filter.created_to, 'a.created_at < ?'],
  ];
  for (const [value, condition] of ranges) {
    if (value === undefined) continue;
    where.push(condition);
    params.push(value);
  }

  return { where, params, sets, empty: false };
}

/** Ids of the named tags or projects (case-insensitive, via the NOCASE unique index); unknown names are skipped. */
export function idsByName(db: Db, table: 'tags' | 'projects', names: readonly string[]): number[] {
  if (names.length === 0) return [];
  const rows = db.prepare<SqlValue[], { id: number }>(`SELECT id FROM ${table} WHERE name IN (${placeholders(names.length)})`).all(...names);
  return [...new Set(rows.map((r) => r.id))];
}
