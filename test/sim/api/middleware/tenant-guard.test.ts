/**
 * The tenant guard refuses a token for a tenant the platform does not serve, even when its
 * signature is valid (issue 15, finding 2: a `tenant-99` token was accepted and its data created).
 */
import { describe, expect, it } from 'vitest';
import { signAccessToken } from '../../../../sim/authority/token-endpoint';
import { call, startTestSim } from '../../helpers/sim-fixture';

describe('unknown tenants', () => {
  it.each(['tenant-99', 'tenant-00', 'acme'])('refuses a validly signed token for %s with 403 unknown_tenant and creates no data', async (tenant) => {
    const sim = await startTestSim({ tenants: 20 });
    try {
      const { token } = await signAccessToken(
        { clientId: 'tenant-load', tenant, scopes: ['policy:read', 'policy:write'] },
        { key: sim.keys.signing, issuer: sim.issuer, nowMs: sim.clock.now(), lifetimeMs: 600_000 },
      );
      const write = await call(sim, 'PUT', '/api/policy/policies/pol-x', { token, tenant, body: { name: 'x', rules: [{ effect: 'allow', condition: 'true' }] } });
      expect(write.status).toBe(403);
      expect(write.body).toMatchObject({ error: 'unknown_tenant' });
      const read = await call(sim, 'GET', '/api/policy/policies', { token, tenant });
      expect(read.status).toBe(403);
      expect(sim.audit.query({ action: 'data.write', limit: 100 }).events).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
