/**
 * runner/vu/data-copy.ts: a VU's copy of setup data must be what the VU realm's own JSON.parse
 * would give it, whatever the script did to its realm, while its strings come from one parse.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compileDataCopier, copyData, templateOf } from '../../../runner/vu/data-copy';

function realm(): { context: vm.Context; run: (code: string) => unknown; parse: (text: string) => unknown } {
  const context = vm.createContext({});
  return { context, run: (code) => vm.runInContext(code, context), parse: vm.runInContext('JSON.parse', context) as (text: string) => unknown };
}

describe('copyData', () => {
  it.each([
    ['an object with nested arrays and objects', '{"a":[1,[2,{"b":"x"}]],"c":{"d":null,"e":true}}'],
    ['integer-like keys, which come first in both', '{"z":1,"10":2,"2":3,"a":4}'],
    ['a __proto__ key, an own property in JSON.parse', '{"__proto__":{"polluted":true},"k":1}'],
    ['an array at the top', '["a",1,-0,1.5e300,{"x":[]}]'],
    ['a lone string', '"just text"'],
    ['a number', '42'],
    ['null', 'null'],
    ['empty containers', '{"o":{},"a":[]}'],
  ])('copies %s as the realm’s JSON.parse reads it', (_name, text) => {
    const r = realm();
    const copy = copyData(text, compileDataCopier(r.context), r.parse);
    const parsed = r.parse(text);
    expect(copy).toStrictEqual(parsed);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(parsed));
    if (typeof copy === 'object' && copy !== null) expect(Object.keys(copy)).toEqual(Object.keys(parsed as object));
  });

  it('keeps a __proto__ key as an own property: the copy’s prototype stays Object.prototype', () => {
    const r = realm();
    const copier = compileDataCopier(r.context);
    vm.runInContext('globalThis.check = (d) => Object.getPrototypeOf(d) === Object.prototype && Object.prototype.hasOwnProperty.call(d, "__proto__") && d.polluted === undefined', r.context);
    const copy = copyData('{"__proto__":{"polluted":true}}', copier, r.parse);
    expect((r.run('check') as (d: unknown) => boolean)(copy)).toBe(true);
  });

  it('builds the copy from the VU realm’s own constructors, so no host-realm object reaches the script', () => {
    const r = realm();
    const copier = compileDataCopier(r.context);
    const copy = copyData('{"list":[{"id":"a"}]}', copier, r.parse);
    const native = r.run('(d) => d.constructor === Object && d.list instanceof Array && Array.isArray(d.list) && d.list[0].constructor === Object') as (d: unknown) => boolean;
    expect(native(copy)).toBe(true);
    expect(copy).not.toBeInstanceOf(Object); // this test's realm is the host here: the copy is not of it
  });

  it('is not fooled by what a script does to its realm after the copier was compiled', () => {
    const r = realm();
    const copier = compileDataCopier(r.context);
    r.run(`
      globalThis.seen = [];
      Object.keys = () => { throw new Error('replaced Object.keys'); };
      Array.isArray = () => false;
      Object.defineProperty(Object.prototype, 'token', { set(v) { seen.push(v); }, get() { return 'from the prototype'; }, configurable: true });
      Object.defineProperty(Object.prototype, 'frozen', { value: 'read-only', writable: false, configurable: true });
    `);
    const copy = copyData('{"token":"secret","frozen":"mine","list":["a","b"]}', copier, r.parse) as Record<string, unknown>;
    expect(r.run('seen.length')).toBe(0);
    expect(copy.token).toBe('secret');
    expect(copy.frozen).toBe('mine');
    expect(Object.getOwnPropertyNames(copy.list)).toEqual(['0', '1', 'length']);
  });

  it('falls back to the realm’s JSON.parse where the copier cannot go: data nested deeper than the stack', () => {
    const r = realm();
    const depth = 200_000;
    const text = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    let parses = 0;
    const parse = (t: string): unknown => {
      parses++;
      return t.length; // stands in for JSON.parse, which has no recursion limit of this kind
    };
    expect(copyData(text, compileDataCopier(r.context), parse)).toBe(text.length);
    expect(parses).toBe(1);
  });

  it('gives each VU its own objects, so one VU’s mutation is seen by no other', () => {
    const a = realm();
    const b = realm();
    const text = '{"owner":0,"writers":[]}';
    const copyA = copyData(text, compileDataCopier(a.context), a.parse) as { owner: number; writers: number[] };
    const copyB = copyData(text, compileDataCopier(b.context), b.parse) as { owner: number; writers: number[] };
    copyA.owner = 1;
    copyA.writers.push(1);
    expect(copyB).toStrictEqual(b.parse(text));
    expect(copyData(text, compileDataCopier(a.context), a.parse)).toStrictEqual(a.parse(text));
  });

  it('parses a text once per thread while it stays the same', () => {
    const text = JSON.stringify({ ids: 'x'.repeat(1000) });
    expect(templateOf(text)).toBe(templateOf(text));
    expect(templateOf(JSON.stringify({ other: 1 }))).toStrictEqual({ other: 1 });
  });
});
