/**
 * The publisher's buffer and retry logic under a fake clock, against a transport whose broker is
 * switched up and down by the test (the real brokers are in redis-transport / nats-transport tests).
 */
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../sim/timeline/envelope';
import { TimelinePublisher } from '../../../sim/timeline/publisher';
import type { TimelineTransport } from '../../../sim/timeline/transport';
import { FakeClock, flushIo } from '../helpers/fake-clock';

class SwitchableBroker implements Pick<TimelineTransport, 'publish'> {
  up = true;
  stored: string[] = [];
  attempts = 0;
  async publish(batch: readonly Envelope[]): Promise<void> {
    this.attempts++;
    await Promise.resolve();
    if (!this.up) throw new Error('connection refused');
    this.stored.push(...batch.map((e) => e.id));
  }
}

const event = (i: number): Envelope => ({ id: `e-${i}`, time: '2026-06-01T12:00:00.000Z', tenant: 'tenant-01', subject: 's', action: 'data.write', resource: `policy/p-${i}`, result: 'success', traceId: null, service: 'policy' });

function setup(capacity: number) {
  const clock = new FakeClock();
  const broker = new SwitchableBroker();
  const counts = { dropped: 0, published: 0, failed: 0 };
  const publisher = new TimelinePublisher(broker as unknown as TimelineTransport, clock, { dropped: () => counts.dropped++, published: (n) => (counts.published += n), failed: () => counts.failed++ }, capacity);
  return { clock, broker, counts, publisher };
}

describe('TimelinePublisher', () => {
  it('returns from enqueue before the broker answers and publishes in order', async () => {
    const { broker, publisher } = setup(100);
    for (let i = 0; i < 5; i++) publisher.enqueue(event(i));
    expect(broker.stored).toEqual([]); // enqueue did not wait for the broker
    expect(publisher.buffered).toBe(5);
    await flushIo();
    expect(broker.stored).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4']);
    expect(publisher.buffered).toBe(0);
  });

  it('keeps events while the broker is down and delivers them, in order, once it is back', async () => {
    const { clock, broker, counts, publisher } = setup(100);
    broker.up = false;
    for (let i = 0; i < 3; i++) publisher.enqueue(event(i));
    await flushIo();
    expect(counts.failed).toBe(1);
    for (let i = 3; i < 6; i++) publisher.enqueue(event(i)); // no new attempt before the backoff ends
    await flushIo();
    expect(broker.attempts).toBe(1);
    await clock.advance(100);
    await flushIo();
    expect(counts.failed).toBe(2);
    broker.up = true;
    await clock.advance(200); // backoff doubled
    await flushIo();
    expect(broker.stored).toEqual(['e-0', 'e-1', 'e-2', 'e-3', 'e-4', 'e-5']);
    expect(counts).toEqual({ dropped: 0, published: 6, failed: 2 });
  });

  it('retries with exponential backoff capped at 2 s: 100, 200, 400, 800, 1600, 2000, 2000 ms', async () => {
    const { clock, broker, publisher } = setup(10);
    broker.up = false;
    publisher.enqueue(event(0));
    await flushIo();
    for (const wait of [100, 200, 400, 800, 1600, 2000, 2000]) {
      const before = broker.attempts;
      await clock.advance(wait - 1);
      await flushIo();
      expect(broker.attempts).toBe(before);
      await clock.advance(1);
      await flushIo();
      expect(broker.attempts).toBe(before + 1);
    }
  });

  it('refuses new events past the bound, counts them, and keeps the buffered ones', async () => {
    const { clock, broker, counts, publisher } = setup(3);
    broker.up = false;
    for (let i = 0; i < 5; i++) publisher.enqueue(event(i));
    expect(publisher.buffered).toBe(3);
    expect(counts.dropped).toBe(2);
    broker.up = true;
    await flushIo();
    await clock.advance(100);
    await flushIo();
    expect(broker.stored).toEqual(['e-0', 'e-1', 'e-2']);
  });

  it('sends a large backlog in batches of at most 500', async () => {
    const { broker, publisher } = setup(10_000);
    const sizes: number[] = [];
    const publish = broker.publish.bind(broker);
    broker.publish = async (batch) => {
      sizes.push(batch.length);
      await publish(batch);
    };
    for (let i = 0; i < 1_200; i++) publisher.enqueue(event(i));
    await flushIo(10);
    expect(sizes).toEqual([500, 500, 200]);
    expect(new Set(broker.stored).size).toBe(1_200);
  });

  it('close reports what could not be published and refuses later events', async () => {
    const { broker, counts, publisher } = setup(10);
    broker.up = false;
    publisher.enqueue(event(0));
    await flushIo();
    expect(await publisher.close(20)).toBe(1);
    publisher.enqueue(event(1));
    expect(counts.dropped).toBe(1);
  });
});
