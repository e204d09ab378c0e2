/**
 * Brute-force protection of the token endpoint: failed client authentications are counted per
 * (client address, client id) in a token bucket. A key with an empty bucket is refused with 429
 * and `Retry-After` *before* its credentials are checked (otherwise the refusal would still be an
 * oracle). Successes cost nothing, and the bucket refills steadily, so a legitimate client that
 * mistyped its secret, or shares an address with an attacker guessing another client's secret, is
 * never held back more than one refill interval; an attacker gets REFILL_MS per guess once the
 * burst is spent (1,200 wrong secrets in a row: 10 answered, the rest 429).
 *
 * Memory is bounded: at most MAX_KEYS keys; past it, the oldest key is dropped.
 */
import type { Clock } from '../clock';

export const FAILURE_BURST = 10;
export const FAILURE_REFILL_MS = 3_000;
export const MAX_KEYS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

export type ThrottleDecision = { ok: true } | { ok: false; retryAfterS: number };

export class FailureThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly burst = FAILURE_BURST,
    private readonly refillMs = FAILURE_REFILL_MS,
  ) {}

  private refill(key: string): Bucket | undefined {
    const b = this.buckets.get(key);
    if (!b) return undefined;
    const now = this.clock.now();
    if (now > b.at) {
      b.tokens = Math.min(this.burst, b.tokens + (now - b.at) / this.refillMs);
      b.at = now;
    }
    if (b.tokens >= this.burst) {
      this.buckets.delete(key); // back to a fresh key: nothing to remember
      return undefined;
    }
    return b;
  }

  /** Whether `key` may try to authenticate now. */
  check(key: string): ThrottleDecision {
    const b = this.refill(key);
    if (!b || b.tokens >= 1) return { ok: true };
    return { ok: false, retryAfterS: Math.max(1, Math.ceil(Math.round((1 - b.tokens) * this.refillMs) / 1000)) };
  }

  /** Records a failed authentication of `key`. */
  fail(key: string): void {
    let b = this.refill(key);
    if (!b) {
      if (this.buckets.size >= MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value as string);
      b = { tokens: this.burst, at: this.clock.now() };
      this.buckets.set(key, b);
    }
    b.tokens = Math.max(0, b.tokens - 1);
  }

  get size(): number {
    return this.buckets.size;
  }
}
