/**
 * The Authority as an attacker probes it (issue 15, finding 7): wrong secrets in a row are
 * throttled per client with 429 and Retry-After, without locking the legitimate client out for
 * long; discovery builds its URLs from the configured issuer, never from the Host header.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { FAILURE_BURST, FAILURE_REFILL_MS } from '../../../sim/authority/failure-throttle';
import type { Sim } from '../../../sim/index';
import { FakeClock } from '../helpers/fake-clock';
import { SECRET, startTestSim } from '../helpers/sim-fixture';

let sim: Sim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const tokenRequest = (s: Sim, clientId: string, secret: string) =>
  fetch(`${s.authority}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, ...(clientId === 'tenant-load' ? { tenant: 'tenant-01' } : {}) }),
  });

describe('brute force on the token endpoint', () => {
  it('answers 429 with Retry-After once FAILURE_BURST wrong secrets were tried, before checking the next one', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock });
    const statuses: number[] = [];
    for (let batch = 0; batch < 6; batch++) {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => tokenRequest(sim!, 'tenant-load', `guess-${batch}-${i}`)));
      for (const a of answers) {
        statuses.push(a.status);
        if (a.status === 429) {
          expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(Number(a.headers.get('retry-after'))).toBeLessThanOrEqual(FAILURE_REFILL_MS / 1000);
          expect(await a.json()).toMatchObject({ error: 'too_many_attempts' });
        } else await a.body?.cancel();
      }
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(FAILURE_BURST);
    expect(statuses.filter((s) => s === 429)).toHaveLength(120 - FAILURE_BURST);
    // Even the right secret waits while the bucket is empty (no oracle) ...
    expect((await tokenRequest(sim, 'tenant-load', SECRET)).status).toBe(429);
    // ... but only for one refill interval.
    await clock.advance(FAILURE_REFILL_MS);
    expect((await tokenRequest(sim, 'tenant-load', SECRET)).status).toBe(200);
  });

  it('failures for one client never throttle another client from the same address', async () => {
    sim = await startTestSim();
    for (let i = 0; i < FAILURE_BURST * 3; i++) await (await tokenRequest(sim, 'tenant-02-load', `guess-${i}`)).body?.cancel();
    expect((await tokenRequest(sim, 'tenant-02-load', 'again')).status).toBe(429);
    expect((await tokenRequest(sim, 'tenant-01-load', SECRET)).status).toBe(200);
  });
});

describe('discovery', () => {
  it('builds jwks_uri and token_endpoint from the configured issuer, whatever the Host header says', async () => {
    sim = await startTestSim();
    const url = new URL(`${sim.authority}/.well-known/openid-configuration`);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { host: 'attacker.example:443' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    const doc = JSON.parse(body) as Record<string, string>;
    expect(doc.issuer).toBe(sim.issuer);
    expect(doc.jwks_uri).toBe(`${sim.issuer}/jwks`);
    expect(doc.token_endpoint).toBe(`${sim.issuer}/connect/token`);
  });
});
