import type { AssetFilter, AssetFormat, AssetSort, SavedSearchRule } from '../../../../shared/domain/assets';

/**
 * What the gallery shows, as the toolbar edits it: one value per control (the contract takes lists; the
 * toolbar offers one choice per filter, which covers the everyday case). Turned into an `assets.search`
 * filter by `toFilter`, saved as a smart collection by `toRule`, and read back by `fromRule`.
 */
export interface GalleryQuery {
  text: string;
  backend: string | null;
  project: string | null;
  tag: string | null;
  /** At least this many stars; 0 means any. */
  ratingMin: number;
  favorite: boolean;
  format: AssetFormat | null;
  /** `YYYY-MM-DD` in local time, both inclusive; '' means open. */
  from: string;
  to: string;
  sort: AssetSort;
  /** A saved search whose rule had filters the toolbar has no control for: applied as they are. */
  extra: AssetFilter | null;
}

export const EMPTY_QUERY: GalleryQuery = {
  text: '',
  backend: null,
  project: null,
  tag: null,
  ratingMin: 0,
  favorite: false,
  format: null,
  from: '',
  to: '',
  sort: 'newest',
  extra: null,
};

const DAY_MS = 86_400_000;

/** Local midnight of a `YYYY-MM-DD` date, or null when the text is not one. */
export function dayStart(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return null;
  const value = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/** The `YYYY-MM-DD` (local) of an epoch-ms time. */
export function dayOf(time: number): string {
  const date = new Date(time);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function toFilter(query: GalleryQuery): AssetFilter {
  const filter: AssetFilter = { ...(query.extra ?? {}) };
  const text = query.text.trim();
  if (text !== '') filter.text = text;
  if (query.backend) filter.backends = [query.backend];
  if (query.project) filter.projects = [query.project];
  if (query.tag) filter.tags = [query.tag];
  if (query.ratingMin > 0) filter.rating_min = query.ratingMin;
  if (query.favorite) filter.favorite = true;
  if (query.format) filter.formats = [query.format];
  const from = dayStart(query.from);
  if (from !== null) filter.created_from = from;
  const to = dayStart(query.to);
  // `to` is inclusive for the artist, exclusive for the contract: the next local midnight.
  if (to !== null) filter.created_to = to + DAY_MS;
  return filter;
}

export function toRule(query: GalleryQuery): SavedSearchRule {
  return { filter: toFilter(query), sort: query.sort };
}

/** A saved rule back into toolbar values; anything the toolbar cannot show stays in `extra`. */
export function fromRule(rule: SavedSearchRule): GalleryQuery {
  const { text, backends, projects, tags, rating_min, favorite, formats, created_from, created_to, ...rest } = rule.filter;
  const extra: AssetFilter = { ...rest };
  const query: GalleryQuery = { ...EMPTY_QUERY, sort: rule.sort ?? 'newest', text: text ?? '' };
  if (backends?.length === 1) query.backend = backends[0]!;
  else if (backends?.length) extra.backends = backends;
  if (projects?.length === 1) query.project = projects[0]!;
  else if (projects?.length) extra.projects = projects;
  if (tags?.length === 1) query.tag = tags[0]!;
  else if (tags?.length) extra.tags = tags;
  if (rating_min !== undefined) query.ratingMin = rating_min;
  if (favorite === true) query.favorite = true;
  else if (favorite === false) extra.favorite = false;
  if (formats?.length === 1) query.format = formats[0]!;
  else if (formats?.length) extra.formats = formats;
  if (created_from !== undefined) query.from = dayOf(created_from);
  if (created_to !== undefined) query.to = dayOf(created_to - DAY_MS);
  query.extra = Object.keys(extra).length > 0 ? extra : null;
  return query;
}

/** True when nothing narrows the result (the sort does not count). */
export function isUnfiltered(query: GalleryQuery): boolean {
  return Object.keys(toFilter(query)).length === 0;
}

/** A stable key of what the search returns: a new key means a new result (and a new pager). */
export function queryKey(query: GalleryQuery): string {
  return JSON.stringify([toFilter(query), query.sort]);
}
