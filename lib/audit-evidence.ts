/**
 * Audit evidence for the chaos verdict: `auth.degraded` events in the outage window, read from
 * the reference platform's `GET /audit/events` (docs/platform-api.md) or from Loki's
 * `GET /loki/api/v1/query_range` (streams result: `data.result[].values[] = [ns, line]`) when the
 * audit pipeline ships to Loki. Read-only, so every Operator instance can run it (idempotent).
 */
import http from 'k6/http';
import type { AuditKind } from './config';

export const DEGRADED_ACTION = 'auth.degraded';

interface AuditEventLike {
  time?: unknown;
  action?: unknown;
}

function inWindow(time: unknown, sinceMs: number, untilMs: number): boolean {
  const t = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : NaN;
  return Number.isFinite(t) && t >= sinceMs && t <= untilMs;
}

/** Counts `auth.degraded` events in [since, until] in a platform `/audit/events` answer; undefined if malformed. */
export function countPlatformEvents(body: unknown, sinceMs: number, untilMs: number): number | undefined {
  const doc = body as { events?: unknown };
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.events)) return undefined;
  return (doc.events as AuditEventLike[]).filter((e) => e && e.action === DEGRADED_ACTION && inWindow(e.time, sinceMs, untilMs)).length;
}

/** Counts `auth.degraded` lines in [since, until] in a Loki `query_range` streams answer; undefined if malformed. */
export function countLokiEvents(body: unknown, sinceMs: number, untilMs: number): number | undefined {
  const doc = body as { status?: unknown; data?: { resultType?: unknown; result?: unknown } };
  if (typeof doc !== 'object' || doc === null || doc.status !== 'success' || !doc.data || doc.data.resultType !== 'streams' || !Array.isArray(doc.data.result)) {
    return undefined;
  }
  let n = 0;
  for (const stream of doc.data.result as Array<{ values?: unknown }>) {
    if (!Array.isArray(stream?.values)) continue;
    for (const entry of stream.values as unknown[]) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') continue;
      const tsMs = Number(entry[0].length > 6 ? entry[0].slice(0, -6) : '0');
      let line: AuditEventLike | undefined;
      try {
        line = JSON.parse(entry[1]) as AuditEventLike;
      } catch {
        continue;
      }
      if (line?.action === DEGRADED_ACTION && inWindow(line.time ?? tsMs, sinceMs, untilMs)) n++;
    }
  }
  return n;
}

export interface AuditQuery {
  kind: AuditKind;
  url: string;
  token: string;
  lokiQuery: string;
  requestTimeoutMs: number;
}

/** The request for the window; exported for tests. */
export function auditRequestUrl(q: AuditQuery, sinceMs: number, untilMs: number): string {
  if (q.kind === 'loki') {
    const query = `${q.lokiQuery} |= "${DEGRADED_ACTION}"`;
    return `${q.url}/loki/api/v1/query_range?query=${encodeURIComponent(query)}&start=${sinceMs}000000&end=${untilMs}000000&limit=5000&direction=forward`;
  }
  return `${q.url}/audit/events?action=${DEGRADED_ACTION}&since=${sinceMs}&limit=1000`;
}

export interface AuditResult {
  count: number;
  detail: string;
}

export async function countDegradedEvents(q: AuditQuery, sinceMs: number, untilMs: number): Promise<AuditResult> {
  const res = await http.asyncRequest('GET', auditRequestUrl(q, sinceMs, untilMs), null, {
    headers: { Authorization: `Bearer ${q.token}`, Accept: 'application/json' },
    tags: { traffic: 'control', name: q.kind === 'loki' ? '/loki/api/v1/query_range' : '/audit/events', service: 'audit' },
    timeout: q.requestTimeoutMs,
  });
  if (res.status !== 200) return { count: 0, detail: `audit query answered ${res.status === 0 ? 'nothing (unreachable)' : res.status}` };
  let doc: unknown;
  try {
    doc = JSON.parse(String(res.body));
  } catch {
    return { count: 0, detail: 'audit query answer is not JSON' };
  }
  const count = q.kind === 'loki' ? countLokiEvents(doc, sinceMs, untilMs) : countPlatformEvents(doc, sinceMs, untilMs);
  if (count === undefined) return { count: 0, detail: `audit answer does not have the ${q.kind === 'loki' ? 'Loki query_range streams' : '{events: [...]}'} shape` };
  return { count, detail: `${count} ${DEGRADED_ACTION} events in the outage window (${q.kind})` };
}
