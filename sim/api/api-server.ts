/**
 * The API listener. The request pipeline, in order (each step its own module):
 *   match route (404/405) → tenant header (400) → authenticate (401) → tenant guard: token
 *   tenant == header tenant, scope (403) → rate limit (429) → degraded tenant (--degrade: added
 *   latency, 503) → body: read, parse, validate
 *   (413/415/400) → handler → respond; then metrics, and audit for writes and denials.
 * Errors become responses only in `sendError` (http/respond.ts). Allowed reads write no audit line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AuditLog } from '../audit/audit-log';
import { traceIdFrom } from '../audit/audit-event';
import type { AuthAudit } from '../audit/auth-audit';
import type { JwksCache } from '../auth/jwks-cache';
import type { Principal, TokenVerifier } from '../auth/token-verifier';
import type { Clock } from '../clock';
import { DegradedError, InvalidTokenError, RateLimitedError, SimError, TenantMismatchError, InsufficientScopeError, UnknownTenantError } from '../errors';
import type { Degrader } from './degrade';
import { hardenServer, SERVER_OPTIONS } from '../http/harden';
import { readJsonBody } from '../http/read-body';
import { sendError, sendJson } from '../http/respond';
import type { Logger } from '../logger';
import type { SimMetrics } from '../metrics/sim-metrics';
import type { TenantRegistry } from '../tenants';
import { authenticate } from './middleware/authenticate';
import { resolveTenantHeader } from './middleware/tenant-header';
import { tenantData } from './middleware/tenant-guard';
import type { NotifyQueues } from './notify-queue';
import { handleOps } from './ops-routes';
import type { RateLimiter } from './rate-limiter';
import type { RouteContext } from './route';
import { matchRoute, type Matched } from './routes/match';
import type { TenantStore } from './store/tenant-store';

export interface ApiDeps {
  clock: Clock;
  verifier: TokenVerifier;
  jwks: JwksCache;
  store: TenantStore;
  registry: TenantRegistry;
  limiter: RateLimiter;
  /** Tenants slowed or failed on purpose (--degrade); absent = none. */
  degrader?: Degrader;
  queues: NotifyQueues;
  metrics: SimMetrics;
  audit: AuditLog;
  authAudit: AuthAudit;
  adminToken: string;
  maxBodyBytes: number;
  logger: Logger;
}

const EMPTY_QUERY = new URLSearchParams();
const INVALID_TENANT_LABEL = '__invalid__';
/**
 * Label and audit tenant of every request refused before it authenticated: the tenant it names is
 * unproven, so it never takes a label slot nor an audit key of its own (issue 15, finding 6).
 */
export const UNAUTHENTICATED_TENANT = '__unauthenticated__';

