/**
 * Setup data goes through Go's encoding/json in k6 (k6 v2.2 `internal/js/runner.go` `Setup`:
 * `json.Marshal(v.Export())`), not JSON.stringify: undefined object values become null, keys are
 * sorted, and values JSON cannot hold stop the run (exit 255, k6's code for an error without one).
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { marshalSetupData, SetupDataError } from '../../../runner/engine/setup-data';

describe('setup data is marshalled as Go marshals Sobek’s export', () => {
  it.each([
    ['undefined at the top means no setup data', undefined, undefined],
    ['null stays null', null, 'null'],
    ['an undefined object value is kept as null', { a: undefined, b: 1 }, '{"a":null,"b":1}'],
    ['an undefined array element is null (as JSON.stringify)', [1, undefined], '[1,null]'],
    ['nested undefined values are null', { o: { x: undefined }, l: [{ y: undefined }] }, '{"l":[{"y":null}],"o":{"x":null}}'],
    ['object keys are sorted in byte order', { b: 1, a: 2, B: 3, é: 4, z: 5 }, '{"B":3,"a":2,"b":1,"z":5,"é":4}'],
    ['strings, booleans and numbers keep their values', { s: 'x"y', t: true, f: false, n: 1.5, i: -3 }, '{"f":false,"i":-3,"n":1.5,"s":"x\\"y","t":true}'],
    ['a BigInt is a number', { n: 12n }, '{"n":12}'],
    ['an empty object and array', { o: {}, a: [] }, '{"a":[],"o":{}}'],
  ])('%s', (_t, value, json) => {
    expect(marshalSetupData(value)).toBe(json);
  });

  it('values made in a VU realm are marshalled the same way', () => {
    const value = runInNewContext('({ token: "t", missing: undefined, list: [undefined, { z: 1, a: 2 }] })');
    expect(marshalSetupData(value)).toBe('{"list":[null,{"a":2,"z":1}],"missing":null,"token":"t"}');
  });

  it.each([
    ['NaN', { n: NaN }, 'json: unsupported value: NaN'],
    ['+Infinity', [Infinity], 'json: unsupported value: +Inf'],
    ['-Infinity', -Infinity, 'json: unsupported value: -Inf'],
    ['a function', { f: () => 1 }, 'json: unsupported type: func(sobek.FunctionCall) sobek.Value'],
  ])('%s is refused with Go’s marshal error and exit 255', (_t, value, message) => {
    let err: unknown;
    try {
      marshalSetupData(value);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SetupDataError);
    expect((err as SetupDataError).message).toBe(`error marshaling setup() data to JSON: ${message}`);
    expect((err as SetupDataError).exitCode).toBe(255);
  });

  it('a cycle is refused; the same object twice (no cycle) is not', () => {
    const shared = { v: 1 };
    expect(marshalSetupData({ a: shared, b: shared })).toBe('{"a":{"v":1},"b":{"v":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => marshalSetupData(cyclic)).toThrow('encountered a cycle');
  });
});
