/**
 * `tenant-sim --degrade TENANT:latency=400ms[,errors=0.05]` (repeatable; env SIM_DEGRADE with
 * `;` between entries): slows or fails one tenant's API answers, so a demo or a test can show a
 * per-tenant SLO gate failing for exactly that tenant while the aggregate holds.
 *
 * - `latency`: added before the answer (after authentication and the rate limit, so throttled
 *   and refused requests stay fast), 1 ms to 30 s;
 * - `errors`: the share of that tenant's answers that are `503 degraded`, 0-1, spread evenly
 *   (an accumulator, not a coin: 0.05 fails exactly every 20th request), so a short run shows
 *   the stated share.
 */
import { parseGoDuration } from '../../contracts/duration';
import { TENANT_ID_PATTERN } from '../../contracts/tenant-id';

export interface DegradeSpec {
  tenant: string;
  latencyMs: number;
  errorRate: number;
}

export const MAX_DEGRADE_LATENCY_MS = 30_000;
export const MAX_DEGRADE_ENTRIES = 100;

const FORM = "TENANT:latency=DURATION[,errors=RATE] such as 'tenant-03:latency=400ms' or 'tenant-03:latency=400ms,errors=0.05'";

/** Parses one entry; returns an error text (without the flag name) when it is malformed. */
export function parseDegrade(raw: string): DegradeSpec | string {
  const colon = raw.indexOf(':');
  if (colon <= 0) return `expected ${FORM}`;
  const tenant = raw.slice(0, colon);
  if (!TENANT_ID_PATTERN.test(tenant)) return `'${tenant}' is not a tenant id; expected ${FORM}`;
  const spec: DegradeSpec = { tenant, latencyMs: 0, errorRate: 0 };
  const seen = new Set<string>();
  for (const part of raw.slice(colon + 1).split(',')) {
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    if (key !== 'latency' && key !== 'errors') return `unknown key '${key}': allowed keys are latency and errors; expected ${FORM}`;
    if (seen.has(key)) return `'${key}' given twice`;
    seen.add(key);
    if (key === 'latency') {
      const ms = parseGoDuration(value);
      if (ms === undefined || ms < 1 || ms > MAX_DEGRADE_LATENCY_MS) return `latency must be a Go duration from 1ms to 30s such as 400ms (got '${value}')`;
      spec.latencyMs = ms;
    } else {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) return `errors must be a share above 0 and at most 1 such as 0.05 (got '${value}')`;
      spec.errorRate = n;
    }
  }
  return spec;
}

interface State {
  latencyMs: number;
  errorRate: number;
  /** Error credit: +errorRate per request, an error each time it reaches 1. */
  credit: number;
}

/** The degraded tenants, looked up per request (a Map miss for everyone else). */
export class Degrader {
  private readonly tenants = new Map<string, State>();

  constructor(specs: readonly DegradeSpec[]) {
    for (const s of specs) this.tenants.set(s.tenant, { latencyMs: s.latencyMs, errorRate: s.errorRate, credit: 0 });
  }

  get size(): number {
    return this.tenants.size;
  }

  /** What to do to this request: added latency (0 = none) and whether to fail it. */
  decide(tenant: string): { latencyMs: number; fail: boolean } | undefined {
    const s = this.tenants.get(tenant);
    if (!s) return undefined;
    let fail = false;
    if (s.errorRate > 0) {
      s.credit += s.errorRate;
      if (s.credit >= 1 - 1e-9) {
        s.credit -= 1;
        fail = true;
      }
    }
    return { latencyMs: s.latencyMs, fail };
  }
}
