/**
 * The audit trail: JSON lines to a sink (stdout or a file a collector tails) and a bounded ring
 * buffer served by `GET /audit/events`. Writes never block the request path: when the sink is
 * backed up past 8 MiB the line is dropped from the sink (still kept in the ring) and counted.
 */
import type { Writable } from 'node:stream';
import type { Clock } from '../clock';
import type { AuditEvent, AuditInput } from './audit-event';

export const AUDIT_RING_SIZE = 10_000;
const MAX_SINK_BACKLOG = 8 * 1024 * 1024;

export interface AuditQuery {
  action?: string;
  tenant?: string;
  /** Unix ms; events strictly before are skipped. */
  since?: number;
  limit: number;
}

export class AuditLog {
  private readonly ring: Array<{ at: number; event: AuditEvent }> = [];
  private head = 0;
  private evicted = 0;
  private sinkBroken = false;

  constructor(
    private readonly clock: Clock,
    private readonly sink: Writable | null,
    private readonly onSinkDrop: () => void = () => {},
    private readonly ringSize = AUDIT_RING_SIZE,
  ) {
    // A reader that goes away (EPIPE) or a full disk must not take the platform down: stop
    // writing to the sink, keep the ring buffer, count what is not written.
    sink?.on('error', () => {
      this.sinkBroken = true;
    });
  }

  record(input: AuditInput): AuditEvent {
    const at = this.clock.now();
    const event: AuditEvent = { time: new Date(at).toISOString(), ...input };
    if (this.ring.length < this.ringSize) this.ring.push({ at, event });
    else {
      this.ring[this.head] = { at, event };
      this.head = (this.head + 1) % this.ringSize;
      this.evicted++;
    }
    if (this.sink) {
      if (this.sinkBroken || this.sink.writableLength > MAX_SINK_BACKLOG) this.onSinkDrop();
      else this.sink.write(`${JSON.stringify(event)}\n`);
    }
    return event;
  }

  /** Matching events, oldest first, the newest `limit` of them; `dropped` = events evicted from the ring so far. */
  query(q: AuditQuery): { events: AuditEvent[]; dropped: number } {
    const out: AuditEvent[] = [];
    const n = this.ring.length;
    for (let i = 0; i < n; i++) {
      const entry = this.ring[(this.head + i) % n] as { at: number; event: AuditEvent };
      if (q.since !== undefined && entry.at < q.since) continue;
      if (q.action !== undefined && entry.event.action !== q.action) continue;
      if (q.tenant !== undefined && entry.event.tenant !== q.tenant) continue;
      out.push(entry.event);
    }
    return { events: out.length > q.limit ? out.slice(out.length - q.limit) : out, dropped: this.evicted };
  }
}
