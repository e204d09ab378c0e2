import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { faultAgentInjector } from '../../disruptor/fault-agent-backend';
import { xk6DisruptorInjector } from '../../disruptor/xk6-disruptor-backend';
import type { Env } from '../../lib/env-reader';
import { createLoadScenario } from '../../lib/tenant-load-scenario';
import { fakeK6 } from '../fakes/k6/recorder';
import { seeded } from '../lib/seeded-random';
import { fakePlatform } from './fake-platform';

const COMPRESSED: Env = { RATE: '1000', DURATION: '40s', CHAOS_START: '10s', CHAOS_DURATION: '15s', TENANTS: '12' };

function agentScenario(env: Env = COMPRESSED, random: () => number = Math.random) {
  return createLoadScenario({
    bundle: 'tenant-load-agent',
    backend: 'fault-agent',
    env,
    readFile: () => '',
    random,
    injector: (cfg) => faultAgentInjector({ url: cfg.faultAgent.url, token: cfg.faultAgent.token, requestTimeoutMs: 1000, wait: async () => {} }),
  });
}

beforeEach(() => {
  fakeK6.reset();
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('load scenario options (reference/k6-facts.md §4, §9.6)', () => {
  it('runs tenant_load at RATE with the sized VUs and jwks_chaos as 1 VU x 1 iteration at CHAOS_START', () => {
    const s = agentScenario();
    expect(s.options.scenarios).toEqual({
      tenant_load: { executor: 'constant-arrival-rate', exec: 'tenantLoad', rate: 1000, timeUnit: '1s', duration: '40s', preAllocatedVUs: 85, maxVUs: 170, gracefulStop: '10s' },
      jwks_chaos: { executor: 'shared-iterations', exec: 'jwksChaos', vus: 1, iterations: 1, startTime: '10s', maxDuration: '1m15s', gracefulStop: '30s' },
    });
    expect(s.options.cloud).toEqual({ name: 'tenant-load-chaos' });
  });

  it('has no chaos scenario with CHAOS=off', () => {
    expect(Object.keys(agentScenario({ ...COMPRESSED, CHAOS: 'off' }).options.scenarios ?? {})).toEqual(['tenant_load']);
  });

  it('throws every config problem in init (k6 exit 107)', () => {
    expect(() => agentScenario({ RATE: 'x', CHAOS: 'nope' })).toThrow(/RATE: .*\n.*CHAOS: must be one of on, off/);
  });
});

describe('setup()', () => {
  it('gets one token per tenant with the multi-tenant client and discovers ids from the list endpoints', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const data = await agentScenario().setup();
    expect(data.tenants).toHaveLength(12);
    expect(data.tenants[0]).toMatchObject({ id: 'tenant-01', expiresInS: 3600, ids: { policyId: ['tenant-01-a', 'tenant-01-b'], findingId: ['tenant-01-a', 'tenant-01-b'], channelId: ['tenant-01-a', 'tenant-01-b'] } });
    const tokenReq = fakeK6.requests.find((r) => r.url === 'http://127.0.0.1:8441/connect/token');
    expect(tokenReq?.body).toEqual({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: 'local-dev-secret', tenant: 'tenant-01' });
    expect(tokenReq?.params.tags).toMatchObject({ traffic: 'token', kind: 'token' });
  });

  it('fails setup naming the tenants without a token, without echoing a secret', async () => {
    const platform = fakePlatform();
    platform.state.authorityUp = false;
    fakeK6.handler = platform.handler;
    const err = await agentScenario().setup().catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^setup: no token for 12 of 12 tenants from http:\/\/127\.0\.0\.1:8441\/connect\/token: tenant-01 \(503 temporarily_unavailable\)/);
    expect((err as Error).message).not.toContain('local-dev-secret');
  });
});

