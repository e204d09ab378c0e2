/**
 * `k6/data` SharedArray (docs/k6-semantics.md#open-and-sharedarray, k6 `internal/js/modules/k6/data/share.go`): the
 * constructor function runs once per process (the first VU to construct that name); elements are
 * kept as JSON strings and every index access returns a fresh, deep-frozen parse.
 */
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';
import { deepFreeze } from './execution';

export function createDataModule(vu: VuApi): Record<string, unknown> {
  function SharedArray(this: unknown, name: unknown, fn: unknown): unknown {
    if (!new.target) throw new TypeError('SharedArray must be called with new');
    if (vu.phase !== 'init') throw new Error('new SharedArray must be called in the init context');
    if (typeof name !== 'string' || name === '') throw new TypeError('SharedArray: a non-empty name is required');
    if (typeof fn !== 'function') throw new TypeError('SharedArray: the second argument must be a function returning an array');
    let items = vu.engine.sharedArrays.get(name);
    if (!items) {
      const arr = (fn as () => unknown)();
      if (!Array.isArray(arr)) throw new TypeError('SharedArray: the function must return an array');
      items = arr.map((x) => JSON.stringify(x));
      vu.engine.sharedArrays.set(name, items);
    }
    const data = items;
    const at = (i: number): unknown => deepFreeze(vu.jsonParse(data[i]!));
    const materialize = (): unknown[] => data.map((_, i) => at(i));
    const methods: Record<string, unknown> = {
      length: data.length,
      [Symbol.iterator]: function* () {
        for (let i = 0; i < data.length; i++) yield at(i);
      },
      toJSON: () => materialize(),
    };
    for (const m of ['map', 'filter', 'forEach', 'find', 'findIndex', 'some', 'every', 'reduce', 'slice', 'indexOf', 'includes', 'join']) {
      methods[m] = (...args: unknown[]) => (Array.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!.apply(materialize(), args);
    }
    return new Proxy(methods, {
      get(target, p) {
        if (typeof p === 'string' && /^\d+$/.test(p)) {
          const i = Number(p);
          return i < data.length ? at(i) : undefined;
        }
        return target[p as string];
      },
      set() {
        throw new TypeError('SharedArray is read-only');
      },
      has: (target, p) => (typeof p === 'string' && /^\d+$/.test(p) ? Number(p) < data.length : p in target),
    });
  }
  return esModule({ SharedArray });
}
