/**
 * What the fault agent does with one request under a fault — xk6-disruptor's HTTP fault model
 * (docs/k6-semantics.md#disruptor-api): excluded paths pass untouched; every other request is delayed by
 * `averageDelay` ± a uniform draw within `delayVariation` (never below 0); a fraction `errorRate`
 * is answered with `errorCode` / `errorBody` (after the delay) instead of being proxied. The
 * agent's own shapes: `blackhole` holds the request unanswered, `reset` closes its connection.
 * Pure: the random source is passed in.
 */
import { parseGoDuration } from '../../contracts/duration';
import { isExcludedPath, type HttpFault } from '../../contracts/http-fault';

export type FaultDecision =
  | { kind: 'pass' }
  | { kind: 'delay'; delayMs: number }
  | { kind: 'error'; delayMs: number; status: number; body: string }
  | { kind: 'blackhole' }
  | { kind: 'reset' };

export function decideFault(fault: HttpFault, path: string, random: () => number): FaultDecision {
  if (isExcludedPath(fault, path)) return { kind: 'pass' };
  if (fault.blackhole === true) return { kind: 'blackhole' };
  if (fault.reset === true) return { kind: 'reset' };
  const avg = fault.averageDelay ? (parseGoDuration(fault.averageDelay) ?? 0) : 0;
  const variation = fault.delayVariation ? (parseGoDuration(fault.delayVariation) ?? 0) : 0;
  const delayMs = Math.max(0, avg + (variation > 0 ? (random() * 2 - 1) * variation : 0));
  const rate = fault.errorRate ?? 0;
  if (rate > 0 && random() < rate) {
    return { kind: 'error', delayMs, status: fault.errorCode ?? 500, body: fault.errorBody ?? '' };
  }
  return delayMs > 0 ? { kind: 'delay', delayMs } : { kind: 'pass' };
}
