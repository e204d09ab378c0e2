/**
 * Bounded Trend memory (issue #4 §7, DIFFERENCES.md): past the raw-value cap a Trend switches to
 * a log-linear histogram. Percentiles are checked against exact values computed from the raw
 * samples with k6's own rule (docs/k6-semantics.md#metrics-api), for several distributions: the
 * promised bound is a relative error of at most 0.1 %.
 */
import { describe, expect, it } from 'vitest';
import { LogHistogram } from '../../../contracts/log-histogram';
import { DEFAULT_TREND_RAW_CAP, TrendSink } from '../../../runner/metrics/trend-sink';
import { seededRandom } from '../../../runner/modules/k6';

/** Deterministic PRNG so the test is reproducible: the runner's mulberry32. */
const rng = seededRandom;

function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** k6's percentile over exact sorted values. */
function exactPercentile(sorted: Float64Array, pct: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0]!;
  const i = pct * (n - 1);
  const j = sorted[Math.floor(i)]!;
  const k = sorted[Math.ceil(i)]!;
  return j + (k - j) * (i - Math.floor(i));
}

const PERCENTILES = [0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1];
const BOUND = 0.001; // the 0.1 % the runner promises

const distributions: Array<[string, (r: () => number) => number]> = [
  ['log-normal latencies around 40 ms', (r) => Math.exp(Math.log(40) + 0.8 * gaussian(r))],
  ['uniform 0.001 ms to 30 s', (r) => 0.001 + r() * 30_000],
  ['bimodal (cache hits ~1 ms, misses ~300 ms)', (r) => (r() < 0.9 ? 1 + r() * 0.2 : 300 + gaussian(r) * 20)],
  ['mostly zeros (http_req_connecting on kept-alive connections)', (r) => (r() < 0.97 ? 0 : 0.5 + r() * 5)],
  ['signed custom values', (r) => gaussian(r) * 1000],
];

describe('Trend past the raw-value cap (bounded memory, ≤ 0.1 % percentile error)', () => {
  it.each(distributions)('%s: every percentile within 0.1 % of exact', (_name, draw) => {
    const rand = rng(42);
    const n = 200_000;
    const values = new Float64Array(n);
    const sink = new TrendSink({ rawCap: 1000 });
    for (let i = 0; i < n; i++) {
      const v = draw(rand);
      values[i] = v;
      sink.add(v);
    }
    expect(sink.exact).toBe(false);
    values.sort();
    for (const pct of PERCENTILES) {
      const exact = exactPercentile(values, pct);
      const estimated = sink.p(pct);
      const err = exact === 0 ? Math.abs(estimated) : Math.abs(estimated - exact) / Math.abs(exact);
      expect(err, `p(${pct * 100}) exact ${exact} estimated ${estimated}`).toBeLessThanOrEqual(BOUND);
    }
    // count, min, max and avg stay exact.
    expect(sink.count).toBe(n);
    expect(sink.min).toBe(values[0]);
    expect(sink.max).toBe(values[n - 1]);
    const mean = values.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(sink.avg - mean)).toBeLessThanOrEqual(Math.abs(mean) * 1e-9 + 1e-9);
  });

  it('is exact below the cap and switches on the first value past it', () => {
    const sink = new TrendSink({ rawCap: 10 });
    for (let i = 1; i <= 10; i++) sink.add(i);
    expect(sink.exact).toBe(true);
    expect(sink.p(0.95)).toBeCloseTo(9.55, 10);
    sink.add(11);
    expect(sink.exact).toBe(false);
    expect(sink.p(0.5)).toBeCloseTo(6, 2);
  });

  it('keeps memory flat once switched: a million more samples add no buckets', () => {
    const rand = rng(7);
    const sink = new TrendSink();
    const draw = (): number => Math.exp(Math.log(40) + 0.8 * gaussian(rand));
    for (let i = 0; i < DEFAULT_TREND_RAW_CAP; i++) sink.add(draw());
    expect(sink.retainedBytes).toBeLessThanOrEqual(DEFAULT_TREND_RAW_CAP * 8 * 2);
    for (let i = 0; i < 500_000; i++) sink.add(draw());
    const afterHalfMillion = sink.retainedBytes;
    for (let i = 0; i < 1_000_000; i++) sink.add(draw());
    expect(sink.retainedBytes).toBe(afterHalfMillion);
    // A log-normal spans ~4 decades here: a few thousand buckets, far below the raw cap.
    expect(afterHalfMillion).toBeLessThan(200_000);
  });

  it('the histogram alone answers ranks within its relative accuracy', () => {
    const h = new LogHistogram(0.0005);
    const values = [0.002, 0.5, 1, 3, 10, 250, 1000, 60_000];
    for (const v of values) h.add(v);
    values.forEach((v, rank) => {
      expect(Math.abs(h.valueAtRank(rank) - v) / v).toBeLessThanOrEqual(0.0005 + 1e-12);
    });
  });

  it('orders infinite values at the ends instead of failing', () => {
    const sink = new TrendSink({ rawCap: 2 });
    [5, Infinity, -Infinity, 10].forEach((v) => sink.add(v));
    expect(sink.exact).toBe(false);
    expect([sink.min, sink.count]).toEqual([-Infinity, 4]);
    expect(sink.p(1 / 3)).toBeCloseTo(5, 2);
    expect(sink.p(2 / 3)).toBeCloseTo(10, 2);
  });

  it('refuses an accuracy outside (0, 1)', () => {
    expect(() => new LogHistogram(0)).toThrow(RangeError);
    expect(() => new LogHistogram(1)).toThrow(RangeError);
  });
});
