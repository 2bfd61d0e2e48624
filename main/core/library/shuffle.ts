/**
 * The seeded shuffle behind `sort: "random"`: a bijection key(id) = (id·M + A) mod 2^bits, with M odd
 * and A derived from the seed, over the ids below 2^bits. Because it is a bijection it can be walked
 * both ways: search asks for the ids of keys 0, 1, 2… (id(key) = (key − A)·M⁻¹ mod 2^bits) and keeps
 * those that exist and match, so a random page costs a few hundred primary-key lookups instead of
 * keying and sorting the whole library. Keys never tie, so a cursor is just the last key, and the
 * same seed gives the same order on every page. `bits` is fixed by the first page (the smallest power
 * of two above the largest id then) and travels in the cursor, so images added meanwhile cannot
 * reshuffle pages already shown.
 */

/** Smallest shuffle space: tiny libraries still get a real permutation. */
const MIN_BITS = 10;
/** Ids stay below 2^31 in the key space, so id·M (< 2^62) is exact in SQLite's 64-bit integers. */
export const MAX_BITS = 31;

export interface Shuffle {
  seed: number;
  bits: number;
  /** 2^bits: keys and ids of this shuffle are below it. */
  modulus: number;
  multiplier: number;
  offset: number;
  inverse: number;
}

export function bitsFor(maxId: number): number {
  let bits = MIN_BITS;
  while (bits < MAX_BITS && 2 ** bits <= maxId) bits++;
  return bits;
}

/** M (odd) and A from the seed by splitmix-style scrambling: different seeds give unrelated orders. */
export function shuffleFor(seed: number, bits: number): Shuffle {
  const modulus = 2 ** bits;
  let x = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  const multiplier = ((x % modulus) | 1) >>> 0;
  const offset = (Math.imul(x ^ 0x27d4eb2d, 0x165667b1) >>> 0) % modulus;
  // Newton's iteration for the inverse of an odd number mod 2^32 (each step doubles the correct bits).
  let inverse = multiplier;
  for (let i = 0; i < 5; i++) inverse = Math.imul(inverse, 2 - Math.imul(multiplier, inverse));
  return { seed, bits, modulus, multiplier, offset, inverse: (inverse >>> 0) % modulus };
}

/** key(id), exactly as keySql computes it. */
export function keyOf(s: Shuffle, id: number): number {
  return ((Math.imul(id, s.multiplier) >>> 0) + s.offset) % s.modulus;
}

/** The id whose key is `key`. */
export function idOf(s: Shuffle, key: number): number {
  return (Math.imul((key - s.offset + s.modulus) % s.modulus, s.inverse) >>> 0) % s.modulus;
}

/** key(a.id) in SQL; the numbers are computed here, never taken from input text. */
export function keySql(s: Shuffle): string {
  return `((a.id * ${s.multiplier} + ${s.offset}) % ${s.modulus})`;
}
