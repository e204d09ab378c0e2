/**
 * The object `handleSummary(data)` receives, in k6's default (legacy) shape (docs/k6-semantics.md#summary-data; k6 `internal/js/summary.go` summarizeMetricsToObject):
 *
 *   { root_group, options: {summaryTrendStats, summaryTimeUnit, noColor},
 *     state: {isStdOutTTY, isStdErrTTY, testRunDurationMs}, metrics, setup_data? }
 *
 * `metrics[name]` = `{type, contains, values, thresholds?}` for every observed metric and
 * sub-metric (sub-metrics under keys like `http_req_duration{expected_response:true}`); `values`
 * is counter `{count, rate}`, gauge `{value, min, max}`, rate `{rate, passes, fails}`, trend
 * exactly the `summaryTrendStats` keys; `thresholds` = `{<expression>: {ok}}`, present only on
 * metrics that have thresholds. Metric keys are sorted so the output is stable.
 */

import type { MetricInfo, MetricType, RunState, ValueType } from '../contract';
import { DEFAULT_SUMMARY_TREND_STATS, OPT_SUMMARY_TIME_UNIT, OPT_SUMMARY_TREND_STATS } from '../constants';
import type { SummaryGroup } from '../metrics/group-tree';
import type { MetricsRegistry } from '../metrics/registry';
import type { ThresholdKey } from '../thresholds/threshold-set';

export interface SummaryMetric {
  type: MetricType;
  contains: ValueType;
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryData {
  root_group: SummaryGroup;
  options: { summaryTrendStats: string[]; summaryTimeUnit: string; noColor: boolean };
  state: { isStdOutTTY: boolean; isStdErrTTY: boolean; testRunDurationMs: number };
  metrics: Record<string, SummaryMetric>;
  setup_data?: unknown;
}

/** The run facts the summary needs beyond the contract's RunState. */
export interface SummaryRunState extends RunState {
  /** `--no-color` / `K6_NO_COLOR`. */
  noColor?: boolean;
  /** What `setup()` returned (JSON-copied), if it returned anything. */
  setupData?: unknown;
}

/** What the summary reads from a threshold set: its keys with each threshold's last result. */
export interface ThresholdsView {
  readonly keys: readonly ThresholdKey[];
}

export function summaryTrendStats(options: Record<string, unknown>): string[] {
  const stats = options[OPT_SUMMARY_TREND_STATS];
  return Array.isArray(stats) && stats.every((s) => typeof s === 'string') ? [...stats] : [...DEFAULT_SUMMARY_TREND_STATS];
}

export function summaryTimeUnit(options: Record<string, unknown>): string {
  const unit = options[OPT_SUMMARY_TIME_UNIT];
  return typeof unit === 'string' ? unit : '';
}

/** Thresholds per registry metric name: `{expression: {ok}}`, several keys merging on one metric. */
export function thresholdsByMetric(thresholds: ThresholdsView | undefined): Map<string, Record<string, { ok: boolean }>> {
  const out = new Map<string, Record<string, { ok: boolean }>>();
  for (const k of thresholds?.keys ?? []) {
    let forMetric = out.get(k.metric.name);
    if (forMetric === undefined) {
      forMetric = {};
      out.set(k.metric.name, forMetric);
    }
    for (const t of k.thresholds) forMetric[t.expression.source] = { ok: t.ok };
  }
  return out;
}

const byName = (a: MetricInfo, b: MetricInfo): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function buildSummaryData(
  registry: MetricsRegistry,
  thresholds: ThresholdsView | undefined,
  state: SummaryRunState,
): SummaryData {
  const trendStats = summaryTrendStats(state.options);
  const elapsed = state.testRunDurationMs;
  const byMetric = thresholdsByMetric(thresholds);
  const metrics: Record<string, SummaryMetric> = {};
  for (const info of registry.list().sort(byName)) {
    const m: SummaryMetric = { type: info.type, contains: info.contains, values: registry.values(info.name, elapsed, trendStats) };
    const t = byMetric.get(info.name);
    if (t !== undefined && Object.keys(t).length > 0) m.thresholds = t;
    metrics[info.name] = m;
  }
  const data: SummaryData = {
    root_group: registry.rootGroup(),
    options: { summaryTrendStats: trendStats, summaryTimeUnit: summaryTimeUnit(state.options), noColor: state.noColor ?? false },
    state: { isStdOutTTY: state.isStdOutTTY, isStdErrTTY: state.isStdErrTTY, testRunDurationMs: elapsed },
    metrics,
  };
  if (state.setupData !== undefined) data.setup_data = state.setupData;
  return data;
}
