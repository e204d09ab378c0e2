import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config-error';
import { DEFAULTS, loadConfig, sizeVUs } from '../../lib/config';
import type { Env } from '../../contracts/env-reader';

const noFiles = (path: string): string => {
  throw new Error(`no such file ${path}`);
};

function problemsOf(env: Env, profile: 'load' | 'smoke' = 'load', read = noFiles): string[] {
  try {
    loadConfig(env, profile, read);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
  }
  return [];
}

describe('loadConfig defaults', () => {
  it('points at the reference platform on loopback with the design defaults', () => {
    const cfg = loadConfig({}, 'load', noFiles);
    expect(cfg.baseUrl).toBe('http://127.0.0.1:8080');
    expect(cfg.authUrl).toBe('http://127.0.0.1:8441');
    expect(cfg.faultAgent).toEqual({ url: 'http://127.0.0.1:8442', token: 'local-admin-token' });
    expect(cfg.audit.url).toBe(cfg.baseUrl);
    expect(cfg.authClientId).toBe('tenant-load');
    expect(cfg.tenantHeader).toBe('X-StellaOps-Tenant');
    expect(cfg.tenants.map((t) => t.id).slice(0, 3)).toEqual(['tenant-01', 'tenant-02', 'tenant-03']);
    expect(cfg.tenants).toHaveLength(20);
    expect(cfg.rate).toBe(5000);
    expect(cfg.durationMs).toBe(600_000);
    expect(cfg.readRatio).toBe(0.9);
    expect(cfg.chaos).toMatchObject({ enabled: true, startMs: 120_000, durationMs: 300_000, expect: 'fallback', marginMs: 15_000 });
    expect(cfg.tenantTagCap).toBe(1000);
    expect(cfg.slo).toMatchObject({ readP95Ms: 300, writeP95Ms: 600, errorRate: 0.005, chaosErrorRate: 0.01, droppedRatio: 0.01, checksRate: 0.99, abortDelayMs: 60_000 });
    expect(cfg.outputs).toEqual({ summaryJson: 'summary.json', junitXml: 'junit.xml' });
  });

  it('sizes VUs as rate x expected iteration time x 1.5 + 10, maxVUs twice that', () => {
    expect(sizeVUs(5000, 50)).toEqual({ preAllocatedVUs: 385, maxVUs: 770 });
    expect(sizeVUs(1000, 20)).toEqual({ preAllocatedVUs: 40, maxVUs: 80 });
    const cfg = loadConfig({ RATE: '1000', EXPECTED_ITERATION_MS: '20' }, 'load', noFiles);
    expect([cfg.preAllocatedVUs, cfg.maxVUs]).toEqual([40, 80]);
  });

  it('treats an empty value as unset (k6 -e X=)', () => {
    expect(loadConfig({ RATE: '' }, 'load', noFiles).rate).toBe(DEFAULTS.RATE);
  });
});

