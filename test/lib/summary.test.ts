import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { renderJunit, thresholdCases } from '../../lib/summary/junit';
import { summaryOutputs } from '../../lib/summary/handle-summary';
import { buildVerdict, renderVerdict } from '../../lib/summary/slo-verdict';
import type { SummaryData, SummaryMetric } from '../../lib/summary/summary-data';
import { formatMs, statOf } from '../../lib/summary/summary-data';
import { renderTenantTable, tenantRows } from '../../lib/summary/tenant-table';
import { renderTextSummary } from '../../lib/summary/text-summary';
import { buildLoadThresholds } from '../../thresholds/build-thresholds';

const trend = (p95: number, ok?: Record<string, boolean>): SummaryMetric => ({
  type: 'trend',
  contains: 'time',
  values: { avg: p95 / 2, min: 1, med: p95 / 2, max: p95 * 2, 'p(90)': p95 * 0.9, 'p(95)': p95 },
  ...(ok ? { thresholds: Object.fromEntries(Object.entries(ok).map(([k, v]) => [k, { ok: v }])) } : {}),
});
const rate = (failed: number, total: number, ok?: Record<string, boolean>): SummaryMetric => ({
  type: 'rate',
  contains: 'default',
  values: { rate: total ? failed / total : 0, passes: failed, fails: total - failed },
  ...(ok ? { thresholds: Object.fromEntries(Object.entries(ok).map(([k, v]) => [k, { ok: v }])) } : {}),
});
const counter = (count: number, ok?: Record<string, boolean>): SummaryMetric => ({
  type: 'counter',
  contains: 'default',
  values: { count, rate: count / 40 },
  ...(ok ? { thresholds: Object.fromEntries(Object.entries(ok).map(([k, v]) => [k, { ok: v }])) } : {}),
});

function sample(): SummaryData {
  return {
    metrics: {
      http_req_duration: trend(20),
      'http_req_duration{kind:read}': trend(12.5, { 'p(95)<300': true }),
      'http_req_duration{kind:write}': trend(700, { 'p(95)<600': false }),
      http_req_failed: rate(3, 1000),
      'http_req_failed{traffic:api}': rate(3, 1000, { 'rate<0.005': true }),
      http_reqs: counter(1000),
      'http_reqs{kind:read}': counter(900, { 'count>0': true }),
      checks: rate(1990, 2000, { 'rate>0.99': true }),
      chaos_fault_witness: counter(1, { 'count>0': true }),
      'http_req_failed{traffic:api,tenant:tenant-01}': rate(0, 100, { 'rate>=0': true }),
      'http_req_failed{traffic:api,tenant:tenant-02}': rate(10, 100, { 'rate>=0': true }),
      'http_req_duration{kind:read,tenant:tenant-01}': trend(50, { 'p(95)>=0': true }),
      'http_req_duration{kind:read,tenant:tenant-02}': trend(10, { 'p(95)>=0': true }),
      'http_req_duration{kind:write,tenant:tenant-02}': trend(20, { 'p(95)>=0': true }),
    },
    root_group: { name: '', path: '', groups: [], checks: [{ name: 'policy.get: status 200', passes: 990, fails: 10 }, { name: 'policy.get: body is an object with an id', passes: 1000, fails: 0 }] },
    options: { summaryTrendStats: ['avg', 'p(95)'] },
    state: { testRunDurationMs: 40_000 },
    setup_data: { tenants: [{ token: 'eyJ.secret.token' }] },
  };
}

