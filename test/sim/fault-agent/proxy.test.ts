/**
 * The fault agent's proxy under a fault that holds requests: when the fault ends (DELETE, a
 * replacing fault, or its deadline) the requests it holds are released at once. And the agent's
 * own shapes: `blackhole` (accept, never answer, release without an answer) and `reset`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultAgent, type FaultAgent } from '../../../sim/fault-agent/agent';
import { startPlainUpstream, type PlainUpstream } from '../helpers/plain-upstream';
import { FakeClock, flushIo } from '../helpers/fake-clock';

const ADMIN = 'test-admin';
let upstream: PlainUpstream;
let upstreamUrl: string;
let agent: FaultAgent | undefined;

beforeAll(async () => {
  upstream = await startPlainUpstream();
  upstreamUrl = upstream.url;
});
afterAll(() => upstream.close());
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function start(clock: FakeClock, maxHeldRequests?: number): Promise<FaultAgent> {
  agent = await startFaultAgent({ upstream: upstreamUrl, adminToken: ADMIN, clock, ...(maxHeldRequests ? { maxHeldRequests } : {}) });
  return agent;
}

const post = (a: FaultAgent, body: unknown): Promise<Response> =>
  fetch(`${a.control}/v1/faults/http`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const del = (a: FaultAgent): Promise<Response> => fetch(`${a.control}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });

async function heldRequest(a: FaultAgent, path = '/jwks'): Promise<{ settled: () => boolean; answer: Promise<number | string> }> {
  let done = false;
  const answer = fetch(`${a.proxy}${path}`).then(
    (r) => {
      done = true;
      return r.status;
    },
    (err: Error & { cause?: { code?: string } }) => {
      done = true;
      return `no answer (${err.cause?.code ?? err.name})`;
    },
  );
  // Let the request reach the agent and be held.
  for (let i = 0; i < 20 && (a.controller.active()?.requests ?? 0) === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await flushIo();
  return { settled: () => done, answer };
}

describe('delayed requests', () => {
  it('DELETE releases requests already being delayed: they are forwarded at once', async () => {
    const clock = new FakeClock();
    const a = await start(clock);
    expect((await post(a, { fault: { averageDelay: '30s' }, duration: '5m' })).status).toBe(201);
    const held = await heldRequest(a);
    expect(held.settled()).toBe(false);
    expect((await del(a)).status).toBe(200);
    expect(await held.answer).toBe(200);
  });

  it('the fault reaching its deadline releases requests delayed past it', async () => {
    const clock = new FakeClock();
    const a = await start(clock);
    expect((await post(a, { fault: { averageDelay: '50s' }, duration: '2s' })).status).toBe(201);
    const held = await heldRequest(a);
    await clock.advance(2000);
    expect(await held.answer).toBe(200);
  });
});

describe('blackhole', () => {
  it('accepts a request and never answers it while the fault lasts', async () => {
    const clock = new FakeClock();
    const a = await start(clock);
    expect((await post(a, { fault: { blackhole: true }, duration: '5m' })).status).toBe(201);
    const held = await heldRequest(a);
    await clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(held.settled()).toBe(false);
    expect(a.controller.heldCount).toBe(1);
    expect(a.controller.active()).toMatchObject({ requests: 1, faulted: 1 });
    await del(a);
    expect(await held.answer).toMatch(/^no answer/);
  });

  it.each([
    ['DELETE', async (a: FaultAgent) => void (await del(a))],
    ['the fault deadline', async (_a: FaultAgent, clock: FakeClock) => clock.advance(10_000)],
    ['a replacing fault', async (a: FaultAgent) => void (await post(a, { fault: { errorRate: 1, errorCode: 503 }, duration: '1m' }))],
  ])('releases held requests without an answer on %s, and answers new ones normally', async (_name, end) => {
    const clock = new FakeClock();
    const a = await start(clock);
    await post(a, { fault: { blackhole: true }, duration: '10s' });
    const held = await Promise.all([heldRequest(a), heldRequest(a)]);
    await end(a, clock);
    for (const h of held) expect(await h.answer).toMatch(/^no answer/);
    expect(a.controller.heldCount).toBe(0);
    await del(a);
    expect((await fetch(`${a.proxy}/jwks`)).status).toBe(200);
  });

  it('lets excluded paths through', async () => {
    const a = await start(new FakeClock());
    await post(a, { fault: { blackhole: true, exclude: '/healthz' }, duration: '1m' });
    expect((await fetch(`${a.proxy}/healthz`)).status).toBe(200);
  });

  it('forgets a held request whose client gave up', async () => {
    const a = await start(new FakeClock());
    await post(a, { fault: { blackhole: true }, duration: '1m' });
    const ac = new AbortController();
    const p = fetch(`${a.proxy}/jwks`, { signal: ac.signal }).catch((e: Error) => e.name);
    for (let i = 0; i < 50 && a.controller.heldCount === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(a.controller.heldCount).toBe(1);
    ac.abort();
    expect(await p).toBe('AbortError');
    for (let i = 0; i < 50 && a.controller.heldCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(a.controller.heldCount).toBe(0);
  });
});

describe('held requests are bounded', () => {
  it('closes a request the blackhole cannot hold any more (past maxHeldRequests) instead of holding it', async () => {
    const a = await start(new FakeClock(), 2);
    await post(a, { fault: { blackhole: true }, duration: '1m' });
    const held = [await heldRequest(a), await heldRequest(a)];
    const third = await fetch(`${a.proxy}/jwks`).then(
      (r) => r.status,
      () => 'no answer',
    );
    expect(third).toBe('no answer');
    expect(a.controller.heldCount).toBe(2);
    await del(a);
    for (const h of held) expect(await h.answer).toMatch(/^no answer/);
  });
});

describe('reset', () => {
  it('closes the connection of a faulted request without an answer, at once', async () => {
    const a = await start(new FakeClock());
    await post(a, { fault: { reset: true }, duration: '1m' });
    const answer = await (await heldRequest(a)).answer;
    expect(answer).toMatch(/^no answer/);
    expect(a.controller.active()).toMatchObject({ requests: 1, faulted: 1 });
    await del(a);
    expect((await fetch(`${a.proxy}/jwks`)).status).toBe(200);
  });
});
