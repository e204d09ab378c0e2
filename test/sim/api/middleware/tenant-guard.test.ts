/**
 * The tenant guard refuses a token for a tenant the platform does not serve, even when its
 * signature is valid (issue 15, finding 2: a `tenant-99` token was accepted and its data created).
 */
import { describe, expect, it } from 'vitest';
import { signAccessToken } from '../../../../sim/authority/token-endpoint';
import { call, startTestSim } from '../../helpers/sim-fixture';
import { readdirSync, readFileSync } from 'node:fs';
import { tenantData } from '../../../../sim/api/middleware/tenant-guard';
import { TenantStore } from '../../../../sim/api/store/tenant-store';
import type { Principal } from '../../../../sim/auth/token-verifier';
import { InsufficientScopeError, TenantMismatchError } from '../../../../sim/errors';
import { TenantRegistry } from '../../../../sim/tenants';

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

describe('tenantData (the tenant guard)', () => {
  const principal = (tenant: string, scopes: string[]): Principal => ({ subject: 's', clientId: 's', tenant, scopes: new Set(scopes), expMs: 0, kid: 'k' });
  it('returns the data of the token tenant when header and scope match', () => {
    const store = new TenantStore();
    const data = tenantData(principal('tenant-01', ['policy:read']), 'tenant-01', 'policy:read', store, new TenantRegistry(2));
    expect(data).toBe(store.forTenant('tenant-01'));
  });
  it('refuses a header tenant other than the token tenant without touching the store', () => {
    const store = new TenantStore();
    let touched = false;
    store.forTenant = () => {
      touched = true;
      throw new Error('must not be called');
    };
    expect(() => tenantData(principal('tenant-01', ['policy:read']), 'tenant-02', 'policy:read', store, new TenantRegistry(2))).toThrow(TenantMismatchError);
    expect(() => tenantData(principal('tenant-01', ['vuln:read']), 'tenant-01', 'policy:read', store, new TenantRegistry(2))).toThrow(InsufficientScopeError);
    expect(touched).toBe(false);
  });
});

describe('tenant isolation has one enforcement point', () => {
  it('no route module reaches the store directly: handlers only get ctx.data from the tenant guard', () => {
    const dir = new URL('../../../../sim/api/routes/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      expect(text, f).not.toMatch(/TenantStore|forTenant\(/);
    }
    const callers = ['api-server.ts', 'middleware/tenant-guard.ts'].map((f) => readFileSync(new URL(`../../../../sim/api/${f}`, import.meta.url), 'utf8'));
    expect(callers[0]).not.toMatch(/forTenant\(/);
    expect(callers[1]).toMatch(/store\.forTenant\(principal\.tenant\)/);
  });
});
