import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { faultAgentInjector } from '../../disruptor/fault-agent-backend';
import { FaultValidationError } from '../../contracts/http-fault';
import { JWKS_OUTAGE_BODY, jwksOutageFault } from '../../disruptor/jwks-outage';
import { noFaultInjector } from '../../disruptor/no-fault-backend';
import { xk6DisruptorInjector } from '../../disruptor/xk6-disruptor-backend';
import { fakeK6 } from '../fakes/k6/recorder';
import type { FakeRequest } from '../fakes/k6/recorder';

beforeEach(() => fakeK6.reset());
afterEach(() => vi.useRealTimers());

describe('the JWKS outage fault', () => {
  it('answers every Authority request with the error code, validated by the shared fault model', () => {
    expect(jwksOutageFault({ port: 80, errorCode: 503 })).toEqual({ errorRate: 1, errorCode: 503, errorBody: JWKS_OUTAGE_BODY, port: 80 });
    expect(JSON.parse(JWKS_OUTAGE_BODY).error).toBe('temporarily_unavailable');
  });

  it('rejects an invalid port with the field named', () => {
    expect(() => jwksOutageFault({ port: 70000, errorCode: 503 })).toThrow(FaultValidationError);
    expect(() => jwksOutageFault({ port: 70000, errorCode: 503 })).toThrow(/port: must be a port number/);
  });
});

describe('fault agent backend', () => {
  const record = (over: Record<string, unknown> = {}) => ({ id: 'f-9', fault: {}, duration: '5s', startedAt: '2026-11-29T14:00:00.000Z', endsAt: '2026-11-29T14:00:05.000Z', endedAt: '2026-11-29T14:00:05.000Z', requests: 40, faulted: 38, ...over });

  it('holds the VU for the window with a timer, then reads the record back', async () => {
    vi.useFakeTimers();
    const seen: string[] = [];
    fakeK6.handler = (req: FakeRequest) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.method === 'POST') return { status: 201, body: JSON.stringify(record({ endedAt: null, requests: 0, faulted: 0 })) };
      return { status: 200, body: JSON.stringify(record()) };
    };
    const injector = faultAgentInjector({ url: 'http://agent:8442', token: 'tkn', requestTimeoutMs: 1000 });
    const pending = injector.inject(jwksOutageFault({ port: 80, errorCode: 503 }), 5000);
    await vi.advanceTimersByTimeAsync(4999);
    expect(seen).toEqual(['POST http://agent:8442/v1/faults/http']);
    await vi.advanceTimersByTimeAsync(1);
    const w = await pending;
    expect(seen).toEqual(['POST http://agent:8442/v1/faults/http', 'GET http://agent:8442/v1/faults/f-9']);
    expect(w).toEqual({ backend: 'fault-agent', witnessed: true, requests: 40, faulted: 38, detail: 'fault agent faulted 38 of 40 requests to the Authority (fault f-9)' });
  });

  it('polls a bounded number of times while the agent has not closed the record', async () => {
    let gets = 0;
    fakeK6.handler = (req) => {
      if (req.method === 'POST') return { status: 201, body: JSON.stringify(record({ endedAt: null })) };
      gets++;
      return { status: 200, body: JSON.stringify(record({ endedAt: null })) };
    };
    const w = await faultAgentInjector({ url: 'http://a', token: 't', requestTimeoutMs: 1, wait: async () => {} }).inject({ errorRate: 1, errorCode: 503 }, 1000);
    expect(gets).toBe(10);
    expect(w.witnessed).toBe(true);
    expect(w.detail).toContain('still active when read');
  });

  it.each<[string, { status: number; body: string | null }, string]>([
    ['refused', { status: 400, body: '{"error":"invalid_fault","message":"fault.port: bad"}' }, 'could not start the fault: fault agent answered 400 invalid_fault: fault.port: bad'],
    ['unauthorised', { status: 401, body: '{"error":"unauthorized"}' }, 'could not start the fault: fault agent answered 401 unauthorized'],
    ['unreachable', { status: 0, body: null }, 'could not start the fault: fault agent unreachable'],
  ])('reports no witness when the agent is %s', async (_n, res, detail) => {
    fakeK6.handler = () => res;
    const w = await faultAgentInjector({ url: 'http://a', token: 'secret-token', requestTimeoutMs: 1, wait: async () => {} }).inject({ errorRate: 1, errorCode: 503 }, 1000);
    expect(w).toEqual({ backend: 'fault-agent', witnessed: false, detail });
    expect(detail).not.toContain('secret-token');
  });

  it('validates the request before sending it', async () => {
    fakeK6.handler = () => ({ status: 201, body: '{}' });
    await expect(faultAgentInjector({ url: 'http://a', token: 't', requestTimeoutMs: 1 }).inject({ errorRate: 2 } as never, 500)).rejects.toThrow(/errorRate.*duration: must be at least 1s/s);
    expect(fakeK6.requests).toEqual([]);
  });

  it('finds a witness after the fact in the recent faults started inside the window', async () => {
    const t0 = Date.parse('2026-11-29T14:00:00.000Z');
    fakeK6.handler = () => ({ status: 200, body: JSON.stringify({ active: null, recent: [record({ id: 'old', startedAt: '2026-11-29T13:00:00.000Z', faulted: 99 }), record({ id: 'mine', startedAt: '2026-11-29T14:00:10.000Z', faulted: 5 })] }) });
    const w = await faultAgentInjector({ url: 'http://a', token: 't', requestTimeoutMs: 1 }).witnessSince!(t0, t0 + 60_000);
    expect(w).toMatchObject({ witnessed: true, faulted: 5 });
    expect(w?.detail).toContain('fault mine');
  });
});

describe('xk6-disruptor and none backends', () => {
  it('passes the fault and a Go duration string to injectHTTPFaults', async () => {
    const w = await xk6DisruptorInjector({ service: 'authority', namespace: 'idp' }).inject(jwksOutageFault({ port: 'http', errorCode: 503 }), 300_000);
    expect(fakeK6.disruptor.injected).toEqual([{ fault: { errorRate: 1, errorCode: 503, errorBody: JWKS_OUTAGE_BODY, port: 'http' }, duration: '5m' }]);
    expect(w).toMatchObject({ backend: 'xk6-disruptor', witnessed: true });
  });

  it('turns "did not receive any request" into an unproven outage rather than a crash', async () => {
    fakeK6.disruptor.behaviour = () => {
      throw new Error('error injecting fault: disruptor did not receive any request');
    };
    const w = await xk6DisruptorInjector({ service: 's', namespace: 'n' }).inject({ errorRate: 1, errorCode: 503 }, 2000);
    expect(w).toMatchObject({ witnessed: false, requests: 0, faulted: 0 });
    expect(w.detail).toMatch(/^xk6-disruptor saw no request to service n\/s during the window/);
  });

  it('injects nothing with CHAOS=off', async () => {
    expect(await noFaultInjector().inject({}, 1000)).toEqual({ backend: 'none', witnessed: false, detail: 'chaos is off (CHAOS=off): no fault injected' });
  });
});
