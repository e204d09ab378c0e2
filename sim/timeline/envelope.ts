/**
 * The audit timeline envelope: the wire form of one audit event on a broker, and the ONE parser
 * every ingested message goes through. Producers differ (camelCase or snake_case keys, ISO or
 * epoch times, no trace id), so the parser maps the variants onto one shape; whatever it cannot
 * map is refused with a reason the ingester writes to the dead-letter stream.
 */
import { randomBytes } from 'node:crypto';
import type { AuditEvent } from '../audit/audit-event';

/** The canonical envelope (camelCase, ISO time): what the platform itself publishes. */
export type Envelope = AuditEvent;

/** Largest envelope accepted, in bytes of its JSON text (a producer bug must not fill memory). */
export const MAX_ENVELOPE_BYTES = 64 * 1024;
const MAX_ID_LENGTH = 200;
const MAX_TEXT_LENGTH = 1024;
const RESULTS: ReadonlySet<string> = new Set(['success', 'failure', 'denied', 'allowed']);
const API_SERVICES: ReadonlySet<string> = new Set(['policy', 'vuln', 'notify']);

/** The service an audit event belongs to, from its action and resource (no call site passes it). */
export function serviceOf(action: string, resource: string): string {
  switch (action) {
    case 'token.issued':
    case 'auth.failed':
    case 'keys.rotated':
      return 'authority';
    case 'auth.degraded':
    case 'auth.recovered':
      return 'auth';
    case 'data.write':
      if (resource.startsWith('policy/')) return 'policy';
      if (resource.startsWith('finding/')) return 'vuln';
      if (resource.startsWith('rule/')) return 'notify';
      return 'none';
    default: {
      // auth.denied and others carry the route label ("PUT /api/policy/policies/{id}").
      const m = /\/api\/([a-z]+)\//.exec(resource);
      return m && API_SERVICES.has(m[1] as string) ? (m[1] as string) : 'none';
    }
  }
}

/** Canonical fields and the producer spellings mapped onto them (first one is canonical). */
const FIELDS: ReadonlyArray<readonly [keyof Envelope, ...string[]]> = [
  ['id', 'event_id', 'eventId'],
  ['time', 'timestamp'],
  ['tenant', 'tenant_id', 'tenantId'],
  ['subject'],
  ['action'],
  ['resource'],
  ['result'],
  ['traceId', 'trace_id'],
  ['service', 'service_name', 'serviceName'],
  ['count'],
  ['reason'],
];

export interface ParseFailure {
  ok: false;
  /** Stable code: not_json, too_large, not_an_object, missing_field, invalid_field, conflicting_field. */
  code: string;
  /** One line for the dead-letter entry, naming the field. */
  reason: string;
}
export type ParseResult = { ok: true; event: Envelope } | ParseFailure;

const fail = (code: string, reason: string): ParseFailure => ({ ok: false, code, reason });

/** A random W3C trace id (32 lowercase hex, never all zero) for an envelope that carries none. */
export function generateTraceId(): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if (!/^0+$/.test(id)) return id;
  }
}

/**
 * Epoch numbers below 1e11 are seconds (1e11 s is the year 5138), at or above are milliseconds
 * (1e11 ms is 1973); ISO 8601 strings need a date, a time and a zone.
 */
function parseTime(value: unknown): string | null {
  let ms: number;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d+(\.\d+)?$/.test(value))) {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) return null;
    ms = n < 1e11 ? n * 1000 : n;
  } else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    ms = Date.parse(value);
  } else {
    return null;
  }
  if (!Number.isFinite(ms) || ms > 8.64e15) return null;
  return new Date(Math.round(ms)).toISOString();
}

/**
 * Parses one message (its text, or an already decoded value). Unknown fields are kept as they
 * are; a key spelled two ways with different values is refused rather than guessed.
 */
