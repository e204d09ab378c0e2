/**
 * OAuth2 client_credentials against the Authority (RFC 6749 §4.4, docs/platform-api.md): the
 * tenant's own client from TENANTS_FILE, else the multi-tenant load client naming the tenant in
 * a `tenant` form field. Token traffic is tagged `traffic:token` (and `kind:token`), so no API
 * SLO selects it. Secrets travel only in the request body, never in tags or messages.
 */
import http from 'k6/http';
import type { Config } from './config';
import type { Tenant } from './tenants';

export interface TokenResult {
  ok: boolean;
  token?: string;
  expiresInS?: number;
  /** Why it failed, safe to log: status and the RFC 6749 error code, never a secret. */
  reason?: string;
}

export function tokenForm(cfg: Pick<Config, 'authClientId' | 'authClientSecret' | 'authScope'>, tenant: Tenant): Record<string, string> {
  const form: Record<string, string> = { grant_type: 'client_credentials' };
  if (tenant.clientId && tenant.clientSecret) {
    form.client_id = tenant.clientId;
    form.client_secret = tenant.clientSecret;
  } else {
    form.client_id = cfg.authClientId;
    form.client_secret = cfg.authClientSecret;
    form.tenant = tenant.id;
  }
  if (cfg.authScope) form.scope = cfg.authScope;
  return form;
}

export function parseTokenResponse(status: number, body: unknown): TokenResult {
  let doc: { access_token?: unknown; expires_in?: unknown; error?: unknown } | undefined;
  try {
    doc = typeof body === 'string' ? JSON.parse(body) : undefined;
  } catch {
    doc = undefined;
  }
  if (status === 200 && doc && typeof doc.access_token === 'string' && typeof doc.expires_in === 'number' && doc.expires_in > 0) {
    return { ok: true, token: doc.access_token, expiresInS: doc.expires_in };
  }
  if (status === 0) return { ok: false, reason: 'Authority unreachable' };
  const code = doc && typeof doc.error === 'string' ? ` ${doc.error}` : '';
  return { ok: false, reason: status === 200 ? '200 without access_token/expires_in' : `${status}${code}` };
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
  return parseTokenResponse(res.status, res.body);
}
