import {
  LIBRARY_LIMITS,
  formatOfMime,
  type DuplicateCluster,
  type DuplicatesInput,
  type DuplicatesResult,
} from '../../../shared/domain/assets';
import type { Db } from '../db/connection';
import type { AssetSearch } from './search';

/**
 * Near-duplicate detection (DESIGN §5). Exact duplicates cannot exist: the store keeps one row per
 * SHA-256. Near duplicates — the same picture resized, re-encoded or lightly edited — have 64-bit
 * perceptual hashes (phash.ts) within a small Hamming distance.
 *
 * Comparing every pair of 100,000 hashes is 5·10⁹ comparisons. Instead, multi-index hashing: split
 * the 64 bits into 5 bands. If two hashes differ in at most t bits, by pigeonhole at least one band
 * differs in at most ⌊t/5⌋ bits, so each hash is compared only with the hashes in the buckets of its
 * bands' near neighbours (radius ⌊t/5⌋ in a 13-bit space: 1, 14 or 92 probes).
 * Matches are joined with union–find, so a cluster is a connected group of near-identical pictures.
 */

/**
 * Five bands of 13, 13, 13, 13 and 12 bits. Fewer, wider bands mean more neighbour probes per band;
 * more, narrower bands mean fuller buckets. For 100,000 hashes five bands cost the least at every
 * threshold up to 12 (about n·bands·probes·(1 + bucket/2) operations: 4 bands of 16 bits need 137
 * probes per band at t = 8, five bands only 14).
 */
const BAND_WIDTHS = [13, 13, 13, 13, 12] as const;
const BANDS = BAND_WIDTHS.length;

export interface HashedAsset {
  id: number;
  phash: string;
}

/** Bits [start, start + width) of the 64-bit value hi:lo (bit 0 is the lowest bit of lo). */
function bitsOf(hi: number, lo: number, start: number, width: number): number {
  const mask = (1 << width) - 1;
  if (start + width <= 32) return (lo >>> start) & mask;
  if (start >= 32) return (hi >>> (start - 32)) & mask;
  return ((lo >>> start) | (hi << (32 - start))) & mask;
}

/** Groups of indexes into `items` whose hashes chain together within `threshold` bits (groups of 2+). */
export function clusterByHash(items: readonly HashedAsset[], threshold: number): number[][] {
  const n = items.length;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const hash = items[i]!.phash;
    hi[i] = parseInt(hash.slice(0, 8), 16) >>> 0;
    lo[i] = parseInt(hash.slice(8, 16), 16) >>> 0;
  }
  const radius = Math.floor(threshold / BANDS);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };

  let offset = 0;
  for (const width of BAND_WIDTHS) {
    const values = 1 << width;
    const band = new Uint16Array(n);
    for (let i = 0; i < n; i++) band[i] = bitsOf(hi[i]!, lo[i]!, offset, width);
    offset += width;
    // Counting sort: members of bucket v are list[start[v] .. start[v + 1]), in increasing index order.
    const start = new Int32Array(values + 1);
    for (let i = 0; i < n; i++) start[band[i]! + 1]!++;
    for (let v = 0; v < values; v++) start[v + 1]! += start[v]!;
    const fill = start.slice(0, values);
    const list = new Int32Array(n);
    for (let i = 0; i < n; i++) list[fill[band[i]!]!++] = i;
    const masks = Int32Array.from(masksWithinRadius(radius, width));

    for (let i = 0; i < n; i++) {
      const value = band[i]!;
      const hiI = hi[i]!;
      const loI = lo[i]!;
      for (let m = 0; m < masks.length; m++) {
        const bucket = value ^ masks[m]!;
        // Walk down and stop at i: each pair is looked at once per band.
        for (let k = start[bucket + 1]! - 1; k >= start[bucket]!; k--) {
          const j = list[k]!;
          if (j <= i) break;
          if (popcount32(hiI ^ hi[j]!) + popcount32(loI ^ lo[j]!) > threshold) continue; // the cheap test first
          const a = find(i);
          const c = find(j);
          if (a !== c) parent[Math.max(a, c)] = Math.min(a, c);
        }
      }
    }
  }

  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(i);
    else groups.set(root, [i]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

/** Every `width`-bit mask with at most `radius` bits set (radius 0 → [0]). */
export function masksWithinRadius(radius: number, width: number): number[] {
  const masks: number[] = [];
  for (let mask = 0; mask < 1 << width; mask++) if (popcount32(mask) <= radius) masks.push(mask);
  return masks;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

export function hashDistance(a: string, b: string): number {
  return popcount32((parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) >>> 0) + popcount32((parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16)) >>> 0);
}

interface MemberRow {
  id: number;
  phash: string;
  width: number;
  height: number;
  bytes: number;
  mime: string;
  rating: number;
  has_metadata: number;
  created_at: number;
}

/**
 * The suggested keeper of a cluster: largest resolution, then the one with generation metadata, then
 * the highest rating, then the oldest (the original), then the lowest id.
 */
export function compareKeepers(a: MemberRow, b: MemberRow): number {
  return b.width * b.height - a.width * a.height || b.has_metadata - a.has_metadata || b.rating - a.rating || a.created_at - b.created_at || a.id - b.id;
}

export class DuplicateFinder {
  constructor(
    private readonly db: Db,
    private readonly search: AssetSearch,
  ) {}

  find(input: DuplicatesInput | undefined): DuplicatesResult {
    const threshold = input?.threshold ?? LIBRARY_LIMITS.defaultDuplicateThreshold;
    const limit = input?.limit ?? LIBRARY_LIMITS.duplicateClusters;
    // The partial phash index covers this: 100,000 hashes without touching the wide asset rows.
    let items = this.db
      .prepare<[], [number, string]>('SELECT id, phash FROM assets WHERE phash IS NOT NULL')
      .raw(true)
      .all()
      .map(([id, phash]) => ({ id, phash }));
    if (input?.filter) {
      const scope = new Set<number>();
      for (const ids of this.search.matchingIds(input.filter)) for (const id of ids) scope.add(id);
      items = items.filter((item) => scope.has(item.id));
    }
    items = items.filter((item) => /^[0-9a-f]{16}$/.test(item.phash));
    // Biggest clusters first, then by their oldest (smallest) id.
    const groups = clusterByHash(items, threshold)
      .map((group) => group.map((i) => items[i]!.id).sort((a, b) => a - b))
      .sort((a, b) => b.length - a.length || a[0]! - b[0]!);

    const member = this.db.prepare<[number], MemberRow>(
      `SELECT id, phash, width, height, bytes, mime, rating, (prompt IS NOT NULL AND prompt <> '') AS has_metadata, created_at FROM assets WHERE id = ?`,
    );
    const clusters: DuplicateCluster[] = groups.slice(0, limit).map((ids) => {
      const rows = ids.flatMap((id) => {
        const row = member.get(id);
        return row ? [row] : [];
      });
      rows.sort(compareKeepers);
      const keeper = rows[0]!;
      return {
        keeper_id: keeper.id,
        size: rows.length,
        items: rows.slice(0, LIBRARY_LIMITS.clusterItems).map((row) => ({
          id: row.id,
          distance: hashDistance(keeper.phash, row.phash),
          width: row.width,
          height: row.height,
          bytes: row.bytes,
          format: formatOfMime(row.mime),
          rating: row.rating,
          has_metadata: row.has_metadata === 1,
          created_at: row.created_at,
        })),
      };
    });
    return { threshold, scanned: items.length, total_clusters: groups.length, clusters };
  }
}
