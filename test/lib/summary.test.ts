import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { renderJunit, thresholdCases } from '../../lib/summary/junit';
import { summaryOutputs } from '../../lib/summary/handle-summary';
import { buildVerdict, renderVerdict } from '../../lib/summary/slo-verdict';
import type { SummaryData, SummaryMetric } from '../../lib/summary/summary-data';
import { formatMs, statOf } from '../../lib/summary/summary-data';
import { renderTenantTable, tenantRows } from '../../lib/summary/tenant-table';
import { renderTextSummary } from '../../lib/summary/text-summary';
import { buildLoadThresholds, planTenants } from '../../thresholds/build-thresholds';

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
      'http_req_duration{kind:read,expected_response:true}': trend(12.5, { 'p(95)<300': true }),
      'http_req_duration{kind:write,expected_response:true}': trend(700, { 'p(95)<600': false }),
      http_req_failed: rate(3, 1000),
      'http_req_failed{traffic:api}': rate(3, 1000, { 'rate<0.005': true }),
      http_reqs: counter(1000),
      'http_reqs{kind:read,expected_response:true}': counter(900, { 'count>0': true }),
      checks: rate(1990, 2000, { 'rate>0.99': true }),
      chaos_fault_witness: counter(1, { 'count>0': true }),
      // tenant-01 within SLO, tenant-02 broke its read p95, tenant-03 has too few writes to judge
      'http_req_failed{tenant:tenant-01,traffic:api}': rate(0, 3800, { 'rate<0.005': true }),
      'http_req_failed{tenant:tenant-02,traffic:api}': rate(10, 3800, { 'rate<0.005': true }),
      'http_req_failed{tenant:tenant-03,traffic:api}': rate(0, 3000, { 'rate<0.005': true }),
      'http_reqs{tenant:tenant-01,traffic:api}': counter(3800, { 'count>=201': true }),
      'http_reqs{tenant:tenant-02,traffic:api}': counter(3800, { 'count>=201': true }),
      'http_reqs{tenant:tenant-03,traffic:api}': counter(3000, { 'count>=201': true }),
      'http_req_duration{tenant:tenant-01,kind:read,expected_response:true}': trend(50, { 'p(95)<300': true }),
      'http_req_duration{tenant:tenant-02,kind:read,expected_response:true}': trend(450, { 'p(95)<300': false }),
      'http_req_duration{tenant:tenant-03,kind:read,expected_response:true}': trend(40, { 'p(95)<300': true }),
      'http_reqs{tenant:tenant-01,kind:read,expected_response:true}': counter(3420, { 'count>=100': true }),
      'http_reqs{tenant:tenant-02,kind:read,expected_response:true}': counter(3420, { 'count>=100': true }),
      'http_reqs{tenant:tenant-03,kind:read,expected_response:true}': counter(2958, { 'count>=100': true }),
      'http_req_duration{tenant:tenant-01,kind:write,expected_response:true}': trend(30, { 'p(95)<600': true }),
      'http_req_duration{tenant:tenant-02,kind:write,expected_response:true}': trend(20, { 'p(95)<600': true }),
      'http_req_duration{tenant:tenant-03,kind:write,expected_response:true}': trend(25, { 'p(95)<600': true }),
      'http_reqs{tenant:tenant-01,kind:write,expected_response:true}': counter(380, { 'count>=100': true }),
      'http_reqs{tenant:tenant-02,kind:write,expected_response:true}': counter(380, { 'count>=100': true }),
      'http_reqs{tenant:tenant-03,kind:write,expected_response:true}': counter(42, { 'count>=100': false }),
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

// 1,000/s for 40 s over 10 tenants, the first 3 broken down: every per-tenant SLO is gated.
const PLAN_ENV = { RATE: '1000', DURATION: '40s', CHAOS: 'off', TENANTS: '10', TENANT_BREAKDOWN: '3' };
const plan = () => planTenants(loadConfig(PLAN_ENV, 'load', () => ''));

