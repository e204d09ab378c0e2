/**
 * The `k6` module: check, group, sleep, fail, randomSeed (k6-facts §2.1,
 * k6 `internal/js/modules/k6/k6.go`).
 */
import { CHECKS, GROUP_DURATION, GROUP_SEPARATOR, TAG_CHECK, TAG_GROUP } from '../constants';
import { isAsyncFunction, isThenable, type VU } from '../vu/vu';
import { esModule } from './esm';

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

export function tagsFromArg(arg: unknown, what: string): Record<string, string> {
  if (arg === undefined || arg === null) return {};
  if (typeof arg !== 'object' || Array.isArray(arg)) throw new TypeError(`${what}: tags must be an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(arg)) {
    if (v !== null && typeof v === 'object') throw new TypeError(`${what}: invalid value for tag ${k}: objects and arrays are not allowed`);
    out[k] = String(v);
  }
  return out;
}

export function createK6Module(vu: VU): Record<string, unknown> {
  const check = (val: unknown, sets: unknown, tags?: unknown): boolean => {
    if (vu.phase === 'init') throw new Error('check() is not allowed in the init context');
    if (typeof sets !== 'object' || sets === null) throw new TypeError('check(): the second argument must be an object of checks');
    const extra = tagsFromArg(tags, 'check()');
    let all = true;
    for (const [name, checker] of Object.entries(sets)) {
      if (name.includes(GROUP_SEPARATOR)) throw new Error(`check name "${name}" cannot contain "${GROUP_SEPARATOR}"`);
      if (isAsyncFunction(checker)) throw new Error(`check "${name}": check() does not accept async functions; use the async-aware check from https://jslib.k6.io/k6-utils/1.6.0/index.js`);
      const sampleTags = { ...vu.baseTags(), ...extra, [TAG_CHECK]: name };
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
      const tags = vu.baseTags();
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
    throw new Error(
      `sleep(${String(seconds)}) cannot block in async code under k6-offline (it would stall every VU): use \`await new Promise((r) => setTimeout(r, ${ms}))\` instead`,
    );
  };

  const fail = (msg?: unknown): never => {
    throw new Error(msg === undefined ? 'fail' : String(msg));
  };

  const randomSeed = (seed: unknown): void => {
    const n = Number(seed);
    if (!Number.isFinite(n)) throw new TypeError('randomSeed(): seed must be a number');
    vu.math.random = seededRandom(n);
  };

  return esModule({ check, group, sleep, fail, randomSeed });
}
