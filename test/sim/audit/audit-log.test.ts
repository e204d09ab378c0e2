/** sim/audit/audit-log.ts: the audit ring buffer, its query and its sink. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../sim/audit/audit-log';
import { FakeClock } from '../helpers/fake-clock';

describe('AuditLog', () => {
  const event = (action: string, tenant = 't') => ({ tenant, subject: 's', action, resource: 'r', result: 'success' as const, traceId: null });

  it('keeps the newest events of an action in its ring, reports evictions as dropped, and filters by since', async () => {
    const clock = new FakeClock();
    const log = new AuditLog(clock, null, () => {}, 3);
    for (let i = 0; i < 5; i++) {
      log.record({ ...event('data.write'), resource: `r${i}` });
      await clock.advance(1000);
    }
    const all = log.query({ limit: 10 });
    expect(all.events.map((e) => e.resource)).toEqual(['r2', 'r3', 'r4']);
    expect(all.dropped).toBe(2);
    expect(log.query({ limit: 10, since: clock.now() - 1500 }).events.map((e) => e.resource)).toEqual(['r4']);
    expect(log.query({ limit: 1 }).events.map((e) => e.resource)).toEqual(['r4']);
  });

  it('keeps a rare action queryable however many events of a busy action follow it', async () => {
    const clock = new FakeClock();
    const log = new AuditLog(clock, null, () => {}, 3);
    log.record(event('auth.degraded', 'a'));
    log.record(event('auth.degraded', 'b'));
    for (let i = 0; i < 1000; i++) log.record(event('data.write'));
    expect(log.query({ limit: 10, action: 'auth.degraded' }).events.map((e) => e.tenant)).toEqual(['a', 'b']);
    expect(log.query({ limit: 10, action: 'data.write' }).events).toHaveLength(3);
    expect(log.query({ limit: 10, action: 'never.seen' }).events).toEqual([]);
    expect(log.query({ limit: 10 }).dropped).toBe(997);
  });

  it('answers a query over every action in recording order, the newest `limit` of them', async () => {
    const clock = new FakeClock();
    const log = new AuditLog(clock, null, () => {}, 10);
    for (const action of ['token.issued', 'data.write', 'auth.degraded', 'data.write', 'auth.recovered']) log.record(event(action));
    expect(log.query({ limit: 10 }).events.map((e) => e.action)).toEqual(['token.issued', 'data.write', 'auth.degraded', 'data.write', 'auth.recovered']);
    expect(log.query({ limit: 2 }).events.map((e) => e.action)).toEqual(['data.write', 'auth.recovered']);
    expect(log.query({ limit: 10, tenant: 'x' }).events).toEqual([]);
  });
});

describe('AuditLog sink back-pressure', () => {
  it('drops lines for a sink more than 8 MiB behind, counts them, and still keeps them in the ring', () => {
    const stuck = new Writable({ highWaterMark: 1024, write: () => {} }); // never calls back
    let dropped = 0;
    const log = new AuditLog(new FakeClock(), stuck, () => dropped++, 100);
    const resource = 'x'.repeat(1000);
    for (let i = 0; i < 9000; i++) log.record({ tenant: 't', subject: 's', action: 'data.write', resource, result: 'success', traceId: null });
    expect(stuck.writableLength).toBeGreaterThan(8 * 1024 * 1024);
    expect(stuck.writableLength).toBeLessThan(9 * 1024 * 1024);
    expect(dropped).toBeGreaterThan(0);
    expect(log.query({ limit: 1000 }).events).toHaveLength(100);
  });
});

describe('AuditLog sink failure', () => {
  it('stops writing to a sink that failed (EPIPE), counts the lines and keeps the ring', async () => {
    const broken = new Writable({ write: (_c, _e, cb) => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    let dropped = 0;
    const log = new AuditLog(new FakeClock(), broken, () => dropped++);
    log.record({ tenant: 't', subject: 's', action: 'a', resource: 'r', result: 'success', traceId: null });
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 3; i++) log.record({ tenant: 't', subject: 's', action: 'b', resource: 'r', result: 'success', traceId: null });
    expect(dropped).toBe(3);
    expect(log.query({ limit: 10 }).events).toHaveLength(4);
  });
});

describe('AuditLog timeline hook (forwardTo / ingest)', () => {
  const input = { tenant: 'tenant-01', subject: 's', action: 'data.write', resource: 'policy/p-1', result: 'success' as const, traceId: null };
  const lines = (): { sink: Writable; written: string[] } => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        written.push(String(chunk));
        cb();
      },
    });
    return { sink, written };
  };

  it('gives every event a unique id and its service, and with a forwarder hands it over instead of storing it', () => {
    const { sink, written } = lines();
    const log = new AuditLog(new FakeClock(), sink);
    const forwarded: Array<{ id: string; service: string }> = [];
    log.forwardTo((e) => forwarded.push(e));
    const a = log.record(input);
    const b = log.record(input);
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.id).not.toBe(b.id);
    expect(forwarded).toEqual([a, b]);
    expect(a.service).toBe('policy');
    expect(log.query({ limit: 10 }).events).toEqual([]);
    expect(written).toEqual([]);
  });

  it('stores and writes an ingested event once however often its id is delivered', () => {
    const { sink, written } = lines();
    const log = new AuditLog(new FakeClock(), sink);
    const event = { ...input, id: 'evt-1', time: '2026-06-01T12:00:00.000Z', service: 'policy' };
    expect(log.ingest(event)).toBe(true);
    expect(log.ingest({ ...event })).toBe(false);
    expect(log.query({ limit: 10 }).events).toEqual([event]);
    expect(written).toHaveLength(1);
  });

  it('remembers the last `dedupeWindow` ids, forgetting the oldest first', () => {
    const log = new AuditLog(new FakeClock(), null, () => {}, 100, 3);
    const ev = (id: string) => ({ ...input, id, time: '2026-06-01T12:00:00.000Z', service: 'policy' });
    for (const id of ['a', 'b', 'c', 'd']) expect(log.ingest(ev(id))).toBe(true);
    expect(log.ingest(ev('d'))).toBe(false);
    expect(log.ingest(ev('b'))).toBe(false);
    expect(log.ingest(ev('a'))).toBe(true); // past the window of 3
  });

  it('answers `since` by the event time an ingested event carries', () => {
    const log = new AuditLog(new FakeClock(), null);
    log.ingest({ ...input, id: 'old', time: '2026-06-01T11:00:00.000Z', service: 'policy' });
    log.ingest({ ...input, id: 'new', time: '2026-06-01T12:00:00.000Z', service: 'policy' });
    expect(log.query({ limit: 10, since: Date.parse('2026-06-01T11:30:00Z') }).events.map((e) => e.id)).toEqual(['new']);
  });
});
