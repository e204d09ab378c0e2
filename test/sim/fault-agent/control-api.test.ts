/**
 * The fault agent's control API as an attacker holding the agent token would use it: a fault is a
 * failure, never a way to serve content (issue 15, finding 1), and every input is bounded so a
 * refused request never touches the active fault (finding 4).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAULT_DELAY_MS, MAX_FAULT_DURATION_MS } from '../../../contracts/http-fault';
import { startFaultAgent, type FaultAgent } from '../../../sim/fault-agent/agent';
import { startPlainUpstream, type PlainUpstream } from '../helpers/plain-upstream';

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

async function start(): Promise<FaultAgent> {
  agent = await startFaultAgent({ upstream: upstreamUrl, adminToken: ADMIN });
  return agent;
}

async function inject(a: FaultAgent, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${a.control}/v1/faults/http`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('errorCode is a failure status', () => {
  it.each([100, 101, 103, 200, 204, 301, 302, 399])('refuses errorCode %i with 400 naming fault.errorCode (only 4xx/5xx)', async (code) => {
    const a = await start();
    const res = await inject(a, { fault: { errorRate: 1, errorCode: code, errorBody: '{"keys":[]}' }, duration: '1m' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_fault');
    expect(res.body.problems).toEqual([{ field: 'fault.errorCode', message: expect.stringMatching(/400-599/) }]);
    expect((await fetch(`${a.proxy}/jwks`)).status).toBe(200);
  });

  it.each([400, 429, 500, 503, 599])('accepts errorCode %i', async (code) => {
    const a = await start();
    expect((await inject(a, { fault: { errorRate: 1, errorCode: code }, duration: '1m' })).status).toBe(201);
    expect((await fetch(`${a.proxy}/jwks`)).status).toBe(code);
  });
});

describe('bounded durations', () => {
  it.each([
    ['a duration past the limit', { fault: { errorRate: 1, errorCode: 503 }, duration: '100000000000h' }, 'duration', /at most 24h/],
    ['a duration of 25h', { fault: { errorRate: 1, errorCode: 503 }, duration: '25h' }, 'duration', /at most 24h/],
    ['an averageDelay of 600h (timer overflow)', { fault: { averageDelay: '600h' }, duration: '1m' }, 'fault.averageDelay', /at most 1m/],
    ['a delayVariation of 2m', { fault: { averageDelay: '1s', delayVariation: '2m' }, duration: '1m' }, 'fault.delayVariation', /at most 1m/],
  ])('refuses %s with 400 naming the field and the limit', async (_name, body, field, limit) => {
    const a = await start();
    const res = await inject(a, body);
    expect(res.status).toBe(400);
    const problem = (res.body.problems as Array<{ field: string; message: string }>).find((p) => p.field === field);
    expect(problem?.message).toMatch(limit);
  });

  it('states the limits: a fault lasts at most 24 h, a delay at most 1 min', () => {
    expect(MAX_FAULT_DURATION_MS).toBe(24 * 3_600_000);
    expect(MAX_FAULT_DELAY_MS).toBe(60_000);
    expect(MAX_FAULT_DURATION_MS).toBeLessThan(2 ** 31 - 1);
  });

  it.each([
    ['an overflowing duration', { fault: { errorRate: 1, errorCode: 500 }, duration: '100000000000h' }],
    ['an overflowing averageDelay', { fault: { averageDelay: '600h' }, duration: '1m' }],
    ['a success errorCode', { fault: { errorRate: 1, errorCode: 200 }, duration: '1m' }],
    ['malformed JSON', '{'],
  ])('a refused request (%s) leaves the active fault untouched', async (_name, body) => {
    const a = await start();
    const active = await inject(a, { fault: { errorRate: 1, errorCode: 503 }, duration: '1m' });
    const res = await fetch(`${a.control}/v1/faults/http`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    expect(res.status).toBe(400);
    const list = (await (await fetch(`${a.control}/v1/faults`)).json()) as { active: { id: string; endedAt: string | null } | null };
    expect(list.active?.id).toBe(active.body.id);
    expect(list.active?.endedAt).toBeNull();
    expect((await fetch(`${a.proxy}/jwks`)).status).toBe(503);
  });
});

describe('the agent\'s own shapes', () => {
  it.each([
    ['blackhole with an errorRate', { fault: { blackhole: true, errorRate: 1, errorCode: 503 }, duration: '1m' }, 'fault.blackhole', /cannot be combined with errorRate, errorCode/],
    ['blackhole and reset at once', { fault: { blackhole: true, reset: true }, duration: '1m' }, 'fault.blackhole', /cannot be combined with reset/],
    ['reset with a delay', { fault: { reset: true, averageDelay: '1s' }, duration: '1m' }, 'fault.reset', /cannot be combined with averageDelay/],
    ['a blackhole that is not a boolean', { fault: { blackhole: 'yes' }, duration: '1m' }, 'fault.blackhole', /true or false/],
  ])('refuses %s with 400 naming the field', async (_name, body, field, message) => {
    const a = await start();
    const res = await inject(a, body);
    expect(res.status).toBe(400);
    expect((res.body.problems as Array<{ field: string; message: string }>).find((p) => p.field === field)?.message).toMatch(message);
  });

  it.each([{ blackhole: true }, { reset: true }, { blackhole: true, exclude: '/healthz' }, { blackhole: false, errorRate: 1, errorCode: 503 }])('accepts %j', async (fault) => {
    const a = await start();
    expect((await inject(a, { fault, duration: '1m' })).status).toBe(201);
  });
});
