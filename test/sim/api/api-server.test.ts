/**
 * Unauthenticated traffic cannot take tenant label slots nor write audit events per made-up
 * tenant (issue 15, finding 6): the tenant label is taken only after authentication, and requests
 * without a valid token are labelled and audited under one fixed value, aggregated.
 */
import { describe, expect, it } from 'vitest';
import { DENIED_BURST } from '../../../sim/audit/auth-audit';
import { UNAUTHENTICATED_TENANT } from '../../../sim/api/api-server';
import { OVERFLOW_TENANT } from '../../../sim/metrics/tenant-label';
import { FakeClock } from '../helpers/fake-clock';
import { call, getToken, metricValue, startTestSim } from '../helpers/sim-fixture';

describe('unauthenticated traffic', () => {
  it('requests without a token naming registered tenants take no label slot: a real tenant keeps its own label', async () => {
    const sim = await startTestSim({ tenants: 10, tenantLabelCap: 3 });
    try {
      for (let i = 2; i <= 10; i++) {
        const tenant = `tenant-${String(i).padStart(2, '0')}`;
        expect((await call(sim, 'GET', '/api/vuln/findings', { tenant })).status).toBe(401);
        expect((await call(sim, 'GET', '/api/vuln/findings', { tenant, token: 'not-a-jwt' })).status).toBe(401);
      }
      const token = await getToken(sim, 'tenant-01');
      expect((await call(sim, 'GET', '/api/vuln/findings', { token, tenant: 'tenant-01' })).status).toBe(200);
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: 'tenant-01', status: '200' })).toBe(1);
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: UNAUTHENTICATED_TENANT, status: '401' })).toBe(18);
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: OVERFLOW_TENANT })).toBeNaN();
      expect(sim.metrics.tenants.size).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('a 401 naming a registered tenant that already holds a label (it authenticated before) is counted under that tenant, admitting no new label', async () => {
    const sim = await startTestSim({ tenants: 10, tenantLabelCap: 3 });
    try {
      const token = await getToken(sim, 'tenant-01');
      expect((await call(sim, 'GET', '/api/vuln/findings', { token, tenant: 'tenant-01' })).status).toBe(200);
      expect((await call(sim, 'GET', '/api/vuln/findings', { tenant: 'tenant-01', token: 'not-a-jwt' })).status).toBe(401);
      expect((await call(sim, 'GET', '/api/vuln/findings', { tenant: 'tenant-02', token: 'not-a-jwt' })).status).toBe(401);
      expect((await call(sim, 'GET', '/api/vuln/findings', { tenant: 'spoofed-1', token: 'not-a-jwt' })).status).toBe(401);
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: 'tenant-01', status: '401' })).toBe(1);
      expect(await metricValue(sim, 'tenant_requests_total', { tenant: UNAUTHENTICATED_TENANT, status: '401' })).toBe(2);
      expect(sim.metrics.tenants.size).toBe(1);
      const denied = sim.audit.query({ action: 'auth.denied', limit: 100 }).events;
      expect(new Set(denied.map((e) => e.tenant))).toEqual(new Set([UNAUTHENTICATED_TENANT]));
    } finally {
      await sim.close();
    }
  });

  it('300 requests without a token for 300 made-up tenants write at most DENIED_BURST events, then one aggregated count, all under the fixed tenant', async () => {
    const clock = new FakeClock();
    const sim = await startTestSim({ clock, tenants: 20, degradedAuditIntervalMs: 10_000 });
    try {
      for (let i = 0; i < 300; i++) await call(sim, 'GET', '/api/vuln/findings', { tenant: `spoofed-${i}` });
      await clock.advance(10_000);
      const denied = sim.audit.query({ action: 'auth.denied', limit: 10_000 }).events;
      expect(new Set(denied.map((e) => e.tenant))).toEqual(new Set([UNAUTHENTICATED_TENANT]));
      expect(denied.filter((e) => e.count === undefined)).toHaveLength(DENIED_BURST);
      expect(denied.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(300);
      const text = await sim.metrics.registry.metrics();
      expect(text).not.toContain('spoofed-');
    } finally {
      await sim.close();
    }
  });
});
