/** Operations endpoints on the API listener: /healthz, /readyz, /metrics, /audit/events. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuditLog } from '../audit/audit-log';
import type { JwksCache } from '../auth/jwks-cache';
import { InvalidQueryError, MethodNotAllowedError, NotFoundError, UnauthorizedAdminError, type FieldProblem } from '../errors';
import { sendJson } from '../http/respond';
import type { SimMetrics } from '../metrics/sim-metrics';
import { bearerOf, secretEquals } from '../secrets';

export interface OpsDeps {
  metrics: SimMetrics;
  audit: AuditLog;
  jwks: JwksCache;
  adminToken: string;
}

export const AUDIT_MAX_LIMIT = 1000;
export const AUDIT_DEFAULT_LIMIT = 100;

export function parseAuditQuery(query: URLSearchParams): { action?: string; tenant?: string; since?: number; limit: number } {
  const problems: FieldProblem[] = [];
  const out: { action?: string; tenant?: string; since?: number; limit: number } = { limit: AUDIT_DEFAULT_LIMIT };
  for (const key of query.keys()) {
    if (!['action', 'tenant', 'since', 'limit'].includes(key)) problems.push({ path: key, message: 'is not a filter; allowed: action, tenant, since, limit' });
  }
  const action = query.get('action');
  if (action) {
    if (!/^[a-z0-9._-]{1,64}$/.test(action)) problems.push({ path: 'action', message: "must look like 'auth.degraded'" });
    else out.action = action;
  }
  const tenant = query.get('tenant');
  if (tenant) {
    if (!/^(\*|[a-z0-9][a-z0-9-]{0,62})$/.test(tenant)) problems.push({ path: 'tenant', message: 'must be a tenant id or *' });
    else out.tenant = tenant;
  }
  const since = query.get('since');
  if (since) {
    const ms = /^\d{1,16}$/.test(since) ? Number(since) : /^\d{4}-\d\d-\d\dT/.test(since) ? Date.parse(since) : NaN;
    if (!Number.isFinite(ms)) problems.push({ path: 'since', message: 'must be an RFC 3339 time or Unix milliseconds' });
    else out.since = ms;
  }
  const limit = query.get('limit');
  if (limit) {
    if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > AUDIT_MAX_LIMIT) problems.push({ path: 'limit', message: `must be an integer from 1 to ${AUDIT_MAX_LIMIT}` });
    else out.limit = Number(limit);
  }
  if (problems.length > 0) throw new InvalidQueryError(problems);
  return out;
}

/** Handles an ops path; returns false when the path is not an ops route. */
export async function handleOps(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, d: OpsDeps): Promise<boolean> {
  const method = req.method ?? 'GET';
  const onlyGet = (): void => {
    if (method !== 'GET' && method !== 'HEAD') throw new MethodNotAllowedError(method, ['GET']);
  };
  switch (path) {
    case '/healthz':
      onlyGet();
      sendJson(res, 200, { status: 'ok' });
      return true;
    case '/readyz':
      onlyGet();
      if (d.jwks.loaded) sendJson(res, 200, { status: 'ready' });
      else sendJson(res, 503, { status: 'not_ready', reason: `no successful JWKS fetch yet${d.jwks.error ? `: ${d.jwks.error}` : ''}` });
      return true;
    case '/metrics': {
      onlyGet();
      const text = await d.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': d.metrics.registry.contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
      return true;
    }
    case '/audit/events': {
      onlyGet();
      const presented = bearerOf(req.headers.authorization);
      if (presented === null || !secretEquals(presented, d.adminToken)) throw new UnauthorizedAdminError();
      sendJson(res, 200, d.audit.query(parseAuditQuery(query)));
      return true;
    }
    default:
      if (path.startsWith('/api/')) return false;
      throw new NotFoundError(`no route ${method} ${path.slice(0, 200)}`);
  }
}