export function createApiServer(d: ApiDeps): Server {
  const bytes = new Map<string, { inc(n: number): void }>();
  const countBytes = (tenantLabel: string, service: string, direction: 'in' | 'out', n: number): void => {
    if (n <= 0) return;
    const key = `${tenantLabel}\u0000${service}\u0000${direction}`;
    let c = bytes.get(key);
    if (!c) {
      c = d.metrics.dataVolume.labels(tenantLabel, service, direction);
      bytes.set(key, c);
    }
    c.inc(n);
  };
  d.metrics.sources.queueDepths = () => [...d.queues.entries()].map(([tenant, q]): [string, number] => [tenant, q.n]);
  const tokenCacheHit = d.metrics.tokenCache.labels('hit');
  const tokenCacheMiss = d.metrics.tokenCache.labels('miss');
  const onCache = (hit: boolean): void => (hit ? tokenCacheHit : tokenCacheMiss).inc();

  const api = async (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, started: number): Promise<void> => {
    let matched: Matched | null = null;
    let tenantLabel = INVALID_TENANT_LABEL;
    let headerTenant: string | null = null;
    let principal: Principal | null = null;
    let status = 500;
    let inBytes = 0;
    let outBytes = 0;
    try {
      matched = matchRoute(req.method ?? 'GET', path);
      headerTenant = resolveTenantHeader(req);
      tenantLabel = UNAUTHENTICATED_TENANT;
      const auth = authenticate(req, d.verifier, onCache);
      principal = auth instanceof Promise ? await auth : auth;
      // Only an authenticated request may take a label slot (the cap is first come, for good).
      tenantLabel = d.registry.has(headerTenant) ? d.metrics.tenants.label(headerTenant) : '__unknown__';
      const data = tenantData(principal, headerTenant, matched.route.scope, d.store, d.registry);
      const rate = d.limiter.take(principal.tenant, d.clock.now());
      if (!rate.ok) {
        d.metrics.rateLimitHits.inc({ tenant: tenantLabel, service: matched.route.service });
        throw new RateLimitedError(principal.tenant, rate.retryAfterS);
      }
      const degraded = d.degrader?.decide(principal.tenant);
      if (degraded) {
        if (degraded.latencyMs > 0) await new Promise<void>((resolve) => d.clock.setTimeout(resolve, degraded.latencyMs));
        if (degraded.fail) throw new DegradedError(principal.tenant);
      }
      if (d.jwks.degraded) {
        d.metrics.jwksStale.inc();
        d.authAudit.noteDegraded(principal.tenant);
      }
      let body: unknown;
      if (matched.route.validate) {
        const parsed = await readJsonBody(req, d.maxBodyBytes);
        inBytes = parsed.bytes;
        body = matched.route.validate(parsed.value);
      }
      const ctx: RouteContext = {
        tenant: principal.tenant,
        principal,
        params: matched.params,
        query,
        data,
        nowMs: d.clock.now(),
        body,
        effects: {
          enqueueNotify: () => d.queues.enqueue(principal!.tenant),
          evicted: (s) => d.metrics.storeEvictions.inc({ tenant: tenantLabel, service: s }),
        },
      };
      const result = matched.route.handle(ctx);
      status = result.status;
      outBytes = sendJson(res, result.status, result.body);
      if (result.auditResource) {
        d.audit.record({ tenant: principal.tenant, subject: principal.subject, action: 'data.write', resource: result.auditResource, result: 'success', traceId: traceIdFrom(req.headers.traceparent) });
      }
    } catch (err) {
      if (req.readable && !(err instanceof SimError && err.code === 'payload_too_large')) req.resume();
      status = sendError(res, err, d.logger);
      if (err instanceof InvalidTokenError) {
        d.metrics.tokenFailures.inc({ reason: err.reason });
        // A registered tenant that already holds a label slot (it authenticated before) keeps its
        // 401s under its own label, so per-tenant auth-failure alerts still name who is refused;
        // an unproven request never admits a new label value.
        if (tenantLabel === UNAUTHENTICATED_TENANT && headerTenant !== null && d.registry.has(headerTenant)) {
          tenantLabel = d.metrics.tenants.admittedLabel(headerTenant) ?? UNAUTHENTICATED_TENANT;
        }
        d.authAudit.noteDenied(UNAUTHENTICATED_TENANT, 'anonymous', matched?.label ?? 'unmatched', err.reason, traceIdFrom(req.headers.traceparent));
      } else if (err instanceof TenantMismatchError || err instanceof InsufficientScopeError || err instanceof UnknownTenantError) {
        // Authenticated: audited under the token's tenant (proven), not the header's.
        const tenant = principal !== null && d.registry.has(principal.tenant) ? principal.tenant : '*';
        d.authAudit.noteDenied(tenant, principal?.subject ?? 'anonymous', matched?.label ?? 'unmatched', err.code, traceIdFrom(req.headers.traceparent));
      }
    }
    const service = matched?.route.service ?? 'none';
    d.metrics.recordRequest(tenantLabel, service, matched?.label ?? 'unmatched', status, (performance.now() - started) / 1000);
    countBytes(tenantLabel, service, 'in', inBytes);
    countBytes(tenantLabel, service, 'out', outBytes);
  };

  const server = createServer(SERVER_OPTIONS, (req, res) => {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? EMPTY_QUERY : new URLSearchParams(url.slice(q + 1));
    if (path.startsWith('/api/')) {
      void api(req, res, path, query, started);
      return;
    }
    handleOps(req, res, path, query, d).catch((err: unknown) => sendError(res, err, d.logger));
  });
  hardenServer(server);
  return server;
}
