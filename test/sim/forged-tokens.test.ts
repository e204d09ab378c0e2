/**
 * Authentication against forged and malformed tokens: each row names the token, the status and
 * the `reason` the API must answer with (docs/platform-api.md, 401 table). jose does the checks;
 * this pins the mapping and the algorithm allow-list (RS256 only).
 */
import { generateKeyPair, SignJWT, base64url, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { call, getToken, startTestSim } from './helpers/sim-fixture';

let sim: Sim;
let good: string;
let attackerKey: CryptoKey;
let es256Key: CryptoKey;

beforeAll(async () => {
  sim = await startTestSim();
  good = await getToken(sim, 'tenant-01');
  attackerKey = (await generateKeyPair('RS256', { extractable: true })).privateKey;
  es256Key = (await generateKeyPair('ES256')).privateKey;
});
afterAll(() => sim.close());

const now = (): number => Math.floor(Date.now() / 1000);

function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    iss: sim.issuer,
    aud: 'stellaops-api',
    sub: 'tenant-load',
    client_id: 'tenant-load',
    scope: 'policy:read policy:write vuln:read vuln:write notify:read notify:write',
    iat: now(),
    nbf: now(),
    exp: now() + 600,
    'stellaops:tenant': 'tenant-01',
  };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

async function signed(over: Record<string, unknown> = {}, header: Record<string, unknown> = {}, key?: CryptoKey): Promise<string> {
  return new SignJWT(claims(over))
    .setProtectedHeader({ alg: 'RS256', kid: sim.keys.signing.kid, typ: 'JWT', ...header } as { alg: string })
    .sign(key ?? sim.keys.signing.privateKey);
}

const b64 = (v: unknown): string => base64url.encode(JSON.stringify(v));

type Case = [name: string, token: () => Promise<string | undefined>, status: number, reason: string];

const cases: Case[] = [
  ['an expired token is refused as expired', () => signed({ exp: now() - 120, iat: now() - 3600, nbf: now() - 3600 }), 401, 'expired'],
  ['a token whose nbf is in the future is refused as not_yet_valid', () => signed({ nbf: now() + 600 }), 401, 'not_yet_valid'],
  ['a token from another issuer is refused as bad_issuer', () => signed({ iss: 'https://evil.example' }), 401, 'bad_issuer'],
  ['a token for another audience is refused as bad_audience', () => signed({ aud: 'someone-else' }), 401, 'bad_audience'],
  ['a token signed by an unknown key id is refused as unknown_kid', () => signed({}, { kid: 'no-such-kid' }, attackerKey), 401, 'unknown_kid'],
  ['an alg:none token is refused as bad_algorithm', async () => `${b64({ alg: 'none', kid: sim.keys.signing.kid })}.${b64(claims())}.`, 401, 'bad_algorithm'],
  [
    'an HS256 token signed with the public key as HMAC secret is refused as bad_algorithm',
    async () =>
      new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', kid: sim.keys.signing.kid })
        .sign(new TextEncoder().encode(JSON.stringify(sim.keys.signing.publicJwk))),
    401,
    'bad_algorithm',
  ],
  ['an ES256 token is refused as bad_algorithm', () => signed({}, { alg: 'ES256' }, es256Key), 401, 'bad_algorithm'],
  [
    'a token whose payload was tampered with is refused as bad_signature',
    async () => {
      const [h, , s] = good.split('.');
      return `${h}.${b64(claims({ 'stellaops:tenant': 'tenant-01', scope: 'admin' }))}.${s}`;
    },
    401,
    'bad_signature',
  ],
  ['a token with the real kid but signed by another key is refused as bad_signature', () => signed({}, {}, attackerKey), 401, 'bad_signature'],
  ['a token without the tenant claim is refused as missing_tenant_claim', () => signed({ 'stellaops:tenant': undefined }), 401, 'missing_tenant_claim'],
  ['a token whose tenant claim is not a string is refused as missing_tenant_claim', () => signed({ 'stellaops:tenant': 42 }), 401, 'missing_tenant_claim'],
  ['a token for another tenant is refused with 403 tenant_mismatch', () => signed({ 'stellaops:tenant': 'tenant-02' }), 403, 'tenant_mismatch'],
  ['a token without the route scope is refused with 403 insufficient_scope', () => signed({ scope: 'vuln:read' }), 403, 'insufficient_scope'],
  ['a truncated token (no signature segment) is refused as malformed', async () => good.split('.').slice(0, 2).join('.'), 401, 'malformed'],
  ['a token with characters outside base64url is refused as malformed', async () => `${good.slice(0, 20)}*&^${good.slice(23)}`, 401, 'malformed'],
  ['a token whose header is not JSON is refused as malformed', async () => `${base64url.encode('not json')}.${b64(claims())}.c2ln`, 401, 'malformed'],
  ['a token over 8 KiB is refused as malformed', async () => `${good}${'A'.repeat(9000)}`, 401, 'malformed'],
  ['a token without exp is refused as malformed', () => signed({ exp: undefined }), 401, 'malformed'],
  ['a token without kid is refused as malformed', async () => new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(sim.keys.signing.privateKey), 401, 'malformed'],
  ['a request without Authorization is refused as missing', async () => undefined, 401, 'missing'],
];

describe('bearer authentication refuses forged and malformed tokens', () => {
  it('accepts the genuine token (control row)', async () => {
    const res = await call(sim, 'GET', '/api/policy/policies', { token: good, tenant: 'tenant-01' });
    expect(res.status).toBe(200);
  });

  it.each(cases)('%s', async (_name, make, status, reason) => {
    const token = await make();
    const res = await call(sim, 'GET', '/api/policy/policies', { tenant: 'tenant-01', ...(token !== undefined ? { token } : {}) });
    expect(res.status).toBe(status);
    if (status === 401) {
      expect(res.body).toMatchObject({ error: 'invalid_token', reason });
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    } else {
      expect(res.body.error).toBe(reason);
    }
    expect(typeof res.body.message).toBe('string');
  });

  it('refuses a Basic Authorization header as missing bearer credentials', async () => {
    const res = await call(sim, 'GET', '/api/policy/policies', { tenant: 'tenant-01', headers: { authorization: 'Basic dGVuYW50LWxvYWQ6bG9jYWwtZGV2LXNlY3JldA==' } });
    expect(res.status).toBe(401);
    expect(res.body.reason).toBe('missing');
  });

  it('counts every refusal by reason in auth_token_validation_failures_total', async () => {
    const text = await sim.metrics.registry.metrics();
    for (const reason of ['expired', 'not_yet_valid', 'bad_issuer', 'bad_audience', 'unknown_kid', 'bad_algorithm', 'bad_signature', 'missing_tenant_claim', 'malformed', 'missing']) {
      expect(text).toMatch(new RegExp(`auth_token_validation_failures_total\\{reason="${reason}"\\} [1-9]`));
    }
  });
});