export function parseEnvelope(input: string | unknown): ParseResult {
  let value: unknown = input;
  if (typeof input === 'string') {
    if (Buffer.byteLength(input) > MAX_ENVELOPE_BYTES) return fail('too_large', `envelope larger than ${MAX_ENVELOPE_BYTES} bytes`);
    try {
      value = JSON.parse(input);
    } catch {
      return fail('not_json', 'envelope is not JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not_an_object', 'envelope is not a JSON object');
  const raw = value as Record<string, unknown>;
  const known = new Set<string>();
  const picked: Partial<Record<keyof Envelope, unknown>> = {};
  for (const [canonical, ...aliases] of FIELDS) {
    let seen: { key: string; value: unknown } | null = null;
    for (const key of [canonical as string, ...aliases]) {
      if (!Object.hasOwn(raw, key) || raw[key] === undefined) continue;
      known.add(key);
      const v = raw[key];
      if (seen && JSON.stringify(seen.value) !== JSON.stringify(v)) {
        return fail('conflicting_field', `field '${canonical}' given as '${seen.key}' and '${key}' with different values`);
      }
      seen ??= { key, value: v };
    }
    if (seen) picked[canonical] = seen.value;
  }

  const text = (field: keyof Envelope, max = MAX_TEXT_LENGTH): string | ParseFailure => {
    const v = picked[field];
    if (v === undefined || v === null) return fail('missing_field', `missing field '${field}'`);
    if (typeof v !== 'string' || v.length === 0 || v.length > max) return fail('invalid_field', `field '${field}' must be a non-empty string of at most ${max} characters`);
    return v;
  };
  const id = text('id', MAX_ID_LENGTH);
  if (typeof id !== 'string') return id;
  if (picked.time === undefined || picked.time === null) return fail('missing_field', "missing field 'time'");
  const time = parseTime(picked.time);
  if (time === null) return fail('invalid_field', "field 'time' must be an ISO 8601 date-time with a zone or epoch seconds/milliseconds");
  const tenant = text('tenant');
  if (typeof tenant !== 'string') return tenant;
  const subject = text('subject');
  if (typeof subject !== 'string') return subject;
  const action = text('action');
  if (typeof action !== 'string') return action;
  const resource = text('resource');
  if (typeof resource !== 'string') return resource;
  const result = text('result');
  if (typeof result !== 'string') return result;
  if (!RESULTS.has(result)) return fail('invalid_field', `field 'result' must be one of ${[...RESULTS].join(', ')}`);

  let traceId: string | null;
  if (!('traceId' in picked)) traceId = generateTraceId();
  else if (picked.traceId === null) traceId = null; // the producer says: no trace
  else if (typeof picked.traceId === 'string' && /^[0-9a-f]{32}$/.test(picked.traceId) && !/^0+$/.test(picked.traceId)) traceId = picked.traceId;
  else return fail('invalid_field', "field 'traceId' must be 32 lowercase hex digits (not all zero) or null");

  let service: string;
  if (picked.service === undefined || picked.service === null) service = serviceOf(action, resource);
  else {
    const s = text('service', 100);
    if (typeof s !== 'string') return s;
    service = s;
  }

  const event: Envelope = { id, time, tenant, subject, action, resource, result: result as Envelope['result'], traceId, service };
  if (picked.count !== undefined && picked.count !== null) {
    if (typeof picked.count !== 'number' || !Number.isSafeInteger(picked.count) || picked.count < 1) return fail('invalid_field', "field 'count' must be an integer >= 1");
    event.count = picked.count;
  }
  if (picked.reason !== undefined && picked.reason !== null) {
    const r = text('reason');
    if (typeof r !== 'string') return r;
    event.reason = r;
  }
  const extra: Record<string, unknown> = {};
  let hasExtra = false;
  for (const [k, v] of Object.entries(raw)) {
    if (known.has(k) || v === undefined || k === '__proto__') continue;
    extra[k] = v;
    hasExtra = true;
  }
  return { ok: true, event: hasExtra ? { ...event, ...extra } : event };
}

/** The JSON text the platform publishes for one event. */
export function encodeEnvelope(event: Envelope): string {
  return JSON.stringify(event);
}
