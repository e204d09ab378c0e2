/**
 * Limits: per-tenant rate limit (429 + Retry-After + metric), tenant label cardinality cap
 * (__overflow__ + overflow counter), store caps with eviction, the Notify queue drain.
 */
import { describe, expect, it } from 'vitest';
import { NotifyQueues, QUEUE_CAP } from '../../sim/api/notify-queue';
import { RateLimiter } from '../../sim/api/rate-limiter';
import { MAX_POLICIES, TenantStore } from '../../sim/api/store/tenant-store';
import { SEED_POLICIES } from '../../sim/api/store/seed';
import { OVERFLOW_TENANT, TenantLabeler } from '../../sim/metrics/tenant-label';
import { FakeClock } from './helpers/fake-clock';
import { call, getToken, metricValue, startTestSim } from './helpers/sim-fixture';

describe('rate limit', () => {
  it('refuses past the burst with 429, Retry-After and tenant_rate_limit_hits_total, per tenant only', async () => {
    const clock = new FakeClock();
    const sim = await startTestSim({ clock, rateLimit: 2, rateBurst: 3 });
    try {
      const a = await getToken(sim, 'tenant-01');
      const b = await getToken(sim, 'tenant-02');
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(sim, 'GET', '/api/vuln/findings', { token: a, tenant: 'tenant-01' })).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      const limited = await call(sim, 'GET', '/api/vuln/findings', { token: a, tenant: 'tenant-01' });
      expect(limited.body).toMatchObject({ error: 'rate_limited', retryAfter: 1 });
      expect(limited.headers.get('retry-after')).toBe('1');
      expect((await call(sim, 'GET', '/api/vuln/findings', { token: b, tenant: 'tenant-02' })).status).toBe(200);
      expect(await metricValue(sim, 'tenant_rate_limit_hits_total', { tenant: 'tenant-01', service: 'vuln' })).toBe(3);
      await clock.advance(500); // 2 req/s → one token back
      expect((await call(sim, 'GET', '/api/vuln/findings', { token: a, tenant: 'tenant-01' })).status).toBe(200);
      expect((await call(sim, 'GET', '/api/vuln/findings', { token: a, tenant: 'tenant-01' })).status).toBe(429);
    } finally {
      await sim.close();
    }
  });

  it.each([
    [1, 1],
    [0.5, 2],
    [0.1, 10],
  ])('at %s req/s with an empty bucket, Retry-After is %s s', (rate, expected) => {
    const l = new RateLimiter(rate, 1);
    expect(l.take('t', 0).ok).toBe(true);
    expect(l.take('t', 0)).toEqual({ ok: false, retryAfterS: expected });
  });

  it('the defaults admit 5,000 requests in one second on a single tenant', () => {
    const l = new RateLimiter(5000, 10_000);
    let ok = 0;
    for (let i = 0; i < 5000; i++) if (l.take('t', i / 5).ok) ok++;
    expect(ok).toBe(5000);
  });
});

describe('tenant label cardinality cap', () => {
  it('keeps the first N tenants and folds the rest into __overflow__, counting each fold', async () => {
    const sim = await startTestSim({ tenants: 5, tenantLabelCap: 3 });
    try {
      for (const t of ['tenant-1', 'tenant-2', 'tenant-3', 'tenant-4', 'tenant-5'].map((x) => x.replace('-', '-0'))) {
        const token = await getToken(sim, t);
        await call(sim, 'GET', '/api/notify/channels', { token, tenant: t });
      }
      const text = await sim.metrics.registry.metrics();
      const tenants = new Set([...text.matchAll(/tenant_requests_total\{tenant="([^"]+)"/g)].map((m) => m[1]));
      expect([...tenants].sort()).toEqual([OVERFLOW_TENANT, 'tenant-01', 'tenant-02', 'tenant-03']);
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: OVERFLOW_TENANT })).toBe(2);
      expect(await metricValue(sim, 'tenant_label_overflow_total')).toBeGreaterThanOrEqual(2);
    } finally {
      await sim.close();
    }
  });

  it('labels a tenant the registry does not know as __unknown__, never with the header value', async () => {
    const sim = await startTestSim({ tenants: 2 });
    try {
      const token = await getToken(sim, 'tenant-01');
      await call(sim, 'GET', '/api/notify/channels', { token, tenant: 'random-attacker-value' });
      const text = await sim.metrics.registry.metrics();
      expect(text).not.toContain('random-attacker-value');
      expect(text).toContain('tenant="__unknown__"');
    } finally {
      await sim.close();
    }
  });

  it('TenantLabeler admits exactly cap tenants for the life of the process', () => {
    let folded = 0;
    const l = new TenantLabeler(2, () => folded++);
    expect(['a', 'b', 'c', 'a', 'd', 'b'].map((t) => l.label(t))).toEqual(['a', 'b', OVERFLOW_TENANT, 'a', OVERFLOW_TENANT, 'b']);
    expect(folded).toBe(2);
  });
});

