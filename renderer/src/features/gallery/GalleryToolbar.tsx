import { useEffect, useState } from 'react';
import { ASSET_FORMATS, ASSET_SORTS, LIBRARY_LIMITS, type AssetFormat, type AssetSort, type Project, type TagInfo } from '../../../../shared/domain/assets';
import type { BackendId } from '../../../../shared/domain/config';
import { Button } from '../../components/Button';
import { BACKEND_LABELS } from '../../lib/format';
import { EMPTY_QUERY, isUnfiltered, type GalleryQuery } from './gallery-query';

const SORT_LABELS: Record<AssetSort, string> = { newest: 'Newest first', oldest: 'Oldest first', rating: 'Highest rated', random: 'Shuffled' };
const FORMAT_LABELS: Record<AssetFormat, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' };
/** Typing pauses this long before the search runs: one query per word, not per key. */
const SEARCH_DEBOUNCE_MS = 250;

export interface GalleryToolbarProps {
  query: GalleryQuery;
  onChange(query: GalleryQuery): void;
  projects: readonly Project[];
  tags: readonly TagInfo[];
  onSaveSearch(): void;
  /** Where Mod+F / "/" put the caret. */
  searchRef: React.RefObject<HTMLInputElement | null>;
}

function isSort(value: string): value is AssetSort {
  return (ASSET_SORTS as readonly string[]).includes(value);
}

function isFormat(value: string): value is AssetFormat {
  return (ASSET_FORMATS as readonly string[]).includes(value);
}

/** A filter that is off ("Any", null) or set to one of `options`. */
function FilterSelect({ label, value, options, onChange }: { label: string; value: string | null; options: readonly { value: string; label: string }[]; onChange(value: string | null): void }) {
  return (
    <label className="gallery-field">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(event) => onChange(event.target.value || null)}>
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Search box, one control per filter, the sort, and "save this search". */
export function GalleryToolbar({ query, onChange, projects, tags, onSaveSearch, searchRef }: GalleryToolbarProps) {
  // What is typed, until the debounce hands it to the query. `base` is the query text it was typed over: when
  // something else replaces the query (a saved search, "All images"), the box follows the query again.
  const [draft, setDraft] = useState<{ text: string; base: string } | null>(null);
  const text = draft && draft.base === query.text ? draft.text : query.text;
  const setText = (value: string) => setDraft({ text: value, base: query.text });

  useEffect(() => {
    if (!draft || draft.base !== query.text || draft.text === query.text) return;
    const timer = setTimeout(() => onChange({ ...query, text: draft.text }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft, query, onChange]);

  const set = <K extends keyof GalleryQuery>(key: K, value: GalleryQuery[K]) => onChange({ ...query, [key]: value });
  const backendIds = Object.keys(BACKEND_LABELS) as BackendId[];
  // A filter value from a saved search may name something not in the lists (yet): keep it selectable.
  const projectNames = projects.map((p) => p.name);
  if (query.project && !projectNames.includes(query.project)) projectNames.unshift(query.project);
  const tagNames = tags.map((t) => t.name);
  if (query.tag && !tagNames.includes(query.tag)) tagNames.unshift(query.tag);

  return (
    <div className="gallery-toolbar" role="search" aria-label="Find images">
      <div className="gallery-toolbar-row">
        <input
          ref={searchRef}
          type="search"
          className="gallery-search"
          aria-label="Search"
          placeholder="Search prompts, tags, projects, models, file names…"
          maxLength={LIBRARY_LIMITS.searchChars}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') onChange({ ...query, text });
          }}
        />
        <label className="gallery-field">
          <span>Sort</span>
          <select value={query.sort} onChange={(event) => isSort(event.target.value) && set('sort', event.target.value)}>
            {ASSET_SORTS.map((sort) => (
              <option key={sort} value={sort}>
                {SORT_LABELS[sort]}
              </option>
            ))}
          </select>
        </label>
        <Button size="small" onClick={onSaveSearch} disabled={isUnfiltered(query)} title={isUnfiltered(query) ? 'Search or filter first, then save it as a smart collection' : undefined}>
          Save search
        </Button>
      </div>
      <div className="gallery-toolbar-row gallery-filters">
        <FilterSelect label="Backend" value={query.backend} options={backendIds.map((id) => ({ value: id, label: BACKEND_LABELS[id] }))} onChange={(value) => set('backend', value)} />
        <FilterSelect label="Project" value={query.project} options={projectNames.map((name) => ({ value: name, label: name }))} onChange={(value) => set('project', value)} />
        <FilterSelect label="Tag" value={query.tag} options={tagNames.map((name) => ({ value: name, label: name }))} onChange={(value) => set('tag', value)} />
        <label className="gallery-field">
          <span>Rating</span>
          <select value={query.ratingMin} onChange={(event) => set('ratingMin', Number(event.target.value))}>
            <option value={0}>Any</option>
            {[1, 2, 3, 4, 5].map((stars) => (
              <option key={stars} value={stars}>
                {stars === 5 ? '5 stars' : `${stars}+ stars`}
              </option>
            ))}
          </select>
        </label>
        <FilterSelect
          label="Format"
          value={query.format}
          options={ASSET_FORMATS.map((format) => ({ value: format, label: FORMAT_LABELS[format] }))}
          onChange={(value) => set('format', value !== null && isFormat(value) ? value : null)}
        />
        <label className="gallery-field">
          <span>From</span>
          <input type="date" value={query.from} max={query.to || undefined} onChange={(event) => set('from', event.target.value)} />
        </label>
        <label className="gallery-field">
          <span>To</span>
          <input type="date" value={query.to} min={query.from || undefined} onChange={(event) => set('to', event.target.value)} />
        </label>
        <label className="gallery-check">
          <input type="checkbox" checked={query.favorite} onChange={(event) => set('favorite', event.target.checked)} />
          <span>Favourites only</span>
        </label>
        <Button size="small" variant="ghost" disabled={isUnfiltered(query)} onClick={() => onChange({ ...EMPTY_QUERY, sort: query.sort })}>
          Clear filters
        </Button>
      </div>
    </div>
  );
}
