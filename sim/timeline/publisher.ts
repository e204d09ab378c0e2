/**
 * The timeline publisher: the API hands it an event and returns at once (an array push); a pump
 * sends batches to the broker and drops them from the buffer only after the broker stored them.
 * A failed batch stays at the head and is retried with capped exponential backoff (on the
 * platform clock), so a broker outage delays events but loses none until the buffer bound is
 * hit; past it the NEW event is refused and counted (the ones already waiting keep their order).
 * A batch retried after a lost reply may reach the broker twice: delivery is at least once and
 * ingestion de-duplicates by event id.
 */
import type { Clock, ClockTimer } from '../clock';
import type { Envelope } from './envelope';
import type { TimelineTransport } from './transport';

export const DEFAULT_PUBLISH_BUFFER = 100_000;
const BATCH_SIZE = 500;
const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 2_000;

export interface PublisherHooks {
  /** The bound was hit: this event was not buffered. */
  dropped(): void;
  /** A batch was stored by the broker; `oldestWaitS` = seconds its oldest event waited (enqueue to broker ack). */
  published(count: number, oldestWaitS: number): void;
  /** A batch failed and will be retried. */
  failed(error: Error): void;
}

export class TimelinePublisher {
  private buffer: Array<{ event: Envelope; at: number }> = [];
  private head = 0;
  private pumping = false;
  private closed = false;
  private backoffMs = 0;
  private retryTimer: ClockTimer | null = null;
  private drainedWaiters: Array<() => void> = [];

  constructor(
    private readonly transport: TimelineTransport,
    private readonly clock: Clock,
    private readonly hooks: PublisherHooks,
    readonly capacity = DEFAULT_PUBLISH_BUFFER,
  ) {}

  /** Events waiting for the broker. */
  get buffered(): number {
    return this.buffer.length - this.head;
  }

  /** Never waits and never throws: the request path calls it. */
  enqueue(event: Envelope): void {
    if (this.closed || this.buffered >= this.capacity) {
      this.hooks.dropped();
      return;
    }
    this.buffer.push({ event, at: this.clock.now() });
    if (!this.pumping && this.retryTimer === null) {
      this.pumping = true;
      queueMicrotask(() => void this.pump());
    }
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    while (this.buffered > 0) {
      const end = Math.min(this.buffer.length, this.head + BATCH_SIZE);
      const batch = this.buffer.slice(this.head, end);
      try {
        await this.transport.publish(batch.map((b) => b.event));
      } catch (err) {
        this.hooks.failed(err as Error);
        this.pumping = false;
        if (this.closed) return;
        this.backoffMs = Math.min(BACKOFF_MAX_MS, Math.max(BACKOFF_MIN_MS, this.backoffMs * 2));
        this.retryTimer = this.clock.setTimeout(() => {
          this.retryTimer = null;
          if (!this.pumping) void this.pump();
        }, this.backoffMs);
        return;
      }
      this.backoffMs = 0;
      this.head = end;
      if (this.head > 10_000 && this.head * 2 > this.buffer.length) {
        this.buffer = this.buffer.slice(this.head);
        this.head = 0;
      }
      this.hooks.published(batch.length, (this.clock.now() - (batch[0] as { at: number }).at) / 1000);
    }
    this.pumping = false;
    const waiters = this.drainedWaiters;
    this.drainedWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when the buffer is empty, or after `timeoutMs` (then false). */
  drained(timeoutMs: number): Promise<boolean> {
    if (this.buffered === 0 && !this.pumping) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      this.drainedWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Stops accepting events; events still buffered are given `timeoutMs` to reach the broker. */
  async close(timeoutMs: number): Promise<number> {
    const flushed = await this.drained(timeoutMs);
    this.closed = true;
    this.retryTimer?.cancel();
    this.retryTimer = null;
    return flushed ? 0 : this.buffered;
  }
}
