/**
 * What the platform itself says about a run, read after the load ends and before the platform
 * stops: audit events of the JWKS outage and the per-tenant request counters. The bundle's own
 * verdict (thresholds, witness, teardown checks) is k6's; this is the server-side cross-check.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Parses the Prometheus text exposition format (comments and blank lines ignored). */
export function parsePromText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue;
    const m = SAMPLE_LINE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(LABEL_PAIR)) {
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(["\\n])/g, (_s, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1] as string, labels, value: Number(m[3]) });
  }
  return out;
}

export interface PlatformEvidence {
  tenantsSeen: number;
  requests: number;
  writeShare: number;
  status401: number;
  status5xx: number;
  degradedEvents: number;
  degradedRequests: number;
  recoveredEvents: number;
  /** `tenant_rate_limit_hits_total` summed per tenant (services added up), tenants with hits only. */
  rateLimitHits: Record<string, number>;
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether a request counter series is a write, from its `method` label or its route text. */
function isWrite(labels: Record<string, string>): boolean {
  if (labels.kind) return labels.kind === 'write';
  if (labels.method) return WRITE_METHODS.has(labels.method.toUpperCase());
  return /^(POST|PUT|PATCH|DELETE)\b/i.test(labels.route ?? '');
}

export function summarizeRequests(samples: PromSample[]): Pick<PlatformEvidence, 'tenantsSeen' | 'requests' | 'writeShare' | 'status401' | 'status5xx'> {
  const tenants = new Set<string>();
  let requests = 0;
  let writes = 0;
  let status401 = 0;
  let status5xx = 0;
  for (const s of samples) {
    if (s.name !== 'tenant_requests_total') continue;
    const tenant = s.labels.tenant;
    if (tenant && tenant !== '__overflow__' && s.value > 0) tenants.add(tenant);
    requests += s.value;
    if (isWrite(s.labels)) writes += s.value;
    if (s.labels.status === '401') status401 += s.value;
    if ((s.labels.status ?? '').startsWith('5')) status5xx += s.value;
  }
  return { tenantsSeen: tenants.size, requests, writeShare: requests ? writes / requests : 0, status401, status5xx };
}

/** Requests the platform refused with 429, per tenant: who was throttled, and who was not. */
export function rateLimitHitsByTenant(samples: PromSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (s.name !== 'tenant_rate_limit_hits_total' || !(s.value > 0)) continue;
    const tenant = s.labels.tenant ?? '';
    out[tenant] = (out[tenant] ?? 0) + s.value;
  }
  return out;
}

interface AuditEvent {
  action: string;
  count?: number;
}

async function auditEvents(api: string, adminToken: string, action: string, since: Date): Promise<AuditEvent[]> {
  const url = `${api}/audit/events?action=${encodeURIComponent(action)}&since=${encodeURIComponent(since.toISOString())}&limit=1000`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } });
  if (!res.ok) throw new Error(`GET /audit/events answered ${res.status}`);
  const body = (await res.json()) as { events?: AuditEvent[] };
  return body.events ?? [];
}

/** Reads the platform's audit events and metrics for the run that started at `since`. */
export async function collectEvidence(api: string, adminToken: string, since: Date): Promise<PlatformEvidence> {
  const [metricsText, degraded, recovered] = await Promise.all([
    fetch(`${api}/metrics`).then((r) => r.text()),
    auditEvents(api, adminToken, 'auth.degraded', since),
    auditEvents(api, adminToken, 'auth.recovered', since),
  ]);
  const samples = parsePromText(metricsText);
  return {
    ...summarizeRequests(samples),
    rateLimitHits: rateLimitHitsByTenant(samples),
    degradedEvents: degraded.length,
    degradedRequests: degraded.reduce((n, e) => n + (e.count ?? 1), 0),
    recoveredEvents: recovered.length,
  };
}

function renderHits(hits: Record<string, number>): string {
  const entries = Object.entries(hits).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return 'no tenant (tenant_rate_limit_hits_total: none)';
  const shown = entries.slice(0, 5).map(([t, n]) => `${t} ${n}`).join(', ');
  return `${entries.length === 1 ? 'only ' : ''}${shown}${entries.length > 5 ? ` and ${entries.length - 5} more tenants` : ''} (tenant_rate_limit_hits_total)`;
}

export function renderEvidence(e: PlatformEvidence): string {
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  return [
    'PLATFORM EVIDENCE (from the reference platform, not from k6)',
    `  tenants served ............ ${e.tenantsSeen}`,
    `  API requests .............. ${e.requests}  (writes ${pct(e.writeShare)})`,
    `  401 / 5xx answers ......... ${e.status401} / ${e.status5xx}`,
    `  auth.degraded events ...... ${e.degradedEvents}  (covering ${e.degradedRequests} requests served on cached keys)`,
    `  auth.recovered events ..... ${e.recoveredEvents}`,
    `  rate-limited (429) ........ ${renderHits(e.rateLimitHits)}`,
  ].join('\n');
}
