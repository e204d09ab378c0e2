/**
 * The fault agent (xk6-disruptor HTTP fault model, docs/k6-semantics.md#disruptor-api) in front of a small
 * upstream: pass-through, errorRate statistics, delays, exclude, deadline, replacement, validation,
 * control-API auth, 502 on an unreachable upstream.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultAgent, type FaultAgent } from '../../sim/fault-agent/agent';
import { listen, closeServer } from '../../sim/http/harden';
import { FakeClock } from './helpers/fake-clock';

const ADMIN = 'test-admin';
let upstream: Server;
let upstreamUrl: string;
let agent: FaultAgent | undefined;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      res.setHeader('x-upstream', 'yes');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(200, { 'content-type': 'application/json' });
      // Streamed in chunks: the proxy must pass them through.
      res.write(JSON.stringify({ path: req.url, method: req.method, echo: body, xTest: req.headers['x-test'] ?? null }).slice(0, 10));
      res.end(JSON.stringify({ path: req.url, method: req.method, echo: body, xTest: req.headers['x-test'] ?? null }).slice(10));
    });
  });
  upstreamUrl = `http://127.0.0.1:${await listen(upstream, 0, '127.0.0.1')}`;
});
afterAll(() => closeServer(upstream));
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function start(options: { clock?: FakeClock; upstream?: string } = {}): Promise<FaultAgent> {
  agent = await startFaultAgent({ upstream: options.upstream ?? upstreamUrl, adminToken: ADMIN, ...(options.clock ? { clock: options.clock } : {}) });
  return agent;
}

async function inject(a: FaultAgent, body: unknown, token = ADMIN): Promise<{ status: number; body: any }> {
  const res = await fetch(`${a.control}/v1/faults/http`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('proxying without a fault', () => {
  it('streams request and response bodies and keeps headers', async () => {
    const a = await start();
    const res = await fetch(`${a.proxy}/things?x=1`, { method: 'POST', body: 'hello', headers: { 'x-test': 'kept' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-upstream')).toBe('yes');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ path: '/things?x=1', method: 'POST', echo: 'hello', xTest: 'kept' });
  });

  it('answers 502 JSON when the upstream is unreachable', async () => {
    const dead = createServer();
    const port = await listen(dead, 0, '127.0.0.1');
    await closeServer(dead);
    const a = await start({ upstream: `http://127.0.0.1:${port}` });
    const res = await fetch(`${a.proxy}/jwks`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toBe('bad_gateway');
  });
});

describe('fault semantics', () => {
  it('answers about errorRate of requests with errorCode and errorBody (1,000 requests, rate 0.3, bound ±0.07 ≈ 4.8 σ)', async () => {
    const a = await start();
    const created = await inject(a, { fault: { errorRate: 0.3, errorCode: 503, errorBody: 'injected' }, duration: '1m' });
    expect(created.status).toBe(201);
    let errors = 0;
    let bodiesOk = true;
    for (let batch = 0; batch < 10; batch++) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => fetch(`${a.proxy}/x`).then(async (r) => [r.status, await r.text()] as const)));
      for (const [status, text] of answers) {
        if (status === 503) {
          errors++;
          bodiesOk &&= text === 'injected';
        } else expect(status).toBe(200);
      }
    }
    expect(Math.abs(errors / 1000 - 0.3)).toBeLessThan(0.07);
    expect(bodiesOk).toBe(true);
    const record = (await (await fetch(`${a.control}/v1/faults/${created.body.id}`)).json()) as { requests: number; faulted: number };
    expect(record.requests).toBe(1000);
    expect(record.faulted).toBe(errors);
  });

  it('delays requests by averageDelay ± delayVariation (real time; tolerance 40 ms below, 1 s above)', async () => {
    const a = await start();
    await inject(a, { fault: { averageDelay: '200ms', delayVariation: '50ms' }, duration: '10s' });
    const t0 = performance.now();
    const res = await fetch(`${a.proxy}/slow`);
    const elapsed = performance.now() - t0;
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(150 - 40);
    expect(elapsed).toBeLessThan(250 + 1000);
  });

  it('survives a client that disconnects while its request is held by a delay', async () => {
    const clock = new FakeClock();
    const a = await start({ clock });
    await inject(a, { fault: { averageDelay: '5s' }, duration: '1m' });
    const ac = new AbortController();
    const aborted = fetch(`${a.proxy}/held`, { signal: ac.signal }).catch((e: Error) => e.name);
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    expect(await aborted).toBe('AbortError');
    await clock.advance(5000); // the held request is forwarded after its client left
    await fetch(`${a.control}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    expect((await fetch(`${a.proxy}/after`)).status).toBe(200);
  });

  it('holds a delayed request until the fake clock reaches the delay', async () => {
    const clock = new FakeClock();
    const a = await start({ clock });
    await inject(a, { fault: { averageDelay: '2s' }, duration: '1m' });
    let done = false;
    const pending = fetch(`${a.proxy}/held`).then((r) => {
      done = true;
      return r.status;
    });
    await new Promise((r) => setTimeout(r, 100));
    await clock.advance(1900);
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    await clock.advance(100);
    expect(await pending).toBe(200);
  });

  it('never faults an excluded path and counts it in requests only', async () => {
    const a = await start();
    await inject(a, { fault: { errorRate: 1, errorCode: 500, exclude: '/healthz,/readyz' }, duration: '1m' });
    expect((await fetch(`${a.proxy}/healthz`)).status).toBe(200);
    expect((await fetch(`${a.proxy}/readyz?full=1`)).status).toBe(200);
    expect((await fetch(`${a.proxy}/jwks`)).status).toBe(500);
    const list = (await (await fetch(`${a.control}/v1/faults`)).json()) as { active: { requests: number; faulted: number } };
    expect(list.active).toMatchObject({ requests: 3, faulted: 1 });
  });

  it('ends the fault by itself at its deadline (fake clock)', async () => {
    const clock = new FakeClock();
    const a = await start({ clock });
    const created = await inject(a, { fault: { errorRate: 1, errorCode: 503 }, duration: '30s' });
    expect(created.body.endsAt).toBe(new Date(clock.now() + 30_000).toISOString());
    expect((await fetch(`${a.proxy}/x`)).status).toBe(503);
    await clock.advance(29_999);
    expect((await fetch(`${a.proxy}/x`)).status).toBe(503);
    await clock.advance(1);
    expect((await fetch(`${a.proxy}/x`)).status).toBe(200);
    const list = (await (await fetch(`${a.control}/v1/faults`)).json()) as { active: unknown; recent: Array<{ endedAt: string }> };
    expect(list.active).toBeNull();
    expect(list.recent[0]?.endedAt).toBe(created.body.endsAt);
  });

  it('replaces the active fault atomically with a new one', async () => {
    const a = await start();
    const first = await inject(a, { fault: { errorRate: 1, errorCode: 503 }, duration: '1m' });
    const second = await inject(a, { fault: { errorRate: 1, errorCode: 418 }, duration: '1m' });
    expect((await fetch(`${a.proxy}/x`)).status).toBe(418);
    const list = (await (await fetch(`${a.control}/v1/faults`)).json()) as { active: { id: string }; recent: Array<{ id: string; endedAt: string | null }> };
    expect(list.active.id).toBe(second.body.id);
    expect(list.recent.map((r) => r.id)).toEqual([second.body.id, first.body.id]);
    expect(list.recent[1]?.endedAt).not.toBeNull();
  });

  it('DELETE ends the active fault and returns it', async () => {
    const a = await start();
    const created = await inject(a, { fault: { errorRate: 1, errorCode: 503 }, duration: '1m' });
    const res = await fetch(`${a.control}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ended: { id: string } }).ended.id).toBe(created.body.id);
    expect((await fetch(`${a.proxy}/x`)).status).toBe(200);
    const again = await fetch(`${a.control}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(await again.json()).toEqual({ ended: null });
  });
});

describe('control API', () => {
  it.each([
    ['averageDelay as a number', { fault: { averageDelay: 500 }, duration: '1m' }, 'fault.averageDelay'],
    ['an unknown fault field', { fault: { errorCde: 500 }, duration: '1m' }, 'fault.errorCde'],
    ['errorRate above 1', { fault: { errorRate: 2, errorCode: 500 }, duration: '1m' }, 'fault.errorRate'],
    ['errorRate without errorCode', { fault: { errorRate: 0.5 }, duration: '1m' }, 'fault.errorCode'],
    ['a duration under one second', { fault: {}, duration: '500ms' }, 'duration'],
    ['a missing duration', { fault: {} }, 'duration'],
    ['an exclude path without a slash', { fault: { exclude: 'healthz' }, duration: '1m' }, 'fault.exclude'],
    ['an unknown top-level field', { fault: {}, duration: '1m', target: 'x' }, 'target'],
  ])('rejects %s with 400 invalid_fault naming the field', async (_name, body, field) => {
    const a = await start();
    const res = await inject(a, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_fault');
    expect(res.body.problems.map((p: { field: string }) => p.field)).toContain(field);
    expect(res.body.message).toContain(field);
  });

  it('rejects malformed JSON with 400 invalid_json', async () => {
    const a = await start();
    const res = await fetch(`${a.control}/v1/faults/http`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: '{' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_json');
  });

  it('requires the admin token for changes but not for reads', async () => {
    const a = await start();
    expect((await inject(a, { fault: {}, duration: '1m' }, 'wrong')).status).toBe(401);
    expect((await fetch(`${a.control}/v1/faults/http`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect((await fetch(`${a.control}/v1/faults`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${a.control}/v1/faults`)).status).toBe(200);
    expect((await fetch(`${a.control}/v1/faults/unknown-id`)).status).toBe(404);
  });
});
