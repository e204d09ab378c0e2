/**
 * k6's end-of-test text summary, v1+ layout (docs/k6-semantics.md#text-summary; k6 docs
 * `results-output/end-of-test/_index.md`, k6 `internal/output/summary/data.go`):
 *
 *   █ THRESHOLDS     per thresholded metric: its name, then `✓ 'p(95)<300' p(95)=148.21ms`
 *                    (✗ when failed); a sub-metric whose parent is listed shows as `{kind:read}`
 *                    one level deeper
 *   █ TOTAL RESULTS  checks_total / checks_succeeded / checks_failed, each check (`✓ name`, or
 *                    `✗ name` + `↳  50% — ✓ 1 / ✗ 1`), then the metrics by category: CUSTOM,
 *                    HTTP, EXECUTION, NETWORK (then BROWSER, WEB VITALS, GRPC, WEBSOCKET)
 *   █ GROUP: g       (`full` only) the same for each top-level group of the default scenario
 *   █ SCENARIO: s    (`full` only) the same for each non-default scenario, its groups as `↳ GROUP:`
 *
 * `compact` leaves out `http_req_blocked|connecting|receiving|sending|tls_handshaking|waiting`;
 * both modes leave out `checks` and `group_duration` from the metric lists (checks have their own
 * block). Names are matched by prefix as k6 does, so `http_req_waiting{…}` follows its parent.
 * Metrics are sorted by name with sub-metrics under their parent (shown as `{ tag:value }`).
 * Layout (dot leaders, column padding) follows k6's; exact padding widths may differ.
 */

import type { MetricInfo, MetricType, ValueType } from '../contract';
import {
  CHECKS,
  CHECKS_FAILED,
  CHECKS_SUCCEEDED,
  CHECKS_TOTAL,
  DATA_RECEIVED,
  DATA_SENT,
  DROPPED_ITERATIONS,
  GROUP_DURATION,
  HTTP_REQ_BLOCKED,
  HTTP_REQ_CONNECTING,
  HTTP_REQ_DURATION,
  HTTP_REQ_FAILED,
  HTTP_REQ_RECEIVING,
  HTTP_REQ_SENDING,
  HTTP_REQ_TLS_HANDSHAKING,
  HTTP_REQ_WAITING,
  HTTP_REQS,
  ITERATION_DURATION,
  ITERATIONS,
  SUMMARY_MODE_COMPACT,
  SUMMARY_MODE_DISABLED,
  VUS,
  VUS_MAX,
  type SummaryMode,
} from '../constants';
import type { BreakdownNode } from '../metrics/breakdown';
import type { MetricsRegistry } from '../metrics/registry';
import { RateSink } from '../metrics/simple-sinks';
import { perSecond, sinkValues, thresholdAggregate, type Sink } from '../metrics/sink';
import { humanizeValue } from './humanize';
import { summaryTimeUnit, summaryTrendStats, thresholdsByMetric, type SummaryRunState, type ThresholdsView } from './summary-data';

export interface TextSummaryInput {
  registry: MetricsRegistry;
  thresholds?: ThresholdsView;
  state: SummaryRunState;
  mode: SummaryMode;
  /** Default: colours only when stdout is a TTY and `noColor` is not set, as k6. */
  enableColors?: boolean;
}

const TITLE_PREFIX = '█';
const SUBTITLE_PREFIX = '↳';
const PASS = '✓';
const FAIL = '✗';
const INDENT = '  ';

const COMPACT_SKIPPED = [CHECKS, GROUP_DURATION, HTTP_REQ_BLOCKED, HTTP_REQ_CONNECTING, HTTP_REQ_RECEIVING, HTTP_REQ_SENDING, HTTP_REQ_TLS_HANDSHAKING, HTTP_REQ_WAITING];
const FULL_SKIPPED = [CHECKS, GROUP_DURATION];
const HTTP_METRICS = [HTTP_REQS, HTTP_REQ_FAILED, HTTP_REQ_DURATION, HTTP_REQ_BLOCKED, HTTP_REQ_CONNECTING, HTTP_REQ_TLS_HANDSHAKING, HTTP_REQ_SENDING, HTTP_REQ_WAITING, HTTP_REQ_RECEIVING];
const EXECUTION_METRICS = [VUS, VUS_MAX, ITERATIONS, ITERATION_DURATION, DROPPED_ITERATIONS];
const NETWORK_METRICS = [DATA_SENT, DATA_RECEIVED];

