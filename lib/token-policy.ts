/**
 * When a VU refreshes a tenant's bearer token (pure; the clock and randomness are passed in).
 *
 * - Refresh once, at a jittered point 75-90 % into the token's lifetime, so VUs that got their
 *   tokens from the same `setup()` do not all refresh at the same instant.
 * - At most one attempt per VU per tenant per token lifetime while the token is still valid: if
 *   the Authority is unreachable (the JWKS outage takes the token endpoint down too), the VU keeps
 *   the current token until it expires and counts the failure. No refresh storm.
 * - Once the token has expired, retry at most every `retryIntervalMs(lifetime)` (a tenth of the
 *   lifetime, 5-60 s), so the VU recovers soon after the Authority does without hammering it.
 */
export interface TokenState {
  token: string;
  obtainedAtMs: number;
  expiresAtMs: number;
  refreshAtMs: number;
  /** `expiresAtMs` of the token whose refresh was already attempted (and failed). */
  failedRefreshFor: number | null;
  /** After expiry: the earliest next attempt. */
  nextRetryAtMs: number;
}

export type TokenDecision = 'use' | 'refresh';

export function lifetimeOf(s: Pick<TokenState, 'obtainedAtMs' | 'expiresAtMs'>): number {
  return Math.max(0, s.expiresAtMs - s.obtainedAtMs);
}

export function retryIntervalMs(lifetimeMs: number): number {
  return Math.min(60_000, Math.max(5_000, Math.round(lifetimeMs / 10)));
}

/** The state for a freshly obtained token. `expiresInS` is the token response's `expires_in`. */
export function newTokenState(token: string, expiresInS: number, nowMs: number, random: () => number): TokenState {
  const lifetime = Math.max(0, expiresInS * 1000);
  return {
    token,
    obtainedAtMs: nowMs,
    expiresAtMs: nowMs + lifetime,
    refreshAtMs: nowMs + Math.round(lifetime * (0.75 + 0.15 * random())),
    failedRefreshFor: null,
    nextRetryAtMs: 0,
  };
}

/** Re-jitters a token's refresh point for one VU (setup tokens are shared by all VUs). */
export function adoptToken(s: TokenState, random: () => number): TokenState {
  const lifetime = lifetimeOf(s);
  return { ...s, refreshAtMs: s.obtainedAtMs + Math.round(lifetime * (0.75 + 0.15 * random())), failedRefreshFor: null, nextRetryAtMs: 0 };
}

export function decide(s: TokenState, nowMs: number): TokenDecision {
  if (nowMs < s.refreshAtMs) return 'use';
  if (nowMs < s.expiresAtMs) return s.failedRefreshFor === s.expiresAtMs ? 'use' : 'refresh';
  return nowMs >= s.nextRetryAtMs ? 'refresh' : 'use';
}

/** After a failed refresh: keep the token, remember the attempt, schedule the next one if expired. */
export function afterFailure(s: TokenState, nowMs: number): TokenState {
  const expired = nowMs >= s.expiresAtMs;
  return {
    ...s,
    failedRefreshFor: s.expiresAtMs,
    nextRetryAtMs: expired ? nowMs + retryIntervalMs(lifetimeOf(s)) : s.expiresAtMs,
  };
}

export function isExpired(s: TokenState, nowMs: number): boolean {
  return nowMs >= s.expiresAtMs;
}
