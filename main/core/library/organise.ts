import {
  LIBRARY_LIMITS,
  SavedSearchRule,
  type AssetUpdateInput,
  type Project,
  type SavedSearch,
  type TagInfo,
} from '../../../shared/domain/assets';
import { AppError } from '../../../shared/errors';
import type { Db } from '../db/connection';
import type { Logger } from '../log';
import { withFtsHeld } from './fts-hold';
import { idsByName, placeholders } from './search-filter';

/**
 * How the artist organises the library (anchors §1.3, §6): 0–5 ratings, favourites, notes, tags
 * (bulk add/remove, rename, merge), projects an image may share with others, and saved searches.
 * Every bulk change is one transaction. Names compare case-insensitively (the tables' NOCASE unique
 * indexes), so "Sky" and "sky" are one tag; renaming may change a name's case.
 */

interface TagRow {
  id: number;
  name: string;
  count: number;
}

interface SavedSearchRow {
  id: number;
  name: string;
  rule_json: string;
  created_at: number;
  updated_at: number;
}

export interface OrganiseResult<T> {
  value: T;
  /** Assets whose organisation changed (for the `assets.changed` event). */
  changed: number[];
}

export class Organiser {
  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** Rating, favourite and/or notes of many assets at once. */
  update(input: AssetUpdateInput): OrganiseResult<{ changed: number }> {
    const sets: string[] = [];
    const params: Array<string | number | null> = [];
    if (input.rating !== undefined) {
      sets.push('rating = ?');
      params.push(input.rating);
    }
    if (input.favorite !== undefined) {
      sets.push('favorite = ?');
      params.push(input.favorite ? 1 : 0);
    }
    if (input.notes !== undefined) {
      sets.push('notes = ?');
      params.push(input.notes === null || input.notes.trim() === '' ? null : input.notes);
    }
    const list = JSON.stringify(input.ids);
    const changed = this.db.transaction(() => {
      const ids = this.existing(list);
      this.db.prepare(`UPDATE assets SET ${sets.join(', ')} WHERE id IN (SELECT value FROM json_each(?))`).run(...params, list);
      return ids;
    })();
    return { value: { changed: changed.length }, changed };
  }

  addTags(ids: readonly number[], names: readonly string[]): OrganiseResult<{ added: number }> {
    const list = JSON.stringify(ids);
    return this.db.transaction(() => {
      const at = this.now();
      const insertTag = this.db.prepare('INSERT INTO tags (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING');
      for (const name of names) insertTag.run(name, at);
      const tagIds = idsByName(this.db, 'tags', names);
      const added = withFtsHeld(this.db, ids, () =>
        this.db
          .prepare(
            `INSERT INTO asset_tags (asset_id, tag_id)
             SELECT a.id, t.value FROM assets a, json_each(?) t WHERE a.id IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING`,
          )
          .run(JSON.stringify(tagIds), list).changes,
      );
      this.dropUnusedTags(tagIds); // none of the ids existed: no tag is left behind with nobody carrying it
      return { value: { added }, changed: this.existing(list) };
    })();
  }

  removeTags(ids: readonly number[], names: readonly string[]): OrganiseResult<{ removed: number }> {
    const list = JSON.stringify(ids);
    return this.db.transaction(() => {
      const tagIds = idsByName(this.db, 'tags', names);
      if (tagIds.length === 0) return { value: { removed: 0 }, changed: [] };
      const removed = withFtsHeld(this.db, ids, () =>
        this.db
          .prepare(`DELETE FROM asset_tags WHERE asset_id IN (SELECT value FROM json_each(?)) AND tag_id IN (${placeholders(tagIds.length)})`)
          .run(list, ...tagIds).changes,
      );
      this.dropUnusedTags(tagIds);
      return { value: { removed }, changed: this.existing(list) };
    })();
  }