type Category = 'custom' | 'http' | 'execution' | 'network' | 'browser' | 'web vitals' | 'grpc' | 'websocket';
const CATEGORY_ORDER: Category[] = ['custom', 'http', 'execution', 'network', 'browser', 'web vitals', 'grpc', 'websocket'];

const hasPrefixIn = (name: string, list: readonly string[]): boolean => list.some((p) => name.startsWith(p));

/** k6's categorisation (by name prefix, so a custom `http_reqs_x` lands in HTTP as in k6). */
export function metricCategory(name: string): Category {
  if (hasPrefixIn(name, HTTP_METRICS)) return 'http';
  if (hasPrefixIn(name, EXECUTION_METRICS)) return 'execution';
  if (hasPrefixIn(name, NETWORK_METRICS)) return 'network';
  if (name.startsWith('browser_web_vital_')) return 'web vitals';
  if (name.startsWith('browser_')) return 'browser';
  if (name.startsWith('grpc_')) return 'grpc';
  if (name.startsWith('ws_')) return 'websocket';
  return 'custom';
}

export function isSkippedMetric(mode: SummaryMode, name: string): boolean {
  return hasPrefixIn(name, mode === SUMMARY_MODE_COMPACT ? COMPACT_SKIPPED : FULL_SKIPPED);
}

const parentOf = (name: string): string => name.split('{', 1)[0]!;

/** Parent names in order, each followed by its sub-metrics in order (k6 sortMetricsByName). */
export function sortMetricNames(names: string[]): string[] {
  return [...names].sort((a, b) => {
    const pa = parentOf(a);
    const pb = parentOf(b);
    const byParent = pa.localeCompare(pb);
    return byParent !== 0 ? byParent : a.slice(pa.length).localeCompare(b.slice(pb.length));
  });
}

/** A metric to show: its kind and its summary values. */
interface ShownMetric {
  name: string;
  type: MetricType;
  contains: ValueType;
  values: Record<string, number>;
}

/** A row of an aligned block. */
interface Row {
  depth: number;
  label: string;
  /** trend: `stat=value` columns; otherwise a main value and extras. */
  cols?: string[];
  value?: string;
  extras?: string[];
}

type Item = Row | string;

class Painter {
  constructor(readonly on: boolean) {}
  private wrap(code: string, text: string): string {
    return this.on ? `\x1b[${code}m${text}\x1b[0m` : text;
  }
  bold = (t: string): string => this.wrap('1', t);
  green = (t: string): string => this.wrap('32', t);
  red = (t: string): string => this.wrap('31', t);
  cyan = (t: string): string => this.wrap('36', t);
  faint = (t: string): string => this.wrap('2;37', t);
}

const pad = (depth: number): string => INDENT.repeat(depth);

interface Context {
  trendStats: string[];
  timeUnit: string;
  elapsedMs: number;
  mode: SummaryMode;
  paint: Painter;
}

function valueRow(metric: ShownMetric, depth: number, label: string, ctx: Context): Row {
  const v = metric.values;
  const h = (n: number): string => humanizeValue(n, metric, ctx.timeUnit);
  switch (metric.type) {
    case 'trend':
      return {
        depth,
        label,
        cols: ctx.trendStats.map((stat) => {
          const n = v[stat] ?? 0;
          return `${stat}=${stat === 'count' ? String(n) : h(n)}`;
        }),
      };
    case 'counter':
      return { depth, label, value: h(v['count'] ?? 0), extras: [`${h(v['rate'] ?? 0)}/s`] };
    case 'gauge':
      return { depth, label, value: h(v['value'] ?? 0), extras: [`min=${h(v['min'] ?? 0)}`, `max=${h(v['max'] ?? 0)}`] };
    case 'rate': {
      const passes = v['passes'] ?? 0;
      return { depth, label, value: h(v['rate'] ?? 0), extras: [`${passes} out of ${passes + (v['fails'] ?? 0)}`] };
    }
  }
}

