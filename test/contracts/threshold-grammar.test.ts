/**
 * Stages 1–2 of the threshold pipeline: scan and parse (docs/k6-semantics.md#threshold-grammar; cases after
 * k6 `metrics/thresholds_parser_test.go`).
 */
import { describe, expect, it } from 'vitest';
import {
  compare,
  parseGoFloat,
  parseThresholdExpression,
  parseThresholdFor,
  scanThresholdExpression,
  type Operator,
} from '../../contracts/threshold-grammar';
import type { MetricType } from '../../contracts/k6-metrics';

describe('scanThresholdExpression (docs/k6-semantics.md#threshold-grammar: operator scan order)', () => {
  it.each([
    ['a less-than splits at <', 'p(95)<300', 'p(95)', '<', '300'],
    ['a less-or-equal is not split at its <', 'p(95)<=300', 'p(95)', '<=', '300'],
    ['a greater-or-equal is not split at its >', 'count>=10', 'count', '>=', '10'],
    ['a strict equality is not split at ==', 'value===1', 'value', '===', '1'],
    ['a loose equality splits at ==', 'value==1', 'value', '==', '1'],
    ['a not-equal splits at !=', 'rate!=0', 'rate', '!=', '0'],
    ['surrounding whitespace is trimmed on both sides', '  avg   <   200  ', 'avg', '<', '200'],
    ['only the first operator found splits the text', 'avg<1<2', 'avg', '<', '1<2'],
    ['<= is found before a later <', 'avg<=1<2', 'avg', '<=', '1<2'],
  ])('%s', (_name, input, lhs, operator, rhs) => {
    expect(scanThresholdExpression(input)).toEqual({ ok: true, value: { lhs, operator, rhs } });
  });

  it('an expression without operator is malformed', () => {
    const r = scanThresholdExpression('p(95) 300');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/malformed threshold expression/);
  });
});

describe('parseGoFloat (Go strconv.ParseFloat, base 10)', () => {
  it.each([
    ['300', 300],
    ['0.01', 0.01],
    ['.5', 0.5],
    ['5.', 5],
    ['-2', -2],
    ['+2', 2],
    ['1e3', 1000],
    ['1.5E-2', 0.015],
    ['Inf', Infinity],
    ['-inf', -Infinity],
    ['+Infinity', Infinity],
  ])('reads %s as %d', (text, n) => {
    expect(parseGoFloat(text)).toBe(n);
  });

  it('reads NaN as NaN', () => {
    expect(parseGoFloat('NaN')).toBeNaN();
  });

  it.each([[''], ['abc'], ['1,5'], ['1 5'], ['0x10'], ['1e'], ['--1'], ['1e400'], ['300ms']])('rejects %j as Go does', (text) => {
    expect(parseGoFloat(text)).toBeUndefined();
  });
});