  /** Tags with how many assets carry each, most used first; `prefix` narrows (case-insensitive). */
  listTags(prefix: string | undefined, limit: number): { items: TagInfo[]; total: number } {
    const like = prefix === undefined || prefix === '' ? '%' : `${escapeLike(prefix)}%`;
    const items = this.db
      .prepare<[string, number], TagRow>(
        `SELECT t.id, t.name, COUNT(*) AS count FROM tags t JOIN asset_tags x ON x.tag_id = t.id
         WHERE t.name LIKE ? ESCAPE '\\' GROUP BY t.id ORDER BY count DESC, t.name LIMIT ?`,
      )
      .all(like, limit);
    // A tag nobody carries (left by an image removed outside the app) is not listed.
    const total =
      this.db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM tags t WHERE t.name LIKE ? ESCAPE '\\' AND EXISTS (SELECT 1 FROM asset_tags x WHERE x.tag_id = t.id)").get(like)?.n ?? 0;
    return { items, total };
  }

  /** Renames a tag everywhere (and in saved searches). Renaming onto another existing tag is a merge: refused here. */
  renameTag(from: string, to: string): OrganiseResult<TagInfo> {
    return this.db.transaction(() => {
      const source = this.requireTag(from);
      const target = this.tagByName(to);
      if (target && target.id !== source.id) {
        throw new AppError('CONFLICT', `A tag named "${target.name}" exists already; merge "${source.name}" into it instead.`, { field: 'to' });
      }
      // One statement: the tags_rename trigger rewrites the FTS rows of every asset carrying it.
      this.db.prepare('UPDATE tags SET name = ? WHERE id = ?').run(to, source.id);
      this.renameInRules('tags', source.name, to);
      return { value: this.requireTag(to), changed: this.membersOf('tags', source.id) };
    })();
  }

  /** Moves every asset of the `from` tags onto `into` (created when missing) and deletes the `from` tags. */
  mergeTags(from: readonly string[], into: string): OrganiseResult<{ into: TagInfo; merged: number }> {
    return this.db.transaction(() => {
      this.db.prepare('INSERT INTO tags (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING').run(into, this.now());
      const target = this.requireTag(into);
      const sources = idsByName(this.db, 'tags', from).filter((id) => id !== target.id);
      if (sources.length === 0) return { value: { into: target, merged: 0 }, changed: [] };
      const list = placeholders(sources.length);
      const names = this.db.prepare<number[], { name: string }>(`SELECT name FROM tags WHERE id IN (${list})`).all(...sources).map((r) => r.name);
      const touched = this.db.prepare<number[], { asset_id: number }>(`SELECT DISTINCT asset_id FROM asset_tags WHERE tag_id IN (${list})`).all(...sources).map((r) => r.asset_id);
      withFtsHeld(this.db, touched, () => {
        this.db.prepare(`INSERT INTO asset_tags (asset_id, tag_id) SELECT asset_id, ? FROM asset_tags WHERE tag_id IN (${list}) ON CONFLICT DO NOTHING`).run(target.id, ...sources);
        this.db.prepare(`DELETE FROM tags WHERE id IN (${list})`).run(...sources); // cascades to asset_tags
      });
      for (const name of names) this.renameInRules('tags', name, target.name);
      return { value: { into: this.requireTag(target.name), merged: sources.length }, changed: touched };
    })();
  }

  listProjects(): Project[] {
    return this.db
      .prepare<[number], Project>(
        `SELECT p.id, p.name, p.created_at, (SELECT COUNT(*) FROM asset_projects x WHERE x.project_id = p.id) AS count
         FROM projects p ORDER BY p.name COLLATE NOCASE LIMIT ?`,
      )
      .all(LIBRARY_LIMITS.projectList);
  }

  createProject(name: string): Project {
    if (this.projectByName(name)) throw new AppError('CONFLICT', `A project named "${name}" exists already.`, { field: 'name' });
    const id = Number(this.db.prepare('INSERT INTO projects (name, created_at) VALUES (?, ?)').run(name, this.now()).lastInsertRowid);
    return this.requireProject(id);
  }

