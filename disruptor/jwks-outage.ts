/**
 * The JWKS outage as clients see it, per shape (CHAOS_FAULT): `error` every request to the
 * Authority answered with CHAOS_ERROR_CODE (errorRate 1.0); `flaky` a CHAOS_ERROR_RATE share of
 * them; `delay` every answer CHAOS_DELAY late; and, on the fault agent only, `blackhole` (never
 * answered) and `reset` (connection closed). Validated with the shared fault model so the bundle,
 * the fault agent and the runner's disruptor agree on it.
 */
import { formatDuration } from '../contracts/duration';
import { assertHttpFault, type HttpFault } from '../contracts/http-fault';
import type { ChaosFault } from '../lib/config';

export const JWKS_OUTAGE_BODY = '{"error":"temporarily_unavailable","message":"Authority unreachable (JWKS outage injected by the tenant load test)"}';

/** The shapes xk6-disruptor can inject (its HTTP fault has error and delay fields only). */
export const XK6_FAULT_SHAPES: readonly ChaosFault[] = ['error', 'delay', 'flaky'];

export interface OutageShape {
  port: number | string;
  errorCode: number;
  fault?: ChaosFault;
  delayMs?: number;
  errorRate?: number;
  /** Paths left alone (CHAOS_ROTATE: the token and rotation endpoints). */
  exclude?: string;
}

export function jwksOutageFault(opts: OutageShape): HttpFault {
  const shape = opts.fault ?? 'error';
  const agentOnly = !XK6_FAULT_SHAPES.includes(shape);
  const fault: HttpFault =
    shape === 'error'
      ? { errorRate: 1.0, errorCode: opts.errorCode, errorBody: JWKS_OUTAGE_BODY, port: opts.port }
      : shape === 'flaky'
        ? { errorRate: opts.errorRate ?? 0.5, errorCode: opts.errorCode, errorBody: JWKS_OUTAGE_BODY, port: opts.port }
        : shape === 'delay'
          ? { averageDelay: formatDuration(opts.delayMs ?? 5000), port: opts.port }
          : shape === 'blackhole'
            ? { blackhole: true, port: opts.port }
            : { reset: true, port: opts.port };
  if (opts.exclude) fault.exclude = opts.exclude;
  return assertHttpFault(fault, { agentFields: agentOnly });
}

/**
 * Why a shape cannot run on xk6-disruptor, or undefined when it can: said at init (exit 107)
 * rather than when the outage should start.
 */
export function xk6ShapeProblem(shape: ChaosFault): string | undefined {
  if (XK6_FAULT_SHAPES.includes(shape)) return undefined;
  return `'${shape}' needs the fault agent: xk6-disruptor's HTTP fault can only answer with an error (errorRate/errorCode) or late (averageDelay), it cannot ${shape === 'blackhole' ? 'hold a request unanswered' : 'close a connection without an answer'}; run dist/tenant-load-agent.js (FAULT_AGENT_URL) for it, or use CHAOS_FAULT=${XK6_FAULT_SHAPES.join('|')} here`;
}
