/**
 * Stages 3–4 of the threshold pipeline and k6's evaluation timing (docs/k6-semantics.md
 * #threshold-grammar validation → exit 104, k6-semantics.md#threshold-abort abortOnFail/delayAbortEval, k6-semantics.md#threshold-evaluation periodic vs final passes
 * and empty-sink rules).
 */
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../runner/constants';
import { defineBuiltinMetrics } from '../../../runner/metrics/builtin';
import { createMetricRegistry, type MetricsRegistry } from '../../../runner/metrics/registry';
import { InvalidThresholdsError } from '../../../runner/thresholds/errors';
import { parseExtendedDuration } from '../../../runner/thresholds/threshold-config';
import { createThresholdSet, defineThresholdSubmetrics } from '../../../runner/thresholds/threshold-set';

function registry(): MetricsRegistry {
  const r = createMetricRegistry();
  defineBuiltinMetrics(r);
  r.define('my_counter', 'counter');
  r.define('my_gauge', 'gauge');
  r.define('my_rate', 'rate');
  r.define('my_trend', 'trend', 'time');
  return r;
}

const add = (r: MetricsRegistry, metric: string, values: number[], tags: Record<string, string> = {}): void => {
  for (const value of values) r.add({ metric, value, tags, time: 0 });
};

function caught(fn: () => unknown): InvalidThresholdsError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InvalidThresholdsError) return e;
    throw e;
  }
  throw new Error('expected InvalidThresholdsError');
}

describe('evaluation of every aggregation (docs/k6-semantics.md#threshold-grammar, #threshold-evaluation)', () => {
  // my_trend: 10, 20, 30, 40, 50 -> avg 30, min 10, med 30, max 50, p(90) 46, p(95) 48
  // my_counter: 3 + 7 = 10 over 5 s -> count 10, rate 2/s
  // my_gauge: 5 then 3 -> value 3
  // my_rate: 1, 0, 0, 1 -> rate 0.5
  const cases: Array<[string, string, string, boolean]> = [
    ['trend avg passes', 'my_trend', 'avg<31', true],
    ['trend avg fails', 'my_trend', 'avg<30', false],
    ['trend min passes', 'my_trend', 'min>=10', true],
    ['trend min fails', 'my_trend', 'min>10', false],
    ['trend med passes', 'my_trend', 'med==30', true],
    ['trend med fails', 'my_trend', 'med!=30', false],
    ['trend max passes', 'my_trend', 'max<=50', true],
    ['trend max fails', 'my_trend', 'max<50', false],
    ['trend p(90) interpolates and passes', 'my_trend', 'p(90)===46', true],
    ['trend p(90) interpolates and fails', 'my_trend', 'p(90)<46', false],
    ['trend p(95) passes', 'my_trend', 'p(95)<48.5', true],
    ['trend p(95) fails', 'my_trend', 'p(95)>48', false],
    ['trend p(0) is the minimum', 'my_trend', 'p(0)==10', true],
    ['trend p(100) is the maximum', 'my_trend', 'p(100)==50', true],
    ['counter count passes', 'my_counter', 'count==10', true],
    ['counter count fails', 'my_counter', 'count>10', false],
    ['counter rate is per second of run time and passes', 'my_counter', 'rate==2', true],
    ['counter rate fails', 'my_counter', 'rate<2', false],
    ['gauge value is the last value and passes', 'my_gauge', 'value==3', true],
    ['gauge value fails', 'my_gauge', 'value>3', false],
    ['rate passes', 'my_rate', 'rate>=0.5', true],
    ['rate fails', 'my_rate', 'rate<0.5', false],
  ];

  it.each(cases)('%s (%s %s)', (_name, metric, expression, ok) => {
    const r = registry();
    add(r, 'my_trend', [50, 10, 40, 20, 30]);
    add(r, 'my_counter', [3, 7]);
    add(r, 'my_gauge', [5, 3]);
    add(r, 'my_rate', [1, 0, 0, 1]);
    const set = createThresholdSet({ [metric]: [expression] }, r);
    const result = set.evaluate({ final: true, elapsedMs: 5000 });
    expect(result.results).toEqual([{ metric, expression, ok, abortOnFail: false }]);
    expect(result.failed).toBe(!ok);
    expect(result.breached).toEqual(ok ? [] : [metric]);
  });
});

