/** lib/token-client.ts: the OAuth2 client_credentials form and the token response. */
import { describe, expect, it } from 'vitest';
import { parseTokenResponse, tokenForm } from '../../lib/token-client';

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
    // The Authority throttling failed client authentications: the credentials were refused before.
    [429, '{"error":"too_many_attempts"}', 0, { ok: false, failure: 'refused', status: 429, errorCode: 0, reason: '429 too_many_attempts (after failed client authentications)' }],
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
