/** Pure helpers of the k6 modules: value coercion, expectedStatuses, base64, seeded random. */
import { describe, expect, it } from 'vitest';
import { b64decode, b64encode, illegalOffset, wellFormed } from '../../../runner/modules/encoding';
import { expectedStatuses } from '../../../runner/modules/http';
import { seededRandom, tagsFromArg } from '../../../runner/modules/k6';
import { coerceMetricValue } from '../../../runner/modules/metrics';

describe('Metric.add value coercion (docs/k6-semantics.md#metrics-api)', () => {
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

describe('http.expectedStatuses (docs/k6-semantics.md#k6-http)', () => {
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

  // k6 v2.2 internal/js/modules/k6/encoding/encoding.go: the `default:` branch of both switches is std.
  it.each([[null], [undefined], [''], ['hex'], [7]])('encoding %j falls back to std, as k6', (enc) => {
    expect(b64encode('hello?>', enc)).toBe('aGVsbG8/Pg==');
    expect(b64decode('aGVsbG8/Pg==', enc, 's')).toBe('hello?>');
  });

  // Go's encoding/base64 DecodeString: strict alphabet and padding, \r and \n skipped.
  it.each([
    ['std without padding', 'aGk', 'std', 0],
    ['std with the url alphabet', 'aGVsbG8_Pg==', 'std', 7],
    ['url with the std alphabet', 'aGVsbG8/Pg==', 'url', 7],
    ['rawstd with padding', 'aGk=', 'rawstd', 3],
    ['a lone last character', 'aGkxa', 'rawstd', 4],
    ['padding too early', 'a===', 'std', 1],
    ['a space', 'aG k', 'std', 2],
  ])('b64decode refuses %s (%j) with Go’s message', (_t, input, enc, offset) => {
    expect(() => b64decode(input, enc)).toThrow(`illegal base64 data at input byte ${offset}`);
  });

  it('b64decode skips line breaks, as Go does', () => expect(b64decode('aGVs\r\nbG8/\nPg==', 'std', 's')).toBe('hello?>'));
  it('decodes to an ArrayBuffer unless format is "s"', () => expect(b64decode('aGk=')).toBeInstanceOf(ArrayBuffer));

  // b64decode skips the exact scan when one regex says the input is well formed: that shortcut
  // must never accept what the scan refuses. Every string of up to 6 characters over an alphabet
  // with a letter of each encoding, padding and a line break.
  it.each(['std', 'rawstd', 'url', 'rawurl'] as const)('the %s shortcut accepts only what Go’s exact scan accepts (every string up to 6 characters)', (enc) => {
    const alphabet = ['A', '+', '/', '-', '_', '=', '\n'];
    let accepted = 0;
    let strings = [''];
    for (let len = 0; len <= 6; len++) {
      for (const text of strings) {
        if (!wellFormed(text, enc)) continue;
        accepted++;
        expect(illegalOffset(text, enc), JSON.stringify(text)).toBe(-1);
      }
      strings = strings.flatMap((t) => alphabet.map((c) => t + c));
    }
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('k6 helpers', () => {
  it('randomSeed gives a reproducible sequence', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('tags are stringified; objects are refused (docs/k6-semantics.md#metrics-api)', () => {
    expect(tagsFromArg({ a: 1, b: true, c: 'x' }, 't')).toEqual({ a: '1', b: 'true', c: 'x' });
    expect(() => tagsFromArg({ a: { b: 1 } }, 'Trend.add()')).toThrow('Trend.add(): invalid value for tag a');
  });
});

describe('tagsFromArg reads the tags at call time although it reuses copies (docs/k6-semantics.md#system-tags)', () => {
  it('returns the same shared set for a repeated object and for an equal object of another VU', () => {
    const mine = { kind: 'read', tenant: 't1' };
    const first = tagsFromArg(mine, 't');
    expect(tagsFromArg(mine, 't')).toBe(first);
    expect(tagsFromArg({ kind: 'read', tenant: 't1' }, 't')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(mine)).toBe(false);
  });

  it.each([
    ['a changed value', (o: Record<string, unknown>) => (o.kind = 'write'), { kind: 'write', tenant: 't2' }],
    ['an added key', (o: Record<string, unknown>) => (o.extra = 1), { kind: 'read', tenant: 't2', extra: '1' }],
    ['a removed key', (o: Record<string, unknown>) => delete o.tenant, { kind: 'read' }],
  ])('sees %s made to the object between calls', (_what, mutate, expected) => {
    const tags: Record<string, unknown> = { kind: 'read', tenant: 't2' };
    tagsFromArg(tags, 't');
    mutate(tags);
    expect(tagsFromArg(tags, 't')).toEqual(expected);
  });

  it('gives a frozen object the same shared set as an equal plain one, on every call', () => {
    const plain = tagsFromArg({ kind: 'read', tenant: 't3' }, 't');
    const frozen = Object.freeze({ kind: 'read', tenant: 't3' });
    expect(tagsFromArg(frozen, 't')).toBe(plain);
    expect(tagsFromArg(frozen, 't')).toBe(plain);
  });

  it('sees a value changed in a sealed (not frozen) object', () => {
    const tags = Object.seal({ kind: 'read', tenant: 't4' });
    expect(tagsFromArg(tags, 't')).toEqual({ kind: 'read', tenant: 't4' });
    tags.kind = 'write';
    expect(tagsFromArg(tags, 't')).toEqual({ kind: 'write', tenant: 't4' });
  });

  it('sees the values of an object frozen after its first use', () => {
    const tags: Record<string, unknown> = { kind: 'read', tenant: 't5' };
    tagsFromArg(tags, 't');
    tags.kind = 'write';
    Object.freeze(tags);
    expect(tagsFromArg(tags, 't')).toEqual({ kind: 'write', tenant: 't5' });
  });

  it('still refuses an object value put into a cached tags object', () => {
    const tags: Record<string, unknown> = { kind: 'read' };
    tagsFromArg(tags, 'check()');
    tags.kind = { nested: true };
    expect(() => tagsFromArg(tags, 'check()')).toThrow('check(): invalid value for tag kind');
  });
});
