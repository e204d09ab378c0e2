/**
 * A k6-style end-of-test text summary (compact mode: THRESHOLDS, TOTAL RESULTS with checks and
 * metrics by category), written by the bundle itself so no remote k6-summary jslib is fetched
 * at run time. Per-tenant thresholds (up to 6 per tenant) are counted in one line: the
 * per-tenant table shows them by tenant.
 */
import * as K6 from '../../contracts/k6-metrics';
import { isPerTenantThreshold } from '../../thresholds/build-thresholds';
import type { SummaryData, SummaryMetric } from './summary-data';
import { allChecks, formatMs, formatPercent, formatStat, statOf } from './summary-data';

const CATEGORY: Record<string, string> = {
  [K6.HTTP_REQ_BLOCKED]: 'HTTP',
  [K6.HTTP_REQ_CONNECTING]: 'HTTP',
  [K6.HTTP_REQ_DURATION]: 'HTTP',
  [K6.HTTP_REQ_FAILED]: 'HTTP',
  [K6.HTTP_REQ_RECEIVING]: 'HTTP',
  [K6.HTTP_REQ_SENDING]: 'HTTP',
  [K6.HTTP_REQ_TLS_HANDSHAKING]: 'HTTP',
  [K6.HTTP_REQ_WAITING]: 'HTTP',
  [K6.HTTP_REQS]: 'HTTP',
  [K6.DROPPED_ITERATIONS]: 'EXECUTION',
  [K6.ITERATION_DURATION]: 'EXECUTION',
  [K6.ITERATIONS]: 'EXECUTION',
  [K6.VUS]: 'EXECUTION',
  [K6.VUS_MAX]: 'EXECUTION',
  [K6.DATA_RECEIVED]: 'NETWORK',
  [K6.DATA_SENT]: 'NETWORK',
};
const COMPACT_HTTP = [K6.HTTP_REQ_DURATION, K6.HTTP_REQ_FAILED, K6.HTTP_REQS];

function dots(name: string, width: number): string {
  return name.length >= width ? `${name}: ` : `${name}${'.'.repeat(width - name.length)}: `;
}

function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export function metricLine(m: SummaryMetric, trendStats: readonly string[]): string {
  const v = m.values;
  switch (m.type) {
    case 'counter':
      return m.contains === 'data'
        ? `${formatBytes(v.count ?? 0)} ${formatBytes(v.rate ?? 0)}/s`
        : `${v.count ?? 0} ${(v.rate ?? 0).toFixed(2)}/s`;
    case 'rate': {
      const passes = v.passes ?? 0;
      const total = passes + (v.fails ?? 0);
      return `${formatPercent(v.rate ?? 0)} ${passes} out of ${total}`;
    }
    case 'gauge':
      return `${v.value ?? 0} min=${v.min ?? 0} max=${v.max ?? 0}`;
    case 'trend':
      return trendStats
        .filter((s) => v[s] !== undefined)
        .map((s) => `${s}=${m.contains === 'time' ? formatMs(v[s] as number) : (v[s] as number).toFixed(2)}`)
        .join(' ');
  }
}

export function renderTextSummary(data: SummaryData): string {
  const trendStats = data.options?.summaryTrendStats ?? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
  const out: string[] = [''];
  const keys = Object.keys(data.metrics).sort();

  const thresholdLines: string[] = [];
  let perTenant = 0;
  let perTenantCrossed = 0;
  for (const key of keys) {
    const m = data.metrics[key] as SummaryMetric;
    const entries = Object.entries(m.thresholds ?? {});
    const shown = isPerTenantThreshold(key) ? [] : entries;
    perTenant += entries.length - shown.length;
    if (shown.length === 0) perTenantCrossed += entries.filter(([, res]) => !res.ok).length;
    if (shown.length === 0) continue;
    thresholdLines.push(`    ${key}`);
    for (const [expr, res] of shown) {
      const stat = statOf(expr);
      thresholdLines.push(`    ${res.ok ? '✓' : '✗'} '${expr}' ${stat}=${formatStat(m, stat)}`);
    }
    thresholdLines.push('');
  }
  if (thresholdLines.length > 0 || perTenant > 0) {
    out.push('  █ THRESHOLDS', '', ...thresholdLines);
    if (perTenant > 0) out.push(`    (${perTenant} per-tenant thresholds hidden, ${perTenantCrossed} of them crossed; see the per-tenant table)`, '');
  }

  out.push('  █ TOTAL RESULTS', '');
  const checks = allChecks(data.root_group);
  if (checks.length > 0) {
    const passes = checks.reduce((a, c) => a + c.passes, 0);
    const fails = checks.reduce((a, c) => a + c.fails, 0);
    const total = passes + fails;
    const seconds = (data.state?.testRunDurationMs ?? 0) / 1000;
    out.push(`    ${dots('checks_total', 35)}${total} ${seconds > 0 ? (total / seconds).toFixed(2) : '0.00'}/s`);
    out.push(`    ${dots('checks_succeeded', 35)}${formatPercent(total ? passes / total : 0)} ${passes} out of ${total}`);
    out.push(`    ${dots('checks_failed', 35)}${formatPercent(total ? fails / total : 0)} ${fails} out of ${total}`, '');
    for (const c of checks) {
      out.push(`    ${c.fails === 0 ? '✓' : '✗'} ${c.name}`);
      if (c.fails > 0) out.push(`      ↳  ${Math.floor((c.passes / (c.passes + c.fails)) * 100)}% — ✓ ${c.passes} / ✗ ${c.fails}`);
    }
    out.push('');
  }

  const byCategory: Record<string, string[]> = { CUSTOM: [], HTTP: [], EXECUTION: [], NETWORK: [] };
  for (const key of keys) {
    const base = key.split('{')[0] as string;
    if (key !== base && key !== K6.EXPECTED_RESPONSE_SUBMETRIC) continue;
    const cat = CATEGORY[base] ?? (base === K6.CHECKS ? '' : 'CUSTOM');
    if (!cat) continue;
    if (cat === 'HTTP' && !COMPACT_HTTP.includes(base)) continue;
    const label = key === base ? key : `  { expected_response:true }`;
    byCategory[cat]?.push(`    ${dots(label, 35)}${metricLine(data.metrics[key] as SummaryMetric, trendStats)}`);
  }
  for (const cat of ['CUSTOM', 'HTTP', 'EXECUTION', 'NETWORK']) {
    const lines = byCategory[cat] as string[];
    if (lines.length === 0) continue;
    out.push(`    ${cat}`, ...lines, '');
  }
  return out.join('\n');
}
