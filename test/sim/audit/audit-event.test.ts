/** sim/audit/audit-event.ts: trace ids from W3C traceparent headers. */
import { describe, expect, it } from 'vitest';
import { traceIdFrom } from '../../../sim/audit/audit-event';

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
