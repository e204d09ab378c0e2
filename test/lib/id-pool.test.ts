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

  it('is one object of two strings whatever the number of ids: nothing per id in a VU’s copy', () => {
    const pool = packIds(Array.from({ length: 100 }, (_, i) => `id-${i}`));
    expect(Object.keys(pool)).toEqual(['s', 'end']);
    expect([typeof pool.s, typeof pool.end]).toEqual(['string', 'string']);
  });

  it('reaches ids past the first 36^2 characters, where a narrower offset would wrap', () => {
    const ids = Array.from({ length: 60 }, (_, i) => `${String(i).padStart(4, '0')}${'x'.repeat(40)}`);
    const pool = packIds(ids);
    expect(pool.s.length).toBeGreaterThan(36 ** 2);
    expect(idAt(pool, 59)).toBe(ids[59]);
    expect(unpackIds(pool)).toEqual(ids);
  });
});
