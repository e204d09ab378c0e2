import { describe, expect, it } from 'vitest';
import { idAt, idCount, packIds, unpackIds } from '../../lib/id-pool';

describe('packed discovered ids', () => {
  it.each([
    ['no ids', []],
    ['one id', ['pol-1']],
    ['ids of different lengths, with empty and non-ASCII ones', ['a', '', 'pol 1/x', 'é/ü?&=', '\ud83d\ude00', 'c\nd']],
    ['a hundred UUID-sized ids', Array.from({ length: 100 }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`)],
  ] as Array<[string, string[]]>)('gives back %s, each at its index, and their count', (_name, ids) => {
    const pool = packIds(ids);
    expect(idCount(pool)).toBe(ids.length);
    ids.forEach((id, i) => expect(idAt(pool, i)).toBe(id));
    expect(unpackIds(pool)).toEqual(ids);
  });

  it('counts a missing pool as empty', () => {
    expect(idCount(undefined)).toBe(0);
    expect(unpackIds(undefined)).toEqual([]);
  });

  it('survives the JSON round trip k6 puts setup data through', () => {
    const pool = packIds(['x"1', 'y\\2', 'z']);
    expect(unpackIds(JSON.parse(JSON.stringify(pool)))).toEqual(['x"1', 'y\\2', 'z']);
  });

  it('is two objects whatever the number of ids: one string and one array of offsets', () => {
    const pool = packIds(Array.from({ length: 100 }, (_, i) => `id-${i}`));
    expect(Object.keys(pool)).toEqual(['s', 'end']);
    expect(typeof pool.s).toBe('string');
    expect(pool.end.every((n) => Number.isInteger(n))).toBe(true);
  });
});
