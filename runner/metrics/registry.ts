/**
 * The per-process metrics store (contract.ts MetricRegistry) with k6's registry rules
 * (docs/k6-semantics.md#metrics-api; k6 `metrics/registry.go`, `internal/metrics/engine/ingester.go`):
 *
 * - names match `^[a-zA-Z_][a-zA-Z0-9_]{1,128}$`; defining an existing name with the same type
 *   and value type returns it, anything else throws MetricDefinitionError;
 * - `add` puts the value in the metric's sink and in every sub-metric whose selector the sample's
 *   tags contain (other tags are ignored), and marks both observed (shown in the summary);
 * - selectors on `vu`/`iter` never match: k6 made them metadata in v0.41 (a warning is returned
 *   by `defineSubmetric` callers through `submetricWarnings`).
 *
 * Hot path (≈30 calls per HTTP request at 5k RPS, ≈150k samples/s): one Map lookup, one sink
 * update, then one Map lookup per distinct first selector key and a check of the subs found
 * there — no allocation. Group checks
 * and the `full`-mode breakdown only touch the samples that need them. NaN values are dropped
 * (k6's `Metric.add` refuses them before they reach a sink).
 */

import type { MetricInfo, MetricRegistry, MetricType, Sample, Tags, ValueType } from '../contract';
import { CHECKS, GROUP_DURATION, METRIC_NAME_PATTERN, METRIC_TYPES, NON_INDEXABLE_TAGS, TAG_CHECK, TAG_GROUP, VALUE_TYPES } from '../constants';
import { Breakdown } from './breakdown';
import { MetricDefinitionError } from './errors';
import { GroupTree, type CheckTotals, type SummaryGroup } from './group-tree';
import { parseMetricKey, tagSetIdentity } from '../../contracts/metric-key';
import { createSink, isSinkEmpty, sinkValues, type Sink } from './sink';
import type { TrendSinkOptions } from './trend-sink';

/** Receives every sample `addValue` accepts (runner/output/types.ts SampleListener). */
export type RegistrySampleListener = (metric: MetricInfo, value: number, tags: Tags, time: number) => void;

export interface MetricRegistryOptions {
  /** Raw Trend values kept per sink before switching to the histogram (DIFFERENCES.md). */
  trendRawCap?: number;
  /** The histogram's relative accuracy once a Trend passes the cap. */
  trendRelativeAccuracy?: number;
  /** Keep per-scenario and per-group aggregates for the `full` summary mode. */
  breakdown?: boolean;
}

interface Entry {
  readonly info: MetricInfo;
  readonly sink: Sink;
  observed: boolean;
}

interface ParentEntry extends Entry {
  /** The matcher list `add` walks for every sample of this metric. */
  readonly subs: SubEntry[];
  /** Sub-metrics by tag-set identity, so differently spelled keys share one sub-metric. */
  readonly subsByIdentity: Map<string, SubEntry>;
  /**
   * The matchable subs indexed by their selector's first key, then that key's value: `add` looks
   * up each distinct first key's value in the sample's tags and checks only the subs found there
   * (a bundle with 60 per-tenant guards on one metric checked all 60 per sample before).
   */
  readonly indexKeys: string[];
  readonly indexByValue: Array<Map<string, SubEntry[]>>;
  /** 0 plain, 1 checks, 2 group_duration: which samples feed the group tree. */
  readonly groupRole: 0 | 1 | 2;
}

interface SubEntry extends Entry {
  /** Selector split into parallel arrays once, so matching allocates nothing. */
  readonly keys: readonly string[];
  readonly values: readonly string[];
  readonly neverMatches: boolean;
}

export class MetricsRegistry implements MetricRegistry {
  private readonly parents = new Map<string, ParentEntry>();
  private readonly subs = new Map<string, SubEntry>();
  private readonly order: Entry[] = [];
  private readonly trend: TrendSinkOptions;
  private readonly groupTree = new GroupTree();
  readonly breakdown: Breakdown | undefined;
  private sampleListener: RegistrySampleListener | undefined;

  constructor(options: MetricRegistryOptions = {}) {
    this.trend = {};
    if (options.trendRawCap !== undefined) this.trend.rawCap = options.trendRawCap;
    if (options.trendRelativeAccuracy !== undefined) this.trend.relativeAccuracy = options.trendRelativeAccuracy;
    this.breakdown = options.breakdown ? new Breakdown(this.trend) : undefined;
  }

