/**
 * Per-tenant token buckets: `rate` tokens per second up to `burst`. `take` is O(1) and allocation
 * free after a tenant's first request. Buckets exist only for registered tenants (bounded).
 */
export interface RateDecision {
  ok: boolean;
  /** Whole seconds until a token is available (>= 1) when refused. */
  retryAfterS: number;
}

const ALLOWED: RateDecision = { ok: true, retryAfterS: 0 };

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {}

  take(tenant: string, nowMs: number): RateDecision {
    let b = this.buckets.get(tenant);
    if (!b) {
      b = { tokens: this.burst, at: nowMs };
      this.buckets.set(tenant, b);
    } else if (nowMs > b.at) {
      b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.rate);
      b.at = nowMs;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return ALLOWED;
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / this.rate)) };
  }
}