describe('empty sinks (docs/k6-semantics.md#threshold-evaluation)', () => {
  it.each([
    ['an empty trend reports 0 for avg at the end', 'my_trend', 'avg>0', false],
    ['an empty trend reports 0 for p(95) at the end', 'my_trend', 'p(95)<1', true],
    ['an empty trend reports 0 for min and max at the end', 'my_trend', 'max==0', true],
    ['an empty rate passes at the end whatever the expression', 'my_rate', 'rate>0.99', true],
    ['an empty rate passes at the end even against 0', 'my_rate', 'rate<0', true],
    ['an empty counter counts 0 at the end', 'my_counter', 'count>0', false],
    ['an empty counter has rate 0 at the end', 'my_counter', 'rate>0', false],
    ['an empty gauge has value 0 at the end', 'my_gauge', 'value>0', false],
  ])('%s', (_name, metric, expression, ok) => {
    const set = createThresholdSet({ [metric]: [expression] }, registry());
    expect(set.evaluate({ final: true, elapsedMs: 10_000 }).results[0]!.ok).toBe(ok);
  });

  it.each([['my_trend', 'avg>0'], ['my_counter', 'count>0'], ['my_gauge', 'value>0'], ['my_rate', 'rate>0.99']])(
    'the periodic pass skips an empty %s and keeps it passing',
    (metric, expression) => {
      const set = createThresholdSet({ [metric]: [{ threshold: expression, abortOnFail: true }] }, registry());
      expect(set.evaluate({ final: false, elapsedMs: 10_000 })).toMatchObject({ failed: false, abort: false, results: [{ ok: true }] });
    },
  );

  it('a counter rate at zero duration passes (k6 leaves the key out rather than divide by zero)', () => {
    const r = registry();
    add(r, 'my_counter', [5]);
    const set = createThresholdSet({ my_counter: ['rate>100'] }, r);
    expect(set.evaluate({ final: true, elapsedMs: 0 }).results[0]!.ok).toBe(true);
  });

  it('a metric that receives samples after a skipped periodic pass is evaluated on the next one', () => {
    const r = registry();
    const set = createThresholdSet({ my_trend: ['max<100'] }, r);
    expect(set.evaluate({ final: false, elapsedMs: 2000 }).failed).toBe(false);
    add(r, 'my_trend', [150]);
    expect(set.evaluate({ final: false, elapsedMs: 4000 })).toMatchObject({ failed: true, breached: ['my_trend'] });
  });
});

describe('abortOnFail and delayAbortEval (docs/k6-semantics.md#threshold-abort)', () => {
  const failing = (option: unknown, elapsedMs: number, final = false): { failed: boolean; abort: boolean } => {
    const r = registry();
    add(r, 'my_rate', [0, 0, 1]);
    const { failed, abort } = createThresholdSet({ my_rate: option }, r).evaluate({ final, elapsedMs });
    return { failed, abort };
  };

  it.each([
    ['a failing threshold without abortOnFail does not abort', ['rate>0.9'], 1000, { failed: true, abort: false }],
    ['a failing abortOnFail threshold aborts at once without a delay', [{ threshold: 'rate>0.9', abortOnFail: true }], 2000, { failed: true, abort: true }],
    ['abortOnFail: false in the object form does not abort', [{ threshold: 'rate>0.9', abortOnFail: false }], 2000, { failed: true, abort: false }],
    ['the abort waits while the run time is below delayAbortEval', [{ threshold: 'rate>0.9', abortOnFail: true, delayAbortEval: '10s' }], 8000, { failed: true, abort: false }],
    ['the abort waits while the run time equals delayAbortEval (strictly past, as k6)', [{ threshold: 'rate>0.9', abortOnFail: true, delayAbortEval: '10s' }], 10_000, { failed: true, abort: false }],
    ['the abort fires once the run time is past delayAbortEval', [{ threshold: 'rate>0.9', abortOnFail: true, delayAbortEval: '10s' }], 10_001, { failed: true, abort: true }],
    ['a passing abortOnFail threshold does not abort', [{ threshold: 'rate<0.9', abortOnFail: true }], 20_000, { failed: false, abort: false }],
  ])('%s', (_name, option, elapsed, expected) => {
    expect(failing(option, elapsed)).toEqual(expected);
  });

  it('the final pass reports the failure but never asks for an abort', () => {
    expect(failing([{ threshold: 'rate>0.9', abortOnFail: true }], 60_000, true)).toEqual({ failed: true, abort: false });
  });

  it('results carry abortOnFail for the engine', () => {
    const r = registry();
    const set = createThresholdSet({ my_rate: ['rate<1', { threshold: 'rate<0.5', abortOnFail: true }] }, r);
    expect(set.evaluate({ final: true, elapsedMs: 1 }).results.map((x) => x.abortOnFail)).toEqual([false, true]);
  });

  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1d', 86_400_000],
    ['1d12h', 129_600_000],
    ['1500', 1500],
    [2500, 2500],
    ['250ms', 250],
  ])('delayAbortEval %j is %d ms (k6 extended duration)', (input, ms) => {
    expect(parseExtendedDuration(input)).toBe(ms);
  });

  it.each([['ten seconds'], ['1d-2h'], ['1.5d'], [''], [true], [null]])('delayAbortEval %j is not a duration', (input) => {
    expect(parseExtendedDuration(input)).toBeUndefined();
  });
});

