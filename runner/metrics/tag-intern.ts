/**
 * Interned tag sets: equal tag sets (same keys and values in the same order) share one frozen
 * object, so caches keyed by tag-set identity hit across VUs (each VU's script builds its own
 * objects with the same content). The table is bounded: when full it starts over, which only
 * costs cache hits — an interned object stays valid for as long as anything holds it.
 */
const table = new Map<string, Readonly<Record<string, string>>>();
const MAX_ENTRIES = 20_000;

/** The identity key of a tag set: `tagKeyPart(k, v)` of each entry, in order. */
export function tagKeyPart(k: string, v: string): string {
  return `${k}\u0000${v}\u0001`;
}

export function internTags(tags: Record<string, string>): Readonly<Record<string, string>> {
  let key = '';
  for (const k in tags) key += tagKeyPart(k, tags[k]!);
  return internWithKey(key, tags);
}

/** Interns `tags` (frozen in place) under `key`, or returns the set already interned there. */
export function internWithKey(key: string, tags: Record<string, string>): Readonly<Record<string, string>> {
  const hit = table.get(key);
  if (hit !== undefined) return hit;
  if (table.size >= MAX_ENTRIES) table.clear();
  const frozen = Object.freeze(tags);
  table.set(key, frozen);
  return frozen;
}
