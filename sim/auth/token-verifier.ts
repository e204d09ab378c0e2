/**
 * Bearer-token verification with jose (signature against the JWKS cache, `iss`, `aud`,
 * `exp`/`nbf` with a clock skew, RS256 only) plus a verified-token cache: a token that verified
 * once is accepted by a map lookup until its `exp`, but only while its `kid` is still usable in
 * the JWKS cache (a rotated-out or expired key invalidates it). This keeps the per-request cost a
 * lookup instead of an RSA verify (an RSA signature check costs far more than a map lookup).
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../clock';
import { InvalidTokenError, type TokenFailureReason } from '../errors';
import { TENANT_ID_PATTERN } from '../../contracts/tenant-id';
import type { JwksCache } from './jwks-cache';

export const MAX_TOKEN_BYTES = 8192;
export const ALLOWED_ALGORITHMS = ['RS256'];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export interface Principal {
  subject: string;
  clientId: string;
  tenant: string;
  scopes: ReadonlySet<string>;
  /** `exp` in Unix ms. */
  expMs: number;
  kid: string;
}

export interface TokenVerifierOptions {
  cache: JwksCache;
  clock: Clock;
  issuer: string;
  audience: string;
  tenantClaim: string;
  clockSkewMs: number;
  /** Bound of the verified-token cache; the oldest entry goes first when full; 0 disables it. */
  maxCachedTokens?: number;
}

function reasonOf(err: unknown): { reason: TokenFailureReason; message: string } {
  if (err instanceof InvalidTokenError) return { reason: err.reason, message: err.message };
  if (err instanceof errors.JWTExpired) return { reason: 'expired', message: 'token has expired' };
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'nbf':
        return { reason: 'not_yet_valid', message: 'token is not valid yet (nbf is in the future)' };
      case 'iss':
        return { reason: 'bad_issuer', message: 'token issuer is not this platform\'s Authority' };
      case 'aud':
        return { reason: 'bad_audience', message: 'token audience is not stellaops-api' };
      default:
        return { reason: 'malformed', message: `token claim '${err.claim}' is missing or invalid` };
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) {
    return { reason: 'bad_algorithm', message: `token algorithm is not allowed; allowed: ${ALLOWED_ALGORITHMS.join(', ')}` };
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return { reason: 'bad_signature', message: 'token signature does not verify' };
  if (err instanceof errors.JWKSNoMatchingKey) return { reason: 'unknown_kid', message: 'no key in the JWKS matches the token header' };
  return { reason: 'malformed', message: 'token is not a well-formed JWS compact serialization' };
}

export class TokenVerifier {
  private readonly verified = new Map<string, Principal>();
  private readonly pending = new Map<string, Promise<Principal>>();
  private readonly maxCached: number;

  constructor(private readonly o: TokenVerifierOptions) {
    this.maxCached = o.maxCachedTokens ?? 50_000;
  }

  /** The cached principal of an already-verified token, if still valid; else undefined. */
  cached(token: string): Principal | undefined {
    const p = this.verified.get(token);
    if (p === undefined) return undefined;
    if (this.o.clock.now() >= p.expMs + this.o.clockSkewMs || !this.o.cache.hasUsableKid(p.kid)) {
      this.verified.delete(token);
      return undefined;
    }
    return p;
  }

  /**
   * Full verification; throws InvalidTokenError with the reason. Caches the result. Concurrent
   * calls for the same token share one verification (a fresh token arriving on 64 connections at
   * once costs one RSA verify, not 64).
   */
  verify(token: string): Promise<Principal> {
    if (this.maxCached === 0) return this.verifyOnce(token); // cache off: really verify every request
    let p = this.pending.get(token);
    if (!p) {
      p = this.verifyOnce(token).finally(() => this.pending.delete(token));
      this.pending.set(token, p);
    }
    return p;
  }

  private async verifyOnce(token: string): Promise<Principal> {
    if (token.length > MAX_TOKEN_BYTES) throw new InvalidTokenError('malformed', `token is longer than ${MAX_TOKEN_BYTES} bytes`);
    if (!COMPACT_JWS.test(token)) throw new InvalidTokenError('malformed', 'token is not a well-formed JWS compact serialization');
    let payload: JWTPayload;
    let kid: string;
    try {
      const result = await jwtVerify(token, this.o.cache.getKey, {
        issuer: this.o.issuer,
        audience: this.o.audience,
        algorithms: ALLOWED_ALGORITHMS,
        clockTolerance: this.o.clockSkewMs / 1000,
        currentDate: new Date(this.o.clock.now()),
        requiredClaims: ['exp', 'iat', 'sub'],
      });
      payload = result.payload;
      kid = result.protectedHeader.kid as string;
    } catch (err) {
      const { reason, message } = reasonOf(err);
      throw new InvalidTokenError(reason, message);
    }
    const tenant = payload[this.o.tenantClaim];
    if (typeof tenant !== 'string' || !TENANT_ID_PATTERN.test(tenant)) {
      throw new InvalidTokenError('missing_tenant_claim', `token has no valid '${this.o.tenantClaim}' claim`);
    }
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    const principal: Principal = {
      subject: payload.sub as string,
      clientId: typeof payload.client_id === 'string' ? payload.client_id : (payload.sub as string),
      tenant,
      scopes: new Set(scope.split(' ').filter(Boolean)),
      expMs: (payload.exp as number) * 1000,
      kid,
    };
    if (this.maxCached === 0) return principal;
    if (this.verified.size >= this.maxCached) {
      const oldest = this.verified.keys().next().value;
      if (oldest !== undefined) this.verified.delete(oldest);
    }
    this.verified.set(token, principal);
    return principal;
  }

  get cacheSize(): number {
    return this.verified.size;
  }
}