describe('validation: exit 104 naming the key and the expression (docs/k6-semantics.md#threshold-grammar, #exit-codes)', () => {
  it.each([
    ['an unknown metric', { no_such_metric: ['avg<1'] }, 'no_such_metric', undefined, /no metric name 'no_such_metric' found.*init context/],
    ['a sub-metric of an unknown metric', { 'nope{a:b}': ['avg<1'] }, 'nope{a:b}', undefined, /no metric name 'nope' found/],
    ['a key that does not end with }', { 'my_trend{a:b': ['avg<1'] }, 'my_trend{a:b', undefined, /must end with '}'/],
    ['an empty selector', { 'my_trend{}': ['avg<1'] }, 'my_trend{}', undefined, /tag expression '' is malformed/],
    ['a selector without a value', { 'my_trend{kind:}': ['avg<1'] }, 'my_trend{kind:}', undefined, /is malformed/],
    ['a selector without a colon', { 'my_trend{kind}': ['avg<1'] }, 'my_trend{kind}', undefined, /is malformed/],
    ['a malformed expression', { my_trend: ['p95<1'] }, 'my_trend', 'p95<1', /unknown aggregation method 'p95'/],
    ['count on a trend', { my_trend: ['count<1'] }, 'my_trend', 'count<1', /unsupported aggregation method count on metric of type trend.*avg, min, med, max, p\(N\)/],
    ['avg on a counter', { my_counter: ['avg<1'] }, 'my_counter', 'avg<1', /unsupported aggregation method avg on metric of type counter.*count, rate/],
    ['rate on a gauge', { my_gauge: ['rate<1'] }, 'my_gauge', 'rate<1', /type gauge.*value/],
    ['count on a rate', { my_rate: ['count<1'] }, 'my_rate', 'count<1', /type rate.*: rate$/],
    ['p(95) on a rate', { http_req_failed: ['p(95)<1'] }, 'http_req_failed', 'p(95)<1', /unsupported aggregation method p\(N\) on metric of type rate/],
    ['value on a trend sub-metric', { 'http_req_duration{kind:read}': ['value<1'] }, 'http_req_duration{kind:read}', 'value<1', /type trend/],
    ['a bare string instead of an array', { my_trend: 'avg<1' }, 'my_trend', undefined, /must be an array of threshold expressions/],
    ['an item that is a number', { my_trend: [5] }, 'my_trend', undefined, /item 0 must be an expression string or an object/],
    ['an object without threshold', { my_trend: [{ abortOnFail: true }] }, 'my_trend', undefined, /'threshold' must be an expression string/],
    ['an object with a misspelt key', { my_trend: [{ threshold: 'avg<1', abortOnFailure: true }] }, 'my_trend', 'avg<1', /unknown key 'abortOnFailure'.*allowed: threshold, abortOnFail, delayAbortEval/],
    ['abortOnFail that is not a boolean', { my_trend: [{ threshold: 'avg<1', abortOnFail: 'yes' }] }, 'my_trend', 'avg<1', /'abortOnFail' must be true or false/],
    ['delayAbortEval that is not a duration', { my_trend: [{ threshold: 'avg<1', abortOnFail: true, delayAbortEval: '10 seconds' }] }, 'my_trend', 'avg<1', /'delayAbortEval' must be a duration/],
  ])('rejects %s', (_name, option, key, expression, message) => {
    const err = caught(() => createThresholdSet(option, registry()));
    expect(err.code).toBe('ERR_INVALID_THRESHOLDS');
    expect(err.exitCode).toBe(EXIT_CODES.INVALID_CONFIG);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject(expression === undefined ? { key } : { key, expression });
    expect(err.problems[0]!.message).toMatch(message);
    expect(err.message).toContain(key);
  });

  it('reports every problem at once, not only the first', () => {
    const err = caught(() => createThresholdSet({ nope: ['avg<1'], my_trend: ['count<1', 'p(200)<1'], my_rate: ['rate<'] }, registry()));
    expect(err.problems.map((p) => [p.key, p.expression])).toEqual([
      ['nope', undefined],
      ['my_trend', 'count<1'],
      ['my_trend', 'p(200)<1'],
      ['my_rate', 'rate<'],
    ]);
    expect(err.message.split('\n')).toHaveLength(5);
  });

  it('rejects a thresholds option that is not an object', () => {
    expect(caught(() => createThresholdSet(['avg<1'], registry())).message).toMatch(/options.thresholds must be an object/);
  });

  it('accepts no thresholds at all', () => {
    expect(createThresholdSet(undefined, registry()).evaluate({ final: true, elapsedMs: 1 })).toEqual({ results: [], failed: false, abort: false, breached: [] });
  });
});

