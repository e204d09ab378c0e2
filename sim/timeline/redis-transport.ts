/**
 * Redis Streams transport: the publisher XADDs one entry per envelope (fields `envelope`,
 * `tenant`, `service`), the ingester reads with XREADGROUP in a consumer group, and XACK + XDEL
 * after storing: the stream is a work queue, so its remaining entries are exactly the backlog.
 * Commands fail fast while disconnected (no offline queue, no silent resend): the publisher and
 * the ingester own retrying, so nothing waits inside the client and nothing is sent twice
 * behind their back. ioredis reconnects on its own.
 */
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Clock } from '../clock';
import { encodeEnvelope, type Envelope } from './envelope';
import { deadLetterBody, redactUrl, type BacklogRow, type Delivery, type TimelineTransport } from './transport';

export interface RedisTransportOptions {
  url: string;
  /** Stream key of the timeline. */
  stream: string;
  /** Consumer group of the ingester. */
  group: string;
  /** Stream key of refused messages. */
  deadLetter: string;
  clock: Clock;
  /** Entries of another consumer idle this long are claimed (a crashed ingester's pending ones). */
  claimIdleMs?: number;
  /** Entries read per backlog sample at most; the rest is reported as one `__overflow__` row. */
  backlogScanLimit?: number;
}

/** Dead letters kept (approximately: MAXLEN ~). */
const DEAD_LETTER_MAXLEN = 10_000;

export class RedisTransport implements TimelineTransport {
  readonly name = 'redis' as const;
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly consumer = `${hostname()}`;
  /** Read our own pending entries (and claim stale ones) before new ones, after every (re)start. */
  private readPendingFirst = true;
  private groupReady = false;
  private closed = false;

  constructor(private readonly o: RedisTransportOptions) {
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: 2000,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
    };
    this.pub = new Redis(o.url, { ...common, connectionName: 'tenant-sim-timeline-pub' });
    this.sub = new Redis(o.url, { ...common, connectionName: 'tenant-sim-timeline-ingest' });
    // Errors surface through the rejected commands; without a listener ioredis prints them.
    this.pub.on('error', () => {});
    this.sub.on('error', () => {});
    this.sub.on('ready', () => {
      this.readPendingFirst = true;
      this.groupReady = false;
    });
  }

  async connect(timeoutMs: number): Promise<void> {
    const where = redactUrl(this.o.url);
    const attempt = async (): Promise<void> => {
      await Promise.all([this.pub.connect(), this.sub.connect()]);
      await this.ensureGroup();
    };
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        attempt(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (err) {
      // Stop ioredis's background reconnects: the caller gives up on this transport.
      await this.close();
      throw new Error(`cannot reach Redis at ${where}: ${(err as Error).message.replace(this.o.url, where)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async ensureGroup(): Promise<void> {
    if (this.groupReady) return;
    try {
      await this.pub.xgroup('CREATE', this.o.stream, this.o.group, '0', 'MKSTREAM');
    } catch (err) {
      if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err;
    }
    this.groupReady = true;
  }

  async publish(batch: readonly Envelope[]): Promise<void> {
    const pipeline = this.pub.pipeline();
    for (const e of batch) pipeline.xadd(this.o.stream, '*', 'envelope', encodeEnvelope(e), 'tenant', e.tenant, 'service', e.service);
    const results = await pipeline.exec();
    if (!results) throw new Error('Redis pipeline discarded');
    for (const [err] of results) if (err) throw err;
  }

  async receive(max: number, waitMs: number): Promise<Delivery[]> {
    try {
      await this.ensureGroup();
      if (this.readPendingFirst) {
        const claimed = (await this.sub.xautoclaim(this.o.stream, this.o.group, this.consumer, this.o.claimIdleMs ?? 30_000, '0-0', 'COUNT', max)) as [string, Array<[string, string[]] | null>];
        const own = (await this.sub.xreadgroup('GROUP', this.o.group, this.consumer, 'COUNT', max, 'STREAMS', this.o.stream, '0')) as Array<[string, Array<[string, string[]]>]> | null;
        const entries = [...claimed[1].filter((e): e is [string, string[]] => e !== null && e[1] !== null), ...(own?.[0]?.[1] ?? [])];
        const unique = new Map(entries.map((e) => [e[0], e]));
        if (unique.size > 0) return [...unique.values()].map(toDelivery);
        this.readPendingFirst = false;
      }
      const fresh = (await this.sub.xreadgroup('GROUP', this.o.group, this.consumer, 'COUNT', max, 'BLOCK', waitMs, 'STREAMS', this.o.stream, '>')) as Array<[string, Array<[string, string[]]>]> | null;
      return (fresh?.[0]?.[1] ?? []).map(toDelivery);
    } catch (err) {
      // A restarted server without persistence has lost the group: create it again.
      if (String((err as Error).message).startsWith('NOGROUP')) this.groupReady = false;
      this.readPendingFirst = true;
      throw err;
    }
  }

  async ack(deliveries: readonly Delivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const ids = deliveries.map((d) => d.handle as string);
    const results = await this.sub.multi().xack(this.o.stream, this.o.group, ...ids).xdel(this.o.stream, ...ids).exec();
    if (!results) throw new Error('Redis transaction discarded');
    for (const [err] of results) if (err) throw err;
  }

  async deadLetter(delivery: Delivery, reason: string): Promise<void> {
    await this.sub.xadd(this.o.deadLetter, 'MAXLEN', '~', DEAD_LETTER_MAXLEN, '*', 'reason', reason, 'entry', deadLetterBody(delivery, reason, this.o.clock.now()));
  }

  async backlog(): Promise<BacklogRow[]> {
    const limit = this.o.backlogScanLimit ?? 50_000;
    const counts = new Map<string, BacklogRow>();
    let scanned = 0;
    let start = '-';
    const total = await this.pub.xlen(this.o.stream);
    while (scanned < total && scanned < limit) {
      const page = await this.pub.xrange(this.o.stream, start, '+', 'COUNT', Math.min(1000, limit - scanned));
      if (page.length === 0) break;
      for (const [, fields] of page) {
        let tenant = '*';
        let service = 'none';
        for (let i = 0; i + 1 < fields.length; i += 2) {
          if (fields[i] === 'tenant') tenant = fields[i + 1] as string;
          else if (fields[i] === 'service') service = fields[i + 1] as string;
        }
        const key = `${tenant}\u0000${service}`;
        const row = counts.get(key);
        if (row) row.count++;
        else counts.set(key, { tenant, service, count: 1 });
      }
      scanned += page.length;
      start = `(${(page[page.length - 1] as [string, string[]])[0]}`;
    }
    const rows = [...counts.values()];
    if (total > scanned) rows.push({ tenant: '__overflow__', service: '*', count: total - scanned });
    return rows;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // disconnect() also ends a blocking XREADGROUP at once (quit would wait for it).
    this.pub.disconnect();
    this.sub.disconnect();
  }
}

/** The `envelope` field's text; a producer that wrote flat fields instead gets them as one JSON object. */
function toDelivery(entry: [string, string[]]): Delivery {
  const [id, fields] = entry;
  const flat: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === 'envelope') return { raw: fields[i + 1] as string, handle: id };
    flat[fields[i] as string] = fields[i + 1] as string;
  }
  return { raw: JSON.stringify(flat), handle: id };
}