describe('per-tenant table', () => {
  it('marks which tenant broke which SLO and which lacks samples, worst first', () => {
    const rows = tenantRows(sample(), plan());
    expect(rows.map((r) => [r.tenant, r.state, r.verdict])).toEqual([
      ['tenant-02', 'broken', '✗ read p95 450.00ms > 300.00ms'],
      ['tenant-03', 'not_enough_samples', '? write p95: 42 samples < 100'],
      ['tenant-01', 'ok', '✓ within SLO'],
    ]);
    const text = renderTenantTable(rows);
    expect(text.split('\n')[0]).toBe('  █ PER TENANT (3 tenants broken down, worst first: 1 broke an SLO, 1 with an SLO not judged for lack of samples, 1 within every SLO)');
    expect(text).toMatch(/tenant-02\s+3800\s+0\.26%\s+450\.00ms\s+20\.00ms\s+✗ read p95 450\.00ms > 300\.00ms/);
  });

  it('reports an SLO with too few expected samples as not judged, with the expected count', () => {
    const light = planTenants(loadConfig({ ...PLAN_ENV, TENANT_WEIGHTS: 'tenant-01=0.01' }, 'load', () => ''));
    const row = tenantRows(sample(), light).find((r) => r.tenant === 'tenant-01')!;
    expect(row.state).toBe('not_enough_samples');
    expect(row.verdict).toBe('? read p95: ~38 samples expected, a gate needs 149 (minimum 100), ? write p95: ~4 samples expected, a gate needs 149 (minimum 100), ? error rate: ~42 samples expected, a gate needs 267 (minimum 201)');
  });

  it('shows the noisy tenant throttled and without 5xx, or what it broke', () => {
    const noisyPlan = planTenants(loadConfig({ ...PLAN_ENV, NOISY_TENANT: 'tenant-05', NOISY_RATE: '500' }, 'load', () => ''));
    const data = sample();
    data.metrics['tenant_rate_limited{tenant:tenant-05}'] = counter(1200, { 'count>0': true });
    data.metrics['tenant_server_errors{tenant:tenant-05}'] = rate(0, 2000, { 'rate<=0': true });
    const row = tenantRows(data, noisyPlan).find((r) => r.noisy)!;
    expect(row).toMatchObject({ tenant: 'tenant-05', requests: 2000, throttled: 1200, state: 'ok', verdict: '✓ noisy: throttled 1200 (429), no 5xx' });
    data.metrics['tenant_rate_limited{tenant:tenant-05}'] = counter(0, { 'count>0': false });
    data.metrics['tenant_server_errors{tenant:tenant-05}'] = rate(20, 2000, { 'rate<=0': false });
    expect(tenantRows(data, noisyPlan).find((r) => r.noisy)).toMatchObject({ state: 'broken', verdict: '✗ never throttled (no 429), ✗ 5xx 1.00%' });
    expect(renderTenantTable(tenantRows(data, noisyPlan))).toContain('tenant-05 (noisy)');
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
    expect(text).toMatch(/✓ read latency p95 \(expected responses\)\s+target p\(95\)<300\s+measured 12\.50ms/);
    expect(text).toMatch(/✗ write latency p95 \(expected responses\)\s+target p\(95\)<600\s+measured 700\.00ms/);
    // tenant-01 has every sample it needs and holds; the others lack some (no data at all past tenant-03)
    expect(text).toMatch(/✗ per-tenant SLOs\s+19 of 20 gated tenants not within SLO: tenant-02, tenant-03, tenant-04, .*, \.\.\. \(see PER TENANT\)/);
    expect(text).not.toContain('tenant-01 read p95');
    expect(text).toContain('chaos evidence: fault witness 1 · auth.degraded audit events none recorded');
  });
});

