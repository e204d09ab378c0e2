/**
 * OAuth2 client_credentials against the Authority (RFC 6749 §4.4, docs/platform-api.md): the
 * tenant's own client from TENANTS_FILE, else the multi-tenant load client naming the tenant in
 * a `tenant` form field. Token traffic is tagged `traffic:token` (and `kind:token`), so no API
 * SLO selects it. Secrets travel only in the request body, never in tags or messages.
 */
import http from 'k6/http';
import type { Config } from './config';
import type { SealCredential } from './token-seal';
import type { Tenant } from './tenants';

/**
 * How a token request failed:
 * - `unavailable`: the Authority could not answer (network error, timeout, 408, 429, 5xx) — an
 *   outage, which the run measures rather than refuses;
 * - `refused`: it answered and said no, or answered something that is not a token response
 *   (4xx such as `invalid_client`, `unauthorized_client`, `invalid_request`; 200 without a token)
 *   — a configuration error.
 */
export type TokenFailure = 'unavailable' | 'refused';

export interface TokenResult {
  ok: boolean;
  token?: string;
  expiresInS?: number;
  failure?: TokenFailure;
  /** The HTTP status (0: no response) and k6 error code of a failed request. */
  status?: number;
  errorCode?: number;
  /** Why it failed, safe to log: status and the RFC 6749 error code, never a secret. */
  reason?: string;
}

/** k6's error code for a request timeout (k6 docs, error codes: 1050 "request timeout"). */
export const K6_REQUEST_TIMEOUT = 1050;

/** The client a tenant's token is requested with: its own from TENANTS_FILE, else the load client. */
export function credentialFor(cfg: Pick<Config, 'authClientId' | 'authClientSecret'>, tenant: Tenant): SealCredential & { perTenant: boolean } {
  if (tenant.clientId && tenant.clientSecret) return { clientId: tenant.clientId, clientSecret: tenant.clientSecret, perTenant: true };
  return { clientId: cfg.authClientId, clientSecret: cfg.authClientSecret, perTenant: false };
}

export function tokenForm(cfg: Pick<Config, 'authClientId' | 'authClientSecret' | 'authScope'>, tenant: Tenant): Record<string, string> {
  const cred = credentialFor(cfg, tenant);
  const form: Record<string, string> = { grant_type: 'client_credentials', client_id: cred.clientId, client_secret: cred.clientSecret };
  if (!cred.perTenant) form.tenant = tenant.id;
  if (cfg.authScope) form.scope = cfg.authScope;
  return form;
}

/** Whether a non-2xx status (or 0: no response) means the Authority or API is unavailable. */
export function isUnavailableStatus(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

export function parseTokenResponse(status: number, body: unknown, errorCode = 0): TokenResult {
  let doc: { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
  try {
    doc = typeof body === 'string' ? JSON.parse(body) : undefined;
  } catch {
    doc = undefined;
  }
  if (status === 200 && doc && typeof doc.access_token === 'string' && typeof doc.expires_in === 'number' && doc.expires_in > 0) {
    return { ok: true, token: doc.access_token, expiresInS: doc.expires_in };
  }
  if (status === 0) return { ok: false, failure: 'unavailable', status, errorCode, reason: errorCode === K6_REQUEST_TIMEOUT ? 'Authority timed out' : 'Authority unreachable' };
  // Only the RFC 6749 error code (a short token of letters and underscores) is echoed: a body is
  // never copied into a message.
  const code = doc && typeof doc.error === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(doc.error) ? ` ${doc.error}` : '';
  if (status >= 200 && status < 300) return { ok: false, failure: 'refused', status, errorCode, reason: `${status} without access_token/expires_in` };
  // The Authority throttles failed client authentications (429 too_many_attempts): the client's own
  // credentials were refused before, so this is a refusal, not an outage.
  if (status === 429 && code === ' too_many_attempts') return { ok: false, failure: 'refused', status, errorCode, reason: `${status}${code} (after failed client authentications)` };
  return { ok: false, failure: isUnavailableStatus(status) ? 'unavailable' : 'refused', status, errorCode, reason: `${status}${code}` };
}

export async function requestToken(
  cfg: Pick<Config, 'authUrl' | 'authTokenPath' | 'authClientId' | 'authClientSecret' | 'authScope' | 'requestTimeoutMs'>,
  tenant: Tenant,
  tags: Record<string, string>,
): Promise<TokenResult> {
  const res = await http.asyncRequest('POST', `${cfg.authUrl}${cfg.authTokenPath}`, tokenForm(cfg, tenant), {
    headers: { Accept: 'application/json' },
    tags: { ...tags, traffic: 'token', kind: 'token', service: 'authority', name: cfg.authTokenPath },
    timeout: cfg.requestTimeoutMs,
  });
  return parseTokenResponse(res.status, res.body, res.error_code);
}
