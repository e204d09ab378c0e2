/**
 * The behaviour every broker transport must show, run against a real server by
 * test/sim/timeline/redis-transport.test.ts and nats-transport.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connect, StringCodec } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sim, StartSimOptions } from '../../../sim/index';
import type { Broker } from './brokers';
import { ADMIN, call, getToken, metricValue, startTestSim } from './sim-fixture';

const sc = StringCodec();
const POLICY = { name: 'Block criticals', rules: [{ effect: 'deny', condition: 'severity == critical' }] };

/** Writes a message straight into the timeline, as another producer would. */
async function inject(broker: Broker, messages: Array<{ raw: string; tenant: string; service: string }>): Promise<void> {
  if (broker.kind === 'redis') {
    const r = new Redis(broker.url, { lazyConnect: true });
    await r.connect();
    for (const m of messages) await r.xadd('tenant_sim_audit', '*', 'envelope', m.raw, 'tenant', m.tenant, 'service', m.service);
    r.disconnect();
  } else {
    const nc = await connect({ servers: broker.url });
    const js = nc.jetstream();
    for (const m of messages) await js.publish(`tenant-sim.audit.${m.tenant}.${m.service}`, sc.encode(m.raw));
    await nc.close();
  }
}

/** The dead-letter entries: {reason, receivedAt, raw}. */
async function deadLetters(broker: Broker): Promise<Array<{ reason: string; raw: string }>> {
  if (broker.kind === 'redis') {
    const r = new Redis(broker.url, { lazyConnect: true });
    await r.connect();
    const entries = await r.xrange('tenant_sim_audit_dead', '-', '+');
    r.disconnect();
    return entries.map(([, f]) => JSON.parse(f[f.indexOf('entry') + 1] as string));
  }
  const nc = await connect({ servers: broker.url });
  const jsm = await nc.jetstreamManager();
  const n = (await jsm.streams.info('tenant_sim_audit_dead')).state.messages;
  const out = [];
  for (let seq = 1; seq <= n; seq++) out.push(JSON.parse(sc.decode((await jsm.streams.getMessage('tenant_sim_audit_dead', { seq })).data)));
  await nc.close();
  return out;
}