describe('loadConfig accepts good environments', () => {
  it.each<[string, Env, (c: ReturnType<typeof loadConfig>) => unknown, unknown]>([
    ['a compressed run', { RATE: '1000', DURATION: '40s', CHAOS_START: '10s', CHAOS_DURATION: '15s' }, (c) => [c.durationMs, c.chaos.startMs, c.chaos.durationMs, c.chaos.marginMs], [40_000, 10_000, 15_000, 1000]],
    ['a tenant list', { TENANTS: 'a1,b2,c3,d4,e5,f6,g7,h8,i9,j10' }, (c) => c.tenants.length, 10],
    ['a tenant count of 1000', { TENANTS: '1000' }, (c) => [c.tenants[0]?.id, c.tenants[999]?.id], ['tenant-0001', 'tenant-1000']],
    ['CHAOS=off with a long start', { CHAOS: 'off', CHAOS_START: '1h' }, (c) => c.chaos.enabled, false],
    ['expiry mode with Prometheus', { CHAOS_EXPECT: 'expiry', PROMETHEUS_URL: 'http://127.0.0.1:9090/' }, (c) => [c.chaos.expect, c.prometheusUrl], ['expiry', 'http://127.0.0.1:9090']],
    ['SLO overrides', { SLO_READ_P95_MS: '250', SLO_ERROR_RATE: '0.001', SLO_ABORT_DELAY: '10s' }, (c) => [c.slo.readP95Ms, c.slo.errorRate, c.slo.abortDelayMs], [250, 0.001, 10_000]],
    ['outputs switched off', { SUMMARY_JSON: 'off', JUNIT_XML: '/tmp/out/junit.xml' }, (c) => c.outputs, { summaryJson: undefined, junitXml: '/tmp/out/junit.xml' }],
    ['cloud load zones', { CLOUD_PROJECT_ID: '42', CLOUD_LOAD_ZONES: 'amazon:us:ashburn=60,amazon:ie:dublin=40' }, (c) => c.cloud, { name: 'tenant-load-chaos', projectID: 42, distribution: { amazon_us_ashburn: { loadZone: 'amazon:us:ashburn', percent: 60 }, amazon_ie_dublin: { loadZone: 'amazon:ie:dublin', percent: 40 } } }],
    ['a named chaos port', { CHAOS_PORT: 'http' }, (c) => c.chaos.port, 'http'],
    ['PRE_ALLOCATED_VUS alone raises maxVUs to at least it', { PRE_ALLOCATED_VUS: '2000' }, (c) => [c.preAllocatedVUs, c.maxVUs], [2000, 2000]],
    ['the default ramp of a 10m run: 10s from a tenth of RATE', {}, (c) => [c.rampUpMs, c.startRate], [10_000, 500]],
    ['the default ramp of a 40s run: 10 % of DURATION', { DURATION: '40s', CHAOS_START: '10s', CHAOS_DURATION: '15s' }, (c) => c.rampUpMs, 4000],
    ['the default ramp of a 15s run: whole seconds (1s)', { DURATION: '15s', CHAOS: 'off' }, (c) => c.rampUpMs, 1000],
    ['RAMP_UP=0s: the full rate from the first second', { RAMP_UP: '0s' }, (c) => c.rampUpMs, 0],
    ['a ramp as long as CHAOS_START', { RAMP_UP: '2m' }, (c) => [c.rampUpMs, c.chaos.startMs], [120_000, 120_000]],
    ['a ramp from 1/s at a rate of 3/s', { RATE: '3', CHAOS: 'off' }, (c) => c.startRate, 1],
    ['per-tenant SLOs defaulting to the global ones, overrides included', { SLO_READ_P95_MS: '250' }, (c) => [c.slo.tenantReadP95Ms, c.slo.tenantWriteP95Ms, c.slo.tenantErrorRate], [250, 600, 0.005]],
    ['per-tenant SLOs of their own', { SLO_TENANT_READ_P95_MS: '400', SLO_TENANT_WRITE_P95_MS: '900', SLO_TENANT_ERROR_RATE: '0.02' }, (c) => [c.slo.readP95Ms, c.slo.tenantReadP95Ms, c.slo.tenantWriteP95Ms, c.slo.tenantErrorRate], [300, 400, 900, 0.02]],
    ['uniform tenants by default', {}, (c) => [c.tenantWeights, c.noisy], [undefined, undefined]],
    ['TENANT_WEIGHTS as a list: unlisted tenants weigh 1', { TENANTS: '10', TENANT_WEIGHTS: 'tenant-03=0.3,tenant-01=5' }, (c) => c.tenantWeights, [5, 1, 0.3, 1, 1, 1, 1, 1, 1, 1]],
    ['TENANT_WEIGHTS=zipf:1', { TENANTS: '10', TENANT_WEIGHTS: 'zipf:1' }, (c) => c.tenantWeights?.slice(0, 4), [1, 0.5, 1 / 3, 0.25]],
    ['a noisy tenant from the end of the ramp to the end of the run', { NOISY_TENANT: 'tenant-05', NOISY_RATE: '2000' }, (c) => c.noisy, { tenant: 'tenant-05', index: 4, rate: 2000, startMs: 10_000, durationMs: 590_000 }],
    ['a noisy window', { NOISY_TENANT: 'tenant-05', NOISY_RATE: '50', NOISY_START: '1m', NOISY_DURATION: '2m' }, (c) => [c.noisy?.startMs, c.noisy?.durationMs], [60_000, 120_000]],
  ])('%s', (_name, env, pick, expected) => {
    expect(pick(loadConfig(env, 'load', noFiles))).toEqual(expected);
  });

  it('reads TENANTS_FILE with per-tenant clients', () => {
    const file = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, clientId: `t${i}-load`, clientSecret: 's' })));
    const cfg = loadConfig({ TENANTS_FILE: '/etc/tenants.json' }, 'load', () => file);
    expect(cfg.tenants[3]).toEqual({ id: 't3', clientId: 't3-load', clientSecret: 's' });
  });

  it('reads tenant weights from TENANTS_FILE, unlisted entries weighing 1', () => {
    const file = JSON.stringify(Array.from({ length: 10 }, (_, i) => (i === 2 ? { id: `t${i}`, weight: 0.3 } : `t${i}`)));
    const cfg = loadConfig({ TENANTS_FILE: '/etc/tenants.json' }, 'load', () => file);
    expect(cfg.tenantWeights).toEqual([1, 1, 0.3, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('lets the smoke run with fewer than ten tenants and never enables chaos', () => {
    const cfg = loadConfig({ TENANTS: '2' }, 'smoke', noFiles);
    expect(cfg.tenants).toHaveLength(2);
    expect(cfg.chaos.enabled).toBe(false);
  });
});

describe('loadConfig reports every problem at once, naming the variable and the allowed values', () => {
  it.each<[string, Env, string[]]>([
    ['a non-numeric RATE', { RATE: 'fast' }, ["RATE: must be an integer from 1 to 1000000 (got 'fast')"]],
    ['a bare-number DURATION', { DURATION: '600' }, ["DURATION: must be a duration with units such as '30s', '5m' or '1h30m' (got '600') (a bare number is ambiguous: write '600s' or '600ms')"]],
    ['a READ_RATIO above 1', { READ_RATIO: '1.5' }, ["READ_RATIO: must be a number from 0 to 1, e.g. 0.9 (got '1.5')"]],
    ['an unknown CHAOS value', { CHAOS: 'maybe' }, ["CHAOS: must be one of on, off (got 'maybe')"]],
    ['an unknown CHAOS_EXPECT', { CHAOS_EXPECT: 'explode' }, ["CHAOS_EXPECT: must be one of fallback, expiry (got 'explode')"]],
    ['a BASE_URL without scheme', { BASE_URL: '127.0.0.1:8080' }, ["BASE_URL: must be an http:// or https:// URL without query or fragment, e.g. http://127.0.0.1:8080 (got '127.0.0.1:8080')"]],
    ['too few tenants for the load', { TENANTS: '3' }, ['TENANTS: the load needs at least 10 tenants (got 3); use tenant-smoke.js for fewer']],
    ['a bad tenant id', { TENANTS: 'Acme,b' }, ["TENANTS: must be a count or a comma list of tenant ids matching ^[a-z0-9][a-z0-9-]{0,62}$ (bad: 'Acme')", 'TENANTS: the load needs at least 10 tenants (got 1); use tenant-smoke.js for fewer']],
    ['MAX_VUS below PRE_ALLOCATED_VUS', { PRE_ALLOCATED_VUS: '100', MAX_VUS: '50' }, ['MAX_VUS: must be at least PRE_ALLOCATED_VUS (100), k6 rejects maxVUs < preAllocatedVUs (got 50)']],
    ['an outage past the end of the run', { DURATION: '1m', CHAOS_START: '30s', CHAOS_DURATION: '1m' }, ['CHAOS_DURATION: the outage (CHAOS_START + CHAOS_DURATION = 90s) must end within DURATION (60s) so recovery is measured; set CHAOS=off for a baseline run']],
    ['a RAMP_UP as long as DURATION', { DURATION: '1m', RAMP_UP: '1m', CHAOS: 'off' }, ['RAMP_UP: must be shorter than DURATION (60s) so the run holds the full rate (got 60s); 0s starts at the full rate']],
    ['an outage that starts during the ramp', { RAMP_UP: '30s', CHAOS_START: '20s' }, ['CHAOS_START: must not be before the end of RAMP_UP (30s): the outage is measured at the full rate (got 20s)']],
    ['a bare-number RAMP_UP', { RAMP_UP: '10' }, ["RAMP_UP: must be a duration with units such as '30s', '5m' or '1h30m' (got '10') (a bare number is ambiguous: write '10s' or '10ms')"]],
    ['a fault shorter than xk6-disruptor allows', { CHAOS_DURATION: '500ms' }, ["CHAOS_DURATION: must be at least 1s (got '500ms')"]],
    ['load zones not summing to 100', { CLOUD_LOAD_ZONES: 'amazon:us:ashburn=60' }, ['CLOUD_LOAD_ZONES: percentages must add up to 100 (got 60)']],
    ['a fractional SLO out of range', { SLO_CHAOS_ERROR_RATE: '5' }, ["SLO_CHAOS_ERROR_RATE: must be a number from 0 to 1, e.g. 0.9 (got '5')"]],
    ['both TENANTS and TENANTS_FILE', { TENANTS: '20', TENANTS_FILE: '/x.json' }, ['TENANTS: set either TENANTS or TENANTS_FILE, not both', "TENANTS_FILE: cannot read '/x.json' (no such file /x.json); use an absolute path or one relative to the bundle in dist/"]],
    ['expiry mode without room to recover', { CHAOS_EXPECT: 'expiry', DURATION: '40s', CHAOS_START: '10s', CHAOS_DURATION: '25s' }, ['SLO_RECOVERY_TIME: in expiry mode the run must continue past the outage + PHASE_MARGIN + SLO_RECOVERY_TIME (66.25s) to measure recovery; DURATION is 40s']],
    ['a per-tenant SLO out of range', { SLO_TENANT_ERROR_RATE: '2' }, ["SLO_TENANT_ERROR_RATE: must be a number from 0 to 1, e.g. 0.9 (got '2')"]],
    ['a zipf exponent out of range', { TENANT_WEIGHTS: 'zipf:0' }, ["TENANT_WEIGHTS: zipf exponent must be a number above 0 and at most 10 (got '0'); allowed: uniform, zipf:S (0 < S <= 10) or a list such as 'tenant-03=0.3,tenant-01=5'"]],
    ['an unknown TENANT_WEIGHTS form', { TENANT_WEIGHTS: 'pareto' }, ["TENANT_WEIGHTS: bad entry 'pareto'; allowed: uniform, zipf:S (0 < S <= 10) or a list such as 'tenant-03=0.3,tenant-01=5'"]],
    ['a weight for a tenant not in the pool', { TENANT_WEIGHTS: 'tenant-99=2' }, ["TENANT_WEIGHTS: names 'tenant-99', which is not in the tenant pool (TENANTS / TENANTS_FILE)"]],
    ['a zero or negative weight', { TENANT_WEIGHTS: 'tenant-01=0,tenant-02=-1' }, ["TENANT_WEIGHTS: weight of tenant-01 must be a number from 0.000001 to 1000 (got '0')", "TENANT_WEIGHTS: weight of tenant-02 must be a number from 0.000001 to 1000 (got '-1')"]],
    ['NOISY_RATE without NOISY_TENANT', { NOISY_RATE: '100' }, ['NOISY_RATE: needs NOISY_TENANT (the tenant that floods)']],
    ['NOISY_TENANT without NOISY_RATE', { NOISY_TENANT: 'tenant-05' }, ['NOISY_RATE: is required with NOISY_TENANT: the extra requests per second that tenant sends, e.g. 2000']],
    ['a noisy tenant not in the pool', { NOISY_TENANT: 'acme', NOISY_RATE: '10' }, ["NOISY_TENANT: must be a tenant of the pool (TENANTS / TENANTS_FILE), e.g. tenant-01 (got 'acme')"]],
    ['a noisy tenant without its own tag', { NOISY_TENANT: 'tenant-05', NOISY_RATE: '10', TENANT_TAG_CAP: '3' }, ["NOISY_TENANT: must be among the first TENANT_TAG_CAP (3) tenants so it has its own tenant tag (got 'tenant-05', tenant 5)"]],
    ['a noisy window past the run', { NOISY_TENANT: 'tenant-05', NOISY_RATE: '10', NOISY_START: '9m', NOISY_DURATION: '2m' }, ['NOISY_DURATION: the noisy window (NOISY_START + NOISY_DURATION = 660s) must end within DURATION (600s)']],
  ])('%s', (_name, env, expected) => {
    expect(problemsOf(env)).toEqual(expected);
  });

  it('refuses weights in both TENANTS_FILE and TENANT_WEIGHTS', () => {
    const file = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, weight: 2 })));
    expect(() => loadConfig({ TENANTS_FILE: '/t.json', TENANT_WEIGHTS: 'zipf:1' }, 'load', () => file)).toThrow(/TENANT_WEIGHTS: set weights either in TENANTS_FILE \(`weight`\) or in TENANT_WEIGHTS, not both/);
  });

  it('names a bad TENANTS_FILE weight by its entry', () => {
    const file = JSON.stringify(Array.from({ length: 10 }, (_, i) => ({ id: `t${i}`, ...(i === 4 ? { weight: 'heavy' } : {}) })));
    expect(() => loadConfig({ TENANTS_FILE: '/t.json' }, 'load', () => file)).toThrow(/TENANTS_FILE\[4\]\.weight: must be a number from 0.000001 to 1000/);
  });

  it('collects several problems in one error and formats them one per line', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ RATE: '0', READ_RATIO: 'x', CHAOS: 'yes' }, 'load', noFiles);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error?.code).toBe('ERR_CONFIG');
    expect(error?.problems.map((p) => p.variable)).toEqual(['RATE', 'READ_RATIO', 'CHAOS']);
    expect(error?.message.split('\n')[0]).toBe('invalid configuration (3 problems):');
  });

  it('never echoes a secret value', () => {
    const file = JSON.stringify([{ id: 'acme', clientId: 'acme-load' }]);
    const msg = problemsOf({ TENANTS_FILE: '/t.json', AUTH_CLIENT_SECRET: 'hunter2' }, 'smoke', () => file).join('\n');
    expect(msg).toContain('TENANTS_FILE[0].clientSecret: clientId and clientSecret go together');
    expect(msg).not.toContain('hunter2');
  });

  it('reports a malformed CATALOG_FILE field by path', () => {
    const catalog = JSON.stringify({ operations: [{ id: 'x', name: '/x', service: 'svc', kind: 'read', method: 'GET', path: '/x/{thingId}', expect: [200], shape: 'list' }] });
    expect(problemsOf({ CATALOG_FILE: '/c.json' }, 'load', () => catalog)).toEqual([
      'CATALOG_FILE.operations[0]: uses {thingId}, which no discovery entry provides (declare it in discovery or use uniqueId, requestId, tenant)',
      'CATALOG_FILE.operations: needs at least one write operation',
    ]);
  });
});

