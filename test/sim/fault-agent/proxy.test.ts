/**
 * The fault agent's proxy under a fault that holds requests: when the fault ends (DELETE, a
 * replacing fault, or its deadline) the requests it holds are released at once.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultAgent, type FaultAgent } from '../../../sim/fault-agent/agent';
import { closeServer, listen } from '../../../sim/http/harden';
import { FakeClock, flushIo } from '../helpers/fake-clock';

const ADMIN = 'test-admin';
let upstream: Server;
let upstreamUrl: string;
let agent: FaultAgent | undefined;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('upstream');
  });
  upstreamUrl = `http://127.0.0.1:${await listen(upstream, 0, '127.0.0.1')}`;
});
afterAll(() => closeServer(upstream));
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function start(clock: FakeClock): Promise<FaultAgent> {
  agent = await startFaultAgent({ upstream: upstreamUrl, adminToken: ADMIN, clock });
  return agent;
}

const post = (a: FaultAgent, body: unknown): Promise<Response> =>
  fetch(`${a.control}/v1/faults/http`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const del = (a: FaultAgent): Promise<Response> => fetch(`${a.control}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });

async function heldRequest(a: FaultAgent): Promise<{ settled: () => boolean; answer: Promise<number> }> {
  let done = false;
  const answer = fetch(`${a.proxy}/jwks`).then((r) => {
    done = true;
    return r.status;
  });
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
