/**
 * Aggregating per-instance summaries (docs/k6-semantics.md#execution-segments: metrics are reported per
 * instance; the user aggregates).
 */
import { describe, expect, it } from 'vitest';
import { aggregate, type SummaryData } from '../../launch/instance-summaries';

const summary = (metrics: Record<string, Record<string, number>>): SummaryData => ({
  k6: { metrics: Object.fromEntries(Object.entries(metrics).map(([k, values]) => [k, { values }])) },
});

const one = summary({
  iterations: { count: 147194, rate: 2452.9 },
  dropped_iterations: { count: 2807, rate: 46.8 },
  'http_req_duration{kind:read}': { 'p(95)': 11.01 },
  'http_req_failed{traffic:api}': { rate: 0.01, passes: 10, fails: 990 },
});
const two = summary({
  iterations: { count: 147123, rate: 2451.6 },
  dropped_iterations: { count: 2877, rate: 47.9 },
  'http_req_duration{kind:read}': { 'p(95)': 11.59 },
  'http_req_failed{traffic:api}': { rate: 0.1, passes: 30, fails: 270 },
});

describe('aggregate', () => {
  it('sums counts over instances', () => {
    expect(aggregate([one, two]).count('iterations')).toBe(294317);
    expect(aggregate([one, two]).count('dropped_iterations')).toBe(5684);
  });

  it('pools a Rate over all samples instead of averaging the instance rates', () => {
    // (10 + 30) / (1000 + 300), not (0.01 + 0.1) / 2.
    expect(aggregate([one, two]).rate('http_req_failed{traffic:api}')).toBeCloseTo(40 / 1300, 12);
  });

  it('reports the highest instance percentile (an upper bound)', () => {
    expect(aggregate([one, two]).maxOf('http_req_duration{kind:read}', 'p(95)')).toBe(11.59);
  });

  it('skips an instance that lacks a metric and answers undefined when none has it', () => {
    const bare = summary({});
    expect(aggregate([one, bare]).count('iterations')).toBe(147194);
    expect(aggregate([bare, bare]).count('iterations')).toBeUndefined();
    expect(aggregate([bare]).rate('http_req_failed{traffic:api}')).toBeUndefined();
    expect(aggregate([bare]).maxOf('http_req_duration{kind:read}', 'p(95)')).toBeUndefined();
  });

  it('gives a single instance its own figures', () => {
    expect(aggregate([one]).rate('http_req_failed{traffic:api}')).toBe(0.01);
    expect(aggregate([one]).maxOf('http_req_duration{kind:read}', 'p(95)')).toBe(11.01);
  });
});
