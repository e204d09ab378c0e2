/** Fake of the `k6` module: `check` records one sample per key like k6 (docs/k6-semantics.md#k6-module). */
import { fakeK6 } from './recorder';

type Checker = ((v: unknown) => unknown) | unknown;

export function check(val: unknown, sets: Record<string, Checker>, tags: Record<string, string> = {}): boolean {
  let all = true;
  for (const [name, c] of Object.entries(sets)) {
    if (name.includes('::')) throw new Error(`check name '${name}' contains '::'`);
    const ok = Boolean(typeof c === 'function' ? (c as (v: unknown) => unknown)(val) : c);
    if (typeof c === 'function' && (c as { constructor: { name: string } }).constructor.name === 'AsyncFunction') {
      throw new Error('check() does not accept async functions');
    }
    fakeK6.checks.push({ name, ok, tags: { ...tags } });
    fakeK6.samples.push({ metric: 'checks', type: 'rate', value: ok ? 1 : 0, tags: { ...tags, check: name } });
    all &&= ok;
  }
  return all;
}

export function group<T>(_name: string, fn: () => T): T {
  if ((fn as { constructor: { name: string } }).constructor.name === 'AsyncFunction') throw new Error('group() does not accept async functions');
  return fn();
}

export function sleep(_seconds: number): void {
  throw new Error('sleep() blocks the event loop: the bundle must not call it');
}

export function fail(message?: string): never {
  throw new Error(message);
}

export function randomSeed(_seed: number): void {}

export default { check, group, sleep, fail, randomSeed };
