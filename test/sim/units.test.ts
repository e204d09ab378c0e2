/**
 * Pure parts and single middleware steps, in isolation: tenant header, tenant guard, bearer
 * parsing, fault decisions, bounded auth audit, the audit ring buffer, trace ids, pagination,
 * and listener hardening (slow clients, garbage) on a bare server.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { resolveTenantHeader } from '../../sim/api/middleware/tenant-header';
import { tenantData } from '../../sim/api/middleware/tenant-guard';
import { paginate, parsePage } from '../../sim/api/pagination';
import { TenantStore } from '../../sim/api/store/tenant-store';
import { seedTenant } from '../../sim/api/store/seed';
import { traceIdFrom } from '../../sim/audit/audit-event';
import { asKeySet, fetchJwksOverHttp, MAX_JWKS_BYTES, MAX_JWKS_KEYS } from '../../sim/auth/jwks-cache';
import { AuditLog } from '../../sim/audit/audit-log';
import { AuthAudit, DENIED_BURST, MAX_DENIED_KEYS } from '../../sim/audit/auth-audit';
import type { Principal } from '../../sim/auth/token-verifier';
import { InsufficientScopeError, InvalidTenantHeaderError, TenantMismatchError, type FieldProblem } from '../../sim/errors';
import { decideFault } from '../../sim/fault-agent/fault-decision';
import { closeServer, hardenServer, listen, SERVER_OPTIONS } from '../../sim/http/harden';
import { bearerOf } from '../../sim/secrets';
import { TenantRegistry } from '../../sim/tenants';
import { FakeClock } from './helpers/fake-clock';

const reqWith = (headers: Record<string, string | string[]>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;

describe('resolveTenantHeader', () => {
  it.each([
    ['tenant-01', 'tenant-01'],
    ['a', 'a'],
    ['0abc-def', '0abc-def'],
  ])('accepts %s', (value, expected) => {
    expect(resolveTenantHeader(reqWith({ 'x-stellaops-tenant': value }))).toBe(expected);
  });
  it.each([['-lead'], ['UPPER'], ['sp ace'], ['a'.repeat(64)], ['ünïcode'], ['']])('rejects %j with invalid_tenant_header', (value) => {
    expect(() => resolveTenantHeader(reqWith({ 'x-stellaops-tenant': value }))).toThrow(InvalidTenantHeaderError);
  });
  it('rejects a repeated header', () => {
    expect(() => resolveTenantHeader(reqWith({ 'x-stellaops-tenant': ['a', 'b'] }))).toThrow(/must appear once/);
  });
});

describe('tenantData (the tenant guard)', () => {
  const principal = (tenant: string, scopes: string[]): Principal => ({ subject: 's', clientId: 's', tenant, scopes: new Set(scopes), expMs: 0, kid: 'k' });
  it('returns the data of the token tenant when header and scope match', () => {
    const store = new TenantStore();
    const data = tenantData(principal('tenant-01', ['policy:read']), 'tenant-01', 'policy:read', store, new TenantRegistry(2));
    expect(data).toBe(store.forTenant('tenant-01'));
  });
  it('refuses a header tenant other than the token tenant without touching the store', () => {
    const store = new TenantStore();
    let touched = false;
    store.forTenant = () => {
      touched = true;
      throw new Error('must not be called');
    };
    expect(() => tenantData(principal('tenant-01', ['policy:read']), 'tenant-02', 'policy:read', store, new TenantRegistry(2))).toThrow(TenantMismatchError);
    expect(() => tenantData(principal('tenant-01', ['vuln:read']), 'tenant-01', 'policy:read', store, new TenantRegistry(2))).toThrow(InsufficientScopeError);
    expect(touched).toBe(false);
  });
});

describe('tenant isolation has one enforcement point', () => {
  it('no route module reaches the store directly: handlers only get ctx.data from the tenant guard', () => {
    const dir = new URL('../../sim/api/routes/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      expect(text, f).not.toMatch(/TenantStore|forTenant\(/);
    }
    const callers = ['api-server.ts', 'middleware/tenant-guard.ts'].map((f) => readFileSync(new URL(`../../sim/api/${f}`, import.meta.url), 'utf8'));
    expect(callers[0]).not.toMatch(/forTenant\(/);
    expect(callers[1]).toMatch(/store\.forTenant\(principal\.tenant\)/);
  });
});

describe('bearerOf', () => {
  it.each([
    ['Bearer abc', 'abc'],
    ['bearer   abc ', 'abc'],
    ['Basic abc', null],
    ['Bearer', null],
    ['Bearer ', null],
    [undefined, null],
  ])('%j → %j', (header, expected) => {
    expect(bearerOf(header)).toBe(expected);
  });
});

describe('decideFault', () => {
  const seq = (...values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length] as number;
  };
  it.each([
    ['no fault fields → pass', {}, '/jwks', seq(0.5), { kind: 'pass' }],
    ['excluded path → pass even at errorRate 1', { errorRate: 1, errorCode: 503, exclude: '/healthz' }, '/healthz?x', seq(0), { kind: 'pass' }],
    ['draw below errorRate → error', { errorRate: 0.3, errorCode: 503, errorBody: 'x' }, '/jwks', seq(0.29), { kind: 'error', delayMs: 0, status: 503, body: 'x' }],
    ['draw at errorRate → proxied', { errorRate: 0.3, errorCode: 503 }, '/jwks', seq(0.3), { kind: 'pass' }],
    ['delay without variation', { averageDelay: '100ms' }, '/', seq(0.9), { kind: 'delay', delayMs: 100 }],
    ['variation at its maximum draw', { averageDelay: '100ms', delayVariation: '20ms' }, '/', seq(1), { kind: 'delay', delayMs: 120 }],
    ['variation at its minimum draw', { averageDelay: '100ms', delayVariation: '20ms' }, '/', seq(0), { kind: 'delay', delayMs: 80 }],
    ['delay never negative', { averageDelay: '10ms', delayVariation: '50ms' }, '/', seq(0), { kind: 'pass' }],
    ['delay then error', { averageDelay: '1s', errorRate: 1, errorCode: 500 }, '/', seq(0.5), { kind: 'error', delayMs: 1000, status: 500, body: '' }],
  ])('%s', (_name, fault, path, random, expected) => {
    expect(decideFault(fault, path, random)).toEqual(expected);
  });
});

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

describe('traceIdFrom', () => {
  it.each([
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', '4bf92f3577b34da6a3ce929d0e0e4736'],
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01', null],
    ['garbage', null],
    [undefined, null],
  ])('%j → %j', (header, expected) => {
    expect(traceIdFrom(header)).toBe(expected);
  });
});

describe('pagination', () => {
  it('walks a list with opaque cursors until nextCursor is null', () => {
    const items = Array.from({ length: 45 }, (_, i) => i);
    const seen: number[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const problems: FieldProblem[] = [];
      const page = parsePage(new URLSearchParams({ limit: '20', cursor }), problems);
      expect(problems).toEqual([]);
      const res = paginate(items, page);
      seen.push(...res.items);
      cursor = res.nextCursor;
    }
    expect(seen).toEqual(items);
  });

  it('seeds identical data for a tenant every time', () => {
    expect(seedTenant('tenant-05')).toEqual(seedTenant('tenant-05'));
  });
});

describe('listener hardening', () => {
  const raw = (port: number, data: string, waitMs: number): Promise<string> =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(data));
      let text = '';
      socket.on('data', (c) => (text += c));
      socket.on('close', () => resolve(text));
      setTimeout(() => socket.destroy(), waitMs);
    });

  it('answers 408 JSON to a client that never finishes its headers (real time: 500 ms limit, checked every 1 s; tolerance 4 s)', async () => {
    const server = createServer(SERVER_OPTIONS, (_req, res) => res.end('handler ran'));
    hardenServer(server, { headersTimeoutMs: 500, requestTimeoutMs: 500 });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const text = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ', 4000);
      expect(text).toMatch(/^HTTP\/1.1 408 Request Timeout/);
      expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'request_timeout', message: 'the request did not arrive in time' });
      expect(text).not.toContain('handler ran');
    } finally {
      await closeServer(server);
    }
  });

  it('answers 400 JSON to bytes that are not HTTP', async () => {
    const server = createServer(SERVER_OPTIONS, (_req, res) => res.end('handler ran'));
    hardenServer(server);
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const text = await raw(port, 'HELLO THERE\r\n\r\n', 2000);
      expect(text).toMatch(/^HTTP\/1.1 400 Bad Request/);
      expect(text).toContain('"error":"bad_request"');
    } finally {
      await closeServer(server);
    }
  });
});

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
