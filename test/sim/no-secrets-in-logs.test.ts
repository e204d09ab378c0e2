/**
 * No token, secret or Authorization header ever appears in an audit line (file sink, ring buffer)
 * or an operational log line — across successes, every kind of failure, admin calls and faults.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../sim/logger';
import { ADMIN, SECRET, call, getToken, startTestSim } from './helpers/sim-fixture';

describe('secrets never reach logs or audit', () => {
  it('keeps tokens, client secrets, the admin token and Authorization values out of every line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-audit-'));
    const auditLog = join(dir, 'audit.jsonl');
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(m), error: (m) => lines.push(m) };
    const sim = await startTestSim({ auditLog, logger, degradedAuditIntervalMs: 50 });
    const token = await getToken(sim, 'tenant-01');
    const other = await getToken(sim, 'tenant-02');
    try {
      await call(sim, 'GET', '/api/policy/policies', { token, tenant: 'tenant-01' });
      await call(sim, 'PUT', '/api/policy/policies/x', { token, tenant: 'tenant-01', body: { name: 'x', rules: [{ effect: 'allow', condition: 'c' }] } });
      await call(sim, 'GET', '/api/policy/policies', { token: other, tenant: 'tenant-01' });
      await call(sim, 'GET', '/api/policy/policies', { token: `${token}x`, tenant: 'tenant-01' });
      await call(sim, 'GET', '/api/policy/policies', { token: 'garbage', tenant: 'tenant-01' });
      for (let i = 0; i < 10; i++) await call(sim, 'GET', '/api/policy/policies', { token: 'not.a.jwt', tenant: 'tenant-01' });
      await fetch(`${sim.authority}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `grant_type=client_credentials&client_id=tenant-load&client_secret=WRONG-${SECRET}&tenant=tenant-01` });
      await fetch(`${sim.authority}/admin/keys/rotate`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}` } });
      await fetch(`${sim.authority}/admin/keys/rotate`, { method: 'POST', headers: { authorization: 'Bearer guessed-admin' } });
      await fetch(`${sim.agentControl}/v1/faults/http`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ fault: { errorRate: 1, errorCode: 503 }, duration: '2s' }) });
      await sim.jwks.refresh('interval');
      await call(sim, 'GET', '/api/policy/policies', { token, tenant: 'tenant-01' });
      await new Promise((r) => setTimeout(r, 120)); // one degraded-audit interval (real time, 50 ms)
      await call(sim, 'GET', '/audit/events', { token: ADMIN });
    } finally {
      await sim.close();
    }
    const file = readFileSync(auditLog, 'utf8');
    const ring = JSON.stringify(sim.audit.query({ limit: 1000 }).events);
    expect(file.split('\n').filter(Boolean).length).toBeGreaterThan(8);
    expect(file).toContain('auth.degraded');
    for (const text of [file, ring, lines.join('\n')]) {
      for (const secret of [token, other, token.split('.')[2] as string, SECRET, ADMIN, 'guessed-admin', 'garbage', 'not.a.jwt']) {
        expect(text).not.toContain(secret);
      }
      expect(text.toLowerCase()).not.toContain('bearer');
      expect(text.toLowerCase()).not.toContain('authorization');
    }
    for (const line of file.split('\n').filter(Boolean)) {
      expect(Object.keys(JSON.parse(line)).slice(0, 8)).toEqual(['id', 'time', 'tenant', 'subject', 'action', 'resource', 'result', 'traceId']);
    }
  });
});
