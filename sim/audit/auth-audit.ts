/**
 * Bounded-volume auth audit events (docs/architecture.md#platform). A JWKS outage at 5,000 RPS must not write
 * 5,000 lines a second, so:
 * - `auth.degraded` (a request served with last-known-good keys) is aggregated: one event per
 *   tenant per interval carrying `count`;
 * - `auth.denied` is written individually for the first DENIED_BURST per (tenant, reason) per
 *   interval, the rest are folded into one event with `count` at the interval's end;
 * - `auth.recovered` is written at once, per tenant that was degraded in the episode (or once
 *   with tenant `*` if none was), after flushing the pending degraded counts so the order reads
 *   naturally.
 */
import type { Clock, ClockTimer } from '../clock';
import type { AuditLog } from './audit-log';

export const DENIED_BURST = 5;
/** Distinct (tenant, reason) keys tracked per interval; past it, denials count under tenant `*`. */
export const MAX_DENIED_KEYS = 10_000;

interface Pending {
  tenant: string;
  reason: string;
  resource: string;
  count: number;
}

export class AuthAudit {
  private readonly degraded = new Map<string, number>();
  private readonly denied = new Map<string, Pending & { seen: number }>();
  private readonly episodeTenants = new Set<string>();
  private timer: ClockTimer | null = null;

  constructor(
    private readonly log: AuditLog,
    clock: Clock,
    intervalMs: number,
  ) {
    this.timer = clock.setInterval(() => this.flush(), intervalMs);
  }

  noteDegraded(tenant: string): void {
    this.degraded.set(tenant, (this.degraded.get(tenant) ?? 0) + 1);
    this.episodeTenants.add(tenant);
  }

  noteDenied(headerTenant: string, subject: string, resource: string, reason: string, traceId: string | null): void {
    let tenant = headerTenant;
    let key = `${tenant}\u0000${reason}`;
    if (this.denied.size >= MAX_DENIED_KEYS && !this.denied.has(key)) {
      // Random tenant headers must not grow this map without bound.
      tenant = '*';
      key = `*\u0000${reason}`;
    }
    let p = this.denied.get(key);
    if (!p) {
      p = { tenant, reason, resource, count: 0, seen: 0 };
      this.denied.set(key, p);
    }
    p.seen++;
    if (p.seen <= DENIED_BURST) {
      this.log.record({ tenant, subject, action: 'auth.denied', resource, result: 'denied', traceId, reason });
    } else {
      p.count++;
    }
  }

  noteRecovered(): void {
    this.flush();
    const tenants = this.episodeTenants.size > 0 ? [...this.episodeTenants] : ['*'];
    for (const tenant of tenants) {
      this.log.record({ tenant, subject: 'jwks-cache', action: 'auth.recovered', resource: 'jwks', result: 'success', traceId: null, reason: 'jwks_refresh_succeeded' });
    }
    this.episodeTenants.clear();
  }

  /** Writes the aggregated events of the interval that just ended. */
  flush(): void {
    for (const [tenant, count] of this.degraded) {
      this.log.record({ tenant, subject: 'jwks-cache', action: 'auth.degraded', resource: 'jwks', result: 'allowed', traceId: null, count, reason: 'serving_last_known_good_keys' });
    }
    this.degraded.clear();
    for (const p of this.denied.values()) {
      if (p.count > 0) {
        this.log.record({ tenant: p.tenant, subject: '*', action: 'auth.denied', resource: p.resource, result: 'denied', traceId: null, count: p.count, reason: p.reason });
      }
    }
    this.denied.clear();
  }

  stop(): void {
    this.flush();
    this.timer?.cancel();
    this.timer = null;
  }
}
