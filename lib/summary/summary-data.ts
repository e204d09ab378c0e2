/**
 * The `handleSummary(data)` shape k6 passes (legacy shape, docs/k6-semantics.md#summary-data), typed as
 * far as this bundle reads it.
 */
export interface SummaryMetric {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  contains: 'default' | 'time' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export interface SummaryCheck {
  name: string;
  path?: string;
  passes: number;
  fails: number;
}

export interface SummaryGroup {
  name: string;
  path?: string;
  groups?: SummaryGroup[];
  checks?: SummaryCheck[];
}

export interface SummaryData {
  metrics: Record<string, SummaryMetric>;
  root_group?: SummaryGroup;
  options?: { summaryTrendStats?: string[]; summaryTimeUnit?: string; noColor?: boolean };
  state?: { isStdOutTTY?: boolean; isStdErrTTY?: boolean; testRunDurationMs?: number };
  setup_data?: unknown;
}

/** Reads the value a threshold expression compares (`p(95)<300` -> values['p(95)']). */
export function statOf(expression: string): string {
  const m = /^\s*([a-z]+(?:\([\d.]+\))?)/.exec(expression);
  return m ? (m[1] as string) : expression;
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(1)}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(2)}µs`;
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/** A metric value for display, by the metric's kind and the stat. */
export function formatStat(metric: SummaryMetric | undefined, stat: string): string {
  if (!metric) return 'no data';
  const v = metric.values[stat];
  if (v === undefined) return 'no data';
  if (metric.type === 'rate' && stat === 'rate') return formatPercent(v);
  if (metric.contains === 'time' && stat !== 'count') return formatMs(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

/** Every checks entry in the group tree, depth first. */
export function allChecks(g: SummaryGroup | undefined): SummaryCheck[] {
  if (!g) return [];
  return [...(g.checks ?? []), ...(g.groups ?? []).flatMap(allChecks)];
}