describe('the load iteration', () => {
  async function run(iterations: number, atMs: number, env: Env = COMPRESSED) {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const s = agentScenario(env);
    const data = await s.setup();
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    fakeK6.exec.currentTestRunDuration = atMs;
    for (let i = 0; i < iterations; i++) {
      fakeK6.exec.iterationInTest = i;
      await s.tenantLoad(data);
    }
    return { platform, s, data };
  }

  it('sends tagged, authenticated requests with the tenant header and checks every response', async () => {
    await run(300, 2_000);
    const api = fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api');
    expect(api).toHaveLength(300);
    for (const r of api) {
      const tags = r.params.tags!;
      expect(Object.keys(tags).sort()).toEqual(['kind', 'name', 'phase', 'service', 'tenant', 'traffic']);
      expect(tags.phase).toBe('baseline');
      expect(r.params.headers?.['X-StellaOps-Tenant']).toBe(tags.tenant);
      expect(r.params.headers?.Authorization).toMatch(new RegExp(`^Bearer tok-${tags.tenant}-`));
    }
    expect(fakeK6.checks.length).toBe(600);
    expect(fakeK6.checks.every((c) => c.ok)).toBe(true);
    expect(new Set(api.map((r) => r.params.tags!.tenant)).size).toBe(12);
  });

  it('writes bodies with ids unique across iterations', async () => {
    await run(400, 2_000, { ...COMPRESSED, READ_RATIO: '0' });
    const ids = fakeK6.requests.filter((r) => r.method === 'PUT').map((r) => r.url.split('/').pop());
    expect(ids.length).toBeGreaterThan(50);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^lt-[a-z0-9]+-1-\d+$/);
  });

  it.each([
    [5_000, 'baseline'],
    [9_500, 'transition'],
    [15_000, 'chaos'],
    [24_500, 'transition'],
    [30_000, 'recovery'],
  ])('tags requests at %i ms with phase %s', async (atMs, phase) => {
    await run(5, atMs);
    expect(new Set(fakeK6.requests.map((r) => r.params.tags?.phase))).toEqual(new Set([phase]));
  });

  it('counts fail-closed 401s and 5xx answers by phase', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const s = agentScenario();
    const data = await s.setup();
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    fakeK6.exec.currentTestRunDuration = 15_000;
    platform.state.apiStatus = 401;
    for (let i = 0; i < 10; i++) await s.tenantLoad(data);
    platform.state.apiStatus = 503;
    for (let i = 0; i < 5; i++) await s.tenantLoad(data);
    expect(fakeK6.count('tenant_fail_closed', { phase: 'chaos' })).toBe(10);
    expect(fakeK6.select('tenant_server_errors', { phase: 'chaos' }).filter((x) => x.value === 1)).toHaveLength(5);
    expect(fakeK6.checks.filter((c) => !c.ok).length).toBeGreaterThanOrEqual(15);
  });

  it('during an Authority outage keeps the old token, counts one failed refresh per tenant, and recovers after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const platform = fakePlatform();
    platform.state.tokenLifetimeS = 60;
    fakeK6.handler = platform.handler;
    const s = agentScenario({ ...COMPRESSED, TENANTS: '10' }, seeded(42));
    const data = await s.setup();
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    // 55 s: past every VU-jittered refresh point (<= 54 s) but before expiry; Authority down.
    vi.setSystemTime(55_000);
    platform.state.authorityUp = false;
    for (let i = 0; i < 200; i++) await s.tenantLoad(data);
    expect(fakeK6.count('tenant_token_refresh_failures')).toBe(10);
    const api = fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api');
    expect(api.every((r) => /-\d+$/.test(r.params.headers!.Authorization!) && Number(r.params.headers!.Authorization!.split('-').pop()) <= 10)).toBe(true);
    // Authority back, token expired: the next use of each tenant refreshes successfully.
    platform.state.authorityUp = true;
    vi.setSystemTime(61_000);
    for (let i = 0; i < 200; i++) await s.tenantLoad(data);
    expect(fakeK6.count('tenant_token_refreshes')).toBe(10);
    expect(fakeK6.count('tenant_token_refresh_failures')).toBe(10);
  });
});

describe('the chaos iteration', () => {
  it('injects the JWKS outage through the fault agent and records the witness from its counters', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    await agentScenario().jwksChaos();
    const post = fakeK6.requests.find((r) => r.method === 'POST' && r.url === 'http://127.0.0.1:8442/v1/faults/http');
    expect(JSON.parse(String(post?.body))).toEqual({
      fault: { errorRate: 1, errorCode: 503, errorBody: expect.stringContaining('temporarily_unavailable'), port: 80 },
      duration: '15s',
    });
    expect(post?.params.headers?.Authorization).toBe('Bearer local-admin-token');
    expect(post?.params.tags?.traffic).toBe('control');
    expect(fakeK6.requests.some((r) => r.method === 'GET' && r.url === 'http://127.0.0.1:8442/v1/faults/f-1')).toBe(true);
    expect(fakeK6.count('chaos_fault_witness')).toBe(1);
  });

  it('records no witness when the agent faulted nothing', async () => {
    const platform = fakePlatform();
    platform.state.faultRecord.faulted = 0;
    fakeK6.handler = platform.handler;
    await agentScenario().jwksChaos();
    expect(fakeK6.select('chaos_fault_witness')).toEqual([expect.objectContaining({ value: 0 })]);
  });

  it.each([
    ['returns', () => undefined, 1],
    ['throws "did not receive any request"', () => { throw new Error('error injecting fault: disruptor did not receive any request'); }, 0],
    ['throws another error', () => { throw new Error('pods is forbidden'); }, 0],
  ])('with xk6-disruptor: records the witness when the disruptor %s', async (_n, behaviour, witness) => {
    fakeK6.disruptor.behaviour = behaviour;
    const s = createLoadScenario({ bundle: 'tenant-load', backend: 'xk6-disruptor', env: { ...COMPRESSED, CHAOS_SERVICE: 'authority', CHAOS_NAMESPACE: 'idp' }, readFile: () => '', injector: (cfg) => xk6DisruptorInjector({ service: cfg.chaos.service, namespace: cfg.chaos.namespace }) });
    expect(fakeK6.disruptor.constructed).toEqual([]); // never in init
    await s.jwksChaos();
    expect(fakeK6.disruptor.constructed).toEqual([{ service: 'authority', namespace: 'idp' }]);
    expect(fakeK6.disruptor.injected[0]?.duration).toBe('15s');
    expect(fakeK6.count('chaos_fault_witness')).toBe(witness);
  });
});