describe('sub-metric thresholds (docs/k6-semantics.md#threshold-grammar selectors)', () => {
  it('evaluate only the samples whose tags contain the selector', () => {
    const r = registry();
    const set = createThresholdSet({ 'http_req_duration{kind:read}': ['max<200'], 'http_req_duration{kind:write}': ['max<200'], http_req_duration: ['max<1000'] }, r);
    add(r, 'http_req_duration', [100, 120], { kind: 'read', name: 'a' });
    add(r, 'http_req_duration', [900], { kind: 'write', name: 'b' });
    const ev = set.evaluate({ final: true, elapsedMs: 1000 });
    expect(ev.results.map((x) => [x.metric, x.ok])).toEqual([
      ['http_req_duration{kind:read}', true],
      ['http_req_duration{kind:write}', false],
      ['http_req_duration', true],
    ]);
    expect(ev.breached).toEqual(['http_req_duration{kind:write}']);
  });

  it('two spellings of the same selector share one sub-metric but keep their own expressions', () => {
    const r = registry();
    const set = createThresholdSet({ 'http_req_duration{kind:read}': ['max<200'], 'http_req_duration{ "kind" : "read" }': ['max<50'] }, r);
    add(r, 'http_req_duration', [100], { kind: 'read' });
    expect(set.keys.map((k) => k.metric.name)).toEqual(['http_req_duration{kind:read}', 'http_req_duration{kind:read}']);
    expect(set.evaluate({ final: true, elapsedMs: 1 }).results.map((x) => x.ok)).toEqual([true, false]);
  });

  it('marks thresholded metrics and their parents observed so they show in the summary', () => {
    const r = registry();
    createThresholdSet({ 'my_trend{kind:read}': ['avg<1'], my_counter: ['count<1'] }, r);
    expect(r.list().map((m) => m.name).sort()).toEqual(['my_counter', 'my_trend', 'my_trend{kind:read}']);
  });

  it('warns that a selector on vu never matches (metadata since k6 v0.41)', () => {
    const r = registry();
    const set = createThresholdSet({ 'my_trend{vu:1}': ['avg>1'] }, r);
    add(r, 'my_trend', [5], { vu: '1' });
    expect(set.warnings).toEqual([expect.stringMatching(/'vu' metric tag was made non-indexable in k6 v0\.41\.0/)]);
    expect(r.isEmpty('my_trend{vu:1}')).toBe(true);
  });

  it('with --no-thresholds, sub-metrics are still defined and problems only reported as warnings', () => {
    const r = registry();
    const warnings = defineThresholdSubmetrics({ 'my_trend{kind:read}': ['nonsense'], nope: ['avg<1'] }, r);
    expect(r.get('my_trend{kind:read}')).toBeDefined();
    expect(warnings).toEqual([expect.stringMatching(/Invalid metric 'nope' in threshold definitions: no metric name 'nope'/)]);
  });
});
