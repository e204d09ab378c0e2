/**
 * NATS JetStream transport: the publisher publishes each envelope to
 * `<subject>.<tenant>.<service>` with the event id as `Nats-Msg-Id` (the server drops a retried
 * duplicate inside the stream's duplicate window), into a work-queue stream on file storage (it
 * survives a server restart); the ingester reads through a durable pull consumer with explicit
 * acks. An acknowledged message leaves the stream, so the stream's per-subject counts are exactly
 * the backlog per tenant and service. Refused messages go to a second stream on
 * `<subject>-dead`. nats.js reconnects by itself; a publish whose acknowledgement does not arrive
 * rejects and is retried by the publisher.
 */
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  nanos,
  RetentionPolicy,
  StorageType,
  StringCodec,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
} from 'nats';
import type { Clock } from '../clock';
import { encodeEnvelope, type Envelope } from './envelope';
import { deadLetterBody, redactUrl, type BacklogRow, type Delivery, type TimelineTransport } from './transport';

export interface NatsTransportOptions {
  url: string;
  /** JetStream stream of the timeline. */
  stream: string;
  /** Subject prefix: envelopes go to `<subject>.<tenant>.<service>`. */
  subject: string;
  /** Durable consumer of the ingester. */
  consumer: string;
  /** JetStream stream of refused messages (subject `<subject>-dead`). */
  deadLetter: string;
  clock: Clock;
  /** How long a delivered message may stay unacknowledged before it is delivered again. */
  ackWaitMs?: number;
}

const sc = StringCodec();
const DUPLICATE_WINDOW_MS = 120_000;
const DEAD_LETTER_MAX_MSGS = 10_000;
/** Messages handed out and not yet acknowledged, at most (the server stops delivering past it). */
const MAX_ACK_PENDING = 20_000;

/** A subject token for a label value: `*`, `>` and `.` are NATS syntax, so anything outside [A-Za-z0-9_-] becomes `_`. */
export function subjectToken(value: string): string {
  const t = value.slice(0, 64).replace(/[^A-Za-z0-9_-]/g, '_');
  return t.length > 0 ? t : '_';
}

export class NatsTransport implements TimelineTransport {
  readonly name = 'nats' as const;
  private nc: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private jsm: JetStreamManager | null = null;
  private messages: ConsumerMessages | null = null;
  private readonly queue: JsMsg[] = [];
  private wake: (() => void) | null = null;
  private consuming = false;
  private closed = false;
  /** False between a disconnect and the reconnect: publishes then fail at once instead of piling into the client's reconnect buffer. */
  private connected = false;

  constructor(private readonly o: NatsTransportOptions) {}

  async connect(timeoutMs: number): Promise<void> {
    const where = redactUrl(this.o.url);
    try {
      this.nc = await connect({ servers: this.o.url, timeout: timeoutMs, reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 250, name: 'tenant-sim-timeline' });
      this.jsm = await this.nc.jetstreamManager({ timeout: timeoutMs });
      this.js = this.nc.jetstream({ timeout: timeoutMs });
      await this.ensureStreams();
      this.connected = true;
      void this.watchStatus(this.nc);
    } catch (err) {
      await this.nc?.close().catch(() => {});
      this.nc = null;
      throw new Error(`cannot reach NATS JetStream at ${where}: ${(err as Error).message.replaceAll(this.o.url, where)}`);
    }
    void this.consumeLoop();
  }

  private async ensureStreams(): Promise<void> {
    const jsm = this.jsm as JetStreamManager;
    const exists = async (name: string): Promise<boolean> =>
      jsm.streams.info(name).then(
        () => true,
        (err: Error) => {
          if (/stream not found/i.test(err.message)) return false;
          throw err;
        },
      );
    if (!(await exists(this.o.stream))) {
      await jsm.streams.add({ name: this.o.stream, subjects: [`${this.o.subject}.>`], retention: RetentionPolicy.Workqueue, storage: StorageType.File, duplicate_window: nanos(DUPLICATE_WINDOW_MS) });
    }
    if (!(await exists(this.o.deadLetter))) {
      await jsm.streams.add({ name: this.o.deadLetter, subjects: [`${this.o.subject}-dead`], retention: RetentionPolicy.Limits, storage: StorageType.File, max_msgs: DEAD_LETTER_MAX_MSGS });
    }
    await jsm.consumers.add(this.o.stream, {
      durable_name: this.o.consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.o.ackWaitMs ?? 10_000),
      max_ack_pending: MAX_ACK_PENDING,
    });
  }

  private async watchStatus(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect') this.connected = false;
      else if (s.type === 'reconnect') this.connected = true;
    }
  }

  /** Keeps one `consume()` running, restarting it (and re-creating the consumer) when it ends. */
  private async consumeLoop(): Promise<void> {
    if (this.consuming) return;
    this.consuming = true;
    while (!this.closed) {
      try {
        const consumer = await (this.js as JetStreamClient).consumers.get(this.o.stream, this.o.consumer);
        this.messages = await consumer.consume({ max_messages: 1000 });
        for await (const m of this.messages) {
          this.queue.push(m);
          this.wake?.();
        }
      } catch {
        // Server gone or consumer lost (a restart without its store): recreate, then go on.
        if (this.closed) break;
        await new Promise((r) => setTimeout(r, 250));
        await this.ensureStreams().catch(() => {});
      }
      if (!this.closed) await new Promise((r) => setTimeout(r, 100));
    }
    this.consuming = false;
  }

  async publish(batch: readonly Envelope[]): Promise<void> {
    const js = this.js;
    if (!js || !this.connected) throw new Error('not connected (reconnecting)');
    await Promise.all(batch.map((e) => js.publish(`${this.o.subject}.${subjectToken(e.tenant)}.${subjectToken(e.service)}`, sc.encode(encodeEnvelope(e)), { msgID: e.id })));
  }

  async receive(max: number, waitMs: number): Promise<Delivery[]> {
    if (this.queue.length === 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.queue.splice(0, max).map((m) => ({ raw: sc.decode(m.data), handle: m }));
  }

  async ack(deliveries: readonly Delivery[]): Promise<void> {
    // A plain ack (no confirmation round trip: ackAck per message cost the platform a request
    // each and stalled its event loop for hundreds of ms when a backlog drained). An ack lost in a
    // restart means a redelivery after the ack wait, which ingestion de-duplicates by id.
    for (const d of deliveries) (d.handle as JsMsg).ack();
  }

  async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    const js = this.js;
    if (!js) throw new Error('not connected');
    await js.publish(`${this.o.subject}-dead`, sc.encode(deadLetterBody(delivery, reason, this.o.clock.now())));
  }

  async backlog(): Promise<BacklogRow[]> {
    const jsm = this.jsm;
    if (!jsm) throw new Error('not connected');
    const info = await jsm.streams.info(this.o.stream, { subjects_filter: `${this.o.subject}.>` });
    const rows: BacklogRow[] = [];
    const prefix = `${this.o.subject}.`;
    for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
      const [tenant = '_', service = '_'] = subject.slice(prefix.length).split('.');
      rows.push({ tenant: tenant === '_' ? '*' : tenant, service, count });
    }
    return rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    this.messages?.stop();
    // Queued, unacknowledged messages are redelivered to the next ingester after ack_wait.
    this.queue.length = 0;
    await this.nc?.close().catch(() => {});
  }
}
