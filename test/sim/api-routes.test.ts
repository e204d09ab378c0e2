/**
 * The nine API routes in process: seeded data, pagination, writes readable at once, JSON-schema
 * validation, cross-tenant isolation, and the error table of docs/platform-api.md.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sim } from '../../sim/index';
import { call, getToken, startTestSim } from './helpers/sim-fixture';

let sim: Sim;
let a: string;
let b: string;
beforeAll(async () => {
  // Drain rate 0: the Notify queue depth asserted below must not race a real-time drain tick.
  sim = await startTestSim({ maxBodyBytes: 4096, notifyDrainRate: 0 });
  a = await getToken(sim, 'tenant-01');
  b = await getToken(sim, 'tenant-02');
});
afterAll(() => sim.close());

const asA = (method: string, path: string, body?: unknown) => call(sim, method, path, { token: a, tenant: 'tenant-01', ...(body !== undefined ? { body } : {}) });
const asB = (method: string, path: string, body?: unknown) => call(sim, method, path, { token: b, tenant: 'tenant-02', ...(body !== undefined ? { body } : {}) });

describe('seeded data and reads', () => {
  it('lists at least 50 policies, 200 findings and 5 channels per tenant, paging with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const res = await asA('GET', `/api/policy/policies?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((p: { id: string }) => p.id));
      cursor = res.body.nextCursor;
    }
    expect(seen.length).toBeGreaterThanOrEqual(50);
    expect(new Set(seen).size).toBe(seen.length);
    let findings = 0;
    cursor = '';
    while (cursor !== null) {
      const res = await asA('GET', `/api/vuln/findings?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
      findings += res.body.items.length;
      cursor = res.body.nextCursor;
    }
    expect(findings).toBeGreaterThanOrEqual(200);
    const channels = await asA('GET', '/api/notify/channels');
    expect(channels.body.items.length).toBeGreaterThanOrEqual(5);
    expect(channels.body.nextCursor).toBeNull();
  });

  it('defaults lists to 20 items and filters findings by severity', async () => {
    const page = await asA('GET', '/api/vuln/findings');
    expect(page.body.items).toHaveLength(20);
    expect(typeof page.body.nextCursor).toBe('string');
    const high = await asA('GET', '/api/vuln/findings?severity=high&limit=100');
    expect(high.body.items.length).toBeGreaterThan(0);
    expect(high.body.items.every((f: { severity: string }) => f.severity === 'high')).toBe(true);
  });

  it('gets one policy and one finding by id, 404 for an unknown id', async () => {
    expect((await asA('GET', '/api/policy/policies/pol-001')).body).toMatchObject({ id: 'pol-001', version: 1 });
    expect((await asA('GET', '/api/vuln/findings/fnd-0001')).body).toMatchObject({ id: 'fnd-0001', triage: null });
    const missing = await asA('GET', '/api/policy/policies/pol-999');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('not_found');
  });

  it('seeds the same data for the same tenant and different data for different tenants', async () => {
    const a1 = (await asA('GET', '/api/vuln/findings/fnd-0001')).body;
    const b1 = (await asB('GET', '/api/vuln/findings/fnd-0001')).body;
    expect(a1.id).toBe(b1.id);
    expect(`${a1.cve}${a1.component}`).not.toBe(`${b1.cve}${b1.component}`);
  });
});

describe('writes', () => {
  it('PUT creates a policy (201), replaces it (200, version + 1), and the next GET reads it', async () => {
    const input = { name: 'Block criticals', rules: [{ effect: 'deny', condition: 'severity == critical' }], clientRequestId: 'req-1' };
    const created = await asA('PUT', '/api/policy/policies/new-pol', input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'new-pol', version: 1, rules: [{ id: 'r1', effect: 'deny' }], clientRequestId: 'req-1' });
    const replaced = await asA('PUT', '/api/policy/policies/new-pol', { ...input, name: 'Block criticals v2' });
    expect(replaced.status).toBe(200);
    expect(replaced.body.version).toBe(2);
    expect((await asA('GET', '/api/policy/policies/new-pol')).body.name).toBe('Block criticals v2');
    const all = (await asA('GET', '/api/policy/policies?limit=100')).body.items as Array<{ id: string; version: number }>;
    expect(all.find((p) => p.id === 'new-pol')?.version).toBe(2);
  });

  it('POST triage sets the triage of a finding, by the token subject', async () => {
    expect((await asA('GET', '/api/vuln/findings?limit=5')).body.items[1].triage).toBeNull(); // page cached before the write
    const res = await asA('POST', '/api/vuln/findings/fnd-0002/triage', { status: 'accepted', note: 'risk accepted' });
    expect(res.status).toBe(200);
    expect(res.body.triage).toMatchObject({ status: 'accepted', note: 'risk accepted', by: 'tenant-load' });
    expect((await asA('GET', '/api/vuln/findings/fnd-0002')).body.triage.status).toBe('accepted');
    // Lists read after the write show it too (no stale page).
    const listed = (await asA('GET', '/api/vuln/findings?limit=5')).body.items.find((f: { id: string }) => f.id === 'fnd-0002');
    expect(listed.triage.status).toBe('accepted');
    expect((await asA('POST', '/api/vuln/findings/nope/triage', { status: 'fixed' })).status).toBe(404);
  });

  it('POST rules creates a rule (201), enqueues a delivery, and a reused id is 409', async () => {
    const res = await asA('POST', '/api/notify/rules', { id: 'my-rule', name: 'criticals to slack', channelId: 'ch-2', event: 'finding.created', minSeverity: 'critical' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'my-rule', channelId: 'ch-2', minSeverity: 'critical' });
    const list = await asA('GET', '/api/notify/rules?limit=100');
    expect(list.body.items.map((r: { id: string }) => r.id)).toContain('my-rule');
    const again = await asA('POST', '/api/notify/rules', { id: 'my-rule', name: 'x', channelId: 'ch-2', event: 'finding.created' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('conflict');
    const text = await sim.metrics.registry.metrics();
    expect(text).toMatch(/tenant_queue_depth\{tenant="tenant-01",service="notify",queue="notify_deliveries"\} [1-9]/);
  });

  it('a rule naming a channel the tenant does not have is invalid_body', async () => {
    const res = await asA('POST', '/api/notify/rules', { name: 'x', channelId: 'ch-99', event: 'policy.updated' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_body');
    expect(res.body.details).toEqual([{ path: '/channelId', message: "channel 'ch-99' does not exist in tenant 'tenant-01'" }]);
  });

  it('writes a data.write audit event per write, with the W3C trace id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await call(sim, 'PUT', '/api/policy/policies/traced', {
      token: a,
      tenant: 'tenant-01',
      body: { name: 'traced', rules: [{ effect: 'warn', condition: 'x' }] },
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const ev = sim.audit.query({ action: 'data.write', tenant: 'tenant-01', limit: 1 }).events[0];
    expect(ev).toMatchObject({ tenant: 'tenant-01', subject: 'tenant-load', action: 'data.write', resource: 'policy/traced', result: 'success', traceId });
  });
});

describe('cross-tenant isolation', () => {
  it('what tenant A writes, tenant B can neither list nor get', async () => {
    await asA('PUT', '/api/policy/policies/secret-pol', { name: 'A only', rules: [{ effect: 'allow', condition: 'true' }] });
    await asA('POST', '/api/notify/rules', { id: 'a-secret-rule', name: 'A only', channelId: 'ch-1', event: 'policy.updated' });
    await asA('POST', '/api/vuln/findings/fnd-0003/triage', { status: 'fixed', note: 'A note' });
    expect((await asB('GET', '/api/policy/policies/secret-pol')).status).toBe(404);
    const bPolicies = await asB('GET', '/api/policy/policies?limit=100&cursor=');
    expect(JSON.stringify(bPolicies.body)).not.toContain('secret-pol');
    const bRules = await asB('GET', '/api/notify/rules?limit=100');
    expect(JSON.stringify(bRules.body)).not.toContain('a-secret-rule');
    expect((await asB('GET', '/api/vuln/findings/fnd-0003')).body.triage).toBeNull();
  });

  it("A's token with B's tenant header is 403 and the handler never runs (no write happens)", async () => {
    const res = await call(sim, 'PUT', '/api/policy/policies/cross', { token: a, tenant: 'tenant-02', body: { name: 'x', rules: [{ effect: 'allow', condition: 'y' }] } });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('tenant_mismatch');
    expect((await asB('GET', '/api/policy/policies/cross')).status).toBe(404);
    expect((await asA('GET', '/api/policy/policies/cross')).status).toBe(404);
  });
});

describe('bad input answers JSON errors, never 500', () => {
  const bad: Array<[string, string, string, unknown, number, string]> = [
    ['malformed JSON', 'PUT', '/api/policy/policies/p1', '{"name": ', 400, 'invalid_json'],
    ['an empty body', 'PUT', '/api/policy/policies/p1', '', 400, 'invalid_json'],
    ['a JSON array', 'PUT', '/api/policy/policies/p1', [], 400, 'invalid_body'],
    ['a wrong type', 'PUT', '/api/policy/policies/p1', { name: 5, rules: [] }, 400, 'invalid_body'],
    ['an unknown field', 'POST', '/api/vuln/findings/fnd-0001/triage', { status: 'fixed', extra: 1 }, 400, 'invalid_body'],
    ['a value outside the enum', 'POST', '/api/vuln/findings/fnd-0001/triage', { status: 'ignored' }, 400, 'invalid_body'],
    ['a too long name', 'POST', '/api/notify/rules', { name: 'x'.repeat(201), channelId: 'ch-1', event: 'policy.updated' }, 400, 'invalid_body'],
    ['a limit over 100', 'GET', '/api/vuln/findings?limit=101', undefined, 400, 'invalid_query'],
    ['a limit of 0', 'GET', '/api/policy/policies?limit=0', undefined, 400, 'invalid_query'],
    ['a forged cursor', 'GET', '/api/policy/policies?cursor=bm9wZQ', undefined, 400, 'invalid_query'],
    ['an unknown severity', 'GET', '/api/vuln/findings?severity=urgent', undefined, 400, 'invalid_query'],
    ['an unknown route', 'GET', '/api/policy/unknown', undefined, 404, 'not_found'],
    ['an id outside the id charset', 'GET', '/api/policy/policies/%3Cscript%3E', undefined, 404, 'not_found'],
    ['a wrong method', 'DELETE', '/api/policy/policies/pol-001', undefined, 405, 'method_not_allowed'],
  ];
  it.each(bad)('%s', async (_name, method, path, body, status, error) => {
    const res = await asA(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(res.body.message.length).toBeGreaterThan(5);
    if (error === 'invalid_body') expect(res.body.details.length).toBeGreaterThan(0);
  });

  it('names every schema problem with its path', async () => {
    const res = await asA('PUT', '/api/policy/policies/p1', { rules: [{ effect: 'maybe' }], color: 'red' });
    expect(res.body.details).toEqual(
      expect.arrayContaining([
        { path: '/name', message: 'is required' },
        { path: '/color', message: 'is not an allowed field' },
        { path: '/rules/0/condition', message: 'is required' },
        { path: '/rules/0/effect', message: 'must be one of "allow", "deny", "warn"' },
      ]),
    );
  });

  it('answers 413 with the limit for a body over --max-body-bytes', async () => {
    const res = await asA('PUT', '/api/policy/policies/big', { name: 'big', description: 'x'.repeat(5000), rules: [{ effect: 'allow', condition: 'c' }] });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'payload_too_large', limit: 4096 });
  });

  it('answers 415 for a write that is not JSON', async () => {
    const res = await call(sim, 'PUT', '/api/policy/policies/p1', { token: a, tenant: 'tenant-01', body: 'name=x', headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('unsupported_media_type');
  });

  it.each([
    ['missing', undefined],
    ['uppercase', 'Tenant-01'],
    ['too long', `t${'a'.repeat(63)}`],
    ['with a slash', 'tenant/01'],
    ['empty', ''],
  ])('answers 400 invalid_tenant_header for a tenant header that is %s', async (_name, tenant) => {
    const res = await call(sim, 'GET', '/api/policy/policies', { token: a, ...(tenant !== undefined ? { tenant } : {}) });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_tenant_header');
    expect(res.body.message).toContain('x-stellaops-tenant');
  });

  it('answers 431 JSON for headers over 16 KiB', async () => {
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(sim.api);
      const req = httpRequest({ hostname: url.hostname, port: url.port, path: '/api/policy/policies', headers: { 'x-big': 'x'.repeat(20_000) } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
    expect(JSON.parse(body).error).toBe('request_header_too_large');
  });

  it('never answered a 500 in this file', async () => {
    const text = await sim.metrics.registry.metrics();
    expect(text).not.toMatch(/tenant_requests_total\{[^}]*status="5\d\d"\}/);
  });
});

describe('operations endpoints', () => {
  it('answers /audit/events only with the admin token, filtered, newest last', async () => {
    expect((await call(sim, 'GET', '/audit/events')).status).toBe(401);
    expect((await call(sim, 'GET', '/audit/events', { token: a })).status).toBe(401);
    const res = await call(sim, 'GET', '/audit/events?action=data.write&tenant=tenant-01&limit=2', { token: 'local-admin-token' });
    expect(res.status).toBe(200);
    expect(res.body.events).toHaveLength(2);
    expect(res.body.dropped).toBe(0);
    expect(res.body.events.every((e: { action: string; tenant: string }) => e.action === 'data.write' && e.tenant === 'tenant-01')).toBe(true);
    expect(Date.parse(res.body.events[0].time)).toBeLessThanOrEqual(Date.parse(res.body.events[1].time));
    const future = await call(sim, 'GET', `/audit/events?since=${Date.now() + 60_000}`, { token: 'local-admin-token' });
    expect(future.body.events).toEqual([]);
    const badQuery = await call(sim, 'GET', '/audit/events?limit=5000&since=yesterday', { token: 'local-admin-token' });
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['limit', 'since']);
  });

  it('exposes the metric families of docs/architecture.md#platform with 0.3 and 0.6 latency buckets', async () => {
    const res = await fetch(`${sim.api}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    for (const name of ['tenant_requests_total', 'tenant_request_duration_seconds', 'tenant_rate_limit_hits_total', 'tenant_data_volume_bytes_total', 'tenant_queue_depth', 'tenant_label_overflow_total', 'auth_jwks_cache_hits_total', 'auth_jwks_cache_misses_total', 'auth_jwks_stale_serves_total', 'auth_jwks_refresh_total', 'auth_jwks_cache_age_seconds', 'auth_jwks_degraded', 'auth_token_validation_failures_total']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/tenant_request_duration_seconds_bucket\{le="0.3",tenant="tenant-01"/);
    expect(text).toMatch(/tenant_request_duration_seconds_bucket\{le="0.6",tenant="tenant-01"/);
    expect(text).toMatch(/tenant_requests_total\{tenant="tenant-01",service="policy",route="PUT \/api\/policy\/policies\/\{id\}",status="201"\}/);
  });
});

describe('chunked bodies', () => {
  it('answers 413 as soon as a chunked body crosses the limit', async () => {
    const url = new URL(sim.api);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(
        {
          hostname: url.hostname,
          port: url.port,
          method: 'PUT',
          path: '/api/policy/policies/chunked',
          headers: { authorization: `Bearer ${a}`, 'x-stellaops-tenant': 'tenant-01', 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.write('{"name":"x","description":"');
      for (let i = 0; i < 10; i++) req.write('y'.repeat(1000));
      req.end('"}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ error: 'payload_too_large', limit: 4096 });
    expect((await asA('GET', '/api/policy/policies/chunked')).status).toBe(404);
  });
});