  define(name: string, type: MetricType, contains: ValueType = 'default'): MetricInfo {
    if (typeof name !== 'string' || !METRIC_NAME_PATTERN.test(name)) {
      throw new MetricDefinitionError(
        'ERR_INVALID_METRIC_NAME',
        `invalid metric name '${String(name)}': metric names must be 2 to 129 ASCII letters, digits or underscores, and must not start with a digit`,
      );
    }
    if (!METRIC_TYPES.includes(type)) {
      throw new MetricDefinitionError('ERR_INVALID_METRIC_NAME', `metric '${name}': unknown type '${String(type)}' (allowed: ${METRIC_TYPES.join(', ')})`);
    }
    if (!VALUE_TYPES.includes(contains)) {
      throw new MetricDefinitionError('ERR_INVALID_METRIC_NAME', `metric '${name}': unknown value type '${String(contains)}' (allowed: ${VALUE_TYPES.join(', ')})`);
    }
    const existing = this.parents.get(name);
    if (existing) {
      if (existing.info.type !== type) {
        throw new MetricDefinitionError('ERR_METRIC_REDEFINED', `metric '${name}' already exists but with type ${existing.info.type}, instead of ${type}`);
      }
      if (existing.info.contains !== contains) {
        throw new MetricDefinitionError(
          'ERR_METRIC_REDEFINED',
          `metric '${name}' already exists but with a value type ${existing.info.contains}, instead of ${contains}`,
        );
      }
      return existing.info;
    }
    const entry: ParentEntry = {
      info: Object.freeze({ name, type, contains }),
      sink: createSink(type, this.trend),
      observed: false,
      subs: [],
      subsByIdentity: new Map(),
      indexKeys: [],
      indexByValue: [],
      groupRole: name === CHECKS ? 1 : name === GROUP_DURATION ? 2 : 0,
    };
    this.parents.set(name, entry);
    this.order.push(entry);
    return entry.info;
  }

  defineSubmetric(key: string): MetricInfo {
    return this.subEntry(key).info;
  }

  private subEntry(key: string): SubEntry {
    const known = this.subs.get(key);
    if (known) return known;
    const parsed = parseMetricKey(key);
    if (!parsed.ok) throw new MetricDefinitionError('ERR_INVALID_METRIC_KEY', parsed.error);
    const { parent: parentName, submetric, tags } = parsed.key;
    if (submetric === undefined || tags === undefined) {
      throw new MetricDefinitionError('ERR_INVALID_METRIC_KEY', `'${key}' has no '{key:value}' selector`);
    }
    const parent = this.parents.get(parentName);
    if (!parent) {
      throw new MetricDefinitionError('ERR_UNKNOWN_METRIC', `metric '${parentName}' does not exist in the script`);
    }
    const identity = tagSetIdentity(tags);
    let sub = parent.subsByIdentity.get(identity);
    if (!sub) {
      const keys = Object.keys(tags);
      sub = {
        info: Object.freeze({ name: submetric, type: parent.info.type, contains: parent.info.contains, parent: parentName, selector: Object.freeze({ ...tags }) }),
        sink: createSink(parent.info.type, this.trend),
        observed: false,
        keys,
        values: keys.map((k) => tags[k]!),
        neverMatches: keys.some((k) => NON_INDEXABLE_TAGS.includes(k)),
      };
      parent.subsByIdentity.set(identity, sub);
      parent.subs.push(sub);
      if (!sub.neverMatches) {
        const first = keys[0]!;
        let at = parent.indexKeys.indexOf(first);
        if (at < 0) {
          at = parent.indexKeys.push(first) - 1;
          parent.indexByValue.push(new Map());
        }
        const byValue = parent.indexByValue[at]!;
        const list = byValue.get(sub.values[0]!);
        if (list) list.push(sub);
        else byValue.set(sub.values[0]!, [sub]);
      }
      this.subs.set(submetric, sub);
      this.order.push(sub);
    }
    this.subs.set(key, sub);
    return sub;
  }

  /** Warnings k6 logs for a sub-metric key (selectors on metadata tags never match). */
  submetricWarnings(key: string): string[] {
    const sub = this.subEntry(key);
    return sub.keys
      .filter((k) => NON_INDEXABLE_TAGS.includes(k))
      .map(
        (k) =>
          `The high-cardinality '${k}' metric tag was made non-indexable in k6 v0.41.0, so thresholds like '${key}' that are based on it won't work correctly.`,
      );
  }

