import { packIds, type IdPool } from '../../lib/id-pool';

/** Test fixtures write discovered ids as arrays; the bundle carries them packed. */
export function packAll(ids: Readonly<Record<string, readonly string[]>>): Record<string, IdPool> {
  return Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, packIds(v)]));
}
