/**
 * runner/vu/host-guard.ts seals the realm it runs in. The test runs it in a realm of its own (a
 * node:vm context standing in for the runner's host realm), so that this test process keeps its
 * constructors. The CLI-level table of escape attempts is the conformance script
 * host-escape-attempts.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';

function sealedRealm(): vm.Context {
  const source = readFileSync(join(import.meta.dirname, '../../../runner/vu/host-guard.ts'), 'utf8');
  const { code } = transformSync(source, { loader: 'ts', format: 'cjs' });
  const context = vm.createContext({});
  vm.runInContext(`const m = { exports: {} }; (function (module, exports) { ${code} })(m, m.exports); globalThis.guard = m.exports; guard.sealHostRealm();`, context);
  return context;
}

describe('sealHostRealm', () => {
  const realm = sealedRealm();
  const run = (code: string): unknown => vm.runInContext(code, realm);

  it.each([
    ['a function', '(function () {}).constructor', 'Function'],
    ['an arrow function', '(() => 1).constructor', 'Function'],
    ['an async function', '(async function () {}).constructor', 'AsyncFunction'],
    ['a generator function', '(function* () {}).constructor', 'GeneratorFunction'],
    ['an async generator function', '(async function* () {}).constructor', 'AsyncGeneratorFunction'],
    ['an object, two steps up', '({}).constructor.constructor', 'Function'],
    ['a promise, two steps up', 'Promise.resolve().constructor.constructor', 'Function'],
    ['an error, two steps up', 'new Error("x").constructor.constructor', 'Function'],
    ['the stand-in itself', '(() => 1).constructor.constructor', 'Function'],
  ])('the constructor reached from %s keeps its name and refuses to compile code', (_t, path, name) => {
    expect(run(`${path}.name`)).toBe(name);
    expect(run(`try { ${path}('return 1'); 'compiled' } catch (e) { e.name }`)).toBe('EvalError');
    expect(run(`try { new (${path})('return 1'); 'compiled' } catch (e) { e.name }`)).toBe('EvalError');
  });

  it('cannot be put back by a script', () => {
    expect(run(`'use strict'; try { Function.prototype.constructor = Function; 'restored' } catch (e) { e.name }`)).toBe('TypeError');
    expect(run(`try { Object.defineProperty(Function.prototype, 'constructor', { value: Function }); 'restored' } catch (e) { e.name }`)).toBe('TypeError');
  });

  it('leaves the realm’s own code working: the global Function, instanceof and calls', () => {
    expect(run(`new Function('return 41 + 1')()`)).toBe(42);
    expect(run(`(async () => 1) instanceof Function && (function* () {})().next().value === undefined`)).toBe(true);
    expect(run(`Object.getPrototypeOf(async function () {}) === (async function () {}).constructor.prototype`)).toBe(true);
  });

  it('is idempotent', () => {
    expect(() => run('guard.sealHostRealm(); guard.sealHostRealm();')).not.toThrow();
    expect(run('guard.isHostRealmSealed()')).toBe(true);
  });
});
