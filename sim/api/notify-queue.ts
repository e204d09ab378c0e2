/**
 * The per-tenant Notify delivery queue behind `tenant_queue_depth`: `POST /api/notify/rules`
 * enqueues a delivery, a drain tick removes `drainRate` deliveries per second per tenant
 * (fractions carried over). Each queue holds at most QUEUE_CAP; past it the new delivery is
 * dropped and counted (`tenant_queue_dropped_total`).
 */
import type { Clock, ClockTimer } from '../clock';

export const QUEUE_CAP = 10_000;
const TICK_MS = 250;

export class NotifyQueues {
  private readonly depth = new Map<string, { n: number; credit: number }>();
  private timer: ClockTimer | null;

  constructor(
    clock: Clock,
    private readonly drainRate: number,
    private readonly onDrop: (tenant: string) => void,
  ) {
    this.timer = clock.setInterval(() => this.drain(TICK_MS), TICK_MS);
  }

  enqueue(tenant: string): void {
    let q = this.depth.get(tenant);
    if (!q) {
      q = { n: 0, credit: 0 };
      this.depth.set(tenant, q);
    }
    if (q.n >= QUEUE_CAP) {
      this.onDrop(tenant);
      return;
    }
    q.n++;
  }

  /** Delivers what `elapsedMs` of drain allows. */
  drain(elapsedMs: number): void {
    for (const q of this.depth.values()) {
      if (q.n === 0) {
        q.credit = 0;
        continue;
      }
      q.credit += (this.drainRate * elapsedMs) / 1000;
      const take = Math.min(q.n, Math.floor(q.credit));
      q.n -= take;
      q.credit -= take;
    }
  }

  depthOf(tenant: string): number {
    return this.depth.get(tenant)?.n ?? 0;
  }

  entries(): IterableIterator<[string, { n: number }]> {
    return this.depth.entries();
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }
}
