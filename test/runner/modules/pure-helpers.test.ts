/** Pure helpers of the k6 modules: value coercion, expectedStatuses, base64, seeded random. */
import { describe, expect, it } from 'vitest';
import { b64decode, b64encode } from '../../../runner/modules/encoding';
import { expectedStatuses } from '../../../runner/modules/http';
import { seededRandom, tagsFromArg } from '../../../runner/modules/k6';
import { coerceMetricValue } from '../../../runner/modules/metrics';

describe('Metric.add value coercion (k6-facts §2.3)', () => {
  it.each([
    [5, 5],
    [2.5, 2.5],
    ['3', 3],
    [true, 1],
    [false, 0],
    ['0', 1],
    ['', 0],
    [[7], 7],
    [0, 0],
    [-4, -4],
  ])('%j → %j', (input, value) => expect(coerceMetricValue(input)).toBe(value));

  it.each([[null], [undefined], ['abc'], [{}], [NaN]])('%j is dropped', (input) => expect(coerceMetricValue(input)).toBeUndefined());
});

describe('http.expectedStatuses (k6-facts §2.2)', () => {
  it('accepts integers and {min, max} ranges', () => expect(() => expectedStatuses(200, { min: 300, max: 399 })).not.toThrow());
  it.each([[[]], [['200']], [[{ min: 1 }]], [[2.5]]])('rejects %j naming the argument', (args) => expect(() => expectedStatuses(...(args as unknown[]))).toThrow(/expectedStatuses/));
});

describe('k6/encoding', () => {
  it.each([
    ['hello?>', 'std', 'aGVsbG8/Pg=='],
    ['hello?>', 'rawstd', 'aGVsbG8/Pg'],
    ['hello?>', 'url', 'aGVsbG8_Pg=='],
    ['hello?>', 'rawurl', 'aGVsbG8_Pg'],
  ])('b64encode(%j, %s) = %s and decodes back', (text, enc, out) => {
    expect(b64encode(text, enc)).toBe(out);
    expect(b64decode(out, enc, 's')).toBe(text);
  });

  it('rejects an unknown encoding', () => expect(() => b64encode('x', 'hex')).toThrow('invalid base64 encoding "hex"'));
  it('decodes to an ArrayBuffer unless format is "s"', () => expect(b64decode('aGk=')).toBeInstanceOf(ArrayBuffer));
});

describe('k6 helpers', () => {
  it('randomSeed gives a reproducible sequence', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('tags are stringified; objects are refused (k6-facts §2.3)', () => {
    expect(tagsFromArg({ a: 1, b: true, c: 'x' }, 't')).toEqual({ a: '1', b: 'true', c: 'x' });
    expect(() => tagsFromArg({ a: { b: 1 } }, 'Trend.add()')).toThrow('Trend.add(): invalid value for tag a');
  });
});