/** Lays out rows so that colons, values and columns line up across the whole block. */
function renderItems(items: Item[], ctx: Context): string[] {
  const rows = items.filter((i): i is Row => typeof i !== 'string');
  const nameWidth = Math.max(0, ...rows.map((r) => pad(r.depth).length + r.label.length));
  const valueWidth = Math.max(0, ...rows.map((r) => (r.value ?? '').length));
  const extraWidths: number[] = [];
  const colWidths: number[] = [];
  for (const r of rows) {
    (r.extras ?? []).forEach((e, i) => (extraWidths[i] = Math.max(extraWidths[i] ?? 0, e.length)));
    (r.cols ?? []).forEach((c, i) => (colWidths[i] = Math.max(colWidths[i] ?? 0, c.length)));
  }
  const { paint } = ctx;
  return items.map((item) => {
    if (typeof item === 'string') return item;
    const indent = pad(item.depth);
    const dots = '.'.repeat(nameWidth - indent.length - item.label.length + 3);
    let data: string;
    if (item.cols) {
      data = item.cols
        .map((c, i) => {
          const eq = c.indexOf('=');
          return `${c.slice(0, eq + 1)}${paint.cyan(c.slice(eq + 1))}${' '.repeat((colWidths[i] ?? 0) - c.length)}`;
        })
        .join(' ');
    } else {
      const value = item.value ?? '';
      data = paint.cyan(value) + ' '.repeat(valueWidth - value.length);
      const extras = item.extras ?? [];
      if (extras.length > 0) {
        data += ' ' + extras.map((e, i) => paint.faint(e) + (i < extras.length - 1 ? ' '.repeat((extraWidths[i] ?? 0) - e.length) : '')).join(' ');
      }
    }
    return `${indent}${item.label}${paint.faint(`${dots}:`)} ${data}`.trimEnd();
  });
}

interface CheckLine {
  name: string;
  passes: number;
  fails: number;
}

function checkItems(checks: RateSink, list: readonly CheckLine[], depth: number, ctx: Context): Item[] {
  if (checks.total === 0) return [];
  const total = checks.total;
  const ok = checks.trues;
  const kind = { type: 'rate' as const, contains: 'default' as const };
  const items: Item[] = [
    { depth, label: CHECKS_TOTAL, value: String(total), extras: [`${humanizeValue(perSecond(total, ctx.elapsedMs), { type: 'counter', contains: 'default' })}/s`] },
    { depth, label: CHECKS_SUCCEEDED, value: humanizeValue(ok / total, kind), extras: [`${ok} out of ${total}`] },
    { depth, label: CHECKS_FAILED, value: humanizeValue((total - ok) / total, kind), extras: [`${total - ok} out of ${total}`] },
    '',
  ];
  const { paint } = ctx;
  for (const c of list) {
    if (c.fails === 0) {
      items.push(pad(depth) + paint.green(`${PASS} ${c.name}`));
    } else {
      const pct = Math.floor((100 * c.passes) / (c.passes + c.fails));
      items.push(pad(depth) + paint.red(`${FAIL} ${c.name}`));
      items.push(pad(depth + 1) + paint.red(`${SUBTITLE_PREFIX}  ${pct}% — ${PASS} ${c.passes} / ${FAIL} ${c.fails}`));
    }
  }
  items.push('');
  return items;
}

function metricItems(metrics: ShownMetric[], depth: number, ctx: Context): Item[] {
  const byCategory = new Map<Category, ShownMetric[]>();
  for (const m of metrics) {
    if (isSkippedMetric(ctx.mode, m.name)) continue;
    const c = metricCategory(m.name);
    const list = byCategory.get(c) ?? [];
    list.push(m);
    byCategory.set(c, list);
  }
  const items: Item[] = [];
  for (const category of CATEGORY_ORDER) {
    const list = byCategory.get(category);
    if (!list) continue;
    const names = new Set(list.map((m) => m.name));
    const byName = new Map(list.map((m) => [m.name, m]));
    items.push(pad(depth) + ctx.paint.bold(category.toUpperCase()));
    for (const name of sortMetricNames([...names])) {
      const m = byName.get(name)!;
      const parent = parentOf(name);
      const isSub = parent !== name;
      const label = isSub ? (names.has(parent) ? `{ ${name.slice(parent.length + 1, -1)} }` : name) : name;
      items.push(valueRow(m, isSub && names.has(parent) ? depth + 1 : depth, label, ctx));
    }
    items.push('');
  }
  return items;
}

function shownFromSinks(entries: Iterable<{ info: MetricInfo; sink: Sink }>, ctx: Context): ShownMetric[] {
  const out: ShownMetric[] = [];
  for (const { info, sink } of entries) {
    out.push({ name: info.name, type: info.type, contains: info.contains, values: sinkValues(sink, ctx.elapsedMs, ctx.trendStats) });
  }
  return out;
}

