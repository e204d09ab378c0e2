/**
 * The `k6` module: check, group, sleep, fail, randomSeed (docs/k6-semantics.md#k6-module,
 * k6 `internal/js/modules/k6/k6.go`).
 */
import { CHECKS, GROUP_DURATION, GROUP_SEPARATOR, TAG_CHECK, TAG_GROUP } from '../constants';
import { isAsyncFunction, isThenable } from '../vu/thenable';
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';
import { internWithKey, tagKeyPart } from '../metrics/tag-intern';

/** mulberry32: a small seeded PRNG for `randomSeed` (k6 reseeds the VU's Math.random). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The result of `tagsFromArg` for no tags: shared, never mutated. */
export const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Scripts usually pass the same tags object again and again (a bundle keeps one per request
 * kind): its stringified copy is kept per object and reused while every own key still holds the
 * same value (or, for a frozen object, without comparing), so a repeated call allocates nothing.
 * k6 reads the tags at call time; so do we — a mutated object is compared and copied afresh.
 * A frozen object maps straight to its interned copy: no record per object, which matters when
 * every VU keeps hundreds of frozen tag objects (one per operation and tenant).
 */
const frozenCopies = new WeakMap<object, Readonly<Record<string, string>>>();
const tagCopies = new WeakMap<object, { tags: Readonly<Record<string, string>>; size: number }>();

/** `tags` argument → string tags (shared: callers must not mutate the result). */
export function tagsFromArg(arg: unknown, what: string): Readonly<Record<string, string>> {
  if (arg === undefined || arg === null) return NO_TAGS;
  if (typeof arg !== 'object' || Array.isArray(arg)) throw new TypeError(`${what}: tags must be an object`);
  const src = arg as Record<string, unknown>;
  // A frozen object cannot have changed since it was copied: no comparison needed.
  const hit = frozenCopies.get(src);
  if (hit !== undefined) return hit;
  const known = tagCopies.get(src);
  if (known !== undefined && sameTags(src, known.tags, known.size)) return known.tags;
  // First sight of this object (once per object per VU, as each VU's script builds its own):
  // one pass reads each value once, builds the copy and the interning key together.
  const out: Record<string, string> = {};
  let key = '';
  let size = 0;
  for (const k in src) {
    if (!Object.prototype.hasOwnProperty.call(src, k)) continue;
    const v = src[k];
    if (v !== null && typeof v === 'object') throw new TypeError(`${what}: invalid value for tag ${k}: objects and arrays are not allowed`);
    const sv = typeof v === 'string' ? v : String(v);
    out[k] = sv;
    key += tagKeyPart(k, sv);
    size++;
  }
  const shared = internWithKey(key, out);
  if (Object.isFrozen(src)) frozenCopies.set(src, shared);
  else tagCopies.set(src, { tags: shared, size });
  return shared;
}

function sameTags(src: Record<string, unknown>, copy: Readonly<Record<string, string>>, size: number): boolean {
  let n = 0;
  for (const k in src) {
    if (!Object.prototype.hasOwnProperty.call(src, k)) continue;
    const v = src[k];
    // Objects must go through the validating path; primitives compare by their string form.
    if (v !== null && typeof v === 'object') return false;
    const c = copy[k];
    if (c === undefined || (typeof v === 'string' ? v !== c : String(v) !== c)) return false;
    n++;
  }
  return n === size;
}

export function createK6Module(vu: VuApi): Record<string, unknown> {
  const check = (val: unknown, sets: unknown, tags?: unknown): boolean => {
    if (vu.phase === 'init') throw new Error('check() is not allowed in the init context');
    if (typeof sets !== 'object' || sets === null) throw new TypeError('check(): the second argument must be an object of checks');
    const extra = tagsFromArg(tags, 'check()');
    let all = true;
    for (const [name, checker] of Object.entries(sets)) {
      if (name.includes(GROUP_SEPARATOR)) throw new Error(`check name "${name}" cannot contain "${GROUP_SEPARATOR}"`);
      if (typeof checker === 'function' && isAsyncFunction(checker)) throw new Error(`check "${name}": check() does not accept async functions; use the async-aware check from https://jslib.k6.io/k6-utils/1.6.0/index.js`);
      const sampleTags = vu.checkTags(extra, name);
      let ok: boolean;
      try {
        const result = typeof checker === 'function' ? (checker as (v: unknown) => unknown)(val) : checker;
        if (isThenable(result)) throw new Error(`check "${name}" returned a promise: check() is synchronous; use the async-aware check from https://jslib.k6.io/k6-utils/1.6.0/index.js`);
        ok = Boolean(result);
      } catch (err) {
        vu.emit(CHECKS, 0, sampleTags);
        throw err;
      }
      vu.emit(CHECKS, ok ? 1 : 0, sampleTags);
      if (!ok) all = false;
    }
    return all;
  };

  const group = (name: unknown, fn: unknown): unknown => {
    if (vu.phase === 'init') throw new Error('group() is not allowed in the init context');
    const n = String(name);
    if (n.includes(GROUP_SEPARATOR)) throw new Error(`group name "${n}" cannot contain "${GROUP_SEPARATOR}"`);
    if (typeof fn !== 'function') throw new TypeError('group(): the second argument must be a function');
    if (isAsyncFunction(fn)) throw new Error('group() does not support async functions: k6 would run it as a synchronous group; await outside the group or use tags');
    const parent = vu.groupPath;
    vu.groupPath = `${parent}${GROUP_SEPARATOR}${n}`;
    const start = performance.now();
    let ret: unknown;
    try {
      ret = (fn as () => unknown)();
    } finally {
      const tags = vu.sharedBaseTags();
      vu.groupPath = parent;
      if (!isThenable(ret)) vu.emit(GROUP_DURATION, performance.now() - start, tags);
    }
    if (isThenable(ret)) throw new Error('group() does not support functions that return a promise (async code inside a group is not measured by k6)');
    void TAG_GROUP;
    return ret;
  };

  const sleep = (seconds: unknown): void => {
    if (vu.phase === 'init') throw new Error('sleep() is not allowed in the init context');
    const ms = Number(seconds) * 1000;
    if (!Number.isFinite(ms) || ms < 0) throw new TypeError(`sleep(): invalid duration ${String(seconds)}`);
    if (vu.inSyncFrame) {
      // A synchronous function cannot be paused in Node without blocking every other VU: the
      // time is added to the end of the iteration instead (runner/DIFFERENCES.md).
      vu.syncSleepMs += ms;
      return;
    }
    throw vu.engine.notImplemented(
      `sleep(${String(seconds)}) in async code (k6-offline cannot block there without stalling every VU): use \`await new Promise((r) => setTimeout(r, ${ms}))\` instead`,
    );
  };

  const fail = (msg?: unknown): never => {
    throw new Error(msg === undefined ? 'fail' : String(msg));
  };

  const randomSeed = (seed: unknown): void => {
    const n = Number(seed);
    if (!Number.isFinite(n)) throw new TypeError('randomSeed(): seed must be a number');
    if (vu.sharedRealm) throw new Error('randomSeed() needs a realm per VU: run without K6_OFFLINE_VU_REALM=shared (the default, as in k6)');
    vu.math.random = seededRandom(n);
  };

  return esModule({ check, group, sleep, fail, randomSeed });
}
