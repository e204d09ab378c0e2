import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { faultAgentInjector } from '../../disruptor/fault-agent-backend';
import { xk6DisruptorInjector } from '../../disruptor/xk6-disruptor-backend';
import type { Env } from '../../contracts/env-reader';
import { DEFAULT_CATALOG } from '../../lib/catalog';
import { createLoadScenario } from '../../lib/tenant-load-scenario';
import type { SetupData } from '../../lib/tenant-setup';
import { newSealParams } from '../../lib/token-seal';
import { fakeK6 } from '../fakes/k6/recorder';
import { seeded } from '../lib/seeded-random';
import { fakePlatform } from './fake-platform';
import { idCount, unpackIds } from '../../lib/id-pool';

/** `text` with the character at `at` replaced by another base64url character. */
const flipAt = (text: string, at: number): string => `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;

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

describe('load scenario options (docs/k6-semantics.md#scenarios, #fault-and-load-pattern)', () => {
  it('ramps tenant_load to RATE over RAMP_UP, holds it with the sized VUs, and runs jwks_chaos as 1 VU x 1 iteration at CHAOS_START', () => {
    const s = agentScenario({ ...COMPRESSED, RAMP_UP: '5s' });
    expect(s.options.scenarios).toEqual({
      tenant_load: {
        executor: 'ramping-arrival-rate',
        exec: 'tenantLoad',
        startRate: 100,
        timeUnit: '1s',
        stages: [
          { duration: '5s', target: 1000 },
          { duration: '35s', target: 1000 },
        ],
        preAllocatedVUs: 85,
        maxVUs: 170,
        gracefulStop: '10s',
      },
      jwks_chaos: { executor: 'shared-iterations', exec: 'jwksChaos', vus: 1, iterations: 1, startTime: '10s', maxDuration: '1m15s', gracefulStop: '30s' },
    });
    expect(s.options.cloud).toEqual({ name: 'tenant-load-chaos' });
  });

  it('runs tenant_load at RATE from the first second as constant-arrival-rate with RAMP_UP=0s', () => {
    const s = agentScenario({ ...COMPRESSED, RAMP_UP: '0s' });
    expect(s.options.scenarios).toEqual({
      tenant_load: { executor: 'constant-arrival-rate', exec: 'tenantLoad', rate: 1000, timeUnit: '1s', duration: '40s', preAllocatedVUs: 85, maxVUs: 170, gracefulStop: '10s' },
      jwks_chaos: { executor: 'shared-iterations', exec: 'jwksChaos', vus: 1, iterations: 1, startTime: '10s', maxDuration: '1m15s', gracefulStop: '30s' },
    });
    expect(s.options.cloud).toEqual({ name: 'tenant-load-chaos' });
  });

  it('has no chaos scenario with CHAOS=off', () => {
    expect(Object.keys(agentScenario({ ...COMPRESSED, CHAOS: 'off' }).options.scenarios ?? {})).toEqual(['tenant_load']);
  });

  it('adds noisy_neighbour as constant-arrival-rate for NOISY_TENANT at NOISY_RATE in its window, with its own VUs', () => {
    const s = agentScenario({ ...COMPRESSED, NOISY_TENANT: 'tenant-05', NOISY_RATE: '2000', NOISY_START: '5s', NOISY_DURATION: '30s' });
    expect(s.options.scenarios?.noisy_neighbour).toEqual({
      executor: 'constant-arrival-rate',
      exec: 'noisyLoad',
      rate: 2000,
      timeUnit: '1s',
      duration: '30s',
      startTime: '5s',
      preAllocatedVUs: 160,
      maxVUs: 320,
      gracefulStop: '10s',
    });
    expect(Object.keys(agentScenario(COMPRESSED).options.scenarios ?? {})).not.toContain('noisy_neighbour');
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
    expect(data.tenants[0]).toMatchObject({ id: 'tenant-01', expiresInS: 3600 });
    // Packed (lib/id-pool.ts): the ids in one string and their end offsets (base 36, six digits each) in another, as k6 hands setup data to every VU.
    expect(data.tenants[0]!.ids.policyId).toEqual({ s: 'tenant-01-atenant-01-b', end: '00000b00000m' });
    expect(Object.fromEntries(Object.entries(data.tenants[0]!.ids).map(([k, v]) => [k, unpackIds(v)]))).toEqual({ policyId: ['tenant-01-a', 'tenant-01-b'], findingId: ['tenant-01-a', 'tenant-01-b'], channelId: ['tenant-01-a', 'tenant-01-b'] });
    const tokenReq = fakeK6.requests.find((r) => r.url === 'http://127.0.0.1:8441/connect/token');
    expect(tokenReq?.body).toEqual({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: 'local-dev-secret', tenant: 'tenant-01' });
    expect(tokenReq?.params.tags).toMatchObject({ traffic: 'token', kind: 'token' });
  });

  it('puts no bearer token, nor any 12-character piece of one, into setup data (k6 copies it to --summary-export and GET /v1/setup)', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const data = await agentScenario().setup();
    const json = JSON.stringify(data);
    expect(platform.state.issued).toHaveLength(12);
    for (const token of platform.state.issued) {
      for (let i = 0; i + 12 <= token.length; i++) expect(json).not.toContain(token.slice(i, i + 12));
    }
    expect(json).not.toContain('local-dev-secret');
    expect(data.seal).toEqual({ v: 1, alg: 'A256GCM', kdf: 'HKDF-SHA256', salt: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    // The multi-tenant client's tokens travel as one sealed group: one key, one decrypt per VU.
    expect(data.sealed).toEqual([expect.stringMatching(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/)]);
    expect(data.tenants.every((t) => t.sealedIn === 0)).toBe(true);
  });

  it.each([
    ['invalid_client', 401],
    ['unauthorized_client', 400],
    ['invalid_request', 400],
  ])('fails fast (k6 exit 107) when the Authority answers %s: a configuration error, named as such, without a secret', async (error, status) => {
    const platform = fakePlatform();
    platform.state.tokenRefusal = { status, error };
    fakeK6.handler = platform.handler;
    const err = (await agentScenario({ ...COMPRESSED, AUTH_CLIENT_SECRET: 'k3ep-th1s-s3cret' }).setup().catch((e: Error) => e)) as Error & { code?: string };
    expect(err.name).toBe('SetupConfigError');
    expect(err.code).toBe('ERR_SETUP_CONFIG');
    expect(err.message).toMatch(
      new RegExp(`^setup: the Authority at http://127\\.0\\.0\\.1:8441/connect/token refused 12 of 12 token requests: tenant-01 via client 'tenant-load' \\(${status} ${error}\\), .*This is a configuration error, not an outage: check AUTH_URL, AUTH_TOKEN_PATH, AUTH_CLIENT_ID, AUTH_CLIENT_SECRET`),
    );
    expect(err.message).not.toContain('k3ep-th1s-s3cret');
  });

  it.each([401, 403])('fails fast (k6 exit 107) when the API answers %i to a fresh token during id discovery', async (status) => {
    const platform = fakePlatform();
    platform.state.listStatus = status;
    fakeK6.handler = platform.handler;
    const err = (await agentScenario().setup().catch((e: Error) => e)) as Error;
    expect(err.name).toBe('SetupConfigError');
    expect(err.message).toMatch(new RegExp(`^setup: the API at http://127\\.0\\.0\\.1:8080 refused tokens the Authority had just issued \\(${status} on GET /api/`));
    expect(err.message).toContain('This is a configuration error, not an outage');
    for (const token of platform.state.issued) expect(err.message).not.toContain(token);
  });

  it('tolerates an unreachable platform: counts the failures, logs one line, returns the tenants without tokens', async () => {
    const platform = fakePlatform();
    platform.state.authorityUnreachable = true;
    platform.state.apiUnreachable = true;
    fakeK6.handler = platform.handler;
    const data = await agentScenario().setup();
    expect(data.tenants.map((t) => t.id)).toEqual(Array.from({ length: 12 }, (_, i) => `tenant-${String(i + 1).padStart(2, '0')}`));
    expect(data.sealed).toEqual([]);
    expect(data.tenants.every((t) => t.sealedIn === undefined && Object.values(t.ids).every((v) => idCount(v) === 0))).toBe(true);
    expect(fakeK6.count('tenant_setup_failures', { stage: 'token', reason: 'unreachable' })).toBe(12);
    // No token, no discovery: nothing is asked of the API in setup.
    expect(fakeK6.requests.filter((r) => r.params.tags?.traffic === 'setup')).toEqual([]);
    const warn = vi.mocked(console.warn).mock.calls.map((c) => String(c[0]));
    expect(warn).toEqual([
      'setup: the platform is unavailable: no token for 12 of 12 tenants (Authority unreachable), 0 id discovery request(s) unanswered; requests go out anyway and fail like real traffic, so the error-rate thresholds decide (exit 99)',
    ]);
  });

  it.each<[string, { status: number; error_code?: number; body: string | null }, string, string]>([
    ['a timeout (k6 error code 1050)', { status: 0, error_code: 1050, body: null }, 'timeout', 'Authority timed out'],
    ['a 503', { status: 503, body: '{"error":"temporarily_unavailable"}' }, 'server_error', '503 temporarily_unavailable'],
    ['a 429', { status: 429, body: '{"error":"slow_down"}' }, 'rate_limited', '429 slow_down'],
  ])('counts an Authority answering with %s as unavailable (reason %s), not as a configuration error', async (_name, answer, reason, logged) => {
    const platform = fakePlatform();
    fakeK6.handler = (req) => (req.url.endsWith('/connect/token') ? answer : platform.handler(req));
    const data = await agentScenario().setup();
    expect(data.tenants.every((t) => t.sealedIn === undefined)).toBe(true);
    expect(fakeK6.count('tenant_setup_failures', { stage: 'token', reason })).toBe(12);
    expect(String(vi.mocked(console.warn).mock.calls[0]?.[0])).toContain(`no token for 12 of 12 tenants (${logged})`);
  });

  it('stops asking once a whole batch of 20 finds the Authority unavailable, so a black-holed Authority cannot eat setupTimeout', async () => {
    const platform = fakePlatform();
    platform.state.authorityUnreachable = true;
    fakeK6.handler = platform.handler;
    const data = await agentScenario({ ...COMPRESSED, TENANTS: '45' }).setup();
    expect(fakeK6.requests.filter((r) => r.params.tags?.traffic === 'token')).toHaveLength(20);
    expect(data.tenants).toHaveLength(45);
    expect(fakeK6.count('tenant_setup_failures', { stage: 'token', reason: 'not_tried' })).toBe(25);
  });

  it('tolerates an API that is down while the Authority answers: tokens sealed, ids empty, discovery failures counted', async () => {
    const platform = fakePlatform();
    platform.state.apiUnreachable = true;
    fakeK6.handler = platform.handler;
    const data = await agentScenario().setup();
    expect(data.tenants.every((t) => t.sealedIn === 0)).toBe(true);
    expect(data.tenants.every((t) => Object.values(t.ids).every((v) => idCount(v) === 0))).toBe(true);
    expect(fakeK6.count('tenant_setup_failures', { stage: 'discovery', reason: 'unreachable' })).toBe(12 * DEFAULT_CATALOG.discovery.length);
  });

  it.each([
    [503, 'server_error'],
    [429, 'rate_limited'],
  ])('tolerates a %i from the list endpoints as an outage (%s)', async (status, reason) => {
    const platform = fakePlatform();
    platform.state.listStatus = status;
    fakeK6.handler = platform.handler;
    await agentScenario().setup();
    expect(fakeK6.count('tenant_setup_failures', { stage: 'discovery', reason })).toBe(12 * DEFAULT_CATALOG.discovery.length);
  });

  it('treats a refusal as a configuration error even when other tenants found the Authority unavailable', async () => {
    const platform = fakePlatform();
    let n = 0;
    fakeK6.handler = (req) => (req.url.endsWith('/connect/token') && n++ % 2 === 0 ? { status: 0, body: null, error_code: 1212 } : platform.handler(req));
    platform.state.tokenRefusal = { status: 401, error: 'invalid_client' };
    const err = (await agentScenario().setup().catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/refused 6 of 12 token requests/);
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

  it('tags every request baseline with CHAOS=off, whatever the run clock says', async () => {
    await run(20, 15_000, { ...COMPRESSED, CHAOS: 'off' });
    expect(new Set(fakeK6.requests.map((r) => r.params.tags?.phase))).toEqual(new Set(['baseline']));
  });

  it('tags a request with the phase it is sent in when its token refresh ran across a phase edge (docs/architecture.md#k6-side)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const platform = fakePlatform();
    platform.state.tokenLifetimeS = 60;
    fakeK6.handler = platform.handler;
    const s = agentScenario({ ...COMPRESSED, TENANTS: '10' }, seeded(5));
    const data = await s.setup();
    fakeK6.reset();
    // 55 s wall clock: every token is past its refresh point. The run clock is in baseline until
    // the Authority answers, then in chaos.
    vi.setSystemTime(55_000);
    fakeK6.exec.currentTestRunDuration = 5_000;
    let edgeCrossed = false;
    fakeK6.handler = (req) => {
      if (req.url.endsWith('/connect/token') && !edgeCrossed) {
        edgeCrossed = true;
        fakeK6.exec.currentTestRunDuration = 15_000;
      }
      return platform.handler(req);
    };
    await s.tenantLoad(data);
    expect(fakeK6.select('tenant_token_refreshes', { phase: 'baseline' })).toHaveLength(1);
    expect(fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api').map((r) => r.params.tags?.phase)).toEqual(['chaos']);
    // Later requests, refreshed or not, go out in the phase of the clock when they are sent.
    fakeK6.exec.currentTestRunDuration = 30_000;
    for (let i = 0; i < 30; i++) await s.tenantLoad(data);
    expect(new Set(fakeK6.requests.slice(2).map((r) => r.params.tags?.phase))).toEqual(new Set(['recovery']));
  });

  it('draws tenants by TENANT_WEIGHTS', async () => {
    await run(600, 2_000, { ...COMPRESSED, TENANT_WEIGHTS: 'tenant-01=20' });
    const api = fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api');
    // tenant-01 weighs 20 of 31: about 387 of 600
    const heavy = api.filter((r) => r.params.tags!.tenant === 'tenant-01').length;
    expect(heavy).toBeGreaterThan(330);
    expect(heavy).toBeLessThan(440);
  });

  it('sends the noisy tenant\'s requests, from both scenarios, as traffic:noisy and counts its 429s', async () => {
    const env = { ...COMPRESSED, NOISY_TENANT: 'tenant-05', NOISY_RATE: '100' };
    const { platform, s, data } = await run(200, 2_000, env);
    const fromMix = fakeK6.requests.filter((r) => r.params.tags?.tenant === 'tenant-05');
    expect(fromMix.length).toBeGreaterThan(0);
    expect(fromMix.every((r) => r.params.tags!.traffic === 'noisy')).toBe(true);
    expect(fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api').every((r) => r.params.tags!.tenant !== 'tenant-05')).toBe(true);
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    platform.state.apiStatus = 429;
    for (let i = 0; i < 7; i++) await s.noisyLoad(data);
    expect(fakeK6.requests.map((r) => [r.params.tags!.tenant, r.params.tags!.traffic])).toEqual(Array(7).fill(['tenant-05', 'noisy']));
    expect(fakeK6.count('tenant_rate_limited', { tenant: 'tenant-05' })).toBe(7);
    expect(fakeK6.select('tenant_server_errors', { tenant: 'tenant-05' }).every((x) => x.value === 0)).toBe(true);
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

describe('tokens in the VUs', () => {
  it('unseals the setup tokens once per VU and sends each tenant its own as the bearer token', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const s = agentScenario();
    const data = await s.setup();
    const decrypt = vi.spyOn(globalThis.crypto.subtle, 'decrypt');
    for (let i = 0; i < 600; i++) await s.tenantLoad(data);
    // One sealed group for the multi-tenant client: one decrypt, whatever the number of tenants.
    expect(decrypt).toHaveBeenCalledTimes(1);
    const sent = new Set(fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api').map((r) => r.params.headers?.Authorization));
    expect(sent).toEqual(new Set(platform.state.issued.map((t) => `Bearer ${t}`)));
  });

  it('with the platform down from the start: sends every request anyway, without a token, counted as failed; asks for a token at most once per VU per tenant per backoff interval', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(0);
    const platform = fakePlatform();
    platform.state.authorityUnreachable = true;
    platform.state.apiUnreachable = true;
    fakeK6.handler = platform.handler;
    const s = agentScenario({ ...COMPRESSED, CHAOS: 'off' }, seeded(7));
    const data = await s.setup();
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    const tokenAsks = () => fakeK6.requests.filter((r) => r.params.tags?.traffic === 'token').length;
    const at = async (ms: number, n = 300) => {
      vi.setSystemTime(ms);
      for (let i = 0; i < n; i++) await s.tenantLoad(data);
      return tokenAsks();
    };
    // Backoff per tenant: first use, then 5, 10, 20, 40, 60 s after each failure.
    expect(await at(0)).toBe(12);
    expect(await at(4_999)).toBe(12);
    expect(await at(5_000)).toBe(24);
    expect(await at(14_999)).toBe(24);
    expect(await at(15_000)).toBe(36);
    expect(await at(34_999)).toBe(36);
    const api = fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api');
    expect(api).toHaveLength(1800);
    expect(api.every((r) => r.params.headers?.Authorization === undefined)).toBe(true);
    expect(fakeK6.select('http_req_failed', { traffic: 'api' }).every((x) => x.value === 1)).toBe(true);
    expect(fakeK6.count('tenant_requests_without_token')).toBe(1800);
    expect(fakeK6.count('tenant_fail_closed')).toBe(0);
    expect(fakeK6.count('tenant_token_refresh_failures')).toBe(36);
    // The platform comes back: the next attempt (35 s) gets tokens, and requests carry them.
    platform.state.authorityUnreachable = false;
    platform.state.apiUnreachable = false;
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    await at(35_000);
    expect(fakeK6.count('tenant_token_refreshes')).toBe(12);
    const after = fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api');
    expect(after.every((r) => /^Bearer tok-/.test(r.params.headers?.Authorization ?? ''))).toBe(true);
  });

  it('a VU whose client secret differs from setup\'s stops the test with one clear error (exec.test.abort, exit 108) instead of failing every iteration', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const data = await agentScenario({ ...COMPRESSED, AUTH_CLIENT_SECRET: 'setup-s3cret-aaaa' }).setup();
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    const vu = agentScenario({ ...COMPRESSED, AUTH_CLIENT_SECRET: 'vu-s3cret-bbbb' });
    const err = (await vu.tenantLoad(data).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      /^test aborted: cannot unseal the setup token for tenant tenant-\d\d with client 'tenant-load': this VU's client secret differs from the one setup\(\) used \(AUTH_CLIENT_SECRET or TENANTS_FILE must be the same for setup and every VU\/instance\), or the setup data was altered \[ERR_SETUP_TOKEN_SEAL\]$/,
    );
    expect(err.message).not.toMatch(/s3cret/);
    expect(fakeK6.requests).toEqual([]);
  });

  it('refuses the sealed tokens of another run, even under the same client secret', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const s = agentScenario();
    const first = await s.setup();
    const second = await s.setup();
    await expect(s.tenantLoad({ ...first, sealed: second.sealed })).rejects.toThrow(/^test aborted: cannot unseal the setup token for tenant tenant-\d\d with client 'tenant-load'/);
  });

  it('with per-tenant clients (TENANTS_FILE) seals one group per client, each under its own secret', async () => {
    const tenants = Array.from({ length: 10 }, (_, i) => ({ id: `org-${i}`, clientId: `org-${i}-load`, clientSecret: `secret-${i}-${'x'.repeat(20)}` }));
    const files: Record<string, string> = { '/t.json': JSON.stringify(tenants) };
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const make = (file: string) => createLoadScenario({ bundle: 'b', backend: 'none', env: { ...COMPRESSED, TENANTS: '', TENANTS_FILE: file }, readFile: (p) => files[p]!, injector: () => ({ backend: 'none', inject: async () => ({ backend: 'none', witnessed: false, detail: '' }) }), random: seeded(3) });
    const s = make('/t.json');
    const data = await s.setup();
    expect(data.sealed).toHaveLength(10);
    expect(data.tenants.map((t) => t.sealedIn)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const t of tenants) expect(JSON.stringify(data)).not.toContain(t.clientSecret);
    for (let i = 0; i < 100; i++) await s.tenantLoad(data);
    expect(fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api').every((r) => r.params.headers?.Authorization?.startsWith(`Bearer tok-${r.params.headers['X-StellaOps-Tenant']}-load-`))).toBe(true);
    // One tenant's group pointed at another's: opened under the wrong client's key, refused.
    const swapped = { ...data, tenants: data.tenants.map((t) => ({ ...t, sealedIn: ((t.sealedIn as number) + 1) % 10 })) };
    await expect(make('/t.json').tenantLoad(swapped)).rejects.toThrow(/^test aborted: cannot unseal the setup token for tenant org-\d with client 'org-\d-load'/);
  });

  it.each<[string, (d: SetupData) => void]>([
    ['a group index that does not exist', (d) => { for (const t of d.tenants) t.sealedIn = 3; }],
    ['another run id', (d) => { d.runId = `${d.runId}x`; }],
    // A character in the middle of the ciphertext: all its 6 bits count (the last one may be padding).
    ['a flipped ciphertext character', (d) => { d.sealed = d.sealed.map((x) => flipAt(x, 24)); }],
    ['another salt', (d) => { d.seal.salt = 'AAAAAAAAAAAAAAAAAAAAAA'; }],
    ['a malformed sealed token', (d) => { d.sealed = ['not-sealed']; }],
  ])('refuses setup data with %s', async (_name, tamper) => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const s = agentScenario();
    const data = await s.setup();
    tamper(data);
    await expect(s.tenantLoad(data)).rejects.toThrow(/^test aborted: .*\[ERR_SETUP_TOKEN_SEAL\]$/);
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
    const data = { runId: 'r', startedAtMs: Date.now() - 40_000, seal: newSealParams(), sealed: [], tenants: [] };
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

  const xk6Scenario = () =>
    createLoadScenario({ bundle: 'tenant-load', backend: 'xk6-disruptor', env: COMPRESSED, readFile: () => '', injector: (cfg) => xk6DisruptorInjector({ service: cfg.chaos.service, namespace: cfg.chaos.namespace }) });
  const degradedIn = (platform: ReturnType<typeof fakePlatform>, data: { startedAtMs: number }, n: number) => {
    platform.state.auditEvents = Array.from({ length: n }, (_, i) => ({ time: new Date(data.startedAtMs + 15_000).toISOString(), action: 'auth.degraded', tenant: `tenant-0${i + 1}` }));
  };

  it.each<[string, string | null, number, number | undefined]>([
    ['a single-instance run adds nothing: the chaos scenario itself witnessed the fault', null, 3, undefined],
    ['Operator runner 1 (segment 0:1/4) adds nothing: it ran jwks_chaos', '0:1/4', 3, undefined],
    ['Operator runner 2 (segment 1/4:2/4) is witnessed by the platform audit events', '1/4:2/4', 3, 1],
    ['Operator runner 3 without any auth.degraded event records no witness and fails', '1/2:3/4', 0, 0],
  ])('with xk6-disruptor: %s', async (_name, segment, events, witness) => {
    const platform = fakePlatform();
    const data = { runId: 'r', startedAtMs: Date.now() - 40_000, seal: newSealParams(), sealed: [], tenants: [] };
    degradedIn(platform, data, events);
    fakeK6.handler = platform.handler;
    fakeK6.exec.executionSegment = segment;
    await xk6Scenario().teardown(data);
    const samples = fakeK6.select('chaos_fault_witness', { source: 'platform-audit' });
    expect(samples.length === 0 ? undefined : samples[0]?.value).toBe(witness);
  });

  it('is read-only and does nothing with CHAOS=off', async () => {
    fakeK6.handler = fakePlatform().handler;
    await agentScenario({ ...COMPRESSED, CHAOS: 'off' }).teardown({ runId: 'r', startedAtMs: 0, seal: newSealParams(), sealed: [], tenants: [] });
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

describe('outage shapes at init', () => {
  it.each(['blackhole', 'reset'])('tenant-load.js (xk6-disruptor) refuses CHAOS_FAULT=%s at init, saying why and which bundle can', (shape) => {
    const make = () => createLoadScenario({ bundle: 'tenant-load', backend: 'xk6-disruptor', env: { ...COMPRESSED, CHAOS_FAULT: shape }, readFile: () => '', injector: (cfg) => xk6DisruptorInjector({ service: cfg.chaos.service, namespace: cfg.chaos.namespace }) });
    expect(make).toThrow(/CHAOS_FAULT: '(blackhole|reset)' needs the fault agent: xk6-disruptor.*dist\/tenant-load-agent\.js/);
    expect(fakeK6.disruptor.constructed).toEqual([]);
  });

  it('tenant-load.js accepts the shapes xk6-disruptor can inject and injects the delay as averageDelay', async () => {
    fakeK6.disruptor.behaviour = () => undefined;
    const s = createLoadScenario({ bundle: 'tenant-load', backend: 'xk6-disruptor', env: { ...COMPRESSED, CHAOS_FAULT: 'delay', CHAOS_DELAY: '4s' }, readFile: () => '', injector: (cfg) => xk6DisruptorInjector({ service: cfg.chaos.service, namespace: cfg.chaos.namespace }) });
    await s.jwksChaos();
    expect(fakeK6.disruptor.injected[0]?.fault).toEqual({ averageDelay: '4s', port: 80 });
  });

  it('the agent bundle accepts CHAOS_FAULT=blackhole', () => {
    expect(() => agentScenario({ ...COMPRESSED, CHAOS_FAULT: 'blackhole' })).not.toThrow();
  });
});

describe('CHAOS_ROTATE=on', () => {
  it('adds the jwks_rotate scenario at the outage midpoint and its three evidence thresholds', () => {
    const s = agentScenario({ ...COMPRESSED, CHAOS_ROTATE: 'on' });
    expect(s.options.scenarios?.jwks_rotate).toMatchObject({ executor: 'shared-iterations', exec: 'jwksRotate', vus: 1, iterations: 1, startTime: '17500ms' });
    expect(Object.keys(s.options.thresholds ?? {})).toEqual(expect.arrayContaining(['chaos_key_rotations', 'chaos_new_kid_rejected{phase:chaos}', 'chaos_new_kid_accepted']));
    const off = agentScenario(COMPRESSED);
    expect(off.options.scenarios?.jwks_rotate).toBeUndefined();
    expect(Object.keys(off.options.thresholds ?? {})).not.toContain('chaos_new_kid_accepted');
  });

  it('keeps the token and rotation endpoints out of the injected fault', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    await agentScenario({ ...COMPRESSED, CHAOS_ROTATE: 'on' }).jwksChaos();
    const post = fakeK6.requests.find((r) => r.url.endsWith('/v1/faults/http'));
    expect(JSON.parse(String(post?.body)).fault).toMatchObject({ errorRate: 1, exclude: '/connect/token,/admin/keys/rotate' });
  });
});