/** Checks, metrics and nested groups of one breakdown node (a group or a scenario). */
function nodeItems(node: BreakdownNode, depth: number, ctx: Context): Item[] {
  const items: Item[] = [];
  const checks = node.metrics.get(CHECKS)?.sink;
  if (checks instanceof RateSink) items.push(...checkItems(checks, [...node.checks.values()], depth, ctx));
  items.push(...metricItems(shownFromSinks(node.metrics.values(), ctx), depth, ctx));
  for (const [name, child] of [...node.groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    items.push(pad(depth) + `${SUBTITLE_PREFIX} ${ctx.paint.bold(`GROUP: ${name}`)}`, '');
    items.push(...nodeItems(child, depth + 1, ctx));
  }
  return items;
}

function thresholdLines(input: TextSummaryInput, ctx: Context): string[] {
  const byMetric = thresholdsByMetric(input.thresholds);
  if (byMetric.size === 0) return [];
  const { registry } = input;
  const { paint } = ctx;
  const names = sortMetricNames([...byMetric.keys()]);
  const listed = new Set(names);
  const lines: string[] = [];
  for (const name of names) {
    const info = registry.get(name)!;
    const parent = parentOf(name);
    const nested = parent !== name && listed.has(parent);
    const depth = nested ? 3 : 2;
    lines.push(pad(depth) + (nested ? name.slice(parent.length) : name));
    const sink = registry.sink(name);
    const values = registry.values(name, ctx.elapsedMs, ctx.trendStats);
    const states = input.thresholds!.keys.flatMap((k) => (k.metric.name === name ? k.thresholds : []));
    for (const [source, { ok }] of Object.entries(byMetric.get(name)!)) {
      const t = states.find((x) => x.expression.source === source);
      const agg = source.split(/[=><!]/)[0]!.trim();
      let shown = '';
      if (t !== undefined) {
        const e = t.expression;
        const v = thresholdAggregate(sink, e.aggregation, e.percentile, ctx.elapsedMs) ?? values[e.aggregation] ?? 0;
        shown = humanizeValue(v, info, ctx.timeUnit) + (info.type === 'counter' && e.aggregation === 'rate' ? '/s' : '');
      }
      const mark = ok ? paint.green(PASS) : paint.red(FAIL);
      lines.push(`${pad(depth)}${mark} '${source}' ${agg}=${paint.cyan(shown)}`);
    }
    lines.push('');
  }
  return lines;
}

/** The summary text (without the blank lines k6 puts around it on stdout). */
export function renderTextSummary(input: TextSummaryInput): string {
  const { registry, state, mode } = input;
  if (mode === SUMMARY_MODE_DISABLED) return '';
  const enableColors = input.enableColors ?? (!(state.noColor ?? false) && state.isStdOutTTY);
  const ctx: Context = {
    trendStats: summaryTrendStats(state.options),
    timeUnit: summaryTimeUnit(state.options),
    elapsedMs: state.testRunDurationMs,
    mode,
    paint: new Painter(enableColors),
  };
  const title = (text: string): string => `${INDENT}${TITLE_PREFIX} ${ctx.paint.bold(text)}`;
  const sections: string[][] = [];

  const thresholds = thresholdLines(input, ctx);
  if (thresholds.length > 0) sections.push([title('THRESHOLDS'), '', ...thresholds]);

  const total: Item[] = [];
  const checksInfo = registry.get(CHECKS);
  if (checksInfo !== undefined && registry.list().some((m) => m.name === CHECKS)) {
    const sink = registry.sink(CHECKS);
    if (sink instanceof RateSink) total.push(...checkItems(sink, registry.checkTotals(), 2, ctx));
  }
  const observed = registry.list().map((info) => ({ info, sink: registry.sink(info.name) }));
  total.push(...metricItems(shownFromSinks(observed, ctx), 2, ctx));
  sections.push([title('TOTAL RESULTS'), '', ...renderItems(total, ctx)]);

  const breakdown = registry.breakdown;
  if (mode !== SUMMARY_MODE_COMPACT && breakdown !== undefined) {
    for (const [name, node] of [...breakdown.root.groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      sections.push([title(`GROUP: ${name}`), '', ...renderItems(nodeItems(node, 2, ctx), ctx)]);
    }
    for (const [name, node] of [...breakdown.scenarios.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      sections.push([title(`SCENARIO: ${name}`), '', ...renderItems(nodeItems(node, 2, ctx), ctx)]);
    }
  }
  return sections.map((lines) => lines.join('\n')).join('\n\n');
}

/**
 * What k6 prints on stdout when the script has no `handleSummary`: the summary with a blank
 * line before and two after (k6 `summary-wrapper.js`); nothing in `disabled` mode.
 */
export function defaultSummaryStdout(input: TextSummaryInput): string {
  if (input.mode === SUMMARY_MODE_DISABLED) return '';
  return `\n${renderTextSummary(input)}\n\n`;
}
