import { describe, expect, it } from 'vitest';
import { AssetFilter, SavedSearchRule } from '../../shared/domain/assets';
import { EMPTY_QUERY, dayStart, fromRule, isUnfiltered, queryKey, toFilter, toRule } from '../../renderer/src/features/gallery/gallery-query';
import { CAPTION_HEIGHT, GAP, GRID_PADDING, MIN_TILE, layoutFor, rowsFor } from '../../renderer/src/features/gallery/grid-layout';

describe('gallery query', () => {
  it('turns toolbar values into a filter the contract accepts, with an inclusive end date', () => {
    const query = { ...EMPTY_QUERY, text: '  duck pond ', backend: 'demo', project: 'Birds', tag: 'water', ratingMin: 3, favorite: true, format: 'png' as const, from: '2026-01-02', to: '2026-01-05' };
    const filter = toFilter(query);
    expect(AssetFilter.parse(filter)).toEqual(filter);
    expect(filter).toEqual({
      text: 'duck pond',
      backends: ['demo'],
      projects: ['Birds'],
      tags: ['water'],
      rating_min: 3,
      favorite: true,
      formats: ['png'],
      created_from: new Date(2026, 0, 2).getTime(),
      created_to: new Date(2026, 0, 6).getTime(),
    });
    expect(toFilter(EMPTY_QUERY)).toEqual({});
    expect(isUnfiltered(EMPTY_QUERY)).toBe(true);
    expect(isUnfiltered({ ...EMPTY_QUERY, sort: 'oldest' })).toBe(true);
    expect(isUnfiltered({ ...EMPTY_QUERY, text: '   ' })).toBe(true);
    expect(isUnfiltered({ ...EMPTY_QUERY, favorite: true })).toBe(false);
    expect(dayStart('2026-13-45x')).toBeNull();
  });

  it('saves a search as a rule and reads it back the same, keeping what the toolbar cannot show', () => {
    const query = { ...EMPTY_QUERY, text: 'lighthouse', tag: 'sea', ratingMin: 2, from: '2025-12-31', to: '2026-02-01', sort: 'rating' as const };
    const rule = SavedSearchRule.parse(toRule(query));
    expect(queryKey(fromRule(rule))).toBe(queryKey(query));
    expect(fromRule(rule)).toEqual(query);

    const wider = fromRule({ filter: { tags: ['a', 'b'], untagged: false, favorite: false, backends: ['demo'] }, sort: 'oldest' });
    expect(wider).toMatchObject({ tag: null, backend: 'demo', favorite: false, sort: 'oldest', extra: { tags: ['a', 'b'], untagged: false, favorite: false } });
    expect(toFilter(wider)).toEqual({ tags: ['a', 'b'], untagged: false, favorite: false, backends: ['demo'] });
  });
});

describe('gallery grid layout', () => {
  it('fits whole columns of at least the minimum tile, and never fewer than one', () => {
    const narrow = layoutFor(100);
    expect(narrow.columns).toBe(1);
    expect(narrow.tile).toBe(MIN_TILE);
    for (const width of [400, 856, 1280, 2560]) {
      const { columns, tile, rowHeight } = layoutFor(width);
      expect(tile).toBeGreaterThanOrEqual(MIN_TILE);
      expect(columns * tile + (columns - 1) * GAP).toBeLessThanOrEqual(width - GRID_PADDING * 2);
      // One more column would not fit at the minimum size.
      expect((columns + 1) * MIN_TILE + columns * GAP).toBeGreaterThan(width - GRID_PADDING * 2);
      expect(rowHeight).toBe(tile + CAPTION_HEIGHT + GAP);
    }
    expect(rowsFor(0, 4)).toBe(0);
    expect(rowsFor(9, 4)).toBe(3);
    expect(rowsFor(8, 4)).toBe(2);
  });
});
