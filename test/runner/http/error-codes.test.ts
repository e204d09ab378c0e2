/** k6's error_code table for network errors and statuses (docs/k6-semantics.md#k6-http). */
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, mapNetworkError, statusErrorCode } from '../../../runner/http/error-codes';
import { canonicalHeader } from '../../../runner/http/client';

describe('error_code mapping', () => {
  it.each([
    ['ECONNREFUSED', 1212, 'connect: connection refused'],
    ['ECONNRESET', 1220, 'connection reset by peer'],
    ['UND_ERR_SOCKET', 1220, 'connection reset by peer'],
    ['EPIPE', 1201, 'broken pipe'],
    ['ENOTFOUND', 1101, 'no such host'],
    ['EAI_AGAIN', 1100, 'temporary failure'],
    ['UND_ERR_CONNECT_TIMEOUT', 1211, 'i/o timeout'],
    ['UND_ERR_HEADERS_TIMEOUT', 1050, 'request timeout'],
    ['UND_ERR_BODY_TIMEOUT', 1050, 'request timeout'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 1311, 'x509'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 1310, 'unknown authority'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 1300, 'tls'],
    ['ERR_INVALID_URL', 1020, ''],
    ['EHOSTUNREACH', 1210, 'unreachable'],
    ['EWHATEVER', 1200, ''],
    ['', 1000, ''],
  ])('%s → %i', (code, expected, text) => {
    const m = mapNetworkError(Object.assign(new Error('x'), { code }), 'GET', 'http://h:1/p', 'h:1');
    expect(m.code).toBe(expected);
    expect(m.message).toContain(text);
  });

  it('names the request the way Go does', () => {
    expect(mapNetworkError({ code: 'ECONNREFUSED' }, 'POST', 'http://127.0.0.1:9/x', '127.0.0.1:9').message).toBe('Post "http://127.0.0.1:9/x": dial tcp 127.0.0.1:9: connect: connection refused');
  });

  it.each([
    [200, undefined],
    [302, undefined],
    [400, 1400],
    [404, 1404],
    [429, 1429],
    [503, 1503],
  ])('status %i has error_code %s (1000 + status for 4xx/5xx)', (status, code) => expect(statusErrorCode(status)).toBe(code));

  it('exposes the codes by name', () => expect(ERROR_CODES.CONNECTION_REFUSED).toBe(1212));

  it.each([
    ['content-type', 'Content-Type'],
    ['x-stellaops-tenant', 'X-Stellaops-Tenant'],
    ['ETAG', 'Etag'],
    ['www-authenticate', 'Www-Authenticate'],
  ])('header %s is canonicalised as Go does: %s', (raw, canonical) => expect(canonicalHeader(raw)).toBe(canonical));
});
