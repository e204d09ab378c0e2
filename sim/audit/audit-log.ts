/**
 * The audit trail: JSON lines to a sink (stdout or a file a collector tails) and bounded ring
 * buffers served by `GET /audit/events`, one per action, as an audit store indexes by action:
 * at 5,000 requests/s the 500 `data.write` events a second would otherwise push the few
 * `auth.degraded` events of an outage out of a shared ring within 20 s (measured: a 100 s run
 * wrote 47,527 data.write and 140 auth.degraded events; a shared 10,000-event ring answered 0).
 * Writes never block the request path: when the sink is backed up past 8 MiB the line is dropped
 * from the sink (still kept in the ring) and counted.
 * With a broker transport (sim/timeline/) `record` forwards instead of storing, and the timeline
 * ingester stores through `ingest`, which skips an event id it stored already.
 */
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Clock } from '../clock';
import { serviceOf } from '../timeline/envelope';
import type { AuditEvent, AuditInput } from './audit-event';

export const AUDIT_RING_SIZE = 10_000;
/**
 * Event ids remembered for de-duplicating timeline deliveries: at the 5k profile's ~500 audit
 * events/s that is ~400 s, far longer than any redelivery (publisher retries, broker ack waits).
 */
export const AUDIT_DEDUPE_WINDOW = 200_000;
const MAX_SINK_BACKLOG = 8 * 1024 * 1024;

export interface AuditQuery {
  action?: string;
  tenant?: string;
  /** Unix ms; events strictly before are skipped. */
  since?: number;
  limit: number;
}

interface Entry {
  at: number;
  /** Order of recording across all actions (ties in `at` keep it). */
  seq: number;
  event: AuditEvent;
}

/** A bounded ring of one action's events, oldest first. */
class Ring {
  private readonly entries: Entry[] = [];
  private head = 0;

  constructor(private readonly size: number) {}

  /** Adds an entry; returns whether an older one was evicted. */
  push(entry: Entry): boolean {
    if (this.entries.length < this.size) {
      this.entries.push(entry);
      return false;
    }
    this.entries[this.head] = entry;
    this.head = (this.head + 1) % this.size;
    return true;
  }

  *oldestFirst(): Generator<Entry> {
    const n = this.entries.length;
    for (let i = 0; i < n; i++) yield this.entries[(this.head + i) % n] as Entry;
  }
}

export class AuditLog {
  private readonly rings = new Map<string, Ring>();
  private seq = 0;
  private evicted = 0;
  private sinkBroken = false;
  private forward: ((event: AuditEvent) => void) | null = null;
  private readonly seenIds = new Set<string>();
  private readonly seenOrder: string[] = [];
  private seenHead = 0;

  constructor(
    private readonly clock: Clock,
    private readonly sink: Writable | null,
    private readonly onSinkDrop: () => void = () => {},
    /** Events kept per action. */
    private readonly ringSize = AUDIT_RING_SIZE,
    private readonly dedupeWindow = AUDIT_DEDUPE_WINDOW,
  ) {
    // A reader that goes away (EPIPE) or a full disk must not take the platform down: stop
    // writing to the sink, keep the ring buffer, count what is not written.
    sink?.on('error', () => {
      this.sinkBroken = true;
    });
  }

  /**
   * The timeline hook: with a broker transport, recorded events go to `forward` (the publisher)
   * instead of the store, and come back through `ingest` once the ingester has read them.
   */
  forwardTo(forward: ((event: AuditEvent) => void) | null): void {
    this.forward = forward;
  }

  record(input: AuditInput): AuditEvent {
    const at = this.clock.now();
    const event: AuditEvent = { id: randomUUID(), time: new Date(at).toISOString(), ...input, service: input.service ?? serviceOf(input.action, input.resource) };
    if (this.forward) this.forward(event);
    else this.store(event, at);
    return event;
  }

  /**
   * Stores an event the timeline ingester delivered; false (and nothing stored or written) when
   * an event with this id was stored already, so at-least-once delivery never doubles an event.
   */
  ingest(event: AuditEvent): boolean {
    if (this.seenIds.has(event.id)) return false;
    this.seenIds.add(event.id);
    if (this.seenOrder.length < this.dedupeWindow) this.seenOrder.push(event.id);
    else {
      this.seenIds.delete(this.seenOrder[this.seenHead] as string);
      this.seenOrder[this.seenHead] = event.id;
      this.seenHead = (this.seenHead + 1) % this.dedupeWindow;
    }
    const at = Date.parse(event.time);
    this.store(event, Number.isFinite(at) ? at : this.clock.now());
    return true;
  }

  private store(event: AuditEvent, at: number): void {
    let ring = this.rings.get(event.action);
    if (!ring) this.rings.set(event.action, (ring = new Ring(this.ringSize)));
    if (ring.push({ at, seq: this.seq++, event })) this.evicted++;
    if (this.sink) {
      if (this.sinkBroken || this.sink.writableLength > MAX_SINK_BACKLOG) this.onSinkDrop();
      else this.sink.write(`${JSON.stringify(event)}\n`);
    }
  }

  /**
   * Matching events, oldest first, the newest `limit` of them; `dropped` = events evicted from
   * the rings so far (of any action).
   */
  query(q: AuditQuery): { events: AuditEvent[]; dropped: number } {
    const rings = q.action !== undefined ? [this.rings.get(q.action)].filter((r): r is Ring => r !== undefined) : [...this.rings.values()];
    const matched: Entry[] = [];
    for (const ring of rings) {
      for (const entry of ring.oldestFirst()) {
        if (q.since !== undefined && entry.at < q.since) continue;
        if (q.tenant !== undefined && entry.event.tenant !== q.tenant) continue;
        matched.push(entry);
      }
    }
    if (rings.length > 1) matched.sort((a, b) => a.seq - b.seq);
    const kept = matched.length > q.limit ? matched.slice(matched.length - q.limit) : matched;
    return { events: kept.map((e) => e.event), dropped: this.evicted };
  }
}
