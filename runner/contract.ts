/**
 * The seam between the offline runner's engine (CLI, options, executors, VUs, modules) and its
 * metrics core (registry, sinks, thresholds, summaries). Both halves code against these types;
 * the metrics core implements them in runner/metrics/, runner/thresholds/ and runner/summary/.
 *
 * Semantics are k6's (docs/k6-semantics.md#metrics-api, #builtin-metrics, #threshold-grammar): names, types, `contains`, tag rules,
 * sink aggregation, threshold grammar and timing, summary and export shapes.
 */

import type { MetricType, ValueType } from '../contracts/k6-metrics';

export type { MetricType, ValueType };
export type Tags = Readonly<Record<string, string>>;

/** One measurement, as k6 emits it. `time` is Unix ms; tags are already merged and stringified. */
export interface Sample {
  metric: string;
  value: number;
  tags: Tags;
  time: number;
}

/** A registered metric (built-in or custom); sub-metrics are listed under their parent. */
export interface MetricInfo {
  name: string;
  type: MetricType;
  contains: ValueType;
  /** For a sub-metric (`http_req_duration{kind:read}`): the parent's name and the selector. */
  parent?: string;
  selector?: Tags;
}

/**
 * The per-process metrics store. The engine calls `define` for built-ins at start and for
 * `new Trend(...)` etc. in init (same name + same type/contains returns the existing metric,
 * a conflicting redefinition throws `MetricDefinitionError`), then `add` for every sample.
 * `add` routes each sample into its metric's sink and into every sub-metric whose selector
 * matches the sample's tags. It must stay cheap: it is called ~30 times per HTTP request.
 */
export interface MetricRegistry {
  define(name: string, type: MetricType, contains?: ValueType): MetricInfo;
  /** Registers `parent{k:v,...}` (idempotent); the parent must exist. Returns the sub-metric. */
  defineSubmetric(key: string): MetricInfo;
  get(name: string): MetricInfo | undefined;
  add(sample: Sample): void;
  /** `add` without the Sample object; `tags` is shared and must not be mutated afterwards. */
  addValue(metric: string, value: number, tags: Tags, time: number): void;
  addMany(samples: readonly Sample[]): void;
  /** Every metric that has received at least one sample, plus every sub-metric that thresholds use. */
  list(): MetricInfo[];
  /**
   * The sink values as k6's `handleSummary` data shows them:
   * counter `{count, rate}`, gauge `{value, min, max}`, rate `{rate, passes, fails}`,
   * trend `{avg, min, med, max, 'p(90)', 'p(95)', ...}` for the given trend stats.
   * `elapsedMs` is the test-run duration used for counter rates (0 must not give Infinity).
   */
  values(name: string, elapsedMs: number, trendStats?: readonly string[]): Record<string, number>;
  /** Whether a metric's sink has no samples (drives k6's empty-sink threshold rules). */
  isEmpty(name: string): boolean;
}

/** One parsed threshold expression of one metric key. */
export interface ThresholdResult {
  metric: string; // the key as written, e.g. 'http_req_duration{kind:read}'
  expression: string; // e.g. 'p(95)<300'
  ok: boolean;
  abortOnFail: boolean;
}

export interface ThresholdEvaluation {
  results: ThresholdResult[];
  /** Some threshold failed. */
  failed: boolean;
  /** A failed threshold has `abortOnFail` and its `delayAbortEval` has passed: stop with exit 99. */
  abort: boolean;
}

/**
 * Parsed and validated `options.thresholds`. Creation throws `InvalidThresholdsError` (exit 104)
 * naming the key and expression at fault, and defines the sub-metrics they select.
 */
export interface ThresholdSet {
  /**
   * `final: false` — the periodic pass every 2 s: empty sinks are skipped.
   * `final: true` — the end-of-test pass: empty sinks evaluated with k6's rules.
   */
  evaluate(opts: { final: boolean; elapsedMs: number }): ThresholdEvaluation;
}

/** What the engine knows about the run, for the summary. */
export interface RunState {
  testRunDurationMs: number;
  isStdOutTTY: boolean;
  isStdErrTTY: boolean;
  /** Consolidated options as `exec.test.options` shows them. */
  options: Record<string, unknown>;
  /** Scenario names with their executors, for the `full` summary mode. */
  scenarios: ReadonlyArray<{ name: string; executor: string }>;
}
