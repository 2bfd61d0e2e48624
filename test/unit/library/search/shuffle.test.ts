import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MAX_BITS, bitsFor, idOf, keyOf, keySql, shuffleFor } from '../../../../main/core/library/shuffle';

describe('seeded shuffle', () => {
  it('is a bijection on its key space that can be walked both ways, in JS and SQL alike', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE assets (id INTEGER PRIMARY KEY)');
    for (const bits of [10, 13, 17, MAX_BITS]) {
      for (const seed of [0, 1, 42, 2_147_483_647]) {
        const s = shuffleFor(seed, bits);
        expect(s.multiplier % 2).toBe(1);
        expect(s.multiplier).toBeLessThan(s.modulus);
        expect(s.offset).toBeLessThan(s.modulus);
        const sample = bits <= 13 ? Array.from({ length: s.modulus }, (_, i) => i) : [0, 1, 2, 12345, s.modulus - 1, s.modulus - 2, 99_999];
        const keys = sample.map((id) => keyOf(s, id));
        for (const [i, id] of sample.entries()) expect(idOf(s, keys[i]!)).toBe(id);
        if (bits <= 13) expect(new Set(keys).size).toBe(s.modulus);
        const sql = db.prepare<[number], { k: number }>(`SELECT ${keySql(s)} AS k FROM (SELECT CAST(? AS INTEGER) AS id) a`);
        for (const [i, id] of sample.entries()) expect(sql.get(id)?.k).toBe(keys[i]);
      }
    }
    db.close();
  });

  it('sizes the key space to the largest id and gives different seeds unrelated orders', () => {
    expect([bitsFor(0), bitsFor(1023), bitsFor(1024), bitsFor(100_000), bitsFor(2 ** 40)]).toEqual([10, 10, 11, 17, MAX_BITS]);
    const order = (seed: number) => Array.from({ length: 1024 }, (_, id) => id).sort((a, b) => keyOf(shuffleFor(seed, 10), a) - keyOf(shuffleFor(seed, 10), b));
    const a = order(1);
    const b = order(2);
    expect(a).not.toEqual(b);
    const shift = b.indexOf(a[0]!);
    expect([...b.slice(shift), ...b.slice(0, shift)]).not.toEqual(a); // not a rotation of one order
  });
});
