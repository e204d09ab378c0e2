/**
 * The JWKS outage as clients see it: the Authority unreachable, every request to it answered
 * 503 (errorRate 1.0). Validated with the shared fault model so the bundle, the fault agent and
 * the runner's disruptor agree on it.
 */
import { assertHttpFault, type HttpFault } from '../contracts/http-fault';

export const JWKS_OUTAGE_BODY = '{"error":"temporarily_unavailable","message":"Authority unreachable (JWKS outage injected by the tenant load test)"}';

export function jwksOutageFault(opts: { port: number | string; errorCode: number }): HttpFault {
  return assertHttpFault({ errorRate: 1.0, errorCode: opts.errorCode, errorBody: JWKS_OUTAGE_BODY, port: opts.port });
}
