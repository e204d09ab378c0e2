/**
 * A tenant's discovered ids for one placeholder, packed: the ids back to back in one string and
 * the offset where each ends. k6 gives every VU its own deserialised copy of setup()'s data
 * (docs/k6-semantics.md#lifecycle), so a list of n id strings is n heap objects in every VU: 20
 * tenants × 3 lists × up to 100 ids is up to 6,000 strings per VU, which every major garbage
 * collection marks again. Packed, a list is two objects whatever its length; an id is sliced out
 * only when a request uses it, and dies young.
 */
export interface IdPool {
  /** The ids, concatenated. */
  readonly s: string;
  /** `end[i]`: where id i ends in `s` (it starts where id i-1 ends, or at 0). */
  readonly end: readonly number[];
}

export function packIds(ids: readonly string[]): IdPool {
  const end: number[] = [];
  let s = '';
  for (const id of ids) {
    s += id;
    end.push(s.length);
  }
  return { s, end };
}

/** How many ids the pool holds; 0 for a missing pool. */
export function idCount(pool: IdPool | undefined): number {
  return pool === undefined ? 0 : pool.end.length;
}

/** Id `i` (0 ≤ i < idCount). */
export function idAt(pool: IdPool, i: number): string {
  return pool.s.slice(i === 0 ? 0 : (pool.end[i - 1] as number), pool.end[i]);
}

export function unpackIds(pool: IdPool | undefined): string[] {
  return Array.from({ length: idCount(pool) }, (_, i) => idAt(pool as IdPool, i));
}