describe('summary helpers', () => {
  it.each([
    ['p(95)<300', 'p(95)'],
    ['rate>=0', 'rate'],
    ['count>0', 'count'],
    ['p(99.9)<=1', 'p(99.9)'],
  ])('reads the stat of %s as %s', (expr, stat) => {
    expect(statOf(expr)).toBe(stat);
  });

  it.each([
    [0.5, '500.00µs'],
    [12.345, '12.35ms'],
    [1500, '1.50s'],
    [90_000, '1m30.0s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatMs(ms)).toBe(text);
  });
});

describe('per-tenant table', () => {
  it('lists the broken-down tenants worst first with p95 and error rate', () => {
    const rows = tenantRows(sample());
    expect(rows.map((r) => [r.tenant, r.requests, r.errorRate, r.readP95Ms])).toEqual([
      ['tenant-02', 100, 0.1, 10],
      ['tenant-01', 100, 0, 50],
    ]);
    const text = renderTenantTable(rows);
    expect(text.split('\n')[0]).toBe('  █ PER TENANT (2 tenants broken down, worst first)');
    expect(text).toMatch(/tenant-02\s+100\s+10\.00%\s+10\.00ms\s+20\.00ms/);
  });
});

describe('SLO verdict', () => {
  const cfg = loadConfig({ RATE: '1000', DURATION: '40s', CHAOS_START: '10s', CHAOS_DURATION: '15s' }, 'load', () => '');
  const rows = buildLoadThresholds(cfg).rows;

  it('fails an SLO without data: no threshold result is not a pass', () => {
    const v = buildVerdict(sample(), rows);
    const byId = Object.fromEntries(v.rows.map((r) => [r.id, r]));
    expect(byId.read_p95).toMatchObject({ ok: true, measured: '12.50ms', target: 'p(95)<300' });
    expect(byId.write_p95).toMatchObject({ ok: false, measured: '700.00ms' });
    expect(byId.chaos_error_rate).toMatchObject({ ok: false, measured: 'no data' });
    expect(byId.fault_witness).toMatchObject({ ok: true, measured: '1' });
    expect(v.pass).toBe(false);
    expect(v.chaos).toEqual({ witness: 1, auditDegradedEvents: null, alertsFired: null, failClosed: null });
  });

  it('renders one line per SLO with target and measured value, and the chaos evidence', () => {
    const text = renderVerdict(buildVerdict(sample(), rows), true);
    expect(text).toMatch(/^ {2}█ SLO VERDICT: FAIL \(\d+ of \d+ not met\)/);
    expect(text).toMatch(/✓ read latency p95\s+target p\(95\)<300\s+measured 12\.50ms/);
    expect(text).toMatch(/✗ write latency p95\s+target p\(95\)<600\s+measured 700\.00ms/);
    expect(text).toContain('chaos evidence: fault witness 1 · auth.degraded audit events none recorded');
  });
});

describe('text summary', () => {
  it('prints thresholds k6-style, hides the breakdown guards and lists checks', () => {
    const text = renderTextSummary(sample());
    expect(text).toContain("    http_req_duration{kind:read}\n    ✓ 'p(95)<300' p(95)=12.50ms");
    expect(text).toContain("    ✗ 'p(95)<600' p(95)=700.00ms");
    expect(text).toContain('(5 per-tenant breakdown guards hidden; see the per-tenant table)');
    expect(text).not.toContain('tenant:tenant-01');
    expect(text).toMatch(/checks_total\.+: 2000 50\.00\/s/);
    expect(text).toMatch(/✗ policy\.get: status 200\n {6}↳ {2}99% — ✓ 990 \/ ✗ 10/);
    expect(text).toMatch(/http_req_duration\.+: avg=10\.00ms p\(95\)=20\.00ms/);
    expect(text).toMatch(/CUSTOM\n {4}chaos_fault_witness\.+: 1 0\.03\/s/);
  });
});

describe('JUnit', () => {
  it('has one testcase per threshold, failures with the measured value, guards excluded', () => {
    expect(thresholdCases(sample()).map((c) => c.name)).toEqual([
      'chaos_fault_witness count>0',
      'checks rate>0.99',
      'http_req_duration{kind:read} p(95)<300',
      'http_req_duration{kind:write} p(95)<600',
      'http_req_failed{traffic:api} rate<0.005',
      'http_reqs{kind:read} count>0',
    ]);
    const xml = renderJunit(sample(), 'tenant-load-agent');
    expect(xml).toContain('<testsuites name="k6 thresholds" tests="6" failures="1" time="40.000">');
    expect(xml).toContain('<testcase name="http_req_duration{kind:write} p(95)&lt;600" classname="tenant-load-agent.thresholds"><failure message="threshold crossed: p(95)=700.00ms" type="ThresholdFailed">');
    expect(xml.match(/<testcase /g)).toHaveLength(6);
  });
});

describe('handleSummary outputs', () => {
  it('writes stdout, summary.json and junit.xml at the configured paths and never the setup data', () => {
    const out = summaryOutputs(sample(), { bundle: 'tenant-load-agent', rows: [], chaosEnabled: true, summaryJson: 'out/summary.json', junitXml: 'out/junit.xml', run: { rate: 1000 } });
    expect(Object.keys(out).sort()).toEqual(['out/junit.xml', 'out/summary.json', 'stdout']);
    expect(out['out/summary.json']).not.toContain('eyJ.secret.token');
    expect(out.stdout).not.toContain('eyJ.secret.token');
    const json = JSON.parse(out['out/summary.json']!);
    expect(json).toMatchObject({ version: 1, bundle: 'tenant-load-agent', run: { rate: 1000 }, tenants: [{ tenant: 'tenant-02' }, { tenant: 'tenant-01' }] });
    expect(json.k6.metrics['http_reqs{kind:read}'].values.count).toBe(900);
    expect(json.k6.setup_data).toBeUndefined();
    expect(out.stdout).toContain('█ PER TENANT');
    expect(out.stdout).toContain('█ SLO VERDICT: PASS');
  });

  it('skips files switched off', () => {
    expect(Object.keys(summaryOutputs(sample(), { bundle: 'b', rows: [], chaosEnabled: false, summaryJson: undefined, junitXml: undefined, run: {} }))).toEqual(['stdout']);
  });
});
