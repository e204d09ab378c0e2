/**
 * One sink per metric and sub-metric, chosen by the metric type, and the two ways of reading it:
 * the summary `values` object (k6 `internal/js/summary.go` metricValueGetter) and the threshold
 * aggregates (k6 `metrics/thresholds.go` Run). Both live here so the rules about empty sinks and
 * zero durations are written once.
 */

import type { MetricType } from '../contract';
import { CounterSink, GaugeSink, RateSink } from './simple-sinks';
import { TrendSink, type TrendSinkOptions } from './trend-sink';
import { trendStatResolver } from './trend-stats';
import { DEFAULT_SUMMARY_TREND_STATS } from '../constants';

export type Sink = CounterSink | GaugeSink | RateSink | TrendSink;

export function createSink(type: MetricType, trend: TrendSinkOptions = {}): Sink {
  switch (type) {
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
    case 'rate':
      return new RateSink();
    case 'trend':
      return new TrendSink(trend);
  }
}

export function isSinkEmpty(sink: Sink): boolean {
  if (sink instanceof RateSink) return sink.total === 0;
  if (sink instanceof TrendSink) return sink.count === 0;
  return sink.samples === 0;
}

/** Events per second over the run; 0 (not Infinity) for a zero duration, as k6's calculateRate. */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? count / (elapsedMs / 1000) : 0;
}

/**
 * The `values` object of `handleSummary` data: counter `{count, rate}`, gauge `{value, min,
 * max}`, rate `{rate, passes, fails}`, trend exactly the requested stats (unknown stats are
 * skipped here; options validation rejects them before the run).
 */
export function sinkValues(
  sink: Sink,
  elapsedMs: number,
  trendStats: readonly string[] = DEFAULT_SUMMARY_TREND_STATS,
): Record<string, number> {
  if (sink instanceof CounterSink) return { count: sink.count, rate: perSecond(sink.count, elapsedMs) };
  if (sink instanceof GaugeSink) return { value: sink.value, min: sink.min, max: sink.max };
  if (sink instanceof RateSink) return { rate: sink.rate, passes: sink.trues, fails: sink.total - sink.trues };
  const out: Record<string, number> = {};
  for (const stat of trendStats) {
    const resolve = trendStatResolver(stat);
    if (resolve) out[stat] = resolve(sink);
  }
  return out;
}

/**
 * The aggregate a threshold reads, or undefined when k6 leaves the key out of its sinks map —
 * which makes the threshold pass (docs/k6-semantics.md#threshold-evaluation): a Rate with no samples, a Counter's rate at
 * zero duration. An empty Trend gives 0 for every stat; an empty Counter count 0; an empty Gauge 0.
 * `percentile` is the N of `p(N)` (0–100) when `aggregation` is `p`.
 */
export function thresholdAggregate(
  sink: Sink,
  aggregation: string,
  percentile: number | undefined,
  elapsedMs: number,
): number | undefined {
  if (sink instanceof CounterSink) {
    if (aggregation === 'count') return sink.count;
    if (aggregation === 'rate') return elapsedMs > 0 ? sink.count / (elapsedMs / 1000) : undefined;
    return undefined;
  }
  if (sink instanceof GaugeSink) return aggregation === 'value' ? sink.value : undefined;
  if (sink instanceof RateSink) {
    return aggregation === 'rate' && sink.total > 0 ? sink.trues / sink.total : undefined;
  }
  switch (aggregation) {
    case 'avg':
      return sink.avg;
    case 'min':
      return sink.min;
    case 'max':
      return sink.max;
    case 'med':
      return sink.med;
    case 'p':
      return sink.p((percentile ?? 0) / 100);
    default:
      return undefined;
  }
}
