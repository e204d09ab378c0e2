import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import type { Env } from '../../contracts/env-reader';
import { METRIC_TYPES } from '../../lib/metric-names';
import { breakdownGuards, buildLoadThresholds, buildSmokeThresholds, isBreakdownGuard, planTenants, tenantSloRows } from '../../thresholds/build-thresholds';
import { MIN_TENANT_SAMPLES, gateableFrom, isGateable, minSamplesForRate } from '../../contracts/slo-table';
import { parseMetricKey } from '../../contracts/metric-key';
import { parseThresholdFor } from '../../contracts/threshold-grammar';

const cfg = (env: Env) => loadConfig(env, 'load', () => '');
const COMPRESSED = { RATE: '1000', DURATION: '40s', CHAOS_START: '10s', CHAOS_DURATION: '15s' };

function expressions(t: Record<string, unknown[]>, key: string): string[] {
  return (t[key] ?? []).map((x) => (typeof x === 'string' ? x : (x as { threshold: string }).threshold));
}

describe('SLO table -> k6 thresholds (docs/k6-semantics.md#threshold-grammar)', () => {
  it('gives the design SLOs in fallback mode, each paired with a count>0 guard', () => {
    const { thresholds: t } = buildLoadThresholds(cfg({}));
    expect(expressions(t, 'http_req_duration{kind:read,expected_response:true}')).toEqual(['p(95)<300']);
    expect(expressions(t, 'http_req_duration{kind:write,expected_response:true}')).toEqual(['p(95)<600']);
    expect(expressions(t, 'http_reqs{kind:read,expected_response:true}')).toEqual(['count>0']);
    expect(expressions(t, 'http_reqs{kind:write,expected_response:true}')).toEqual(['count>0']);
    expect(expressions(t, 'http_req_failed{traffic:api}')).toEqual(['rate<0.005']);
    expect(expressions(t, 'http_req_failed{traffic:api,phase:chaos}')).toEqual(['rate<0.01']);
    expect(expressions(t, 'http_reqs{traffic:api,phase:chaos}')).toEqual(['count>0']);
    expect(expressions(t, 'checks')).toEqual(['rate>0.99']);
    expect(expressions(t, 'chaos_fault_witness')).toEqual(['count>0']);
    expect(expressions(t, 'chaos_auth_degraded_events')).toEqual(['count>0']);
    // 5000/s for 600 s = 3,000,000 scheduled; 1 % = 30,000
    expect(t['dropped_iterations{scenario:tenant_load}']).toEqual([{ threshold: 'count<29775', abortOnFail: true, delayAbortEval: '1m' }]);
    expect(t['http_req_failed{traffic:api,phase:baseline}']).toEqual([{ threshold: 'rate<0.005', abortOnFail: true, delayAbortEval: '1m' }]);
  });

  it('drops chaos thresholds with CHAOS=off and puts the abort gate on the whole-run error rate', () => {
    const { thresholds: t } = buildLoadThresholds(cfg({ CHAOS: 'off' }));
    expect(Object.keys(t).filter((k) => k.includes('phase:') || k.startsWith('chaos_'))).toEqual([]);
    expect(t['http_req_failed{traffic:api}']).toEqual([{ threshold: 'rate<0.005', abortOnFail: true, delayAbortEval: '1m' }]);
  });

  it('in expiry mode judges outside the outage, fail-closed 401s, no 5xx and recovery', () => {
    const { thresholds: t } = buildLoadThresholds(cfg({ CHAOS_EXPECT: 'expiry', PROMETHEUS_URL: 'http://127.0.0.1:9090' }));
    expect(t['http_req_failed{traffic:api}']).toBeUndefined();
    expect(t['http_req_failed{traffic:api,phase:chaos}']).toBeUndefined();
    expect(expressions(t, 'http_req_failed{traffic:api,phase:recovery}')).toEqual(['rate<0.005']);
    expect(expressions(t, 'http_reqs{traffic:api,phase:recovery}')).toEqual(['count>0']);
    expect(expressions(t, 'tenant_server_errors{phase:chaos}')).toEqual(['rate<=0']);
    expect(expressions(t, 'tenant_fail_closed{phase:chaos}')).toEqual(['count>0']);
    expect(expressions(t, 'chaos_alerts_fired')).toEqual(['count>0']);
    expect(expressions(t, 'checks{phase:baseline}')).toEqual(['rate>0.99']);
    expect(expressions(t, 'checks{phase:recovery}')).toEqual(['rate>0.99']);
  });

  it('does not require auth.degraded events for a flaky JWKS, whose refreshes may all succeed by chance, and keeps the fault witness', () => {
    const { thresholds: t } = buildLoadThresholds(cfg({ CHAOS_FAULT: 'flaky' }));
    expect(t.chaos_auth_degraded_events).toBeUndefined();
    expect(expressions(t, 'chaos_fault_witness')).toEqual(['count>0']);
    expect(expressions(t, 'http_req_failed{traffic:api,phase:chaos}')).toEqual(['rate<0.01']);
  });

  it('only asks for alerts when PROMETHEUS_URL is set', () => {
    expect(buildLoadThresholds(cfg({ CHAOS_EXPECT: 'expiry' })).thresholds.chaos_alerts_fired).toBeUndefined();
  });

  it('applies SLO overrides and scales the drop budget and abort delay with the run', () => {
    const { thresholds: t } = buildLoadThresholds(cfg({ ...COMPRESSED, SLO_READ_P95_MS: '250', SLO_DROPPED_RATIO: '0.02' }));
    expect(expressions(t, 'http_req_duration{kind:read,expected_response:true}')).toEqual(['p(95)<250']);
    // 1000/s x 40 s = 40,000 scheduled; 2 % = 800; abort delay = max(5 s, 40 s / 10)
    expect(t['dropped_iterations{scenario:tenant_load}']).toEqual([{ threshold: 'count<764', abortOnFail: true, delayAbortEval: '5s' }]);
  });

  it.each([
    ['the whole run without a segment', { RAMP_UP: '0s' }, 'count<400'],
    ['half of it on instance 2 of 2 (K6_EXECUTION_SEGMENT=1/2:1)', { RAMP_UP: '0s', K6_EXECUTION_SEGMENT: '1/2:1' }, 'count<200'],
    ['a quarter of it on an Operator-style 1/4:2/4 segment', { RAMP_UP: '0s', K6_EXECUTION_SEGMENT: '1/4:2/4' }, 'count<100'],
    // default ramp for 40 s: 4 s from 100/s: (100 + 1000) / 2 x 4 + 1000 x 36 = 38,200 scheduled
    ['the whole run with the default 4 s ramp from 100/s', {}, 'count<382'],
    ['half of it with the ramp on instance 2 of 2', { K6_EXECUTION_SEGMENT: '1/2:1' }, 'count<191'],
    // a 20 s ramp: (100 + 1000) / 2 x 20 + 1000 x 20 = 31,000 scheduled
    ['the whole run with RAMP_UP=20s', { RAMP_UP: '20s', CHAOS_START: '20s' }, 'count<310'],
  ])('budgets dropped iterations for %s', (_name, env, expected) => {
    // 1000/s x 40 s = 40,000 scheduled in the whole run without a ramp; 1 % of this instance's share
    const { thresholds: t } = buildLoadThresholds(cfg({ ...COMPRESSED, ...env }));
    expect(expressions(t, 'dropped_iterations{scenario:tenant_load}')).toEqual([expected]);
  });

  it('rejects a malformed K6_EXECUTION_SEGMENT, naming it', () => {
    expect(() => cfg({ ...COMPRESSED, K6_EXECUTION_SEGMENT: 'half' })).toThrow(/K6_EXECUTION_SEGMENT: must be a k6 execution segment such as 0:1\/2/);
  });

  it('gates every broken-down tenant on read p95, write p95 and error rate, each with its minimum samples', () => {
    // 5,000/s for 600 s over 20 tenants: ~135,000 reads, 15,000 writes per tenant
    const { thresholds: t, rows } = buildLoadThresholds(cfg({ SLO_TENANT_READ_P95_MS: '250', SLO_TENANT_ERROR_RATE: '0.01' }));
    expect(expressions(t, 'http_req_duration{tenant:tenant-03,kind:read,expected_response:true}')).toEqual(['p(95)<250']);
    expect(expressions(t, 'http_reqs{tenant:tenant-03,kind:read,expected_response:true}')).toEqual([`count>=${MIN_TENANT_SAMPLES}`]);
    // unset: the global SLO
    expect(expressions(t, 'http_req_duration{tenant:tenant-03,kind:write,expected_response:true}')).toEqual(['p(95)<600']);
    expect(expressions(t, 'http_reqs{tenant:tenant-03,kind:write,expected_response:true}')).toEqual(['count>=100']);
    // one failure in 101 requests is under 1 %
    expect(expressions(t, 'http_req_failed{tenant:tenant-03,traffic:api}')).toEqual(['rate<0.01']);
    expect(expressions(t, 'http_reqs{tenant:tenant-03,traffic:api}')).toEqual(['count>=101']);
    const tenantRows = rows.filter((r) => r.tenant === 'tenant-20');
    expect(tenantRows.map((r) => [r.id, r.role])).toEqual([
      ['tenant_read_p95:tenant-20', 'slo'],
      ['tenant_read_p95_samples:tenant-20', 'evidence'],
      ['tenant_write_p95:tenant-20', 'slo'],
      ['tenant_write_p95_samples:tenant-20', 'evidence'],
      ['tenant_error_rate:tenant-20', 'slo'],
      ['tenant_error_rate_samples:tenant-20', 'evidence'],
    ]);
    expect(Object.keys(t).filter((k) => k.includes('tenant:tenant-21'))).toEqual([]);
  });

  it.each([
    [0.005, 201],
    [0.01, 101],
    [0.05, MIN_TENANT_SAMPLES],
    [0, MIN_TENANT_SAMPLES],
    [1e-9, 100_000],
  ])('needs enough requests for an error-rate target of %d that one failure alone stays under it: %d', (target, min) => {
    expect(minSamplesForRate(target)).toBe(min);
  });

  it.each([
    [100, 100, false],
    [148, 100, false],
    [149, 100, true],
    [266, 201, false],
    [267, 201, true],
    [0, 100, false],
  ])('gates an SLO expecting %d samples with a minimum of %d: %s (expected - 4 sigma >= minimum)', (expected, min, gated) => {
    expect(isGateable(expected, min)).toBe(gated);
  });

  it.each([
    [100, 149],
    [201, 267],
    [1, 18],
  ])('names the smallest expectation that gates a minimum of %d: %d', (min, from) => {
    expect(gateableFrom(min)).toBe(from);
    expect(isGateable(from - 1, min)).toBe(false);
  });

  it('writes the tenant tag first in every per-tenant key (the offline runner indexes sub-metrics by their first tag)', () => {
    const keys = Object.keys(buildLoadThresholds(cfg({ NOISY_TENANT: 'tenant-05', NOISY_RATE: '100' })).thresholds).filter((k) => k.includes('tenant:'));
    expect(keys.length).toBe(19 * 6 + 2);
    for (const k of keys) expect(k).toMatch(/^[a-z_]+\{tenant:tenant-\d\d[,}]/);
  });

  it('keeps only a table guard, no gate, for an SLO a tenant cannot get enough samples for', () => {
    // 600/s x 40 s over 20 tenants, 90 % reads: 22,920 scheduled with the 4 s ramp: ~1,030 reads but ~114 writes per tenant
    const plan = planTenants(cfg({ RATE: '600', DURATION: '40s', CHAOS: 'off' }));
    const t01 = plan[0]!;
    expect(t01.gates.map((g) => [g.slo, g.gated])).toEqual([
      ['read_p95', true],
      ['write_p95', false],
      ['error_rate', true],
    ]);
    expect(t01.gates[1]).toMatchObject({ expression: 'p(95)>=0', expected: 114, minSamples: 100 });
    expect(breakdownGuards(plan)['http_req_duration{tenant:tenant-01,kind:write,expected_response:true}']).toEqual(['p(95)>=0']);
    expect(tenantSloRows(plan).some((r) => r.id === 'tenant_write_p95:tenant-01')).toBe(false);
  });

  it('expects each tenant\'s samples by its weight: a light tenant is not gated where the others are', () => {
    const plan = planTenants(cfg({ RATE: '600', DURATION: '40s', CHAOS: 'off', TENANT_WEIGHTS: 'tenant-03=0.05' }));
    const byTenant = Object.fromEntries(plan.map((t) => [t.tenant, t]));
    expect(byTenant['tenant-03']!.gates.map((g) => g.gated)).toEqual([false, false, false]);
    expect(byTenant['tenant-04']!.gates.map((g) => g.gated)).toEqual([true, false, true]);
  });

  it('judges a tenant\'s error rate before the outage only in expiry mode', () => {
    const { thresholds: t } = buildLoadThresholds(cfg({ CHAOS_EXPECT: 'expiry' }));
    expect(expressions(t, 'http_req_failed{tenant:tenant-01,traffic:api,phase:baseline}')).toEqual(['rate<0.005']);
    expect(expressions(t, 'http_reqs{tenant:tenant-01,traffic:api,phase:baseline}')).toEqual(['count>=201']);
    expect(t['http_req_failed{tenant:tenant-01,traffic:api}']).toBeUndefined();
  });

  it('gates the noisy tenant on "throttled, never 5xx" instead of its error rate and latency', () => {
    const { thresholds: t, tenants } = buildLoadThresholds(cfg({ NOISY_TENANT: 'tenant-05', NOISY_RATE: '2000' }));
    expect(expressions(t, 'tenant_rate_limited{tenant:tenant-05}')).toEqual(['count>0']);
    expect(expressions(t, 'tenant_server_errors{tenant:tenant-05}')).toEqual(['rate<=0']);
    expect(Object.keys(t).filter((k) => k.includes('tenant:tenant-05') && !k.startsWith('tenant_'))).toEqual([]);
    expect(tenants.find((p) => p.tenant === 'tenant-05')).toMatchObject({ noisy: true, gates: [] });
    // its 429s fail its status checks by design
    expect(expressions(t, 'checks{traffic:api}')).toEqual(['rate>0.99']);
    expect(t.checks).toBeUndefined();
  });

  it('breaks down the noisy tenant even past TENANT_BREAKDOWN', () => {
    const plan = planTenants(cfg({ TENANT_BREAKDOWN: '2', NOISY_TENANT: 'tenant-05', NOISY_RATE: '10' }));
    expect(plan.map((p) => p.tenant)).toEqual(['tenant-01', 'tenant-02', 'tenant-05']);
  });

  it('keeps guards only, for the first TENANT_BREAKDOWN tenants, in the smoke profile', () => {
    const smoke = loadConfig({ TENANTS: '2' }, 'smoke', () => '');
    const { thresholds: t } = buildSmokeThresholds(smoke);
    expect(Object.entries(t).filter(([k]) => k.includes('tenant:'))).toEqual([
      ['http_req_duration{tenant:tenant-01,kind:read,expected_response:true}', ['p(95)>=0']],
      ['http_req_duration{tenant:tenant-01,kind:write,expected_response:true}', ['p(95)>=0']],
      ['http_req_failed{tenant:tenant-01,traffic:api}', ['rate>=0']],
      ['http_req_duration{tenant:tenant-02,kind:read,expected_response:true}', ['p(95)>=0']],
      ['http_req_duration{tenant:tenant-02,kind:write,expected_response:true}', ['p(95)>=0']],
      ['http_req_failed{tenant:tenant-02,traffic:api}', ['rate>=0']],
    ]);
    expect(Object.keys(buildLoadThresholds(cfg({ TENANT_BREAKDOWN: '0' })).thresholds).filter((k) => k.includes('tenant:'))).toEqual([]);
    expect(planTenants(cfg({ TENANT_BREAKDOWN: '50', TENANT_TAG_CAP: '5' }))).toHaveLength(5);
  });

  it('recognises breakdown guards and nothing else as guards', () => {
    expect(isBreakdownGuard('http_req_failed{tenant:t1,traffic:api}', 'rate>=0')).toBe(true);
    expect(isBreakdownGuard('http_req_failed{traffic:api}', 'rate>=0')).toBe(false);
    expect(isBreakdownGuard('http_req_duration{tenant:t1,kind:read}', 'p(95)<300')).toBe(false);
  });

  it.each<[string, Env]>([
    ['fallback', {}],
    ['expiry', { CHAOS_EXPECT: 'expiry', PROMETHEUS_URL: 'http://p:9090' }],
    ['off', { CHAOS: 'off' }],
    ['compressed', COMPRESSED],
  ])('every %s threshold is valid under k6 grammar for its metric type', (_n, env) => {
    const { thresholds } = buildLoadThresholds(cfg(env));
    for (const [key, list] of Object.entries(thresholds)) {
      const parsed = parseMetricKey(key);
      if (!parsed.ok) throw new Error(parsed.error);
      const type = METRIC_TYPES[parsed.key.parent];
      expect(type, `metric type of ${key}`).toBeDefined();
      for (const th of list) {
        const expr = typeof th === 'string' ? th : th.threshold;
        expect(parseThresholdFor(expr, type!), `${key}: ${expr}`).toMatchObject({ ok: true });
      }
    }
  });

  it('gives the smoke strict thresholds', () => {
    const { thresholds: t } = buildSmokeThresholds(loadConfig({ TENANTS: '2' }, 'smoke', () => ''));
    expect(t.checks).toEqual(['rate==1']);
    expect(t['http_req_failed{traffic:api}']).toEqual(['rate==0']);
    expect(t['http_reqs{traffic:api}']).toEqual(['count>0']);
  });
});
