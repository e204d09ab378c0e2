/**
 * A tenant's discovered ids for one placeholder, packed: the ids back to back in one string and,
 * in a second string, the offset where each ends. k6 gives every VU its own deserialised copy of
 * setup()'s data (docs/k6-semantics.md#lifecycle), so a list of n id strings is n heap objects in
 * every VU, and even n offsets in an array are n slots that every major garbage collection visits
 * again: 20 tenants × 3 lists × up to 100 ids per VU. Packed, a list is one object and two strings
 * whatever its length (which k6-offline's VUs of a thread also share); an id is sliced out only
 * when a request uses it, and dies young.
 */
export interface IdPool {
  /** The ids, concatenated. */
  readonly s: string;
  /** Where each id ends in `s`, as OFFSET_WIDTH base-36 digits per id (it starts where the one before ends, or at 0). */
  readonly end: string;
}

/** Base-36 digits per offset: 36^6 is more than any JavaScript string's length. */
const OFFSET_WIDTH = 6;

export function packIds(ids: readonly string[]): IdPool {
  let end = '';
  let s = '';
  for (const id of ids) {
    s += id;
    end += s.length.toString(36).padStart(OFFSET_WIDTH, '0');
  }
  return { s, end };
}

function endOf(pool: IdPool, i: number): number {
  return parseInt(pool.end.slice(i * OFFSET_WIDTH, (i + 1) * OFFSET_WIDTH), 36);
}

/** How many ids the pool holds; 0 for a missing pool. */
export function idCount(pool: IdPool | undefined): number {
  return pool === undefined ? 0 : pool.end.length / OFFSET_WIDTH;
}

/** Id `i` (0 ≤ i < idCount). */
export function idAt(pool: IdPool, i: number): string {
  return pool.s.slice(i === 0 ? 0 : endOf(pool, i - 1), endOf(pool, i));
}

export function unpackIds(pool: IdPool | undefined): string[] {
  return Array.from({ length: idCount(pool) }, (_, i) => idAt(pool as IdPool, i));
}