async function auditEvents(sim: Sim, query: string): Promise<Array<Record<string, any>>> {
  const res = await fetch(`${sim.api}/audit/events?${query}&limit=1000`, { headers: { authorization: `Bearer ${ADMIN}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { events: Array<Record<string, any>> }).events;
}

export function describeBrokerTimeline(kind: 'redis' | 'nats', startBroker: () => Promise<Broker>): void {
  let broker: Broker;
  let sim: Sim | undefined;
  let dir: string;
  const start = (extra: StartSimOptions = {}): Promise<Sim> =>
    startTestSim({ timelineTransport: kind, redisUrl: broker.url, natsUrl: broker.url, natsAckWaitMs: 1000, ...extra });

  beforeAll(async () => {
    broker = await startBroker();
    dir = mkdtempSync(join(tmpdir(), 'tlc-timeline-'));
  });
  afterAll(async () => {
    await broker?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  describe(`audit timeline over ${kind}`, () => {
    it('carries every audit event through the broker to /audit/events and the audit log file, each once', async () => {
      const file = join(dir, 'carry.jsonl');
      sim = await start({ auditLog: file });
      const token = await getToken(sim, 'tenant-01');
      for (let i = 0; i < 20; i++) {
        expect((await call(sim, 'PUT', `/api/policy/policies/carry-${i}`, { token, tenant: 'tenant-01', body: POLICY })).status).toBe(201);
      }
      expect(await sim.timeline!.settled(10_000)).toBe(true);
      const writes = await auditEvents(sim, 'action=data.write');
      expect(writes.map((e) => e.resource).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `policy/carry-${i}`).sort());
      expect(writes.every((e) => e.service === 'policy' && e.tenant === 'tenant-01')).toBe(true);
      expect(await metricValue(sim, 'audit_timeline_ingested_total', { outcome: 'stored' })).toBe(21); // + token.issued
      await sim.close();
      const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(21);
      expect(new Set(lines.map((l) => l.id)).size).toBe(21);
    });

    it('stores a variant envelope from another producer, dead-letters malformed ones with the reason, and stores a redelivered id once', async () => {
      sim = await start();
      const valid = { event_id: 'ext-1', timestamp: 1780315200, tenant: 'tenant-02', subject: 'scanner', action: 'data.write', resource: 'finding/fnd-0001', result: 'success', origin: 'batch-import' };
      await inject(broker, [
        { raw: JSON.stringify(valid), tenant: 'tenant-02', service: 'vuln' },
        { raw: JSON.stringify(valid), tenant: 'tenant-02', service: 'vuln' }, // at-least-once: the same id again
        { raw: '{"id": "broken', tenant: 'tenant-02', service: 'vuln' },
        { raw: JSON.stringify({ ...valid, event_id: 'ext-2', result: 'maybe' }), tenant: 'tenant-02', service: 'vuln' },
      ]);
      expect(await sim.timeline!.settled(10_000)).toBe(true);
      const stored = await auditEvents(sim, 'tenant=tenant-02');
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ id: 'ext-1', time: '2026-06-01T12:00:00.000Z', service: 'vuln', origin: 'batch-import' });
      expect(stored[0]!.traceId).toMatch(/^[0-9a-f]{32}$/);
      const dead = await deadLetters(broker);
      expect(dead.map((d) => d.reason)).toEqual(['envelope is not JSON', "field 'result' must be one of success, failure, denied, allowed"]);
      expect(dead[0]!.raw).toBe('{"id": "broken');
      expect(await metricValue(sim, 'audit_timeline_ingested_total', { outcome: 'duplicate' })).toBe(1);
      expect(await metricValue(sim, 'audit_timeline_dead_letters_total', { code: 'not_json' })).toBe(1);
      expect(await metricValue(sim, 'audit_timeline_dead_letters_total', { code: 'invalid_field' })).toBe(1);
    });

    it('reports the broker backlog as tenant_queue_depth per tenant and service, back to 0 once ingested', async () => {
      sim = await start();
      const t1 = await getToken(sim, 'tenant-01');
      const t3 = await getToken(sim, 'tenant-03');
      expect(await sim.timeline!.settled(10_000)).toBe(true);
      sim.timeline!.ingester.pause();
      await new Promise((r) => setTimeout(r, 600)); // a read already waiting ends
      for (let i = 0; i < 3; i++) expect((await call(sim, 'PUT', `/api/policy/policies/q-${i}`, { token: t1, tenant: 'tenant-01', body: POLICY })).status).toBe(201);
      for (let i = 0; i < 2; i++) expect((await call(sim, 'POST', '/api/notify/rules', { token: t3, tenant: 'tenant-03', body: { id: `q-rule-${i}`, name: `r${i}`, channelId: 'ch-1', event: 'finding.created' } })).status).toBe(201);
      expect(await sim.timeline!.publisher.drained(5000)).toBe(true);
      const depth = (tenant: string, service: string) => metricValue(sim!, 'tenant_queue_depth', { tenant, service, queue: 'audit_timeline' });
      expect(await depth('tenant-01', 'policy')).toBe(3);
      expect(await depth('tenant-03', 'notify')).toBe(2);
      sim.timeline!.ingester.resume();
      expect(await sim.timeline!.settled(10_000)).toBe(true);
      expect(await depth('tenant-01', 'policy')).toBe(0);
      expect(await depth('tenant-03', 'notify')).toBe(0);
    });

    it('loses and doubles no event when the broker is stopped and restarted in the middle of a write load', async () => {
      sim = await start();
      const token = await getToken(sim, 'tenant-04');
      const accepted: string[] = [];
      let refused = 0;
      let n = 0;
      let running = true;
      const worker = async (): Promise<void> => {
        // Paced (≤ 200 writes/s over 4 workers) so the run stays under /audit/events' 1,000-event page.
        while (running && n < 900) {
          await new Promise((r) => setTimeout(r, 20));
          const id = `load-${n++}`;
          const res = await call(sim!, 'PUT', `/api/policy/policies/${id}`, { token, tenant: 'tenant-04', body: POLICY });
          if (res.status === 201) accepted.push(`policy/${id}`);
          else refused++;
        }
      };
      const workers = Array.from({ length: 4 }, worker);
      await new Promise((r) => setTimeout(r, 700));
      const beforeStop = accepted.length;
      await broker.stop();
      await new Promise((r) => setTimeout(r, 1200)); // writes go on; events wait in the publisher buffer
      const duringOutage = accepted.length - beforeStop;
      expect(await metricValue(sim, 'audit_timeline_buffered')).toBeGreaterThan(0);
      await broker.start();
      await new Promise((r) => setTimeout(r, 700));
      running = false;
      await Promise.all(workers);

      expect(beforeStop).toBeGreaterThan(0);
      expect(duringOutage).toBeGreaterThan(0); // the API did not wait for the broker
      expect(refused).toBe(0);
      expect(await sim.timeline!.settled(20_000)).toBe(true);
      const writes = (await auditEvents(sim, 'action=data.write&tenant=tenant-04')).map((e) => e.resource);
      expect(writes.length).toBe(accepted.length); // none doubled…
      expect(new Set(writes)).toEqual(new Set(accepted)); // …none lost
      expect(await metricValue(sim, 'audit_timeline_dropped_total')).toBe(0);
      expect(await metricValue(sim, 'audit_timeline_publish_failures_total')).toBeGreaterThan(0);
    });
  });
}
