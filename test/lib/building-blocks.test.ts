import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../lib/config';
import { log, redact } from '../../lib/log';
import { SetupConfigError } from '../../lib/setup-error';
import { DEFAULT_CATALOG } from '../../lib/catalog';
import { hasShape, isFailClosed, shapeCheckName, statusCheckName } from '../../lib/checks';
import { EnvReader } from '../../contracts/env-reader';
import { extractIds } from '../../lib/tenant-setup';
import { parseTokenResponse, tokenForm } from '../../lib/token-client';

describe('EnvReader', () => {
  it('truncates long values in messages', () => {
    const r = new EnvReader({ RATE: 'x'.repeat(100) });
    r.integer('RATE', 1, 1);
    expect(r.problems[0]?.message).toMatch(/got 'x{57}\.\.\.'\)$/);
  });

  it('strips trailing slashes from URLs', () => {
    expect(new EnvReader({ U: 'https://api.example.com/base/' }).url('U', 'x')).toBe('https://api.example.com/base');
  });

  it.each([['http://h:1/a?b=1'], ['ftp://h'], ['http://']])('rejects the URL %s', (v) => {
    const r = new EnvReader({ U: v });
    r.url('U', 'x');
    expect(r.problems).toHaveLength(1);
  });
});

describe('token client', () => {
  it('uses the multi-tenant client with a tenant field, or the tenant own client without it', () => {
    const cfg = { authClientId: 'tenant-load', authClientSecret: 's', authScope: 'policy:read vuln:read' };
    expect(tokenForm(cfg, { id: 'acme' })).toEqual({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: 's', tenant: 'acme', scope: 'policy:read vuln:read' });
    expect(tokenForm({ ...cfg, authScope: undefined }, { id: 'acme', clientId: 'acme-load', clientSecret: 'p' })).toEqual({ grant_type: 'client_credentials', client_id: 'acme-load', client_secret: 'p' });
  });

  it.each<[number, string | null, number, object]>([
    [200, '{"access_token":"abc","token_type":"Bearer","expires_in":3600}', 0, { ok: true, token: 'abc', expiresInS: 3600 }],
    // A configuration error: the Authority answered and said no (or is not an Authority).
    [200, '{"access_token":"abc"}', 0, { ok: false, failure: 'refused', status: 200, errorCode: 0, reason: '200 without access_token/expires_in' }],
    [400, '{"error":"invalid_request"}', 0, { ok: false, failure: 'refused', status: 400, errorCode: 0, reason: '400 invalid_request' }],
    [401, '{"error":"invalid_client"}', 0, { ok: false, failure: 'refused', status: 401, errorCode: 0, reason: '401 invalid_client' }],
    [400, '{"error":"unauthorized_client"}', 0, { ok: false, failure: 'refused', status: 400, errorCode: 0, reason: '400 unauthorized_client' }],
    [404, '<html>not found</html>', 0, { ok: false, failure: 'refused', status: 404, errorCode: 0, reason: '404' }],
    // An outage: the Authority could not answer.
    [503, 'Service Unavailable', 0, { ok: false, failure: 'unavailable', status: 503, errorCode: 0, reason: '503' }],
    [429, '{"error":"slow_down"}', 0, { ok: false, failure: 'unavailable', status: 429, errorCode: 0, reason: '429 slow_down' }],
    [408, '', 0, { ok: false, failure: 'unavailable', status: 408, errorCode: 0, reason: '408' }],
    [0, null, 1212, { ok: false, failure: 'unavailable', status: 0, errorCode: 1212, reason: 'Authority unreachable' }],
    [0, null, 1050, { ok: false, failure: 'unavailable', status: 0, errorCode: 1050, reason: 'Authority timed out' }],
  ])('reads a %i token answer', (status, body, errorCode, result) => {
    expect(parseTokenResponse(status, body, errorCode)).toEqual(result);
  });

  it('never copies anything but a well-formed RFC 6749 error code from the body into the reason', () => {
    const r = parseTokenResponse(401, JSON.stringify({ error: 'client_secret=hunter2 is wrong', error_description: 'secret hunter2' }));
    expect(r.reason).toBe('401');
    expect(JSON.stringify(r)).not.toContain('hunter2');
  });
});

describe('discovery and checks', () => {
  it.each<[unknown, string[]]>([
    ['{"items":[{"id":"a"},{"id":"b"},{"name":"no id"},{"id":""}],"nextCursor":null}', ['a', 'b']],
    ['{"items":"nope"}', []],
    ['not json', []],
    [null, []],
  ])('extracts ids from %j', (body, ids) => {
    expect(extractIds(body, 'id')).toEqual(ids);
  });

  it.each<['list' | 'object', unknown, boolean]>([
    ['list', { items: [], nextCursor: null }, true],
    ['list', { items: [{ id: 'a' }], nextCursor: 'c2' }, true],
    ['list', { items: {} }, false],
    ['list', [1, 2], false],
    ['object', { id: 'p1', name: 'x' }, true],
    ['object', { id: '' }, false],
    ['object', { error: 'invalid_token' }, false],
    ['object', undefined, false],
  ])('the %s shape check on %j is %s', (shape, doc, ok) => {
    expect(hasShape(shape, doc)).toBe(ok);
  });

  it.each<[number, unknown, boolean]>([
    [401, { error: 'invalid_token', reason: 'jwks_unavailable' }, true],
    [401, { error: 'invalid_token', reason: 'expired' }, true],
    [401, { error: 'unauthorized' }, false],
    [403, { error: 'invalid_token' }, false],
    [503, undefined, false],
  ])('a %i with %j is fail-closed: %s', (status, doc, yes) => {
    expect(isFailClosed(status, doc)).toBe(yes);
  });

  it('names checks after the operation, without k6-forbidden "::"', () => {
    const names = DEFAULT_CATALOG.operations.flatMap((o) => [statusCheckName(o), shapeCheckName(o)]);
    expect(names).toContain('policy.put: status 200 or 201');
    expect(names).toContain('vuln.get: body is an object with an id');
    expect(names.some((n) => n.includes('::'))).toBe(false);
    expect(new Set(names).size).toBe(names.length);
  });
});

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

describe('thrown configuration errors are redacted too', () => {
  it('does not echo the credentials of a URL that is rejected', () => {
    expect(() => loadConfig({ PROMETHEUS_URL: 'https://prom:s3cr3t@prometheus.example/api?x=1' }, 'load', () => '')).toThrow(/PROMETHEUS_URL: must be an http:\/\/ or https:\/\/ URL .*\(got 'https:\/\/\[redacted\]@prometheus\.example\/api\?x=1'\)/);
  });

  it('does not echo the credentials of BASE_URL in a setup refusal', () => {
    expect(new SetupConfigError('setup: the API at https://u:p4ss@api.example refused').message).toBe('setup: the API at https://[redacted]@api.example refused');
  });
});
