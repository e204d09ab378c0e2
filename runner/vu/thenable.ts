/** Promise and async-function tests shared by the VU and the k6 modules (no imports: a leaf). */

const asyncKinds = new WeakMap<object, boolean>();

/**
 * Whether `fn` is an async function (its constructor is the context's AsyncFunction, so bound
 * async functions count and async generators do not). Cached per function: the constructor
 * lookup is megamorphic across VU contexts and showed in profiles at one call per check.
 */
export function isAsyncFunction(fn: unknown): boolean {
  if (typeof fn !== 'function') return false;
  let known = asyncKinds.get(fn);
  if (known === undefined) {
    known = fn.constructor?.name === 'AsyncFunction';
    asyncKinds.set(fn, known);
  }
  return known;
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
