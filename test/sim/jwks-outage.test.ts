/**
 * The JWKS outage story under a fake clock (docs/architecture.md#platform, issue #3 item 5): the API fetches its
 * JWKS through the embedded fault agent, so a 5-minute `errorRate: 1` fault is a JWKS outage.
 * Inside the TTL requests keep succeeding on last-known-good keys (degraded metric, bounded
 * auth.degraded audit); past the TTL they fail closed with 401 jwks_unavailable; when the fault
 * ends the next refresh recovers (auth.recovered) and requests succeed again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { signAccessToken } from '../../sim/authority/token-endpoint';
import type { Sim } from '../../sim/index';
import { FakeClock } from './helpers/fake-clock';
import { ADMIN, call, getToken, metricValue, startTestSim } from './helpers/sim-fixture';

const S = 1000;
let sim: Sim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function injectOutage(s: Sim, duration: string): Promise<void> {
  const res = await fetch(`${s.agentControl}/v1/faults/http`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ fault: { errorRate: 1, errorCode: 503, errorBody: 'jwks down' }, duration }),
  });
  expect(res.status).toBe(201);
}

async function tick(clock: FakeClock, s: Sim, ms: number): Promise<void> {
  await clock.advance(ms);
  await s.jwks.settled();
}

const events = (s: Sim, action: string, tenant?: string) => s.audit.query({ action, ...(tenant ? { tenant } : {}), limit: 1000 }).events;

describe('JWKS outage with a fake clock', () => {
  it('serves on last-known-good keys inside the TTL, fails closed past it, and recovers when the JWKS returns', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 30 * S, jwksTtlMs: 180 * S, jwksRefetchCooldownMs: 10 * S, degradedAuditIntervalMs: 10 * S });
    const t1 = await getToken(sim, 'tenant-01');
    const t2 = await getToken(sim, 'tenant-02');
    expect((await call(sim, 'GET', '/api/vuln/findings', { token: t1, tenant: 'tenant-01' })).status).toBe(200);
    expect(await metricValue(sim, 'auth_jwks_degraded')).toBe(0);

    await injectOutage(sim, '5m');
    await tick(clock, sim, 30 * S); // first failed refresh
    expect(sim.jwks.degraded).toBe(true);
    expect(await metricValue(sim, 'auth_jwks_degraded')).toBe(1);
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { outcome: 'failure', trigger: 'interval' })).toBe(1);

    // Inside the TTL: every request still succeeds, on cached keys (t2 even needs a full verify).
    for (let i = 0; i < 25; i++) {
      expect((await call(sim, 'GET', '/api/vuln/findings', { token: t1, tenant: 'tenant-01' })).status).toBe(200);
    }
    expect((await call(sim, 'GET', '/api/notify/channels', { token: t2, tenant: 'tenant-02' })).status).toBe(200);
    expect(await metricValue(sim, 'auth_jwks_stale_serves_total')).toBe(26);
    expect(events(sim, 'auth.degraded')).toHaveLength(0); // aggregated until the interval ends

    await tick(clock, sim, 10 * S);
    const firstWindow = events(sim, 'auth.degraded');
    expect(firstWindow.map((e) => [e.tenant, e.count]).sort()).toEqual([
      ['tenant-01', 25],
      ['tenant-02', 1],
    ]);

    // Bounded volume: 40 more requests in the next window → exactly one more event for tenant-01.
    for (let i = 0; i < 40; i++) await call(sim, 'GET', '/api/vuln/findings', { token: t1, tenant: 'tenant-01' });
    await tick(clock, sim, 10 * S);
    const t1Events = events(sim, 'auth.degraded', 'tenant-01');
    expect(t1Events.map((e) => e.count)).toEqual([25, 40]);
    expect(t1Events[0]).toMatchObject({ subject: 'jwks-cache', resource: 'jwks', result: 'allowed', action: 'auth.degraded' });

    // Past the TTL (180 s after the last success): keys dropped, fail closed.
    await tick(clock, sim, 135 * S);
    const denied = await call(sim, 'GET', '/api/vuln/findings', { token: t1, tenant: 'tenant-01' });
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ error: 'invalid_token', reason: 'jwks_unavailable' });
    expect(await metricValue(sim, 'auth_jwks_keys')).toBe(0);
    expect(await metricValue(sim, 'auth_token_validation_failures_total', { reason: 'jwks_unavailable' })).toBe(1);
    expect(events(sim, 'auth.recovered')).toHaveLength(0);

    // The fault ends by itself at 5 m; the next refresh succeeds and the platform recovers.
    await tick(clock, sim, 120 * S);
    const faults = (await (await fetch(`${sim.agentControl}/v1/faults`)).json()) as { active: unknown; recent: Array<{ endedAt: string | null; faulted: number }> };
    expect(faults.active).toBeNull();
    expect(faults.recent[0]?.endedAt).not.toBeNull();
    expect(faults.recent[0]?.faulted).toBeGreaterThanOrEqual(9);
    expect(sim.jwks.degraded).toBe(false);
    expect(await metricValue(sim, 'auth_jwks_degraded')).toBe(0);
    const recovered = events(sim, 'auth.recovered');
    expect(recovered.map((e) => e.tenant).sort()).toEqual(['tenant-01', 'tenant-02']);
    expect((await call(sim, 'GET', '/api/vuln/findings', { token: t1, tenant: 'tenant-01' })).status).toBe(200);
    // Recovered events come after every degraded event.
    const all = sim.audit.query({ limit: 1000 }).events.map((e) => e.action);
    expect(all.lastIndexOf('auth.degraded')).toBeLessThan(all.indexOf('auth.recovered'));
  });

  it('recovers one refetch after the JWKS returns, without waiting for the refresh interval and without holding a request', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 600 * S, jwksTtlMs: 900 * S, jwksRefetchCooldownMs: 10 * S });
    const t1 = await getToken(sim, 'tenant-01');
    await injectOutage(sim, '1h');
    await tick(clock, sim, 600 * S); // refresh fails: degraded
    await tick(clock, sim, 301 * S); // past the TTL, next interval still 299 s away
    const denied = await call(sim, 'GET', '/api/policy/policies', { token: t1, tenant: 'tenant-01' });
    expect(denied.body.reason).toBe('jwks_unavailable');
    await sim.jwks.settled(); // the fetch it started runs in the background
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'no_keys', outcome: 'failure' })).toBe(1);
    // Within the cooldown no request triggers another fetch.
    await call(sim, 'GET', '/api/policy/policies', { token: t1, tenant: 'tenant-01' });
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'no_keys' })).toBe(1);
    await fetch(`${sim.agentControl}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    await clock.advance(10 * S);
    // The first request fails closed at once and starts the refetch; once it is back, requests pass.
    expect((await call(sim, 'GET', '/api/policy/policies', { token: t1, tenant: 'tenant-01' })).body.reason).toBe('jwks_unavailable');
    await sim.jwks.settled();
    expect((await call(sim, 'GET', '/api/policy/policies', { token: t1, tenant: 'tenant-01' })).status).toBe(200);
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'no_keys', outcome: 'success' })).toBe(1);
    expect(events(sim, 'auth.recovered')).toHaveLength(1);
  });

  it('refuses a token of a key rotated in during the outage as unknown_kid while serving the old tokens', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 30 * S, jwksRefetchCooldownMs: 10 * S });
    const old = await getToken(sim, 'tenant-01');
    await injectOutage(sim, '5m');
    await tick(clock, sim, 30 * S);
    await sim.keys.rotate();
    const fresh = await getToken(sim, 'tenant-01'); // issued directly by the Authority, signed with the new key
    const res = await call(sim, 'GET', '/api/policy/policies', { token: fresh, tenant: 'tenant-01' });
    expect(res.body.reason).toBe('unknown_kid');
    await sim.jwks.settled();
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid', outcome: 'failure' })).toBe(1);
    expect((await call(sim, 'GET', '/api/policy/policies', { token: old, tenant: 'tenant-01' })).status).toBe(200);
  });

  it("keeps last-known-good keys forever with --jwks-ttl never (the negative end-to-end setting)", async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 30 * S, jwksTtlMs: Infinity });
    const t1 = await getToken(sim, 'tenant-01');
    await injectOutage(sim, '2h');
    await tick(clock, sim, 3600 * S);
    expect(sim.jwks.degraded).toBe(true);
    expect((await call(sim, 'GET', '/api/policy/policies', { token: t1, tenant: 'tenant-01' })).status).toBe(200);
  });

  it('refetches the JWKS on an unknown kid (no other refetch within the gap), and accepts tokens of a rotated key', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 600 * S, jwksRefetchCooldownMs: 10 * S });
    const before = await getToken(sim, 'tenant-01');
    const rotated = await fetch(`${sim.authority}/admin/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(rotated.status).toBe(200);
    const after = await getToken(sim, 'tenant-01');
    // New kid: one refetch, then success; the old key is still published (grace) and still verifies.
    expect((await call(sim, 'GET', '/api/policy/policies', { token: after, tenant: 'tenant-01' })).status).toBe(200);
    expect((await call(sim, 'GET', '/api/policy/policies', { token: before, tenant: 'tenant-01' })).status).toBe(200);
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid' })).toBe(1);

    // Unknown kids within the cooldown do not refetch again.
    await sim.keys.rotate();
    const third = await getToken(sim, 'tenant-01');
    const res = await call(sim, 'GET', '/api/policy/policies', { token: third, tenant: 'tenant-01' });
    expect(res.body.reason).toBe('unknown_kid');
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid' })).toBe(1);
    await clock.advance(10 * S);
    expect((await call(sim, 'GET', '/api/policy/policies', { token: third, tenant: 'tenant-01' })).status).toBe(200);
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid' })).toBe(2);
    expect(await metricValue(sim, 'auth_jwks_cache_misses_total')).toBe(3); // new kid, third within cooldown, third after
  });

  it('stops accepting cached tokens of a key once the key leaves the JWKS after its grace period', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 30 * S, keyGraceMs: 60 * S, tokenLifetimeMs: 50 * S, clockSkewMs: 5 * S });
    // Longer-lived than the platform issues (the start-up check keeps issued tokens inside the
    // grace): only the kid guard of the verified-token cache can refuse it.
    const { token: old } = await signAccessToken({ clientId: 'tenant-load', tenant: 'tenant-01', scopes: ['policy:read'] }, { key: sim.keys.signing, issuer: sim.issuer, nowMs: clock.now(), lifetimeMs: 3600 * S });
    expect((await call(sim, 'GET', '/api/policy/policies', { token: old, tenant: 'tenant-01' })).status).toBe(200);
    await sim.keys.rotate();
    await tick(clock, sim, 30 * S);
    expect((await call(sim, 'GET', '/api/policy/policies', { token: old, tenant: 'tenant-01' })).status).toBe(200);
    await tick(clock, sim, 60 * S); // grace over and a refresh since
    const res = await call(sim, 'GET', '/api/policy/policies', { token: old, tenant: 'tenant-01' });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('unknown_kid');
  });

  it('treats a JWKS fetch slower than --jwks-fetch-timeout as a failed refresh (a latency fault is an outage too)', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksFetchTimeoutMs: 100 });
    const res = await fetch(`${sim.agentControl}/v1/faults/http`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { averageDelay: '10s' }, duration: '1m' }),
    });
    expect(res.status).toBe(201);
    // The agent holds the fetch on the fake clock; the 100 ms fetch timeout is real time.
    expect(await sim.jwks.refresh('interval')).toBe(false);
    expect(sim.jwks.degraded).toBe(true);
    expect(sim.jwks.error).toMatch(/abort|timeout/i);
    await clock.advance(10_000); // release the held request before closing
  });

  it('answers /readyz 503 until the first JWKS fetch succeeds, and /healthz 200 always', async () => {
    let fail = true;
    sim = await startTestSim({
      fetchJwks: async (url) => {
        if (fail) throw new Error('connection refused');
        return (await fetch(url)).json();
      },
    });
    expect(sim.jwksLoaded).toBe(false);
    const r1 = await call(sim, 'GET', '/readyz');
    expect(r1.status).toBe(503);
    expect(r1.body).toMatchObject({ status: 'not_ready' });
    expect(r1.body.reason).toContain('connection refused');
    expect((await call(sim, 'GET', '/healthz')).body).toEqual({ status: 'ok' });
    fail = false;
    await sim.jwks.refresh('interval');
    expect((await call(sim, 'GET', '/readyz')).status).toBe(200);
  });
});
