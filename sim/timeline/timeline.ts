/**
 * Wires the audit timeline for `--timeline-transport redis|nats`: the audit log forwards every
 * recorded event to the publisher, the broker carries it, the in-process ingester stores it back
 * into the audit log (ring buffers behind /audit/events, and the audit log file). Registers the
 * timeline metrics and feeds the broker backlog into `tenant_queue_depth{queue="audit_timeline"}`.
 * With `memory` nothing here runs and the audit log stores events directly, as before.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { AuditLog } from '../audit/audit-log';
import type { Clock } from '../clock';
import type { SimConfig } from '../config';
import type { Logger } from '../logger';
import type { SimMetrics } from '../metrics/sim-metrics';
import type { TenantRegistry } from '../tenants';
import { TimelineIngester } from './ingester';
import { NatsTransport } from './nats-transport';
import { TimelinePublisher } from './publisher';
import { RedisTransport } from './redis-transport';
import { redactUrl, type BacklogRow, type TimelineTransport } from './transport';

export interface TimelineOptions {
  config: Pick<SimConfig, 'timelineTransport' | 'redisUrl' | 'natsUrl' | 'timelineStream' | 'timelineSubject' | 'timelineConsumer' | 'timelineDeadLetter' | 'timelineBuffer'>;
  audit: AuditLog;
  metrics: SimMetrics;
  registry: TenantRegistry;
  clock: Clock;
  logger: Logger;
  /** Broker connect timeout at start (default 3 s). */
  connectTimeoutMs?: number;
  /** JetStream ack wait (default 10 s); tests of a restart shorten it. */
  natsAckWaitMs?: number;
}

