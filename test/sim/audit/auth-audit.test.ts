/** sim/audit/auth-audit.ts: auth audit events with a bounded volume. */
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../sim/audit/audit-log';
import { AuthAudit, DENIED_BURST, MAX_DENIED_KEYS } from '../../../sim/audit/auth-audit';
import { FakeClock } from '../helpers/fake-clock';

describe('AuthAudit (bounded volume)', () => {
  it(`writes the first ${DENIED_BURST} denials per tenant and reason, then one aggregated event per interval`, async () => {
    const clock = new FakeClock();
    const log = new AuditLog(clock, null);
    const audit = new AuthAudit(log, clock, 10_000);
    for (let i = 0; i < 12; i++) audit.noteDenied('tenant-01', 'anonymous', 'GET /api/x', 'expired', null);
    audit.noteDenied('tenant-02', 'anonymous', 'GET /api/x', 'expired', null);
    expect(log.query({ action: 'auth.denied', limit: 100 }).events).toHaveLength(DENIED_BURST + 1);
    await clock.advance(10_000);
    const events = log.query({ action: 'auth.denied', limit: 100 }).events;
    expect(events).toHaveLength(DENIED_BURST + 2);
    expect(events.at(-1)).toMatchObject({ tenant: 'tenant-01', count: 12 - DENIED_BURST, reason: 'expired', subject: '*' });
    audit.stop();
  });

  it(`tracks at most ${MAX_DENIED_KEYS} (tenant, reason) keys per interval and counts the rest under tenant *`, () => {
    const clock = new FakeClock();
    const log = new AuditLog(clock, null, () => {}, 20_000);
    const audit = new AuthAudit(log, clock, 10_000);
    for (let i = 0; i < MAX_DENIED_KEYS + 3; i++) audit.noteDenied(`t-${i}`, 'anonymous', 'GET /api/x', 'expired', null);
    const events = log.query({ action: 'auth.denied', limit: 1000 }).events;
    expect(events.slice(-3).map((e) => e.tenant)).toEqual(['*', '*', '*']);
    expect(events.at(-4)?.tenant).toBe(`t-${MAX_DENIED_KEYS - 1}`);
    audit.stop();
  });

  it('writes one auth.degraded per tenant per interval with the count, and auth.recovered for each after flushing', async () => {
    const clock = new FakeClock();
    const log = new AuditLog(clock, null);
    const audit = new AuthAudit(log, clock, 10_000);
    for (let i = 0; i < 100; i++) audit.noteDegraded('tenant-01');
    audit.noteDegraded('tenant-02');
    await clock.advance(10_000);
    await clock.advance(10_000); // an interval with nothing writes nothing
    audit.noteDegraded('tenant-01');
    audit.noteRecovered();
    expect(log.query({ limit: 100 }).events.map((e) => `${e.action}:${e.tenant}:${e.count ?? ''}`)).toEqual([
      'auth.degraded:tenant-01:100',
      'auth.degraded:tenant-02:1',
      'auth.degraded:tenant-01:1',
      'auth.recovered:tenant-01:',
      'auth.recovered:tenant-02:',
    ]);
    audit.stop();
  });
});
