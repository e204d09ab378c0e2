/**
 * Reading several instances' summary.json files as one run. k6 leaves this to the user (docs/k6-semantics.md#execution-segments: thresholds and metrics are per instance), so the rules are stated here once:
 * counts sum; a Rate is sum(passes) / sum(passes + fails) (k6's Rate counts non-zero samples as
 * `passes`); a percentile cannot be rebuilt from percentiles, so the highest instance value is
 * reported — an upper bound on the whole run's, to be labelled as such. Pure.
 */
export interface SummaryMetric {
  values?: Record<string, number>;
}
/** The bundle's summary.json: its verdict plus k6's handleSummary data under `k6`. */
export type SummaryData = { verdict?: { pass?: boolean }; k6?: { state?: { testRunDurationMs?: number }; metrics?: Record<string, SummaryMetric> } };

export interface Aggregate {
  /** Sum of `count` over instances; undefined when no instance has the metric. */
  count(key: string): number | undefined;
  /** A Rate pooled over every instance's samples; undefined without samples. */
  rate(key: string): number | undefined;
  /** The highest instance value of `stat` (e.g. `p(95)`): an upper bound, not the run's value. */
  maxOf(key: string, stat: string): number | undefined;
}

/** Sums, pooled rates and maxima over instance summaries (instances missing a metric are skipped). */
export function aggregate(summaries: readonly SummaryData[]): Aggregate {
  const values = (key: string): Array<Record<string, number>> =>
    summaries.map((s) => s.k6?.metrics?.[key]?.values).filter((v): v is Record<string, number> => v !== undefined);
  return {
    count(key: string): number | undefined {
      const v = values(key).map((x) => x.count).filter((n): n is number => n !== undefined);
      return v.length ? v.reduce((a, b) => a + b, 0) : undefined;
    },
    rate(key: string): number | undefined {
      let passes = 0;
      let total = 0;
      for (const v of values(key)) {
        passes += v.passes ?? 0;
        total += (v.passes ?? 0) + (v.fails ?? 0);
      }
      return total > 0 ? passes / total : undefined;
    },
    maxOf(key: string, stat: string): number | undefined {
      const v = values(key).map((x) => x[stat]).filter((n): n is number => n !== undefined);
      return v.length ? Math.max(...v) : undefined;
    },
  };
}

