/**
 * sim/auth/jwks-cache.ts: the guards of the JWKS fetch, against a real server on loopback; and the
 * cache under the shapes of a real outage (issue 15): the request path never waits on a
 * black-holed JWKS, at most one fetch is in flight, and a forged kid cannot lock out a real new kid.
 */
import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { asKeySet, fetchJwksOverHttp, MAX_JWKS_BYTES, MAX_JWKS_KEYS, MAX_REFETCH_GAP_MS } from '../../../sim/auth/jwks-cache';
import { signAccessToken } from '../../../sim/authority/token-endpoint';
import { closeServer, listen } from '../../../sim/http/harden';
import type { Sim } from '../../../sim/index';
import { FakeClock } from '../helpers/fake-clock';
import { ADMIN, call, getToken, metricValue, startTestSim } from '../helpers/sim-fixture';

describe('JWKS fetch guards', () => {
  it.each([
    ['a non-200 answer', (res: import('node:http').ServerResponse) => res.writeHead(503).end('down'), /answered 503/],
    ['a body that is not JSON', (res: import('node:http').ServerResponse) => res.end('<html>'), /not valid JSON/],
    ['a body over 1 MiB', (res: import('node:http').ServerResponse) => res.end(`{"keys":[],"pad":"${'x'.repeat(MAX_JWKS_BYTES)}"}`), /larger than 1048576 bytes/],
  ])('refuses %s', async (_name, answer, message) => {
    const server = createServer((_req, res) => answer(res));
    const port = await listen(server, 0, '127.0.0.1');
    try {
      await expect(fetchJwksOverHttp(`http://127.0.0.1:${port}/jwks`, 2000)).rejects.toThrow(message);
    } finally {
      await closeServer(server);
    }
  });

  it.each([
    ['no keys array', { nokeys: [] }, /no keys array/],
    ['an empty key list', { keys: [] }, /no keys array/],
    ['a key without kid', { keys: [{ kty: 'RSA' }] }, /without a kid/],
    ['too many keys', { keys: Array.from({ length: MAX_JWKS_KEYS + 1 }, (_, i) => ({ kid: `k${i}` })) }, /more than 100 keys/],
  ])('refuses a key set with %s', (_name, value, message) => {
    expect(() => asKeySet(value)).toThrow(message);
  });
});

const S = 1000;
let sim: Sim | undefined;
afterEach(async () => {
  if (sim) await fetch(`${sim.agentControl}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
  await sim?.close();
  sim = undefined;
});

async function fault(s: Sim, f: unknown, duration = '10m'): Promise<void> {
  const res = await fetch(`${s.agentControl}/v1/faults/http`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ fault: f, duration }) });
  expect(res.status).toBe(201);
}

/** A token whose header names `kid` (signed with the real key, so only the kid is wrong). */
async function tokenWithKid(s: Sim, kid: string): Promise<string> {
  const key = { ...s.keys.signing, kid };
  return (await signAccessToken({ clientId: 'tenant-load', tenant: 'tenant-01', scopes: ['policy:read'] }, { key, issuer: s.issuer, nowMs: s.clock.now(), lifetimeMs: 600_000 })).token;
}

describe('a forged kid', () => {
  it('cannot lock out a real new kid: the new kid passes one gap (at most 1 s) later, not one cooldown (10 s)', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 600 * S, jwksRefetchCooldownMs: 10 * S });
    const forged = await tokenWithKid(sim, 'made-up-kid');
    expect((await call(sim, 'GET', '/api/policy/policies', { token: forged, tenant: 'tenant-01' })).body.reason).toBe('unknown_kid');
    await sim.jwks.settled();
    await sim.keys.rotate();
    const real = await getToken(sim, 'tenant-01');
    await clock.advance(MAX_REFETCH_GAP_MS);
    expect((await call(sim, 'GET', '/api/policy/policies', { token: real, tenant: 'tenant-01' })).status).toBe(200);
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid' })).toBe(2);
  });

  it('is not refetched again within the cooldown, however often it is sent', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 600 * S, jwksRefetchCooldownMs: 10 * S });
    const forged = await tokenWithKid(sim, 'made-up-kid');
    for (let i = 0; i < 9; i++) {
      expect((await call(sim, 'GET', '/api/policy/policies', { token: forged, tenant: 'tenant-01' })).status).toBe(401);
      await sim.jwks.settled();
      await clock.advance(MAX_REFETCH_GAP_MS);
    }
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid' })).toBe(1);
    await clock.advance(2 * S);
    await call(sim, 'GET', '/api/policy/policies', { token: forged, tenant: 'tenant-01' });
    await sim.jwks.settled();
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid' })).toBe(2);
  });

  it('a flood of distinct forged kids costs at most one fetch per gap', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 600 * S, jwksRefetchCooldownMs: 10 * S });
    for (let i = 0; i < 50; i++) {
      await call(sim, 'GET', '/api/policy/policies', { token: await tokenWithKid(sim, `forged-${i}`), tenant: 'tenant-01' });
      await sim.jwks.settled();
      await clock.advance(MAX_REFETCH_GAP_MS / 10);
    }
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid' })).toBe(5);
  });
});

describe('a black-holed JWKS', () => {
  it('never holds a request: known kids pass and unknown kids fail closed while the only fetch hangs', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 30 * S, jwksFetchTimeoutMs: 2500, jwksRefetchCooldownMs: 0 });
    const t1 = await getToken(sim, 'tenant-01');
    await fault(sim, { blackhole: true });
    const first = sim.jwks.refresh('interval'); // hangs in the black hole until the fetch timeout
    let settled = false;
    void first.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(sim!, 'GET', '/api/policy/policies', { token: t1, tenant: 'tenant-01' })));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(settled).toBe(false); // they were answered while the fetch was still hanging
    expect(await first).toBe(false);
    expect(sim.jwks.degraded).toBe(true);
    await sim.keys.rotate();
    const fresh = await getToken(sim, 'tenant-01');
    const denied = await Promise.all(Array.from({ length: 10 }, () => call(sim!, 'GET', '/api/policy/policies', { token: fresh, tenant: 'tenant-01' })));
    expect(denied.map((a) => a.body.reason)).toEqual(Array(10).fill('unknown_kid'));
    let refetchDone = false;
    const refetch = sim.jwks.settled().then(() => (refetchDone = true));
    await new Promise((r) => setImmediate(r));
    expect(refetchDone).toBe(false); // answered while the fetch they started still hangs
    await refetch;
    // One fetch in flight for all ten (cooldown 0: only single flight limits them).
    expect(await metricValue(sim, 'auth_jwks_refresh_total', { trigger: 'unknown_kid' })).toBe(1);
  });
});
