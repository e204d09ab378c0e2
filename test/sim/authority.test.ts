/**
 * The Authority: discovery, JWKS (RFC 7517), client_credentials token issuance (RFC 6749 §4.4)
 * and its §5.2 error responses, admin key rotation with a grace period.
 */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { ADMIN, SECRET, startTestSim } from './helpers/sim-fixture';

let sim: Sim;
beforeAll(async () => {
  sim = await startTestSim({ tokenLifetimeMs: 900_000 });
});
afterAll(() => sim.close());

async function token(form: Record<string, string> | string, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.authority}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof form === 'string' ? form : new URLSearchParams(form),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any>, headers: res.headers };
}

const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('discovery and JWKS', () => {
  it('publishes the discovery document with URLs of the configured issuer, also through the agent', async () => {
    const direct = (await (await fetch(`${sim.authority}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(direct).toMatchObject({
      issuer: sim.issuer,
      jwks_uri: `${sim.authority}/jwks`,
      token_endpoint: `${sim.authority}/connect/token`,
      grant_types_supported: ['client_credentials'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    });
    const viaAgent = (await (await fetch(`${sim.authorityViaAgent}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(viaAgent.jwks_uri).toBe(`${sim.issuer}/jwks`);
    expect(viaAgent.issuer).toBe(sim.issuer);
  });

  it('serves an RFC 7517 key set with Cache-Control max-age', async () => {
    const res = await fetch(`${sim.authority}/jwks`);
    expect(res.headers.get('cache-control')).toMatch(/^max-age=\d+$/);
    const body = (await res.json()) as { keys: Array<Record<string, string>> };
    expect(body.keys).toHaveLength(1);
    expect(body.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256', kid: sim.keys.signing.kid, e: 'AQAB' });
    expect(body.keys[0]).not.toHaveProperty('d');
  });
});

describe('POST /connect/token', () => {
  it('issues an RS256 token with the claims of docs/architecture.md#platform to the multi-tenant client', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-07', scope: 'vuln:read notify:read' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'vuln:read notify:read' });
    const header = decodeProtectedHeader(res.body.access_token);
    expect(header).toEqual({ alg: 'RS256', kid: sim.keys.signing.kid, typ: 'JWT' });
    const claims = decodeJwt(res.body.access_token);
    expect(claims).toMatchObject({ iss: sim.issuer, aud: 'stellaops-api', sub: 'tenant-load', client_id: 'tenant-load', scope: 'vuln:read notify:read', 'stellaops:tenant': 'tenant-07' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
    expect(claims.nbf).toBe(claims.iat);
  });

  it('issues a token to a per-tenant client authenticated with HTTP Basic, all scopes by default', async () => {
    const res = await token({ grant_type: 'client_credentials' }, { authorization: basic('tenant-03-load', SECRET) });
    expect(res.status).toBe(200);
    expect(decodeJwt(res.body.access_token)['stellaops:tenant']).toBe('tenant-03');
    expect(res.body.scope).toBe('policy:read policy:write vuln:read vuln:write notify:read notify:write');
  });

  const errorCases: Array<[string, Record<string, string> | string, Record<string, string>, number, string]> = [
    ['a missing grant_type is invalid_request', { client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-01' }, {}, 400, 'invalid_request'],
    ['a wrong secret is invalid_client (401)', { grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: 'nope', tenant: 'tenant-01' }, {}, 401, 'invalid_client'],
    ['an unknown client is invalid_client (401)', { grant_type: 'client_credentials', client_id: 'mallory', client_secret: SECRET }, {}, 401, 'invalid_client'],
    ['no client credentials at all is invalid_client (401)', { grant_type: 'client_credentials' }, {}, 401, 'invalid_client'],
    ['a wrong Basic secret is invalid_client (401)', { grant_type: 'client_credentials' }, { authorization: basic('tenant-01-load', 'bad') }, 401, 'invalid_client'],
    ['the password grant is unsupported_grant_type', { grant_type: 'password', client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-01' }, {}, 400, 'unsupported_grant_type'],
    ['an unknown scope is invalid_scope', { grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-01', scope: 'policy:read admin' }, {}, 400, 'invalid_scope'],
    ['the multi-tenant client without tenant is invalid_request', { grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET }, {}, 400, 'invalid_request'],
    ['an unknown tenant is invalid_request', { grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-99' }, {}, 400, 'invalid_request'],
    ['a per-tenant client asking for another tenant is invalid_request', { grant_type: 'client_credentials', client_id: 'tenant-01-load', client_secret: SECRET, tenant: 'tenant-02' }, {}, 400, 'invalid_request'],
    ['Basic plus client_secret in the body is invalid_request', { grant_type: 'client_credentials', client_secret: SECRET }, { authorization: basic('tenant-01-load', SECRET) }, 400, 'invalid_request'],
    ['a body client_id that differs from the Basic client is invalid_request', { grant_type: 'client_credentials', client_id: 'tenant-02-load' }, { authorization: basic('tenant-01-load', SECRET) }, 400, 'invalid_request'],
    ['a repeated parameter is invalid_request', 'grant_type=client_credentials&grant_type=client_credentials&client_id=tenant-load&client_secret=local-dev-secret&tenant=tenant-01', {}, 400, 'invalid_request'],
    ['a JSON body is invalid_request', '{"grant_type":"client_credentials"}', { 'content-type': 'application/json' }, 400, 'invalid_request'],
  ];

  it.each(errorCases)('answers per RFC 6749 §5.2: %s', async (_name, form, headers, status, error) => {
    const res = await token(form, headers);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(typeof res.body.error_description).toBe('string');
    expect(res.headers.get('cache-control')).toBe('no-store');
    if (status === 401) expect(res.headers.get('www-authenticate')).toMatch(headers.authorization ? /^Basic / : /realm/);
  });

  it('names the unknown tenant in error_description', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET, tenant: 'tenant-99' });
    expect(res.body.error_description).toBe("unknown tenant 'tenant-99'");
  });
});

describe('POST /admin/keys/rotate', () => {
  it('refuses without the admin token', async () => {
    const res = await fetch(`${sim.authority}/admin/keys/rotate`, { method: 'POST', headers: { authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('unauthorized');
  });

  it('makes a new key current and keeps the previous one published', async () => {
    const before = sim.keys.signing.kid;
    const res = await fetch(`${sim.authority}/admin/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { kid: string; previousKid: string };
    expect(body.previousKid).toBe(before);
    expect(body.kid).not.toBe(before);
    const jwks = (await (await fetch(`${sim.authority}/jwks`)).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual([body.kid, before]);
    expect(sim.audit.query({ action: 'keys.rotated', limit: 10 }).events).toHaveLength(1);
  });
});

describe('Authority bad input', () => {
  it('answers unknown routes with 404 JSON and wrong methods with 405 and Allow', async () => {
    const r404 = await fetch(`${sim.authority}/nope`);
    expect(r404.status).toBe(404);
    expect(((await r404.json()) as { error: string }).error).toBe('not_found');
    const r405 = await fetch(`${sim.authority}/connect/token`);
    expect(r405.status).toBe(405);
    expect(r405.headers.get('allow')).toBe('POST');
  });
});
