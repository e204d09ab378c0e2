/**
 * The timeline ingester: reads the broker, runs every message through the one envelope parser,
 * stores what parses in the audit store (ring buffers behind /audit/events and the audit log
 * file) and writes what does not to the dead-letter stream with the reason — then acknowledges.
 * Storing before acknowledging makes a crash or a broker restart a redelivery, never a loss; the
 * store's id de-duplication makes a redelivery harmless.
 *
 * It runs inside the platform process: the store it writes is the one `/audit/events` (and so the
 * bundle's teardown) reads, and one process keeps `npm start` and the tests one thing to start and
 * stop. The events still make the full round trip through the broker.
 */
import type { AuditEvent } from '../audit/audit-event';
import { parseEnvelope } from './envelope';
import type { Delivery, TimelineTransport } from './transport';

export interface IngesterHooks {
  /** One message handled: stored, duplicate (already stored), or dead_letter (refused, with its parser code). */
  handled(outcome: 'stored' | 'duplicate' | 'dead_letter', code?: string): void;
  /** A broker operation failed; the ingester retries. */
  failed(error: Error): void;
}

const BATCH = 500;
const WAIT_MS = 500;
const BACKOFF_MAX_MS = 2_000;

export class TimelineIngester {
  private running = false;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private paused: Promise<void> | null = null;
  private resumePaused: (() => void) | null = null;

  constructor(
    private readonly transport: TimelineTransport,
    private readonly store: (event: AuditEvent) => boolean,
    private readonly hooks: IngesterHooks,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops reading (already read messages are finished first); for tests and the bench of a backlog. */
  pause(): void {
    this.paused ??= new Promise((resolve) => {
      this.resumePaused = resolve;
    });
  }

  resume(): void {
    this.resumePaused?.();
    this.paused = null;
    this.resumePaused = null;
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (!this.stopped) {
      if (this.paused) await this.paused;
      if (this.stopped) break;
      let deliveries: Delivery[];
      try {
        deliveries = await this.transport.receive(BATCH, WAIT_MS);
      } catch (err) {
        if (this.stopped) break;
        this.hooks.failed(err as Error);
        backoff = Math.min(BACKOFF_MAX_MS, Math.max(100, backoff * 2));
        await sleep(backoff);
        continue;
      }
      backoff = 0;
      if (deliveries.length === 0) continue;
      try {
        await this.handle(deliveries);
      } catch (err) {
        // Unacknowledged deliveries come again (after a reconnect, or the broker's ack wait).
        if (!this.stopped) this.hooks.failed(err as Error);
      }
    }
  }

  private async handle(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) {
      const parsed = parseEnvelope(d.raw);
      if (parsed.ok) {
        this.hooks.handled(this.store(parsed.event) ? 'stored' : 'duplicate');
      } else {
        await this.transport.deadLetter(d, parsed.reason);
        this.hooks.handled('dead_letter', parsed.code);
      }
    }
    await this.transport.ack(deliveries);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.resume();
    await this.loop;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