describe('thrown configuration errors are redacted too', () => {
  it('does not echo the credentials of a URL that is rejected', () => {
    expect(() => loadConfig({ PROMETHEUS_URL: 'https://prom:s3cr3t@prometheus.example/api?x=1' }, 'load', () => '')).toThrow(/PROMETHEUS_URL: must be an http:\/\/ or https:\/\/ URL .*\(got 'https:\/\/\[redacted\]@prometheus\.example\/api\?x=1'\)/);
  });
});

describe('the outage shape (CHAOS_FAULT, CHAOS_DELAY, CHAOS_ERROR_RATE)', () => {
  it.each<[Env, unknown]>([
    [{}, { fault: 'error', delayMs: 5000, errorRate: 0.5 }],
    [{ CHAOS_FAULT: 'blackhole' }, { fault: 'blackhole' }],
    [{ CHAOS_FAULT: 'delay', CHAOS_DELAY: '3s' }, { fault: 'delay', delayMs: 3000 }],
    [{ CHAOS_FAULT: 'reset', CHAOS_EXPECT: 'expiry' }, { fault: 'reset', expect: 'expiry' }],
    [{ CHAOS_FAULT: 'flaky', CHAOS_ERROR_RATE: '0.3' }, { fault: 'flaky', errorRate: 0.3 }],
  ])('reads %j', (env, expected) => {
    expect(loadConfig(env, 'load', noFiles).chaos).toMatchObject(expected as object);
  });

  it.each<[string, Env, RegExp]>([
    ['an unknown shape', { CHAOS_FAULT: 'drop' }, /^CHAOS_FAULT: must be one of error, blackhole, delay, reset, flaky/],
    ['a delay past the agent limit', { CHAOS_FAULT: 'delay', CHAOS_DELAY: '2m' }, /^CHAOS_DELAY: must be at most 60s/],
    ['CHAOS_DELAY with another shape', { CHAOS_FAULT: 'blackhole', CHAOS_DELAY: '1s' }, /^CHAOS_DELAY: applies only to CHAOS_FAULT=delay/],
    ['CHAOS_ERROR_RATE with the error shape', { CHAOS_ERROR_RATE: '0.2' }, /^CHAOS_ERROR_RATE: applies only to CHAOS_FAULT=flaky/],
    ['an error rate of 0', { CHAOS_FAULT: 'flaky', CHAOS_ERROR_RATE: '0' }, /^CHAOS_ERROR_RATE: must be a number from above 0 to 1/],
    ['flaky judged as expiry', { CHAOS_FAULT: 'flaky', CHAOS_EXPECT: 'expiry' }, /^CHAOS_FAULT: flaky cannot be judged with CHAOS_EXPECT=expiry/],
  ])('refuses %s, naming the variable', (_name, env, message) => {
    expect(problemsOf(env).join('\n')).toMatch(message);
  });
});
