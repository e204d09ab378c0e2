/**
 * `POST /connect/token`: OAuth 2.0 client_credentials (RFC 6749 §4.4). Pure request → decision
 * logic (`decideTokenRequest`) separated from signing, so every §5.2 error is a table test.
 */
import { SignJWT } from 'jose';
import { secretEquals } from '../secrets';
import { TENANT_ID_PATTERN } from '../../contracts/tenant-id';
import { MULTI_TENANT_CLIENT, type TenantRegistry } from '../tenants';
import type { SigningKey } from './key-store';
import { OAuthError } from './oauth-error';

export const AUDIENCE = 'stellaops-api';
export const TENANT_CLAIM = 'stellaops:tenant';
export const ALL_SCOPES = ['policy:read', 'policy:write', 'vuln:read', 'vuln:write', 'notify:read', 'notify:write'] as const;

export interface TokenGrant {
  clientId: string;
  tenant: string;
  scopes: string[];
}

export interface TokenRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  body: string;
}

function parseBasic(header: string): { id: string; secret: string } | null {
  if (!/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')), secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')) };
  } catch {
    return null;
  }
}

/**
 * The client a token request claims to be (HTTP Basic first, else the `client_id` form field),
 * before any check: the key of the brute-force throttle. Null when none can be read.
 */
export function claimedClientId(req: TokenRequest): string | null {
  const basic = req.authorization ? parseBasic(req.authorization) : null;
  if (basic) return basic.id;
  try {
    return new URLSearchParams(req.body).get('client_id');
  } catch {
    return null;
  }
}

/** Validates a token request and authenticates the client; throws OAuthError per RFC 6749 §5.2. */
export function decideTokenRequest(req: TokenRequest, registry: TenantRegistry, clientSecret: string): TokenGrant {
  const type = (req.contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
  }
  const form = new URLSearchParams(req.body);
  for (const key of new Set(form.keys())) {
    // RFC 6749 §3.2: request parameters must not be included more than once.
    if (form.getAll(key).length > 1) throw new OAuthError('invalid_request', `parameter '${key}' is repeated`);
  }
  const basicHeader = req.authorization;
  const basic = basicHeader ? parseBasic(basicHeader) : null;
  if (basicHeader && !basic) throw new OAuthError('invalid_client', 'Authorization header is not valid HTTP Basic client authentication', { basicUsed: true });
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  if (basic && bodySecret !== null) {
    throw new OAuthError('invalid_request', 'use one client authentication method: HTTP Basic or client_secret in the body, not both');
  }
  if (basic && bodyId !== null && bodyId !== basic.id) {
    throw new OAuthError('invalid_request', 'client_id in the body differs from the HTTP Basic client');
  }
  const grantType = form.get('grant_type');
  if (!grantType) throw new OAuthError('invalid_request', "missing parameter 'grant_type' (expected 'client_credentials')");
  const clientId = basic ? basic.id : bodyId;
  const secret = basic ? basic.secret : bodySecret;
  if (!clientId) throw new OAuthError('invalid_client', 'no client credentials: send client_id and client_secret, or HTTP Basic', { basicUsed: false });
  if (!registry.isClient(clientId) || secret === null || !secretEquals(secret, clientSecret)) {
    throw new OAuthError('invalid_client', 'client authentication failed', { basicUsed: Boolean(basic) });
  }
  if (grantType !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', `grant_type '${grantType}' is not supported; only 'client_credentials' is`);
  }
  const scopeParam = form.get('scope');
  let scopes: string[] = [...ALL_SCOPES];
  if (scopeParam !== null) {
    scopes = scopeParam.split(' ').filter((s) => s.length > 0);
    const unknown = scopes.filter((s) => !(ALL_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0) {
      throw new OAuthError('invalid_scope', `unknown scope ${unknown.map((s) => `'${s}'`).join(', ') || "''"}; allowed: ${ALL_SCOPES.join(' ')}`);
    }
    scopes = [...new Set(scopes)];
  }
  const tenantParam = form.get('tenant');
  const own = registry.tenantOfClient(clientId);
  let tenant: string;
  if (clientId === MULTI_TENANT_CLIENT) {
    if (!tenantParam) throw new OAuthError('invalid_request', `client '${MULTI_TENANT_CLIENT}' must name the tenant in the 'tenant' parameter`);
    if (!TENANT_ID_PATTERN.test(tenantParam) || !registry.has(tenantParam)) {
      throw new OAuthError('invalid_request', `unknown tenant '${tenantParam.slice(0, 64)}'`);
    }
    tenant = tenantParam;
  } else {
    tenant = own as string;
    if (tenantParam !== null && tenantParam !== tenant) {
      throw new OAuthError('invalid_request', `client '${clientId}' belongs to tenant '${tenant}' and cannot request tokens for '${tenantParam.slice(0, 64)}'`);
    }
  }
  return { clientId, tenant, scopes };
}

export interface SignOptions {
  key: SigningKey;
  issuer: string;
  nowMs: number;
  lifetimeMs: number;
}

/** Signs an RS256 access token with the claims of docs/architecture.md#platform. */
export async function signAccessToken(grant: TokenGrant, o: SignOptions): Promise<{ token: string; expiresIn: number }> {
  const iat = Math.floor(o.nowMs / 1000);
  const expiresIn = Math.floor(o.lifetimeMs / 1000);
  const token = await new SignJWT({ client_id: grant.clientId, scope: grant.scopes.join(' '), [TENANT_CLAIM]: grant.tenant })
    .setProtectedHeader({ alg: 'RS256', kid: o.key.kid, typ: 'JWT' })
    .setIssuer(o.issuer)
    .setAudience(AUDIENCE)
    .setSubject(grant.clientId)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + expiresIn)
    .sign(o.key.privateKey);
  return { token, expiresIn };
}
