/**
 * Every Prometheus metric of the platform, on its own prom-client Registry (never the global one).
 * The inventory with label meanings is in sim/README.md. The request path uses
 * `recordRequest`, which caches bound label children per (tenant, route, status) so a request
 * costs two map lookups and two increments.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TenantLabeler } from './tenant-label';

/** Bucket bounds in seconds; 0.3 and 0.6 are exact so the latency SLOs are exact ratios. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 1, 2.5, 5];

type RequestLabels = 'tenant' | 'service' | 'route' | 'status';

interface BoundRequest {
  count: { inc(): void };
  duration: { observe(v: number): void };
}

export class SimMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<RequestLabels>;
  readonly duration: Histogram<'tenant' | 'service' | 'route'>;
  readonly rateLimitHits: Counter<'tenant' | 'service'>;
  readonly dataVolume: Counter<'tenant' | 'service' | 'direction'>;
  readonly queueDepth: Gauge<'tenant' | 'service' | 'queue'>;
  readonly queueDropped: Counter<'tenant' | 'service'>;
  readonly storeEvictions: Counter<'tenant' | 'service'>;
  readonly labelOverflow: Counter;
  readonly jwksHits: Counter;
  readonly jwksMisses: Counter;
  readonly jwksStale: Counter;
  readonly jwksRefresh: Counter<'outcome' | 'trigger'>;
  readonly jwksAge: Gauge;
  readonly jwksDegraded: Gauge;
  readonly jwksKeys: Gauge;
  readonly tokenFailures: Counter<'reason'>;
  readonly tokenCache: Counter<'result'>;
  readonly auditDropped: Counter;
  readonly tenants: TenantLabeler;
  /** Scrape-time sources of the gauges, set by the parts that own the values. */
  readonly sources = {
    jwksAgeSeconds: (): number => 0,
    jwksKeys: (): number => 0,
    queueDepths: (): Iterable<[string, number]> => [],
    /** Broker backlog rows with label values already mapped; null when no broker transport is on. */
    timelineBacklog: async (): Promise<ReadonlyArray<{ tenant: string; service: string; count: number }> | null> => null,
  };
  private readonly bound = new Map<string, BoundRequest>();

  constructor(options: { tenantLabelCap: number; defaultMetrics?: boolean }) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'tenant_requests_total', help: 'API requests by tenant, service, route (method and template) and status code.', labelNames: ['tenant', 'service', 'route', 'status'], registers });
    this.duration = new Histogram({ name: 'tenant_request_duration_seconds', help: 'API request latency in seconds, from first byte read to response end.', labelNames: ['tenant', 'service', 'route'], buckets: LATENCY_BUCKETS, registers });
    this.rateLimitHits = new Counter({ name: 'tenant_rate_limit_hits_total', help: 'Requests refused with 429 by the per-tenant rate limit.', labelNames: ['tenant', 'service'], registers });
    this.dataVolume = new Counter({ name: 'tenant_data_volume_bytes_total', help: 'Request and response body bytes by tenant and service.', labelNames: ['tenant', 'service', 'direction'], registers });
    const sources = this.sources;
    const labelOf = (t: string): string => this.tenants.label(t);
    this.queueDepth = new Gauge({
      name: 'tenant_queue_depth',
      help: 'Items waiting per tenant and service: Notify deliveries (queue="notify_deliveries") and, with a broker transport, audit timeline entries not yet acknowledged by the ingester (queue="audit_timeline").',
      labelNames: ['tenant', 'service', 'queue'],
      registers,
      async collect() {
        const sums = new Map<string, number>();
        for (const [tenant, depth] of sources.queueDepths()) {
          const label = labelOf(tenant);
          sums.set(label, (sums.get(label) ?? 0) + depth);
        }
        // The timeline source answers its last known rows when the broker does not answer.
        const backlog = await sources.timelineBacklog();
        this.reset();
        for (const [tenant, depth] of sums) this.set({ tenant, service: 'notify', queue: 'notify_deliveries' }, depth);
        if (backlog) for (const row of backlog) this.set({ tenant: row.tenant, service: row.service, queue: 'audit_timeline' }, row.count);
      },
    });
    this.queueDropped = new Counter({ name: 'tenant_queue_dropped_total', help: 'Notify deliveries dropped because the tenant queue was full.', labelNames: ['tenant', 'service'], registers });
    this.storeEvictions = new Counter({ name: 'tenant_store_evictions_total', help: 'Client-created items evicted because the tenant store reached its cap.', labelNames: ['tenant', 'service'], registers });
    this.labelOverflow = new Counter({ name: 'tenant_label_overflow_total', help: 'Observations whose tenant label was folded into __overflow__ by the cardinality cap.', registers });
    this.jwksHits = new Counter({ name: 'auth_jwks_cache_hits_total', help: 'Key lookups answered from the JWKS cache.', registers });
    this.jwksMisses = new Counter({ name: 'auth_jwks_cache_misses_total', help: 'Key lookups for a kid not in the JWKS cache.', registers });
    this.jwksStale = new Counter({ name: 'auth_jwks_stale_serves_total', help: 'Requests authenticated with last-known-good keys while refreshes fail.', registers });
    this.jwksRefresh = new Counter({ name: 'auth_jwks_refresh_total', help: 'JWKS fetches by outcome (success, failure) and trigger (startup, interval, unknown_kid, no_keys).', labelNames: ['outcome', 'trigger'], registers });
    this.jwksAge = new Gauge({ name: 'auth_jwks_cache_age_seconds', help: 'Seconds since the last successful JWKS fetch (0 before the first).', registers, collect() { this.set(sources.jwksAgeSeconds()); } });
    this.jwksDegraded = new Gauge({ name: 'auth_jwks_degraded', help: '1 while the last JWKS refresh failed after keys had been loaded, else 0.', registers });
    this.jwksKeys = new Gauge({ name: 'auth_jwks_keys', help: 'Keys currently usable for verification (0 past the TTL).', registers, collect() { this.set(sources.jwksKeys()); } });
    this.tokenFailures = new Counter({ name: 'auth_token_validation_failures_total', help: 'Bearer tokens refused, by reason.', labelNames: ['reason'], registers });
    this.tokenCache = new Counter({ name: 'auth_token_cache_total', help: 'Token checks answered from the verified-token cache (hit) or by a full jose verification (miss).', labelNames: ['result'], registers });
    this.auditDropped = new Counter({ name: 'audit_events_dropped_total', help: 'Audit lines not written because the sink was backed up.', registers });
    this.tenants = new TenantLabeler(options.tenantLabelCap, () => this.labelOverflow.inc());
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Counts one API request and observes its latency. `tenantLabel` is already capped. */
  recordRequest(tenantLabel: string, service: string, route: string, status: number, seconds: number): void {
    const key = `${tenantLabel}\u0000${route}\u0000${status}`;
    let b = this.bound.get(key);
    if (!b) {
      b = {
        count: this.requests.labels(tenantLabel, service, route, String(status)),
        duration: this.duration.labels(tenantLabel, service, route),
      };
      this.bound.set(key, b);
    }
    b.count.inc();
    b.duration.observe(seconds);
  }
}
