import { describe, expect, it } from 'vitest';
import {
  FaultValidationError,
  assertFaultRequest,
  isExcludedPath,
  validateFaultDuration,
  validateFaultRequest,
  validateHttpFault,
} from '../../contracts/http-fault';

describe('validateHttpFault', () => {
  it('accepts the JWKS outage fault the bundle injects', () => {
    expect(validateHttpFault({ errorRate: 1, errorCode: 503, errorBody: 'jwks outage', exclude: '/healthz' })).toEqual([]);
  });

  it('accepts a delay-only fault on a named port', () => {
    expect(validateHttpFault({ port: 'http', averageDelay: '100ms', delayVariation: '10ms' })).toEqual([]);
  });

  it.each<[string, unknown, string, RegExp]>([
    ['a numeric averageDelay (xk6-disruptor issue #46)', { averageDelay: 500 }, 'averageDelay', /duration string/],
    ['a misspelt field such as errorCde', { errorRate: 1, errorCde: 503 }, 'errorCde', /unknown field; allowed fields are port, averageDelay/],
    ['an errorRate above 1', { errorRate: 1.5, errorCode: 500 }, 'errorRate', /0\.0 to 1\.0/],
    ['an errorRate without an errorCode', { errorRate: 0.5 }, 'errorCode', /required when errorRate/],
    ['an errorCode outside 400-599', { errorRate: 1, errorCode: 700 }, 'errorCode', /400-599/],
    ['a success errorCode (a fault must not serve content)', { errorRate: 1, errorCode: 200 }, 'errorCode', /400-599/],
    ['a negative delay', { averageDelay: '-1s' }, 'averageDelay', /negative/],
    ['an exclude path without a slash', { exclude: 'healthz' }, 'exclude', /start with '\/'/],
    ['a port out of range', { port: 70000 }, 'port', /1-65535/],
    ['a non-string errorBody', { errorRate: 1, errorCode: 503, errorBody: 42 }, 'errorBody', /must be a string/],
  ])('rejects %s, naming the field', (_name, fault, field, message) => {
    const problems = validateHttpFault(fault);
    expect(problems.map((p) => p.field)).toContain(field);
    expect(problems.find((p) => p.field === field)?.message).toMatch(message);
  });

  it('reports every problem at once', () => {
    expect(validateHttpFault({ averageDelay: 5, errorRate: 2, bogus: true })).toHaveLength(4);
  });
});

describe('validateFaultDuration', () => {
  it.each([['1s'], ['5m'], ['1m30s']])('accepts %s', (d) => {
    expect(validateFaultDuration(d)).toEqual([]);
  });

  it.each<[unknown, RegExp]>([
    ['500ms', /at least 1s/],
    [300, /duration string/],
    ['5', /not a duration/],
  ])('rejects %j', (d, message) => {
    expect(validateFaultDuration(d)[0]?.message).toMatch(message);
  });
});

describe('validateFaultRequest', () => {
  it('prefixes fault fields with fault. so the agent can name them', () => {
    const problems = validateFaultRequest({ fault: { errorRate: 3, errorCode: 503 }, duration: '10s' });
    expect(problems).toEqual([{ field: 'fault.errorRate', message: 'must be a number from 0.0 to 1.0 (got number 3)' }]);
  });

  it('requires both fault and duration and rejects unknown top-level fields', () => {
    expect(validateFaultRequest({ extra: 1 }).map((p) => p.field)).toEqual(['extra', 'fault', 'duration']);
  });

  it('throws one error carrying every problem from assertFaultRequest', () => {
    try {
      assertFaultRequest({ fault: { averageDelay: 1 }, duration: '0s' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(FaultValidationError);
      expect((err as FaultValidationError).problems.map((p) => p.field)).toEqual(['fault.averageDelay', 'duration']);
    }
  });
});

describe('isExcludedPath', () => {
  it('matches excluded paths exactly, ignoring the query string', () => {
    const fault = { exclude: '/healthz, /readyz' };
    expect(isExcludedPath(fault, '/healthz')).toBe(true);
    expect(isExcludedPath(fault, '/readyz?x=1')).toBe(true);
    expect(isExcludedPath(fault, '/jwks')).toBe(false);
    expect(isExcludedPath({}, '/healthz')).toBe(false);
  });
});

describe("the fault agent's own fields", () => {
  it.each(['blackhole', 'reset'])('xk6-disruptor validation refuses %s, saying the fault agent has it', (field) => {
    expect(validateHttpFault({ [field]: true })).toEqual([{ field, message: expect.stringMatching(/fault agent field that xk6-disruptor does not have.*tenant-load-agent\.js/) }]);
  });

  it.each(['blackhole', 'reset'])('the agent request body accepts %s', (field) => {
    expect(validateFaultRequest({ fault: { [field]: true }, duration: '30s' })).toEqual([]);
  });
});
