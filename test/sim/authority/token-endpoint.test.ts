/** The Authority issues tokens only for tenants the platform serves (issue 15, finding 2). */
import { describe, expect, it } from 'vitest';
import { decideTokenRequest } from '../../../sim/authority/token-endpoint';
import { OAuthError } from '../../../sim/authority/oauth-error';
import { TenantRegistry } from '../../../sim/tenants';

const SECRET = 's3cret';
const registry = new TenantRegistry(20);
const form = (f: Record<string, string>) => ({ contentType: 'application/x-www-form-urlencoded', authorization: undefined, body: new URLSearchParams(f).toString() });

describe('unknown tenants at the Authority', () => {
  it.each([
    ['the multi-tenant client naming tenant-99', { grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-99' }, 'invalid_request'],
    ['the multi-tenant client naming tenant-020 (not the registry spelling)', { grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-020' }, 'invalid_request'],
    ['a per-tenant client of tenant-99', { grant_type: 'client_credentials', client_id: 'tenant-99-load', client_secret: SECRET }, 'invalid_client'],
    ['a per-tenant client naming another unknown tenant', { grant_type: 'client_credentials', client_id: 'tenant-01-load', client_secret: SECRET, tenant: 'tenant-99' }, 'invalid_request'],
  ])('refuses %s', (_name, f, code) => {
    let caught: unknown;
    try {
      decideTokenRequest(form(f), registry, SECRET);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OAuthError);
    expect((caught as OAuthError).code).toBe(code);
  });

  it('issues for a registered tenant', () => {
    expect(decideTokenRequest(form({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-20' }), registry, SECRET).tenant).toBe('tenant-20');
  });
});
