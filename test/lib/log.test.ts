/** lib/log.ts: log lines never carry a token or a credential. */
import { describe, expect, it, vi } from 'vitest';
import { log, redact } from '../../lib/log';

describe('log redaction (second line of defence: no token in a log line)', () => {
  it.each([
    ['fault agent answered 400: token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln was rejected', 'fault agent answered 400: token [redacted] was rejected'],
    ['echo: Authorization: Bearer abc.def-ghi_jkl=', 'echo: Authorization: Bearer [redacted]'],
    ['header was Basic dXNlcjpwYXNz', 'header was Basic [redacted]'],
    ['a bare eyJhbGciOiJIUzI1NiJ9 header', 'a bare [redacted] header'],
    ['teardown: https://prom:s3cr3t@prometheus.example:9090/api/v1/alerts unreachable', 'teardown: https://[redacted]@prometheus.example:9090/api/v1/alerts unreachable'],
    ['setup: no token for 3 of 20 tenants (Authority unreachable)', 'setup: no token for 3 of 20 tenants (Authority unreachable)'],
  ])('logs %j as %j', (message, logged) => {
    const spy = vi.spyOn(console, 'log').mockImplementation(() => {});
    log.info(message);
    expect(spy).toHaveBeenCalledWith(logged);
    expect(redact(message)).toBe(logged);
    spy.mockRestore();
  });
});
