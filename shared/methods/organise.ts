import { z } from 'zod';
import {
  AssetUpdateInput,
  CollectionName,
  LIBRARY_LIMITS,
  Project,
  ProjectName,
  SavedSearch,
  SavedSearchRule,
  TagInfo,
  TagName,
  TagsChangeInput,
} from '../domain/assets';
import { Id, NoInput, method } from './method';

const Ids = z.array(Id).min(1).max(LIBRARY_LIMITS.idsPerCall);
const Count = z.number().int().min(0);

/**
 * Organising the library (issue 5 part B): 0–5 ratings, favourites and notes on many assets at once,
 * tags (bulk add/remove, rename, merge), projects an image may share, and saved searches ("smart
 * collections") whose rule is exactly an `assets.search` filter. Changes emit `assets.changed`.
 */
export const organiseMethods = {
  'assets.update': method(AssetUpdateInput, z.object({ changed: Count })),

  'tags.add': method(TagsChangeInput, z.object({ added: Count })),
  'tags.remove': method(TagsChangeInput, z.object({ removed: Count })),
  /** Tags with their asset counts, most used first; `prefix` narrows for autocomplete. */
  'tags.list': method(
    z.strictObject({ prefix: z.string().max(LIBRARY_LIMITS.tagChars).optional(), limit: z.number().int().min(1).max(LIBRARY_LIMITS.tagList).optional() }).optional(),
    z.object({ items: z.array(TagInfo).max(LIBRARY_LIMITS.tagList), total: Count }),
  ),
  /** Renames a tag on every asset and in saved searches (to an existing name: use tags.merge). */
  'tags.rename': method(z.strictObject({ from: TagName, to: TagName }), TagInfo),
  /** Moves every asset of the `from` tags onto `into` and deletes them. */
  'tags.merge': method(z.strictObject({ from: z.array(TagName).min(1).max(LIBRARY_LIMITS.tagsPerCall), into: TagName }), z.object({ into: TagInfo, merged: Count })),

  'projects.list': method(NoInput, z.object({ items: z.array(Project).max(LIBRARY_LIMITS.projectList) })),
  'projects.create': method(z.strictObject({ name: ProjectName }), Project),
  'projects.rename': method(z.strictObject({ id: Id, name: ProjectName }), Project),
  /** Deletes the project, never its images. */
  'projects.delete': method(z.strictObject({ id: Id }), z.object({ unlinked: Count })),
  'projects.addAssets': method(z.strictObject({ id: Id, ids: Ids }), z.object({ added: Count })),
  'projects.removeAssets': method(z.strictObject({ id: Id, ids: Ids }), z.object({ removed: Count })),

  'collections.list': method(NoInput, z.object({ items: z.array(SavedSearch).max(LIBRARY_LIMITS.collectionList) })),
  /** Creates a saved search, or replaces the one with `id`. */
  'collections.save': method(z.strictObject({ id: Id.optional(), name: CollectionName, rule: SavedSearchRule }), SavedSearch),
  'collections.delete': method(z.strictObject({ id: Id }), z.object({ deleted: z.boolean() })),
} as const;
