/**
 * Alert evidence for `CHAOS_EXPECT=expiry`: did `jwks_cache_miss_spike` or
 * `tenant_auth_failures_spike` fire? Reads Prometheus' `GET /api/v1/alerts` (firing now) and,
 * because an alert may have resolved by teardown, the `ALERTS` series over the window through
 * `GET /api/v1/query` (`max_over_time(ALERTS{alertstate="firing",...}[<window>s])`).
 */
import http from 'k6/http';
import { EXPIRY_ALERTS } from './metric-names';

/** Names of expected alerts firing in an `/api/v1/alerts` answer. */
export function firingFromAlerts(body: unknown, expected: readonly string[] = EXPIRY_ALERTS): string[] {
  const doc = body as { status?: unknown; data?: { alerts?: unknown } };
  if (doc?.status !== 'success' || !Array.isArray(doc.data?.alerts)) return [];
  const out: string[] = [];
  for (const a of doc.data.alerts as Array<{ state?: unknown; labels?: { alertname?: unknown } }>) {
    const name = a?.labels?.alertname;
    if (a?.state === 'firing' && typeof name === 'string' && expected.includes(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Names of expected alerts in an instant-vector `/api/v1/query` answer over ALERTS. */
export function firingFromQuery(body: unknown, expected: readonly string[] = EXPIRY_ALERTS): string[] {
  const doc = body as { status?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (doc?.status !== 'success' || doc.data?.resultType !== 'vector' || !Array.isArray(doc.data.result)) return [];
  const out: string[] = [];
  for (const s of doc.data.result as Array<{ metric?: { alertname?: unknown }; value?: unknown }>) {
    const name = s?.metric?.alertname;
    const value = Array.isArray(s?.value) ? Number(s.value[1]) : 0;
    if (typeof name === 'string' && expected.includes(name) && value > 0 && !out.includes(name)) out.push(name);
  }
  return out;
}

export function alertsQuery(windowS: number, expected: readonly string[] = EXPIRY_ALERTS): string {
  return `max_over_time(ALERTS{alertstate="firing",alertname=~"${expected.join('|')}"}[${Math.max(1, Math.ceil(windowS))}s])`;
}

function json(body: unknown): unknown {
  try {
    return JSON.parse(String(body));
  } catch {
    return undefined;
  }
}

/** The distinct expected alerts that fired since `sinceMs`. */
export async function firedAlerts(prometheusUrl: string, sinceMs: number, nowMs: number, timeoutMs: number): Promise<string[]> {
  const params = { headers: { Accept: 'application/json' }, tags: { traffic: 'control', name: '/api/v1/alerts', service: 'prometheus' }, timeout: timeoutMs };
  const [now, past] = await Promise.all([
    http.asyncRequest('GET', `${prometheusUrl}/api/v1/alerts`, null, params),
    http.asyncRequest('GET', `${prometheusUrl}/api/v1/query?query=${encodeURIComponent(alertsQuery((nowMs - sinceMs) / 1000))}`, null, {
      ...params,
      tags: { ...params.tags, name: '/api/v1/query' },
    }),
  ]);
  const names = [...(now.status === 200 ? firingFromAlerts(json(now.body)) : []), ...(past.status === 200 ? firingFromQuery(json(past.body)) : [])];
  return names.filter((n, i) => names.indexOf(n) === i);
}
