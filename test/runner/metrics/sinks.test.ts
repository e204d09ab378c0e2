/**
 * Sink math (docs/k6-semantics.md#metrics-api aggregation; k6 `metrics/sink.go`): counter sum and
 * rate, gauge last/min/max, rate share of non-zero values, trend percentiles by linear
 * interpolation at p·(n−1) — against hand-computed values — and the summary `values` shapes
 * (k6-semantics.md#summary-data).
 */
import { describe, expect, it } from 'vitest';
import { createSink, isSinkEmpty, sinkValues, thresholdAggregate } from '../../../runner/metrics/sink';
import { CounterSink, GaugeSink, RateSink } from '../../../runner/metrics/simple-sinks';
import { TrendSink } from '../../../runner/metrics/trend-sink';
import { validateTrendStats } from '../../../runner/metrics/trend-stats';

const trend = (values: number[]): TrendSink => {
  const s = new TrendSink();
  for (const v of values) s.add(v);
  return s;
};

describe('Trend percentiles (docs/k6-semantics.md#metrics-api: index p*(n-1), linear interpolation)', () => {
  it.each([
    // [values, pct, expected, how]
    [[50, 10, 40, 20, 30], 0.5, 30, 'p(50) of 5 values is the middle one'],
    [[50, 10, 40, 20, 30], 0.9, 46, 'p(90): index 3.6 -> 40 + 0.6*(50-40)'],
    [[50, 10, 40, 20, 30], 0.95, 48, 'p(95): index 3.8 -> 40 + 0.8*10'],
    [[50, 10, 40, 20, 30], 0.25, 20, 'p(25): index 1 exactly'],
    [[50, 10, 40, 20, 30], 0, 10, 'p(0) is the minimum'],
    [[50, 10, 40, 20, 30], 1, 50, 'p(100) is the maximum'],
    [[1, 2, 3, 4], 0.5, 2.5, 'the median of an even count interpolates'],
    [[1, 2, 3, 4], 0.95, 3.85, 'p(95) of 1..4: index 2.85 -> 3 + 0.85'],
    [[7], 0.99, 7, 'a single value is every percentile'],
    [[], 0.95, 0, 'an empty trend gives 0'],
    [[-5, 5], 0.5, 0, 'negative values interpolate too'],
    [[3, 3, 3], 0.9, 3, 'equal values give that value'],
  ])('%j at %d is %d (%s)', (values, pct, expected) => {
    expect(trend(values).p(pct)).toBeCloseTo(expected, 10);
  });

  it('keeps count, min, max, avg and med exact', () => {
    const s = trend([50, 10, 40, 20, 30]);
    expect([s.count, s.min, s.max, s.avg, s.med]).toEqual([5, 10, 50, 30, 30]);
  });

  it('a trend of negative values reports its largest value as max (k6 TrendSink.Add starts min and max at the first sample)', () => {
    const s = trend([-30, -10, -20]);
    expect([s.min, s.max, s.p(1), s.med, s.avg]).toEqual([-30, -10, -10, -20, -20]);
  });

  it('re-sorts after values are added between reads', () => {
    const s = trend([1, 2, 3]);
    expect(s.p(1)).toBe(3);
    s.add(0);
    s.add(10);
    expect([s.p(0), s.p(1), s.med]).toEqual([0, 10, 2]);
  });

  it('stays exact when reads (2 s threshold passes) interleave with new values', () => {
    let seed = 99;
    const rand = (): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 4294967296;
    };
    const s = new TrendSink();
    const all: number[] = [];
    for (let round = 0; round < 40; round++) {
      const batch = Math.floor(rand() * 300);
      for (let i = 0; i < batch; i++) {
        const v = Math.floor(rand() * 1000) / 10; // duplicates on purpose
        s.add(v);
        all.push(v);
      }
      const sorted = [...all].sort((a, b) => a - b);
      for (const pct of [0, 0.5, 0.9, 0.95, 0.99, 1]) {
        const i = pct * (sorted.length - 1);
        const lo = sorted[Math.floor(i)] ?? 0;
        const hi = sorted[Math.ceil(i)] ?? 0;
        expect(s.p(pct)).toBeCloseTo(sorted.length === 0 ? 0 : lo + (hi - lo) * (i - Math.floor(i)), 9);
      }
    }
  });

  it('an empty trend reports 0 for every stat (docs/k6-semantics.md#threshold-evaluation)', () => {
    const s = new TrendSink();
    expect([s.avg, s.min, s.max, s.med, s.p(0.95)]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('Counter, Gauge and Rate sinks (docs/k6-semantics.md#metrics-api)', () => {
  it('a counter sums values; its rate is per second of run time, 0 at zero duration', () => {
    const c = new CounterSink();
    [1, 2, 3.5].forEach((v) => c.add(v));
    expect(sinkValues(c, 2000)).toEqual({ count: 6.5, rate: 3.25 });
    expect(sinkValues(c, 0)).toEqual({ count: 6.5, rate: 0 });
  });

  it('a counter that sums to zero is not empty', () => {
    const c = new CounterSink();
    c.add(0);
    expect(isSinkEmpty(c)).toBe(false);
    expect(isSinkEmpty(new CounterSink())).toBe(true);
  });

  it('a gauge keeps the last value with min and max', () => {
    const g = new GaugeSink();
    [5, 9, 2, 4].forEach((v) => g.add(v));
    expect(sinkValues(g, 1000)).toEqual({ value: 4, min: 2, max: 9 });
  });

  it('a gauge that only saw negative values reports a negative max (k6 v2.2 GaugeSink starts max at the first sample)', () => {
    const g = new GaugeSink();
    [-5, -3, -4].forEach((v) => g.add(v));
    expect(sinkValues(g, 1000)).toEqual({ value: -4, min: -5, max: -3 });
  });

  it('a rate counts non-zero values as passes', () => {
    const r = new RateSink();
    [1, 0, 2, -1, 0].forEach((v) => r.add(v));
    expect(sinkValues(r, 1000)).toEqual({ rate: 0.6, passes: 3, fails: 2 });
  });

  it('an empty rate shows 0 in summaries but has no threshold aggregate (so thresholds pass)', () => {
    expect(sinkValues(new RateSink(), 1000)).toEqual({ rate: 0, passes: 0, fails: 0 });
    expect(thresholdAggregate(new RateSink(), 'rate', undefined, 1000)).toBeUndefined();
  });

  it('a trend shows exactly the requested stats, count included', () => {
    const s = trend([10, 20, 30, 40, 50]);
    expect(sinkValues(s, 1000)).toEqual({ avg: 30, min: 10, med: 30, max: 50, 'p(90)': 46, 'p(95)': 48 });
    const v = sinkValues(s, 1000, ['count', 'p(99.9)', 'p(0)']);
    expect(Object.keys(v)).toEqual(['count', 'p(99.9)', 'p(0)']);
    expect(v['count']).toBe(5);
    expect(v['p(99.9)']).toBeCloseTo(49.96, 10); // index 3.996 -> 40 + 0.996*10
    expect(v['p(0)']).toBe(10);
  });

  it('createSink follows the metric type', () => {
    expect(createSink('counter')).toBeInstanceOf(CounterSink);
    expect(createSink('gauge')).toBeInstanceOf(GaugeSink);
    expect(createSink('rate')).toBeInstanceOf(RateSink);
    expect(createSink('trend')).toBeInstanceOf(TrendSink);
  });
});

describe('summaryTrendStats validation (docs/k6-semantics.md#text-summary)', () => {
  it('accepts k6 stats', () => {
    expect(validateTrendStats(['avg', 'min', 'med', 'max', 'count', 'p(90)', 'p(99.99)', 'p(0)', 'p(100)'])).toEqual([]);
  });

  it.each([['mean'], ['p(101)'], ['p(-1)'], ['p(x)'], ['P(95)'], ['p95']])('rejects %j naming it and the allowed stats', (stat) => {
    expect(validateTrendStats([stat])).toEqual([expect.stringContaining(`stat '${stat}' is unknown (allowed: avg, min, med, max, count, p(N)`)]);
  });

  it('rejects a value that is not an array', () => {
    expect(validateTrendStats('avg')).toEqual([expect.stringContaining('must be an array')]);
  });
});
