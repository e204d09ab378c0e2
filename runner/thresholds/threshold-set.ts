/**
 * `options.thresholds`, parsed, validated and evaluated (contract.ts ThresholdSet) with k6's
 * timing (docs/k6-semantics.md#threshold-grammar–k6-semantics.md#threshold-evaluation; k6 `metrics/thresholds.go`,
 * `internal/metrics/engine/engine.go`):
 *
 * - creation runs every stage over every key and expression and throws one
 *   InvalidThresholdsError (exit 104) listing all problems: key shape, unknown metric (custom
 *   metrics must be constructed in init), expression syntax, aggregation vs. metric type. It
 *   defines the sub-metrics the keys select and marks every thresholded metric (and a
 *   sub-metric's parent) observed, so they show in the summary even without samples;
 * - `evaluate({final: false})` is the periodic pass (every 2 s): metrics whose sink is empty are
 *   skipped and keep their previous result; a failing threshold with `abortOnFail` asks for an
 *   abort once the run time is strictly past its `delayAbortEval`;
 * - `evaluate({final: true})` is the end-of-test pass: every metric, empty ones included. An
 *   aggregate k6 leaves out of its sinks map makes the threshold pass (an empty Rate, a Counter
 *   rate at zero duration); an empty Trend gives 0 for every stat, an empty Counter count 0.
 *   The final pass never asks for an abort (the run is over).
 * - the results are cumulative since the start (no windows), and each threshold's last result is
 *   what summaries show (`ok = !lastFailed`).
 */

import type { MetricInfo, ThresholdEvaluation, ThresholdResult, ThresholdSet } from '../contract';
import { parseMetricKey } from '../../contracts/metric-key';
import type { MetricsRegistry } from '../metrics/registry';
import { isSinkEmpty, thresholdAggregate } from '../metrics/sink';
import { InvalidThresholdsError, type ThresholdProblem } from './errors';
import { readThresholdsOption } from './threshold-config';
import { aggregationError, compare, parseThresholdExpression, supportsAggregation, type ThresholdExpression } from '../../contracts/threshold-grammar';

export interface ThresholdState {
  key: string;
  expression: ThresholdExpression;
  abortOnFail: boolean;
  delayAbortEvalMs?: number;
  ok: boolean;
}

export interface ThresholdKey {
  /** As written in `options.thresholds`. */
  key: string;
  /** The registry's metric or sub-metric (k6's name for it). */
  metric: MetricInfo;
  thresholds: ThresholdState[];
}

export interface ThresholdEvaluationDetail extends ThresholdEvaluation {
  /** Keys with a failed threshold, sorted (k6's "thresholds on metrics '…' have been crossed"). */
  breached: string[];
}

export class MetricThresholds implements ThresholdSet {
  /** Non-fatal notes k6 logs as warnings (selectors on `vu`/`iter`). */
  readonly warnings: readonly string[];

  constructor(
    private readonly registry: MetricsRegistry,
    readonly keys: readonly ThresholdKey[],
    warnings: readonly string[] = [],
  ) {
    this.warnings = warnings;
  }

  evaluate(opts: { final: boolean; elapsedMs: number }): ThresholdEvaluationDetail {
    const { final, elapsedMs } = opts;
    let abort = false;
    for (const k of this.keys) {
      const sink = this.registry.sink(k.metric.name);
      if (!final && isSinkEmpty(sink)) continue;
      for (const t of k.thresholds) {
        const e = t.expression;
        const lhs = thresholdAggregate(sink, e.aggregation, e.percentile, elapsedMs);
        t.ok = lhs === undefined ? true : compare(lhs, e.operator, e.value);
        if (!t.ok && !final && t.abortOnFail && (t.delayAbortEvalMs === undefined || t.delayAbortEvalMs < elapsedMs)) {
          abort = true;
        }
      }
    }
    return { ...this.current(), abort };
  }

  /** The last results, without evaluating again (for summaries). */
  current(): ThresholdEvaluationDetail {
    const results: ThresholdResult[] = [];
    const breached = new Set<string>();
    for (const k of this.keys) {
      for (const t of k.thresholds) {
        results.push({ metric: k.key, expression: t.expression.source, ok: t.ok, abortOnFail: t.abortOnFail });
        if (!t.ok) breached.add(k.key);
      }
    }
    return { results, failed: breached.size > 0, abort: false, breached: [...breached].sort() };
  }
}

/**
 * Parses and validates `options.thresholds` against the registry (after init, so custom metrics
 * exist). Throws InvalidThresholdsError listing every problem.
 */
export function createThresholdSet(option: unknown, registry: MetricsRegistry): MetricThresholds {
  const { keys: keyNames, configs, problems } = readThresholdsOption(option);
  const keys = new Map<string, ThresholdKey>();
  const warnings: string[] = [];
  for (const key of keyNames) {
    const metric = resolveKey(key, registry, problems, warnings);
    if (metric !== undefined) keys.set(key, { key, metric, thresholds: [] });
  }

  for (const c of configs) {
    const parsed = parseThresholdExpression(c.source);
    if (!parsed.ok) {
      problems.push({ key: c.key, expression: c.source, message: parsed.error });
      continue;
    }
    const k = keys.get(c.key);
    if (k === undefined) continue; // the key itself is already reported
    if (!supportsAggregation(k.metric.type, parsed.value.aggregation)) {
      problems.push({ key: c.key, expression: c.source, message: aggregationError(k.metric.type, parsed.value.aggregation) });
      continue;
    }
    const state: ThresholdState = { key: c.key, expression: parsed.value, abortOnFail: c.abortOnFail, ok: true };
    if (c.delayAbortEvalMs !== undefined) state.delayAbortEvalMs = c.delayAbortEvalMs;
    k.thresholds.push(state);
  }

  if (problems.length > 0) throw new InvalidThresholdsError(problems);
  for (const k of keys.values()) registry.markObserved(k.metric.name);
  return new MetricThresholds(registry, [...keys.values()], warnings);
}

function resolveKey(key: string, registry: MetricsRegistry, problems: ThresholdProblem[], warnings: string[]): MetricInfo | undefined {
  const parsed = parseMetricKey(key);
  if (!parsed.ok) {
    problems.push({ key, message: parsed.error });
    return undefined;
  }
  const parent = registry.get(parsed.key.parent);
  if (parent === undefined || parent.parent !== undefined) {
    problems.push({
      key,
      message: `no metric name '${parsed.key.parent}' found (custom metrics must be created in the init context, e.g. new Trend('${parsed.key.parent}'))`,
    });
    return undefined;
  }
  if (parsed.key.submetric === undefined) return parent;
  warnings.push(...registry.submetricWarnings(key));
  return registry.defineSubmetric(key);
}

/**
 * For `--no-thresholds`: k6 still creates the sub-metrics the keys select (so they can show in
 * the summary) but only logs problems. Returns the problems as warning lines.
 */
export function defineThresholdSubmetrics(option: unknown, registry: MetricsRegistry): string[] {
  const out: string[] = [];
  if (option === null || typeof option !== 'object' || Array.isArray(option)) return out;
  for (const key of Object.keys(option)) {
    const problems: ThresholdProblem[] = [];
    resolveKey(key, registry, problems, out);
    for (const p of problems) out.push(`Invalid metric '${key}' in threshold definitions: ${p.message}`);
  }
  return out;
}
