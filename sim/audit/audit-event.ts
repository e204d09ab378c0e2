/**
 * The audit record (docs/platform-api.md, AuditEvent): one JSON object per line. `tenant` is `*`
 * for platform-wide events; `subject` is the token's `sub` or `anonymous`. No field ever holds a
 * token, secret or Authorization header.
 */
export interface AuditEvent {
  /** Unique per event (a UUID): what the timeline ingester de-duplicates on. */
  id: string;
  time: string;
  tenant: string;
  subject: string;
  action: string;
  resource: string;
  result: 'success' | 'failure' | 'denied' | 'allowed';
  traceId: string | null;
  /** The platform service the event belongs to (`policy`, `vuln`, `notify`, `authority`, `auth`, `none`). */
  service: string;
  /** Aggregated events: how many occurrences this line stands for. */
  count?: number;
  reason?: string;
}

export type AuditInput = Omit<AuditEvent, 'time' | 'id' | 'service'> & { service?: string };

const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The W3C trace id of a `traceparent` header, or null (all-zero ids are invalid per spec). */
export function traceIdFrom(traceparent: string | string[] | undefined): string | null {
  if (typeof traceparent !== 'string') return null;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m || /^0+$/.test(m[1] as string)) return null;
  return m[1] as string;
}
