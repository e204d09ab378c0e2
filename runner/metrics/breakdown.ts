/**
 * The per-scenario and per-group aggregates that the `full` summary mode shows (docs/k6-semantics.md#text-summary; k6 `internal/output/summary/summary.go` flushSample): a sample tagged with a
 * scenario other than `default` also goes into that scenario's own sinks, and a sample with a
 * non-empty `group` tag goes into the sinks of its innermost group — under its scenario, or under
 * the top level for the `default` scenario. Only the sample's own metric is broken down (not its
 * sub-metrics), and checks are counted per node in first-seen order.
 *
 * Kept only when the registry is created for the `full` mode: it costs a map lookup or two per
 * sample, and its Trend sinks follow the same raw-value cap as the registry's.
 */

import type { MetricInfo, Sample } from '../contract';
import { CHECKS, DEFAULT_SCENARIO_NAME, GROUP_SEPARATOR, TAG_CHECK, TAG_GROUP, TAG_SCENARIO } from '../constants';
import { createSink, type Sink } from './sink';
import type { TrendSinkOptions } from './trend-sink';

export interface BreakdownCheck {
  name: string;
  passes: number;
  fails: number;
}

export class BreakdownNode {
  readonly metrics = new Map<string, { info: MetricInfo; sink: Sink }>();
  readonly checks = new Map<string, BreakdownCheck>();
  readonly groups = new Map<string, BreakdownNode>();

  child(name: string): BreakdownNode {
    let g = this.groups.get(name);
    if (g === undefined) {
      g = new BreakdownNode();
      this.groups.set(name, g);
    }
    return g;
  }

  add(info: MetricInfo, sample: Sample, trend: TrendSinkOptions): void {
    let m = this.metrics.get(info.name);
    if (m === undefined) {
      m = { info, sink: createSink(info.type, trend) };
      this.metrics.set(info.name, m);
    }
    m.sink.add(sample.value);
    if (info.name === CHECKS) {
      const name = sample.tags[TAG_CHECK];
      if (name !== undefined) {
        let c = this.checks.get(name);
        if (c === undefined) {
          c = { name, passes: 0, fails: 0 };
          this.checks.set(name, c);
        }
        if (sample.value === 0) c.fails += 1;
        else c.passes += 1;
      }
    }
  }
}

export class Breakdown {
  /** Holds only groups: the top-level totals are the registry's own sinks. */
  readonly root = new BreakdownNode();
  readonly scenarios = new Map<string, BreakdownNode>();
  /** Group tag -> group names, so the hot path splits each distinct path once. */
  private readonly paths = new Map<string, readonly string[]>();

  constructor(private readonly trend: TrendSinkOptions) {}

  private groupNames(group: string): readonly string[] {
    let names = this.paths.get(group);
    if (names === undefined) {
      names = (group.startsWith(GROUP_SEPARATOR) ? group.slice(GROUP_SEPARATOR.length) : group).split(GROUP_SEPARATOR);
      this.paths.set(group, names);
    }
    return names;
  }

  add(info: MetricInfo, sample: Sample): void {
    let node = this.root;
    const scenario = sample.tags[TAG_SCENARIO];
    if (scenario !== undefined && scenario !== DEFAULT_SCENARIO_NAME) {
      let s = this.scenarios.get(scenario);
      if (s === undefined) {
        s = new BreakdownNode();
        this.scenarios.set(scenario, s);
      }
      s.add(info, sample, this.trend);
      node = s;
    }
    const group = sample.tags[TAG_GROUP];
    if (group !== undefined && group.length > 0) {
      for (const name of this.groupNames(group)) node = node.child(name);
      node.add(info, sample, this.trend);
    }
  }
}
