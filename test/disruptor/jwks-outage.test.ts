/** The JWKS outage per shape (CHAOS_FAULT), and which shapes xk6-disruptor can inject. */
import { describe, expect, it } from 'vitest';
import { validateHttpFault } from '../../contracts/http-fault';
import { JWKS_OUTAGE_BODY, jwksOutageFault, XK6_FAULT_SHAPES, xk6ShapeProblem } from '../../disruptor/jwks-outage';

describe('jwksOutageFault', () => {
  it.each([
    ['error', { errorRate: 1, errorCode: 503, errorBody: JWKS_OUTAGE_BODY, port: 80 }],
    ['flaky', { errorRate: 0.25, errorCode: 503, errorBody: JWKS_OUTAGE_BODY, port: 80 }],
    ['delay', { averageDelay: '7s', port: 80 }],
    ['blackhole', { blackhole: true, port: 80 }],
    ['reset', { reset: true, port: 80 }],
  ] as const)('builds the %s fault', (fault, expected) => {
    expect(jwksOutageFault({ port: 80, errorCode: 503, fault, delayMs: 7000, errorRate: 0.25 })).toEqual(expected);
  });

  it('keeps the error shape by default (today\'s outage)', () => {
    expect(jwksOutageFault({ port: 'http', errorCode: 500 })).toEqual({ errorRate: 1, errorCode: 500, errorBody: JWKS_OUTAGE_BODY, port: 'http' });
  });

  it('builds xk6-disruptor faults for the shapes it can inject, and agent-only faults for the others', () => {
    for (const fault of ['error', 'blackhole', 'delay', 'reset', 'flaky'] as const) {
      const built = jwksOutageFault({ port: 80, errorCode: 503, fault });
      expect(validateHttpFault(built).length === 0, fault).toBe(XK6_FAULT_SHAPES.includes(fault));
    }
  });
});

describe('xk6ShapeProblem', () => {
  it.each(['error', 'delay', 'flaky'] as const)('accepts %s on xk6-disruptor', (shape) => {
    expect(xk6ShapeProblem(shape)).toBeUndefined();
  });

  it.each([
    ['blackhole', /hold a request unanswered/],
    ['reset', /close a connection without an answer/],
  ] as const)('refuses %s saying why and which bundle can', (shape, why) => {
    const message = xk6ShapeProblem(shape) ?? '';
    expect(message).toMatch(why);
    expect(message).toMatch(/needs the fault agent/);
    expect(message).toMatch(/dist\/tenant-load-agent\.js/);
  });
});
