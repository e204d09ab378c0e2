/**
 * What the publisher and the ingester need from a broker. Two implementations: Redis Streams with
 * a consumer group (redis-transport.ts) and NATS JetStream with a durable pull consumer
 * (nats-transport.ts). Both are work queues: an entry leaves the broker once the ingester has
 * acknowledged it, so what is left is the backlog `tenant_queue_depth` reports.
 */
import type { Envelope } from './envelope';

export type TransportName = 'redis' | 'nats';

/** One message read from the broker, not yet acknowledged. */
export interface Delivery {
  /** The message body as received (the envelope's JSON text, or whatever a producer sent). */
  raw: string;
  /** Broker handle used by `ack` (a stream entry id or a JetStream message). */
  handle: unknown;
}

export interface BacklogRow {
  tenant: string;
  service: string;
  count: number;
}

export interface TimelineTransport {
  readonly name: TransportName;
  /** Resolves once connected and the stream/consumer exist; rejects (without credentials in the message) if not. */
  connect(timeoutMs: number): Promise<void>;
  /** Resolves when the broker has stored every envelope of the batch; rejects otherwise (the caller retries the batch). */
  publish(batch: readonly Envelope[]): Promise<void>;
  /** Up to `max` deliveries, waiting at most `waitMs` for the first; redeliveries of unacknowledged ones included. */
  receive(max: number, waitMs: number): Promise<Delivery[]>;
  /** Acknowledges (and so removes) the deliveries. */
  ack(deliveries: readonly Delivery[]): Promise<void>;
  /** Writes a refused message with its reason to the dead-letter stream. */
  deadLetter(delivery: Delivery, reason: string): Promise<void>;
  /** Entries not yet acknowledged by the ingester, per tenant and service, read from the broker. */
  backlog(): Promise<BacklogRow[]>;
  close(): Promise<void>;
}

/** A broker URL for logs and errors: scheme, host and port only (never user or password). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '<unparseable url>';
  }
}

/** The dead-letter entry: the refused text (bounded), why, and when. */
export function deadLetterBody(delivery: Delivery, reason: string, now: number): string {
  const raw = delivery.raw.length > 16_384 ? `${delivery.raw.slice(0, 16_384)}…` : delivery.raw;
  return JSON.stringify({ reason, receivedAt: new Date(now).toISOString(), raw });
}
