/**
 * The `--summary-export` file (docs/k6-semantics.md#summary-data; k6 `internal/js/summary-wrapper.js`
 * oldJSONSummary): the handleSummary data with `options` and `state` removed, each
 * `metrics[name]` flattened to its `values` object, Rate `rate` renamed to `value`, thresholds
 * turned into `{<expression>: true-if-FAILED}` (present only when the metric has thresholds),
 * and `root_group.groups` / `checks` turned from arrays into objects keyed by name. Written with
 * a four-space indent, even when the script has a `handleSummary`.
 */

import type { SummaryCheck, SummaryGroup } from '../metrics/group-tree';
import type { SummaryData } from './summary-data';

export interface LegacyGroup {
  name: string;
  path: string;
  id: string;
  groups: Record<string, LegacyGroup>;
  checks: Record<string, SummaryCheck>;
}

export type LegacyMetric = Record<string, number | Record<string, boolean>>;

export interface LegacyExport {
  root_group: LegacyGroup;
  metrics: Record<string, LegacyMetric>;
  setup_data?: unknown;
}

function legacyGroup(group: SummaryGroup): LegacyGroup {
  const groups: Record<string, LegacyGroup> = {};
  for (const g of group.groups) groups[g.name] = legacyGroup(g);
  const checks: Record<string, SummaryCheck> = {};
  for (const c of group.checks) checks[c.name] = { ...c };
  return { name: group.name, path: group.path, id: group.id, groups, checks };
}

export function legacyExport(data: SummaryData): LegacyExport {
  const metrics: Record<string, LegacyMetric> = {};
  for (const [name, metric] of Object.entries(data.metrics)) {
    const flat: LegacyMetric = { ...metric.values };
    if (metric.thresholds && Object.keys(metric.thresholds).length > 0) {
      const failed: Record<string, boolean> = {};
      for (const [expr, t] of Object.entries(metric.thresholds)) failed[expr] = !t.ok;
      flat['thresholds'] = failed;
    }
    if (metric.type === 'rate' && 'rate' in flat) {
      flat['value'] = flat['rate']!;
      delete flat['rate'];
    }
    metrics[name] = flat;
  }
  const out: LegacyExport = { root_group: legacyGroup(data.root_group), metrics };
  if ('setup_data' in data) out.setup_data = data.setup_data;
  return out;
}

/** The file content k6 writes for `--summary-export`. */
export function legacyExportJson(data: SummaryData): string {
  return JSON.stringify(legacyExport(data), null, 4);
}
