/**
 * `summaryTrendStats` (docs/k6-semantics.md#text-summary, #option-defaults): which statistics of a Trend the summary
 * and `handleSummary` data show. Allowed: `avg`, `min`, `med`, `max`, `count` and `p(N)` with
 * 0 ≤ N ≤ 100 (k6 `metrics.GetResolversForTrendColumns`). Keys are kept exactly as written, so
 * `p(99.9)` appears as `p(99.9)` in the data.
 */

import type { TrendSink } from './trend-sink';

export type TrendStatResolver = (sink: TrendSink) => number;

const FIXED: Readonly<Record<string, TrendStatResolver>> = {
  avg: (s) => s.avg,
  min: (s) => s.min,
  med: (s) => s.med,
  max: (s) => s.max,
  count: (s) => s.count,
};

/** Parses `p(N)` as k6 does: the text between `p(` and `)` must be a float in [0, 100]. */
export function parsePercentileStat(stat: string): number | undefined {
  if (!stat.startsWith('p(') || !stat.endsWith(')')) return undefined;
  const inner = stat.slice(2, -1);
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(inner)) return undefined;
  const n = Number(inner);
  return n >= 0 && n <= 100 ? n : undefined;
}

/** The resolver for one stat, or undefined if k6 would reject it. */
export function trendStatResolver(stat: string): TrendStatResolver | undefined {
  const fixed = FIXED[stat];
  if (fixed) return fixed;
  const pct = parsePercentileStat(stat);
  if (pct === undefined) return undefined;
  const q = pct / 100;
  return (s) => s.p(q);
}

/** Every problem with a `summaryTrendStats` value, naming the stat and the allowed values. */
export function validateTrendStats(stats: unknown): string[] {
  if (!Array.isArray(stats)) {
    return [`summaryTrendStats: must be an array of strings such as ['avg', 'p(95)'] (got ${typeof stats})`];
  }
  const problems: string[] = [];
  for (const stat of stats) {
    if (typeof stat !== 'string' || trendStatResolver(stat) === undefined) {
      problems.push(
        `summaryTrendStats: stat '${String(stat)}' is unknown (allowed: avg, min, med, max, count, p(N) with 0 <= N <= 100)`,
      );
    }
  }
  return problems;
}