  /**
   * The one hook for time-series outputs (`--out`): `listener` sees every accepted sample of a
   * parent metric, in emission order, before sub-metric routing. undefined removes it.
   */
  setSampleListener(listener: RegistrySampleListener | undefined): void {
    this.sampleListener = listener;
  }

  get(name: string): MetricInfo | undefined {
    return (this.parents.get(name) ?? this.subs.get(name))?.info;
  }

  add(sample: Sample): void {
    this.addValue(sample.metric, sample.value, sample.tags, sample.time, sample);
  }

  /**
   * `add` without a Sample object (the HTTP and check paths emit ~10 samples per request).
   * `tags` is shared with the caller and must not be mutated afterwards.
   */
  addValue(metric: string, value: number, tags: Tags, time: number, sample?: Sample): void {
    if (value !== value) return; // NaN
    const entry = this.parents.get(metric);
    if (entry === undefined) {
      throw new MetricDefinitionError('ERR_UNKNOWN_METRIC', `sample for metric '${metric}', which was never defined`);
    }
    entry.sink.add(value);
    entry.observed = true;
    if (this.sampleListener !== undefined) this.sampleListener(entry.info, value, tags, time);
    const indexKeys = entry.indexKeys;
    for (let k = 0; k < indexKeys.length; k++) {
      const v = tags[indexKeys[k]!];
      if (v === undefined) continue;
      const candidates = entry.indexByValue[k]!.get(v);
      if (candidates === undefined) continue;
      for (let i = 0; i < candidates.length; i++) {
        const sub = candidates[i]!;
        const keys = sub.keys;
        const values = sub.values;
        let match = true;
        for (let j = 1; j < keys.length; j++) {
          if (tags[keys[j]!] !== values[j]) {
            match = false;
            break;
          }
        }
        if (match) {
          sub.sink.add(value);
          sub.observed = true;
        }
      }
    }
    if (entry.groupRole !== 0) this.recordGroup(entry.groupRole, tags, value);
    if (this.breakdown !== undefined) this.breakdown.add(entry.info, sample ?? { metric, value, tags, time });
  }

  private recordGroup(role: 1 | 2, tags: Tags, value: number): void {
    const group = tags[TAG_GROUP];
    const check = role === 1 ? tags[TAG_CHECK] : undefined;
    if (check !== undefined) this.groupTree.recordCheck(group, check, value);
    else if (group !== undefined) this.groupTree.touch(group);
  }

  addMany(samples: readonly Sample[]): void {
    for (let i = 0; i < samples.length; i++) this.add(samples[i]!);
  }

  /**
   * Shows a metric in the summary even without samples (k6 marks every metric with thresholds,
   * and the parent of a thresholded sub-metric, as observed).
   */
  markObserved(name: string): void {
    const entry = this.parents.get(name) ?? this.subs.get(name);
    if (!entry) throw new MetricDefinitionError('ERR_UNKNOWN_METRIC', `metric '${name}' does not exist in the script`);
    entry.observed = true;
    const parent = entry.info.parent;
    if (parent !== undefined) this.parents.get(parent)!.observed = true;
  }

  list(): MetricInfo[] {
    return this.order.filter((e) => e.observed).map((e) => e.info);
  }

  /** Every defined metric and sub-metric, observed or not, in definition order. */
  all(): MetricInfo[] {
    return this.order.map((e) => e.info);
  }

  private entry(name: string): Entry {
    const entry = this.parents.get(name) ?? this.subs.get(name);
    if (!entry) throw new MetricDefinitionError('ERR_UNKNOWN_METRIC', `metric '${name}' does not exist in the script`);
    return entry;
  }

  values(name: string, elapsedMs: number, trendStats?: readonly string[]): Record<string, number> {
    return sinkValues(this.entry(name).sink, elapsedMs, trendStats);
  }

  isEmpty(name: string): boolean {
    return isSinkEmpty(this.entry(name).sink);
  }

  /** The sink behind a metric or sub-metric (thresholds and summaries read it directly). */
  sink(name: string): Sink {
    return this.entry(name).sink;
  }

  /** `root_group` for handleSummary data, built from the `checks` and `group_duration` samples. */
  rootGroup(): SummaryGroup {
    return this.groupTree.export();
  }

  /** Every check by name over the whole run, in first-seen order. */
  checkTotals(): CheckTotals[] {
    return this.groupTree.checkTotals();
  }
}

export function createMetricRegistry(options: MetricRegistryOptions = {}): MetricsRegistry {
  return new MetricsRegistry(options);
}
