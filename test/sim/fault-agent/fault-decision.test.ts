/** sim/fault-agent/fault-decision.ts: what the proxy does with one request under a fault. */
import { describe, expect, it } from 'vitest';
import { decideFault } from '../../../sim/fault-agent/fault-decision';

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
