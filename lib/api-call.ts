/**
 * One API request for one tenant: render the operation, send it with `http.asyncRequest`, tag it
 * (`traffic:api`, `name`, `service`, `kind`, `tenant`, `phase`), check status and body shape on
 * the resolved response, and feed the fail-closed and 5xx metrics. A VU that has no token for the
 * tenant (the Authority was unavailable) still sends the request, without an Authorization
 * header, so it fails as real traffic would and counts in `http_req_failed{traffic:api}`.
 */
import { check } from 'k6';
import http from 'k6/http';
import type { Operation, RenderContext } from './catalog';
import { renderOperation } from './catalog';
import { hasShape, isFailClosed, parseBody, shapeCheckName, statusCheckName } from './checks';
import { failClosed, requestsWithoutToken, serverErrors } from './metrics';

export interface ApiCall {
  baseUrl: string;
  tenantHeader: string;
  tenantId: string;
  tenantTag: string;
  /** The bearer token; '' when the VU has none for the tenant. */
  token: string;
  phase: string;
  timeoutMs: number;
}

export function apiTags(op: Operation, call: Pick<ApiCall, 'tenantTag' | 'phase'>): Record<string, string> {
  return { traffic: 'api', name: op.name, service: op.service, kind: op.kind, tenant: call.tenantTag, phase: call.phase };
}

/** Sends the request; resolves with whether every check passed. */
export async function callOperation(op: Operation, call: ApiCall, ctx: RenderContext): Promise<boolean> {
  const req = renderOperation(op, ctx);
  const tags = apiTags(op, call);
  const headers: Record<string, string> = { [call.tenantHeader]: call.tenantId, Accept: 'application/json' };
  if (call.token !== '') headers.Authorization = `Bearer ${call.token}`;
  if (req.body !== null) headers['Content-Type'] = 'application/json';
  const res = await http.asyncRequest(req.method, `${call.baseUrl}${req.path}`, req.body, { headers, tags, timeout: call.timeoutMs });
  const doc = parseBody(res.body);
  const metricTags = { phase: call.phase, tenant: call.tenantTag, kind: op.kind, service: op.service };
  serverErrors.add(res.status >= 500, metricTags);
  // A 401 to a request without a token is not the platform failing closed: not evidence of it.
  if (call.token === '') requestsWithoutToken.add(1, metricTags);
  else if (isFailClosed(res.status, doc)) failClosed.add(1, metricTags);
  return check(
    res,
    {
      [statusCheckName(op)]: (r) => op.expect.includes(r.status),
      [shapeCheckName(op)]: () => hasShape(op.shape, doc),
    },
    tags,
  );
}