  renameProject(id: number, name: string): OrganiseResult<Project> {
    return this.db.transaction(() => {
      const project = this.requireProject(id);
      const other = this.projectByName(name);
      if (other && other.id !== id) throw new AppError('CONFLICT', `A project named "${other.name}" exists already.`, { field: 'name' });
      this.db.prepare('UPDATE projects SET name = ? WHERE id = ?').run(name, id);
      this.renameInRules('projects', project.name, name);
      return { value: this.requireProject(id), changed: this.membersOf('projects', id) };
    })();
  }

  /** Deletes the project; its images stay in the library (and in their other projects). */
  deleteProject(id: number): OrganiseResult<{ unlinked: number }> {
    return this.db.transaction(() => {
      this.requireProject(id);
      const members = this.membersOf('projects', id);
      withFtsHeld(this.db, members, () => this.db.prepare('DELETE FROM projects WHERE id = ?').run(id));
      return { value: { unlinked: members.length }, changed: members };
    })();
  }

  addToProject(id: number, ids: readonly number[]): OrganiseResult<{ added: number }> {
    return this.db.transaction(() => {
      this.requireProject(id);
      const added = withFtsHeld(this.db, ids, () =>
        this.db
          .prepare('INSERT INTO asset_projects (asset_id, project_id, added_at) SELECT id, ?, ? FROM assets WHERE id IN (SELECT value FROM json_each(?)) ON CONFLICT DO NOTHING')
          .run(id, this.now(), JSON.stringify(ids)).changes,
      );
      return { value: { added }, changed: this.existing(JSON.stringify(ids)) };
    })();
  }

  removeFromProject(id: number, ids: readonly number[]): OrganiseResult<{ removed: number }> {
    return this.db.transaction(() => {
      this.requireProject(id);
      const removed = withFtsHeld(this.db, ids, () =>
        this.db.prepare('DELETE FROM asset_projects WHERE project_id = ? AND asset_id IN (SELECT value FROM json_each(?))').run(id, JSON.stringify(ids)).changes,
      );
      return { value: { removed }, changed: this.existing(JSON.stringify(ids)) };
    })();
  }

  listCollections(): SavedSearch[] {
    const rows = this.db
      .prepare<[number], SavedSearchRow>('SELECT id, name, rule_json, created_at, updated_at FROM saved_searches ORDER BY name COLLATE NOCASE LIMIT ?')
      .all(LIBRARY_LIMITS.collectionList);
    return rows.flatMap((row) => {
      const rule = parseRule(row.rule_json);
      if (rule) return [{ id: row.id, name: row.name, rule, created_at: row.created_at, updated_at: row.updated_at }];
      this.log.warn('saved search with an unreadable rule skipped', { id: row.id, name: row.name });
      return [];
    });
  }

  /** Creates (no id) or replaces (id) a saved search. */
  saveCollection(input: { id?: number | undefined; name: string; rule: SavedSearchRule }): SavedSearch {
    const rule = SavedSearchRule.parse(input.rule);
    return this.db.transaction(() => {
      const clash = this.db.prepare<[string], { id: number }>('SELECT id FROM saved_searches WHERE name = ?').get(input.name);
      if (clash && clash.id !== input.id) throw new AppError('CONFLICT', `A saved search named "${input.name}" exists already.`, { field: 'name' });
      const at = this.now();
      let id = input.id;
      if (id === undefined) {
        id = Number(this.db.prepare('INSERT INTO saved_searches (name, rule_json, created_at, updated_at) VALUES (?, ?, ?, ?)').run(input.name, JSON.stringify(rule), at, at).lastInsertRowid);
      } else {
        const changed = this.db.prepare('UPDATE saved_searches SET name = ?, rule_json = ?, updated_at = ? WHERE id = ?').run(input.name, JSON.stringify(rule), at, id).changes;
        if (changed === 0) throw new AppError('NOT_FOUND', `No saved search ${id}.`, { collection_id: id });
      }
      const saved = this.listCollections().find((c) => c.id === id);
      if (!saved) throw new Error(`saved search ${id} vanished`);
      return saved;
    })();
  }

