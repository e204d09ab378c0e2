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
 * - A tenant setup() got no token for (the platform was unreachable) starts with no token: the VU
 *   tries at its first use of the tenant, then backs off exponentially (5, 10, 20, 40, 60, 60 ... s),
 *   at most one attempt per VU per tenant per interval. Meanwhile its requests go out without a
 *   token and fail like real traffic would, so the error-rate gates judge the run.
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
  /** Failed attempts since the last token was obtained (drives the no-token backoff). */
  failures: number;
}

/** The placeholder token of a tenant without one; never sent (the request goes without Authorization). */
export const NO_TOKEN = '';

/** Backoff of a VU that has never had a token for a tenant: 5 s doubling to 60 s. */
export function noTokenBackoffMs(failures: number): number {
  return Math.min(60_000, 5_000 * 2 ** Math.max(0, Math.min(failures, 8) - 1));
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
    failures: 0,
  };
}

/** The state of a tenant setup() got no token for: the first use tries at once. */
export function noTokenState(nowMs: number): TokenState {
  return { token: NO_TOKEN, obtainedAtMs: nowMs, expiresAtMs: nowMs, refreshAtMs: nowMs, failedRefreshFor: null, nextRetryAtMs: nowMs, failures: 0 };
}

export function hasToken(s: TokenState): boolean {
  return s.token !== NO_TOKEN;
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
  const failures = s.failures + 1;
  const interval = hasToken(s) ? retryIntervalMs(lifetimeOf(s)) : noTokenBackoffMs(failures);
  return {
    ...s,
    failures,
    failedRefreshFor: s.expiresAtMs,
    nextRetryAtMs: expired ? nowMs + interval : s.expiresAtMs,
  };
}

export function isExpired(s: TokenState, nowMs: number): boolean {
  return nowMs >= s.expiresAtMs;
}