describe('parseThresholdExpression (docs/k6-semantics.md#threshold-grammar grammar)', () => {
  type Row = [string, string, Record<string, unknown> | null, RegExp | null];
  const rows: Row[] = [
    // valid
    ['count with less-than is parsed', 'count<100', { aggregation: 'count', operator: '<', value: 100 }, null],
    ['count with greater-or-equal is parsed', 'count>=1', { aggregation: 'count', operator: '>=', value: 1 }, null],
    ['rate with a fraction is parsed', 'rate<0.01', { aggregation: 'rate', operator: '<', value: 0.01 }, null],
    ['value with strict equality is parsed', 'value===5', { aggregation: 'value', operator: '===', value: 5 }, null],
    ['value with loose equality is parsed', 'value==5', { aggregation: 'value', operator: '==', value: 5 }, null],
    ['avg with not-equal is parsed', 'avg!=0', { aggregation: 'avg', operator: '!=', value: 0 }, null],
    ['min is parsed', 'min>10', { aggregation: 'min', operator: '>', value: 10 }, null],
    ['max with less-or-equal is parsed', 'max<=2000', { aggregation: 'max', operator: '<=', value: 2000 }, null],
    ['med is parsed', 'med<150', { aggregation: 'med', operator: '<', value: 150 }, null],
    ['an integer percentile is parsed', 'p(95)<300', { aggregation: 'p', percentile: 95, operator: '<', value: 300 }, null],
    ['a floating point percentile is parsed', 'p(99.9)<1000', { aggregation: 'p', percentile: 99.9, operator: '<', value: 1000 }, null],
    ['percentile 0 is parsed', 'p(0)>=0', { aggregation: 'p', percentile: 0, operator: '>=', value: 0 }, null],
    ['percentile 100 is parsed', 'p(100)<5', { aggregation: 'p', percentile: 100, operator: '<', value: 5 }, null],
    ['spaces around the operator are allowed', 'p(95) < 300', { aggregation: 'p', percentile: 95, operator: '<', value: 300 }, null],
    ['a negative right-hand side is parsed', 'avg>-5', { aggregation: 'avg', operator: '>', value: -5 }, null],
    ['a right-hand side in exponent form is parsed', 'count<1e6', { aggregation: 'count', operator: '<', value: 1e6 }, null],
    ['a right-hand side written .5 is parsed', 'rate<.5', { aggregation: 'rate', operator: '<', value: 0.5 }, null],
    ['an infinite right-hand side is parsed', 'max<Inf', { aggregation: 'max', operator: '<', value: Infinity }, null],
    // invalid
    ['an empty expression fails', '', null, /no operator/],
    ['an expression without operator fails', 'p(95)', null, /no operator/],
    ['an unknown operator fails', 'avg~200', null, /no operator/],
    ['an unknown aggregation fails', 'mean<200', null, /unknown aggregation method 'mean'/],
    ['an aggregation in upper case fails', 'AVG<200', null, /unknown aggregation method 'AVG'/],
    ['an empty aggregation fails', '<200', null, /unknown aggregation method ''/],
    ['an empty right-hand side fails', 'avg<', null, /right-hand side '' is not a number/],
    ['a right-hand side with a unit fails', 'avg<200ms', null, /right-hand side '200ms' is not a number/],
    ['a second operator on the right fails', 'avg<1<2', null, /right-hand side '1<2'/],
    ['a percentile without a value fails', 'p()<200', null, /malformed percentile value ''/],
    ['a percentile that is not a number fails', 'p(abc)<200', null, /malformed percentile value 'abc'/],
    ['a percentile with inner spaces fails', 'p( 95 )<200', null, /malformed percentile value ' 95 '/],
    ['a percentile above 100 fails (k6 v2.1)', 'p(101)<200', null, /out of range/],
    ['a negative percentile fails (k6 v2.1)', 'p(-1)<200', null, /out of range/],
    ['a NaN percentile fails (k6 v2.1)', 'p(NaN)<200', null, /out of range/],
    ['a percentile without closing parenthesis fails', 'p(95<200', null, /unknown aggregation method 'p\(95'/],
    ['a percentile in brackets fails', 'p[95]<200', null, /unknown aggregation method/],
    ['a bare p fails', 'p<200', null, /unknown aggregation method 'p'/],
    ['a JavaScript-style comparison of two stats fails', 'avg<max', null, /right-hand side 'max' is not a number/],
  ];

  it.each(rows)('%s', (_name, input, expected, error) => {
    const r = parseThresholdExpression(input);
    if (expected) {
      expect(r).toEqual({ ok: true, value: { source: input, ...expected } });
    } else {
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).toMatch(error!);
    }
  });

  it('has at least 30 rows, valid and invalid (issue #4 test plan)', () => {
    expect(rows.length).toBeGreaterThanOrEqual(30);
    expect(rows.filter((r) => r[2] === null).length).toBeGreaterThanOrEqual(15);
  });
});

describe('compare (k6 Threshold.runNoTaint)', () => {
  it.each<[Operator, number, number, boolean]>([
    ['<', 1, 2, true],
    ['<', 2, 2, false],
    ['<=', 2, 2, true],
    ['<=', 3, 2, false],
    ['>', 3, 2, true],
    ['>', 2, 2, false],
    ['>=', 2, 2, true],
    ['>=', 1, 2, false],
    ['==', 2, 2, true],
    ['==', 1, 2, false],
    ['===', 2, 2, true],
    ['===', 1, 2, false],
    ['!=', 1, 2, true],
    ['!=', 2, 2, false],
  ])('%s with %d and %d is %s', (op, lhs, rhs, result) => {
    expect(compare(lhs, op, rhs)).toBe(result);
  });

  it('a NaN right-hand side fails every comparison but !=, as in Go', () => {
    expect(compare(1, '<', NaN)).toBe(false);
    expect(compare(1, '==', NaN)).toBe(false);
    expect(compare(1, '!=', NaN)).toBe(true);
  });
});

describe('parseThresholdFor (an expression for a metric type)', () => {
  it.each<[string, MetricType, string, number | undefined, string, number]>([
    ['p(99.9)<=1000', 'trend', 'p', 99.9, '<=', 1000],
    ['rate==1', 'rate', 'rate', undefined, '==', 1],
    ['count>0', 'counter', 'count', undefined, '>', 0],
    ['value!=3', 'gauge', 'value', undefined, '!=', 3],
    ['med >= 2', 'trend', 'med', undefined, '>=', 2],
  ])('accepts %s for a %s metric', (expr, type, aggregation, percentile, operator, value) => {
    const r = parseThresholdFor(expr, type);
    expect(r).toMatchObject({ ok: true, value: { aggregation, operator, value } });
    if (r.ok) expect(r.value.percentile).toBe(percentile);
  });

  it.each<[string, MetricType, RegExp]>([
    ['p(95)<300', 'rate', /unsupported aggregation method p\(N\) on metric of type rate/],
    ['count>0', 'trend', /unsupported aggregation method count on metric of type trend/],
    ['p(101)<3', 'trend', /between 0 and 100/],
    ['rate<abc', 'rate', /not a number/],
    ['rate 0.5', 'rate', /no operator/],
  ])('refuses %s for a %s metric', (expr, type, message) => {
    const r = parseThresholdFor(expr, type);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});
