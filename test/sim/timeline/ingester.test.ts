/**
 * The ingester's loop against a scripted broker: the order store → dead-letter → ack, and what a
 * failed read or ack does (the real brokers are in redis-transport / nats-transport tests).
 */
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../sim/audit/audit-log';
import { systemClock } from '../../../sim/clock';
import { TimelineIngester } from '../../../sim/timeline/ingester';
import type { Delivery, TimelineTransport } from '../../../sim/timeline/transport';

const envelope = (id: string) => JSON.stringify({ id, time: '2026-06-01T12:00:00Z', tenant: 'tenant-01', subject: 's', action: 'data.write', resource: `policy/${id}`, result: 'success', traceId: null });

class ScriptedBroker {
  log: string[] = [];
  queue: Delivery[] = [];
  failReads = 0;
  failAcks = 0;
  async receive(max: number, waitMs: number): Promise<Delivery[]> {
    if (this.failReads > 0) {
      this.failReads--;
      this.log.push('read failed');
      throw new Error('connection lost');
    }
    if (this.queue.length === 0) {
      await new Promise((r) => setTimeout(r, Math.min(waitMs, 10)));
      return [];
    }
    return this.queue.slice(0, max); // unacknowledged ones stay: a redelivery
  }
  async ack(ds: readonly Delivery[]): Promise<void> {
    if (this.failAcks > 0) {
      this.failAcks--;
      this.log.push('ack failed');
      throw new Error('connection lost');
    }
    this.log.push(`ack ${ds.map((d) => d.handle).join(',')}`);
    this.queue = this.queue.filter((q) => !ds.includes(q));
  }
  async deadLetter(d: Delivery, reason: string): Promise<void> {
    this.log.push(`dead ${d.handle}: ${reason}`);
  }
}

async function runUntil(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
}

function setup() {
  const broker = new ScriptedBroker();
  const audit = new AuditLog(systemClock, null);
  const outcomes: string[] = [];
  const ingester = new TimelineIngester(broker as unknown as TimelineTransport, (e) => {
    const stored = audit.ingest(e);
    broker.log.push(`${stored ? 'store' : 'skip'} ${e.id}`);
    return stored;
  }, { handled: (o) => outcomes.push(o), failed: () => {} });
  return { broker, audit, outcomes, ingester };
}

describe('TimelineIngester', () => {
  it('stores, dead-letters malformed messages with the reason, and acknowledges only afterwards', async () => {
    const { broker, ingester, outcomes } = setup();
    broker.queue.push({ raw: envelope('a'), handle: 1 }, { raw: 'not json', handle: 2 }, { raw: envelope('b'), handle: 3 });
    ingester.start();
    await runUntil(() => broker.queue.length === 0);
    await ingester.stop();
    expect(broker.log).toEqual(['store a', 'dead 2: envelope is not JSON', 'store b', 'ack 1,2,3']);
    expect(outcomes).toEqual(['stored', 'dead_letter', 'stored']);
  });

  it('after a failed acknowledgement the redelivered messages are not stored twice', async () => {
    const { broker, ingester, audit, outcomes } = setup();
    broker.failAcks = 1;
    broker.queue.push({ raw: envelope('a'), handle: 1 });
    ingester.start();
    await runUntil(() => broker.queue.length === 0);
    await ingester.stop();
    expect(broker.log).toEqual(['store a', 'ack failed', 'skip a', 'ack 1']);
    expect(outcomes).toEqual(['stored', 'duplicate']);
    expect(audit.query({ limit: 10 }).events.map((e) => e.id)).toEqual(['a']);
  });

  it('keeps reading after failed reads', async () => {
    const { broker, ingester } = setup();
    broker.failReads = 2;
    broker.queue.push({ raw: envelope('a'), handle: 1 });
    ingester.start();
    await runUntil(() => broker.queue.length === 0);
    await ingester.stop();
    expect(broker.log).toEqual(['read failed', 'read failed', 'store a', 'ack 1']);
  });

  it('reads nothing while paused and catches up on resume', async () => {
    const { broker, ingester } = setup();
    ingester.pause();
    ingester.start();
    broker.queue.push({ raw: envelope('a'), handle: 1 });
    await new Promise((r) => setTimeout(r, 50));
    expect(broker.log).toEqual([]);
    ingester.resume();
    await runUntil(() => broker.queue.length === 0);
    await ingester.stop();
    expect(broker.log).toEqual(['store a', 'ack 1']);
  });
});