describe('text summary', () => {
  it('prints thresholds k6-style, hides the breakdown guards and lists checks', () => {
    const text = renderTextSummary(sample());
    expect(text).toContain("    http_req_duration{kind:read,expected_response:true}\n    ✓ 'p(95)<300' p(95)=12.50ms");
    expect(text).toContain("    ✗ 'p(95)<600' p(95)=700.00ms");
    expect(text).toContain('(18 per-tenant thresholds hidden, 2 of them crossed; see the per-tenant table)');
    expect(text).not.toContain('tenant:tenant-01');
    expect(text).toMatch(/checks_total\.+: 2000 50\.00\/s/);
    expect(text).toMatch(/✗ policy\.get: status 200\n {6}↳ {2}99% — ✓ 990 \/ ✗ 10/);
    expect(text).toMatch(/http_req_duration\.+: avg=10\.00ms p\(95\)=20\.00ms/);
    expect(text).toMatch(/CUSTOM\n {4}chaos_fault_witness\.+: 1 0\.03\/s/);
  });
});

describe('JUnit', () => {
  it('has one testcase per threshold, per-tenant gates included, failures with the measured value, guards excluded', () => {
    const names = thresholdCases(sample()).map((c) => c.name);
    expect(names.filter((n) => !n.includes('tenant:'))).toEqual([
      'chaos_fault_witness count>0',
      'checks rate>0.99',
      'http_req_duration{kind:read,expected_response:true} p(95)<300',
      'http_req_duration{kind:write,expected_response:true} p(95)<600',
      'http_req_failed{traffic:api} rate<0.005',
      'http_reqs{kind:read,expected_response:true} count>0',
    ]);
    // per-tenant gates are testcases: CI names the tenant that broke
    expect(names.filter((n) => n.includes('tenant:'))).toHaveLength(18);
    expect(names).toContain('http_req_duration{tenant:tenant-02,kind:read,expected_response:true} p(95)<300');
    const withGuard = sample();
    withGuard.metrics['http_req_failed{tenant:tenant-09,traffic:api}'] = rate(0, 10, { 'rate>=0': true });
    expect(thresholdCases(withGuard)).toHaveLength(24);
    const xml = renderJunit(sample(), 'tenant-load-agent');
    expect(xml).toContain('<testsuites name="k6 thresholds" tests="24" failures="3" time="40.000">');
    expect(xml).toContain('<testcase name="http_req_duration{kind:write,expected_response:true} p(95)&lt;600" classname="tenant-load-agent.thresholds"><failure message="threshold crossed: p(95)=700.00ms" type="ThresholdFailed">');
    expect(xml.match(/<testcase /g)).toHaveLength(24);
  });
});

describe('handleSummary outputs', () => {
  it('writes stdout, summary.json and junit.xml at the configured paths and never the setup data', () => {
    const out = summaryOutputs(sample(), { bundle: 'tenant-load-agent', rows: [], tenants: plan(), chaosEnabled: true, summaryJson: 'out/summary.json', junitXml: 'out/junit.xml', run: { rate: 1000 } });
    expect(Object.keys(out).sort()).toEqual(['out/junit.xml', 'out/summary.json', 'stdout']);
    expect(out['out/summary.json']).not.toContain('eyJ.secret.token');
    expect(out.stdout).not.toContain('eyJ.secret.token');
    const json = JSON.parse(out['out/summary.json']!);
    expect(json).toMatchObject({ version: 1, bundle: 'tenant-load-agent', run: { rate: 1000 }, tenants: [{ tenant: 'tenant-02', state: 'broken' }, { tenant: 'tenant-03' }, { tenant: 'tenant-01' }] });
    expect(json.k6.metrics['http_reqs{kind:read,expected_response:true}'].values.count).toBe(900);
    expect(json.k6.setup_data).toBeUndefined();
    expect(out.stdout).toContain('█ PER TENANT');
    expect(out.stdout).toContain('█ SLO VERDICT: PASS');
  });

  it('skips files switched off', () => {
    expect(Object.keys(summaryOutputs(sample(), { bundle: 'b', rows: [], tenants: plan(), chaosEnabled: false, summaryJson: undefined, junitXml: undefined, run: {} }))).toEqual(['stdout']);
  });
});
