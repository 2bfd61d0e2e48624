import { describe, expect, it } from 'vitest';
import { clusterByHash, compareKeepers, hashDistance, masksWithinRadius, popcount32, type HashedAsset } from '../../../../main/core/library/duplicates';
import { hammingDistance } from '../../../../main/core/library/phash';

/** mulberry32: deterministic hashes for the property checks. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function randomHash(random: () => number): string {
  return Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
}

function flip(hash: string, bits: readonly number[]): string {
  let value = BigInt(`0x${hash}`);
  for (const bit of bits) value ^= 1n << BigInt(bit);
  return value.toString(16).padStart(16, '0');
}

/** Every pair within `max` bits, by comparing all pairs the slow obvious way (phash.ts's own distance). */
function closePairs(items: readonly HashedAsset[], max: number): Array<[number, number, number]> {
  const pairs: Array<[number, number, number]> = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const d = hammingDistance(items[i]!.phash, items[j]!.phash);
      if (d <= max) pairs.push([i, j, d]);
    }
  }
  return pairs;
}

/** Connected components of "distance ≤ t" over those pairs. */
function bruteForce(count: number, pairs: ReadonlyArray<[number, number, number]>, threshold: number): number[][] {
  const parent = Array.from({ length: count }, (_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
  for (const [i, j, d] of pairs) if (d <= threshold) parent[find(j)] = find(i);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < count; i++) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  return normalise([...groups.values()].filter((g) => g.length > 1));
}

function normalise(groups: number[][]): number[][] {
  return groups.map((g) => [...g].sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}

describe('near-duplicate clustering', () => {
  it('counts bits and enumerates neighbour masks', () => {
    expect([0, 1, 0xff, 0xffffffff, 0x80000001].map(popcount32)).toEqual([0, 1, 8, 32, 2]);
    expect(masksWithinRadius(0, 13)).toEqual([0]);
    expect(masksWithinRadius(1, 13)).toHaveLength(14);
    expect(masksWithinRadius(2, 13)).toHaveLength(92);
    expect(masksWithinRadius(2, 12)).toHaveLength(79);
    expect(hashDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hashDistance('00000000ffffffff', '00000001fffffffe')).toBe(2);
  });

  it('finds exactly the pairs within the threshold, for every threshold, like the brute force', () => {
    const random = rng(1234);
    const items: HashedAsset[] = [];
    for (let i = 0; i < 200; i++) {
      const base = randomHash(random);
      items.push({ id: items.length + 1, phash: base });
      // Near copies at growing distances, with the flipped bits spread over all four bands.
      for (let copy = 0; copy < 1 + (i % 3); copy++) {
        const bits = Array.from({ length: Math.floor(random() * 14) }, () => Math.floor(random() * 64));
        items.push({ id: items.length + 1, phash: flip(base, [...new Set(bits)]) });
      }
    }
    const pairs = closePairs(items, 12);
    expect(bruteForce(items.length, pairs, 8).length).toBeGreaterThan(50); // the fixture really has near copies
    for (const threshold of [0, 1, 3, 4, 7, 8, 10, 12]) {
      expect(normalise(clusterByHash(items, threshold)), `threshold ${threshold}`).toEqual(bruteForce(items.length, pairs, threshold));
    }
  });

  it('suggests the largest, then described, then best rated, then oldest image as keeper', () => {
    const base = { phash: '0000000000000000', bytes: 1, mime: 'image/png' };
    const rows = [
      { ...base, id: 1, width: 512, height: 512, has_metadata: 1, rating: 5, created_at: 1 },
      { ...base, id: 2, width: 1024, height: 1024, has_metadata: 0, rating: 0, created_at: 5 },
      { ...base, id: 3, width: 1024, height: 1024, has_metadata: 1, rating: 0, created_at: 9 },
      { ...base, id: 4, width: 1024, height: 1024, has_metadata: 1, rating: 3, created_at: 9 },
      { ...base, id: 5, width: 1024, height: 1024, has_metadata: 1, rating: 3, created_at: 2 },
    ];
    expect([...rows].sort(compareKeepers).map((r) => r.id)).toEqual([5, 4, 3, 2, 1]);
  });
});