describe('store caps', () => {
  it('evicts the oldest client-created policy, never a seeded one, past MAX_POLICIES', () => {
    const data = new TenantStore().forTenant('tenant-01');
    const mk = (id: string) => ({ id, name: id, description: '', rules: [], version: 1, updatedAt: '' });
    let evicted: string[] = [];
    for (let i = 0; i < MAX_POLICIES - SEED_POLICIES + 2; i++) {
      const e = data.policies.put(mk(`c-${i}`), MAX_POLICIES);
      if (e) evicted.push(e);
    }
    expect(evicted).toEqual(['c-0', 'c-1']);
    expect(data.policies.size).toBe(MAX_POLICIES);
    expect(data.policies.get('pol-001')).toBeDefined();
    evicted = [];
    expect(data.policies.put(mk('c-5'), MAX_POLICIES)).toBeNull(); // replacing never evicts
  });
});

describe('store caps through the API', () => {
  it('evicts the oldest client-created policy at the cap, counts it, and keeps seeded ones', async () => {
    const sim = await startTestSim({ tenants: 1 });
    try {
      const token = await getToken(sim, 'tenant-01');
      const put = (id: string) => call(sim, 'PUT', `/api/policy/policies/${id}`, { token, tenant: 'tenant-01', body: { name: id, rules: [{ effect: 'allow', condition: 'c' }] } });
      const room = MAX_POLICIES - SEED_POLICIES;
      for (let i = 0; i <= room; i++) expect((await put(`c-${i}`)).status).toBe(201);
      expect(await metricValue(sim, 'tenant_store_evictions_total', { tenant: 'tenant-01', service: 'policy' })).toBe(1);
      expect((await call(sim, 'GET', '/api/policy/policies/c-0', { token, tenant: 'tenant-01' })).status).toBe(404);
      expect((await call(sim, 'GET', '/api/policy/policies/c-1', { token, tenant: 'tenant-01' })).status).toBe(200);
      expect((await call(sim, 'GET', '/api/policy/policies/pol-001', { token, tenant: 'tenant-01' })).status).toBe(200);
      expect(await metricValue(sim, 'tenant_data_volume_bytes_total', { tenant: 'tenant-01', service: 'policy', direction: 'in' })).toBeGreaterThan(room * 40);
      expect(await metricValue(sim, 'tenant_data_volume_bytes_total', { tenant: 'tenant-01', service: 'policy', direction: 'out' })).toBeGreaterThan(room * 80);
    } finally {
      await sim.close();
    }
  });
});

describe('Notify delivery queue', () => {
  it('drains drainRate deliveries per second per tenant on the clock', async () => {
    const clock = new FakeClock();
    const q = new NotifyQueues(clock, 4, () => {});
    for (let i = 0; i < 10; i++) q.enqueue('t1');
    q.enqueue('t2');
    await clock.advance(1000);
    expect(q.depthOf('t1')).toBe(6);
    expect(q.depthOf('t2')).toBe(0);
    await clock.advance(1500);
    expect(q.depthOf('t1')).toBe(0);
    q.stop();
  });

  it('drops and reports deliveries past QUEUE_CAP', () => {
    const clock = new FakeClock();
    const dropped: string[] = [];
    const q = new NotifyQueues(clock, 0, (t) => dropped.push(t));
    for (let i = 0; i < QUEUE_CAP + 3; i++) q.enqueue('t1');
    expect(q.depthOf('t1')).toBe(QUEUE_CAP);
    expect(dropped).toHaveLength(3);
    q.stop();
  });
});