  deleteCollection(id: number): { deleted: boolean } {
    return { deleted: this.db.prepare('DELETE FROM saved_searches WHERE id = ?').run(id).changes > 0 };
  }

  /** Tags nobody carries any more are forgotten (there is no separate "create tag"). */
  dropUnusedTags(ids?: readonly number[]): number {
    const scope = ids ? `id IN (${placeholders(ids.length)}) AND` : '';
    return this.db.prepare(`DELETE FROM tags WHERE ${scope} NOT EXISTS (SELECT 1 FROM asset_tags x WHERE x.tag_id = tags.id)`).run(...(ids ?? [])).changes;
  }

  private existing(idList: string): number[] {
    return this.db.prepare<[string], { id: number }>('SELECT id FROM assets WHERE id IN (SELECT value FROM json_each(?))').all(idList).map((r) => r.id);
  }

  private membersOf(kind: 'tags' | 'projects', id: number): number[] {
    const sql = kind === 'tags' ? 'SELECT asset_id FROM asset_tags WHERE tag_id = ?' : 'SELECT asset_id FROM asset_projects WHERE project_id = ?';
    return this.db.prepare<[number], { asset_id: number }>(sql).all(id).map((r) => r.asset_id);
  }

  private tagByName(name: string): TagInfo | null {
    return (
      this.db
        .prepare<[string], TagRow>('SELECT t.id, t.name, (SELECT COUNT(*) FROM asset_tags x WHERE x.tag_id = t.id) AS count FROM tags t WHERE t.name = ?')
        .get(name) ?? null
    );
  }

  private requireTag(name: string): TagInfo {
    const tag = this.tagByName(name);
    if (!tag) throw new AppError('NOT_FOUND', `No tag "${name}".`, { tag: name });
    return tag;
  }

  private projectByName(name: string): { id: number; name: string } | null {
    return this.db.prepare<[string], { id: number; name: string }>('SELECT id, name FROM projects WHERE name = ?').get(name) ?? null;
  }

  private requireProject(id: number): Project {
    const project = this.db
      .prepare<[number], Project>('SELECT p.id, p.name, p.created_at, (SELECT COUNT(*) FROM asset_projects x WHERE x.project_id = p.id) AS count FROM projects p WHERE p.id = ?')
      .get(id);
    if (!project) throw new AppError('NOT_FOUND', `No project ${id}.`, { project_id: id });
    return project;
  }

  /** Saved searches name tags and projects; a rename or merge follows into their rules. */
  private renameInRules(kind: 'tags' | 'projects', from: string, to: string): void {
    const same = (name: string) => name.toLowerCase() === from.toLowerCase();
    const rows = this.db.prepare<[], { id: number; rule_json: string }>('SELECT id, rule_json FROM saved_searches').all();
    const update = this.db.prepare('UPDATE saved_searches SET rule_json = ?, updated_at = ? WHERE id = ?');
    for (const row of rows) {
      const rule = parseRule(row.rule_json);
      if (!rule) continue;
      const filter = { ...rule.filter };
      const lists = kind === 'tags' ? (['tags', 'exclude_tags'] as const) : (['projects'] as const);
      let touched = false;
      for (const key of lists) {
        const names = filter[key];
        if (!names?.some(same)) continue;
        filter[key] = [...new Set(names.map((name) => (same(name) ? to : name)))];
        touched = true;
      }
      if (touched) update.run(JSON.stringify({ ...rule, filter }), this.now(), row.id);
    }
  }
}

function parseRule(json: string): SavedSearchRule | null {
  try {
    const result = SavedSearchRule.safeParse(JSON.parse(json));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