export interface Timeline {
  transport: TimelineTransport;
  publisher: TimelinePublisher;
  ingester: TimelineIngester;
  /** Events stored by the ingester (not counting duplicates). */
  readonly stored: number;
  /** Waits until every buffered event reached the broker and the broker backlog is empty, or the timeout passes. */
  settled(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** `service` label values (what serviceOf yields); anything else a producer sends is `other`. */
const SERVICES: ReadonlySet<string> = new Set(['policy', 'vuln', 'notify', 'authority', 'auth', 'none', '*']);
const WAIT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export async function startTimeline(o: TimelineOptions): Promise<Timeline | null> {
  const { config, audit, metrics, clock, logger, registry } = o;
  if (config.timelineTransport === 'memory') return null;
  const transport: TimelineTransport =
    config.timelineTransport === 'redis'
      ? new RedisTransport({ url: config.redisUrl, stream: config.timelineStream, group: config.timelineConsumer, deadLetter: config.timelineDeadLetter, clock })
      : new NatsTransport({ url: config.natsUrl, stream: config.timelineStream, subject: config.timelineSubject, consumer: config.timelineConsumer, deadLetter: config.timelineDeadLetter, clock, ...(o.natsAckWaitMs ? { ackWaitMs: o.natsAckWaitMs } : {}) });
  const where = redactUrl(config.timelineTransport === 'redis' ? config.redisUrl : config.natsUrl);
  await transport.connect(o.connectTimeoutMs ?? 3000);

  const registers = [metrics.registry];
  const dropped = new Counter({ name: 'audit_timeline_dropped_total', help: 'Audit events not published because the publisher buffer was full (broker unreachable for too long).', registers });
  const published = new Counter({ name: 'audit_timeline_published_total', help: 'Audit events the broker acknowledged (a retried batch counts again).', registers });
  const publishFailures = new Counter({ name: 'audit_timeline_publish_failures_total', help: 'Publish batches that failed and were retried.', registers });
  const publishWait = new Histogram({ name: 'audit_timeline_publish_wait_seconds', help: 'Seconds from an audit event entering the publisher buffer to the broker acknowledging its batch (oldest event of each batch).', buckets: WAIT_BUCKETS, registers });
  const ingested = new Counter({ name: 'audit_timeline_ingested_total', help: 'Timeline messages handled by the ingester: stored, duplicate (already stored, not stored again) or dead_letter.', labelNames: ['outcome'], registers });
  const deadLetters = new Counter({ name: 'audit_timeline_dead_letters_total', help: 'Messages the envelope parser refused, by reason code, written to the dead-letter stream.', labelNames: ['code'], registers });
  const ingestFailures = new Counter({ name: 'audit_timeline_ingest_failures_total', help: 'Broker reads or acknowledgements that failed and were retried.', registers });
  let publisher: TimelinePublisher | null = null;
  new Gauge({ name: 'audit_timeline_buffered', help: 'Audit events waiting in the publisher buffer for the broker.', registers, collect() { this.set(publisher?.buffered ?? 0); } });
  new Gauge({ name: 'audit_timeline_buffer_capacity', help: 'Bound of the publisher buffer (--timeline-buffer).', registers, collect() { this.set(config.timelineBuffer); } });

  // One line per distinct error of each side, not one per retry (a 30 s outage would print
  // hundreds); messages never contain the URL's credentials.
  const lastError = { publish: '', read: '' };
  const noteError = (side: 'publish' | 'read', what: string, err: Error): void => {
    const msg = `${what} (${where}): ${err.message}`;
    if (msg !== lastError[side]) logger.error(msg);
    lastError[side] = msg;
  };
  publisher = new TimelinePublisher(
    transport,
    clock,
    {
      dropped: () => dropped.inc(),
      published: (count, waitS) => {
        published.inc(count);
        publishWait.observe(waitS);
        if (lastError.publish) {
          logger.info(`audit timeline: broker at ${where} accepts events again`);
          lastError.publish = '';
        }
      },
      failed: (err) => {
        publishFailures.inc();
        noteError('publish', 'audit timeline: publish failed, retrying', err);
      },
    },
    config.timelineBuffer,
  );
  let stored = 0;
  const ingester = new TimelineIngester(transport, (event) => audit.ingest(event), {
    handled: (outcome, code) => {
      lastError.read = '';
      ingested.inc({ outcome });
      if (outcome === 'stored') stored++;
      if (code) deadLetters.inc({ code });
    },
    failed: (err) => {
      ingestFailures.inc();
      noteError('read', 'audit timeline: broker read failed, retrying', err);
    },
  });

  // Backlog rows with label values the registry vouches for: tenant values in envelopes can come
  // from request headers, and must never become label values.
  let lastBacklog: BacklogRow[] = [];
  // A (tenant, service) seen once keeps a row: an emptied backlog reads 0, not a vanished series.
  const seen = new Set<string>();
  metrics.sources.timelineBacklog = async () => {
    try {
      const rows = await withTimeout(transport.backlog(), 1000);
      const sums = new Map<string, BacklogRow>();
      for (const r of rows) {
        const tenant = r.tenant === '*' || r.tenant === '__overflow__' ? r.tenant : registry.has(r.tenant) ? metrics.tenants.label(r.tenant) : '__unknown__';
        const service = SERVICES.has(r.service) ? r.service : 'other';
        const key = `${tenant}\u0000${service}`;
        const row = sums.get(key);
        if (row) row.count += r.count;
        else sums.set(key, { tenant, service, count: r.count });
      }
      for (const key of seen) {
        if (!sums.has(key)) {
          const [tenant = '', service = ''] = key.split('\u0000');
          sums.set(key, { tenant, service, count: 0 });
        }
      }
      for (const key of sums.keys()) seen.add(key);
      lastBacklog = [...sums.values()];
    } catch {
      // Broker unreachable: report the last known backlog rather than a false zero.
    }
    return lastBacklog;
  };

  audit.forwardTo((event) => publisher!.enqueue(event));
  ingester.start();
  logger.info(`audit timeline over ${config.timelineTransport} at ${where}`);

  const settled = async (timeoutMs: number): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    if (!(await publisher!.drained(timeoutMs))) return false;
    while (Date.now() < deadline) {
      const rows = await transport.backlog().catch(() => null);
      if (rows && rows.every((r) => r.count === 0)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  let closing: Promise<void> | null = null;
  return {
    transport,
    publisher,
    ingester,
    get stored() {
      return stored;
    },
    settled,
    close() {
      closing ??= (async () => {
        // Events recorded until now still reach the store if the broker lets them.
        const left = await publisher!.close(5000);
        if (left > 0) logger.error(`audit timeline: ${left} events not published at shutdown (broker at ${where} unreachable)`);
        else await settled(3000);
        audit.forwardTo(null);
        await ingester.stop();
        await transport.close();
      })();
      return closing;
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}