describe('teardown()', () => {
  it('counts auth.degraded audit events in the window and finds the fault witness on the agent', async () => {
    const platform = fakePlatform();
    const data = { runId: 'r', startedAtMs: Date.now() - 40_000, tenants: [] };
    const inWindow = new Date(data.startedAtMs + 15_000).toISOString();
    platform.state.auditEvents = [
      { time: inWindow, action: 'auth.degraded', tenant: 'tenant-01' },
      { time: inWindow, action: 'auth.degraded', tenant: 'tenant-02' },
      { time: new Date(data.startedAtMs - 60_000).toISOString(), action: 'auth.degraded', tenant: 'tenant-03' },
    ];
    platform.state.faultRecord.startedAt = new Date(data.startedAtMs + 10_000).toISOString();
    fakeK6.handler = platform.handler;
    await agentScenario().teardown(data);
    expect(fakeK6.count('chaos_auth_degraded_events')).toBe(2);
    expect(fakeK6.count('chaos_fault_witness', { source: 'teardown' })).toBe(1);
    const audit = fakeK6.requests.find((r) => r.url.includes('/audit/events'));
    expect(audit?.url).toMatch(/^http:\/\/127\.0\.0\.1:8080\/audit\/events\?action=auth\.degraded&since=\d+&limit=1000$/);
    expect(audit?.params.headers?.Authorization).toBe('Bearer local-admin-token');
  });

  it('is read-only and does nothing with CHAOS=off', async () => {
    fakeK6.handler = fakePlatform().handler;
    await agentScenario({ ...COMPRESSED, CHAOS: 'off' }).teardown({ runId: 'r', startedAtMs: 0, tenants: [] });
    expect(fakeK6.requests).toEqual([]);
  });
});

describe('operator-supplied tenants and catalog', () => {
  it('uses per-tenant clients from TENANTS_FILE and an operation from CATALOG_FILE', async () => {
    const tenants = Array.from({ length: 10 }, (_, i) => ({ id: `org-${i}`, clientId: `org-${i}-load`, clientSecret: `secret-${i}` }));
    const catalog = {
      discovery: [{ placeholder: 'policyId', path: '/api/policy/policies?limit=5' }],
      operations: [
        { id: 'p.get', name: '/api/policy/policies/{policyId}', service: 'policy', kind: 'read', method: 'GET', path: '/api/policy/policies/{policyId}', expect: [200], shape: 'object' },
        { id: 'p.put', name: '/api/policy/policies/{id}', service: 'policy', kind: 'write', method: 'PUT', path: '/api/policy/policies/{uniqueId}', body: { name: 'n {tenant}', rules: [{ effect: 'allow', condition: 'c' }] }, expect: [201], shape: 'object' },
      ],
    };
    const files: Record<string, string> = { '/t.json': JSON.stringify(tenants), '/c.json': JSON.stringify(catalog) };
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const s = createLoadScenario({ bundle: 'b', backend: 'none', env: { ...COMPRESSED, TENANTS: '', TENANTS_FILE: '/t.json', CATALOG_FILE: '/c.json' }, readFile: (p) => files[p]!, injector: () => ({ backend: 'none', inject: async () => ({ backend: 'none', witnessed: false, detail: '' }) }), random: seeded(1) });
    const data = await s.setup();
    const form = fakeK6.requests.find((r) => r.url.endsWith('/connect/token'))?.body as Record<string, string>;
    expect(form).toEqual({ grant_type: 'client_credentials', client_id: 'org-0-load', client_secret: 'secret-0' });
    expect(fakeK6.requests.filter((r) => r.params.tags?.traffic === 'setup').map((r) => r.url)).toContain('http://127.0.0.1:8080/api/policy/policies?limit=5');
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    for (let i = 0; i < 50; i++) await s.tenantLoad(data);
    expect(new Set(fakeK6.requests.map((r) => r.params.tags?.name))).toEqual(new Set(['/api/policy/policies/{policyId}', '/api/policy/policies/{id}']));
    const put = fakeK6.requests.find((r) => r.method === 'PUT');
    expect(JSON.parse(String(put?.body)).name).toBe(`n ${put?.params.headers?.['X-StellaOps-Tenant']}`);
  });

  it('sets cloud options from the environment', () => {
    const s = agentScenario({ ...COMPRESSED, CLOUD_NAME: 'nightly', CLOUD_PROJECT_ID: '7', CLOUD_STACK_ID: '9', CLOUD_LOAD_ZONES: 'amazon:us:ashburn=100' });
    expect(s.options.cloud).toEqual({ name: 'nightly', projectID: 7, stackID: 9, distribution: { amazon_us_ashburn: { loadZone: 'amazon:us:ashburn', percent: 100 } } });
  });

  it('refuses to run the load without setup data', async () => {
    await expect(agentScenario().tenantLoad(undefined as never)).rejects.toThrow('tenant_load needs the tokens from setup(); do not run it with --no-setup');
  });
});
