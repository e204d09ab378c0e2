/**
 * The timeline wiring as a whole: the JWKS outage chaos story with the Redis transport (the
 * auth.degraded events the teardown counts cross the broker), and start-up against a broker that
 * does not answer.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../../sim/index';
import { startRedis, freePort, type Broker } from '../helpers/brokers';
import { FakeClock } from '../helpers/fake-clock';
import { ADMIN, call, getToken, metricValue, startTestSim } from '../helpers/sim-fixture';

const S = 1000;
let redis: Broker;
let sim: Sim | undefined;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.destroy();
});
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('the JWKS outage story with the Redis transport', () => {
  it('counts every request served on last-known-good keys in auth.degraded events that crossed the broker', async () => {
    const clock = new FakeClock();
    sim = await startTestSim({ clock, jwksRefreshMs: 30 * S, jwksTtlMs: 180 * S, degradedAuditIntervalMs: 10 * S, timelineTransport: 'redis', redisUrl: redis.url, timelineStream: 'chaos_audit', timelineDeadLetter: 'chaos_dead' });
    const t1 = await getToken(sim, 'tenant-01');
    const t2 = await getToken(sim, 'tenant-02');
    const res = await fetch(`${sim.agentControl}/v1/faults/http`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { errorRate: 1, errorCode: 503, errorBody: 'jwks down' }, duration: '2m' }),
    });
    expect(res.status).toBe(201);
    await clock.advance(30 * S);
    await sim.jwks.settled();
    expect(sim.jwks.degraded).toBe(true);

    let served = 0;
    for (let i = 0; i < 30; i++) if ((await call(sim, 'GET', '/api/vuln/findings', { token: i % 3 === 0 ? t2 : t1, tenant: i % 3 === 0 ? 'tenant-02' : 'tenant-01' })).status === 200) served++;
    expect(served).toBe(30);

    // The interval's aggregated events are published; with the ingester held they wait in Redis,
    // where tenant_queue_depth sees them.
    sim.timeline!.ingester.pause();
    await new Promise((r) => setTimeout(r, 600));
    await clock.advance(10 * S);
    expect(await sim.timeline!.publisher.drained(5000)).toBe(true);
    expect(await metricValue(sim, 'tenant_queue_depth', { service: 'auth', queue: 'audit_timeline' })).toBe(2);
    const before = (await (await fetch(`${sim.api}/audit/events?action=auth.degraded`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { events: unknown[] };
    expect(before.events).toEqual([]); // not in the store until the ingester read them from the broker

    sim.timeline!.ingester.resume();
    expect(await sim.timeline!.settled(10_000)).toBe(true);
    const after = (await (await fetch(`${sim.api}/audit/events?action=auth.degraded`, { headers: { authorization: `Bearer ${ADMIN}` } })).json()) as { events: Array<{ tenant: string; count: number }> };
    expect(after.events.map((e) => [e.tenant, e.count]).sort()).toEqual([
      ['tenant-01', 20],
      ['tenant-02', 10],
    ]);
    expect(after.events.reduce((n, e) => n + e.count, 0)).toBe(await metricValue(sim, 'auth_jwks_stale_serves_total'));
    expect(await metricValue(sim, 'tenant_queue_depth', { service: 'auth', queue: 'audit_timeline' })).toBe(0);
  });
});

describe('starting against a broker', () => {
  it.each([
    ['redis', 'redisUrl', 'redis://user:s3cret@127.0.0.1:PORT', /cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/],
    ['nats', 'natsUrl', 'nats://user:s3cret@127.0.0.1:PORT', /cannot reach NATS JetStream at nats:\/\/127\.0\.0\.1:\d+/],
  ] as const)('with %s unreachable fails to start with a message naming the broker, without its credentials', async (transport, key, url, message) => {
    const port = await freePort(); // nothing listens there
    const err = await startTestSim({ timelineTransport: transport, [key]: url.replace('PORT', String(port)) }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(message);
    expect(err?.message).not.toContain('s3cret');
  });

  it('with memory (the default) stores events directly and publishes nothing', async () => {
    sim = await startTestSim();
    await getToken(sim, 'tenant-01');
    expect(sim.timeline).toBeNull();
    expect(sim.audit.query({ limit: 10 }).events).toHaveLength(1);
    expect(Number.isNaN(await metricValue(sim, 'audit_timeline_published_total'))).toBe(true);
  });
});
