/** The one envelope parser: producer variants map onto one shape; malformed envelopes are refused with a reason. */
import { describe, expect, it } from 'vitest';
import { encodeEnvelope, MAX_ENVELOPE_BYTES, parseEnvelope, serviceOf, type Envelope } from '../../../sim/timeline/envelope';

const canonical: Envelope = {
  id: 'evt-1',
  time: '2026-06-01T12:00:00.000Z',
  tenant: 'tenant-01',
  subject: 'tenant-load',
  action: 'data.write',
  resource: 'policy/pol-1',
  result: 'success',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  service: 'policy',
};

function parsed(input: unknown): Envelope {
  const r = parseEnvelope(input);
  if (!r.ok) throw new Error(`refused: ${r.reason}`);
  return r.event;
}

describe('parseEnvelope accepts the variants producers send', () => {
  it.each<[string, unknown, Record<string, unknown>]>([
    ['the platform’s own canonical envelope, as text', encodeEnvelope(canonical), { ...canonical }],
    ['snake_case keys', { event_id: 'evt-1', time: canonical.time, tenant_id: 'tenant-01', subject: 's', action: 'data.write', resource: 'policy/p', result: 'success', trace_id: canonical.traceId, service_name: 'policy' }, { id: 'evt-1', tenant: 'tenant-01', traceId: canonical.traceId, service: 'policy' }],
    ['camelCase alternatives', { eventId: 'e', timestamp: canonical.time, tenantId: 't', subject: 's', action: 'a', resource: 'r', result: 'denied', traceId: null, serviceName: 'vuln' }, { id: 'e', tenant: 't', result: 'denied', service: 'vuln' }],
    ['the same value spelled both ways', { ...canonical, trace_id: canonical.traceId }, { traceId: canonical.traceId }],
    ['epoch seconds', { ...canonical, time: 1780315200 }, { time: '2026-06-01T12:00:00.000Z' }],
    ['epoch seconds with a fraction', { ...canonical, time: 1780315200.25 }, { time: '2026-06-01T12:00:00.250Z' }],
    ['epoch milliseconds', { ...canonical, time: 1780315200123 }, { time: '2026-06-01T12:00:00.123Z' }],
    ['epoch milliseconds as a string', { ...canonical, time: '1780315200123' }, { time: '2026-06-01T12:00:00.123Z' }],
    ['ISO with an offset', { ...canonical, time: '2026-06-01T14:00:00+02:00' }, { time: '2026-06-01T12:00:00.000Z' }],
    ['ISO without seconds', { ...canonical, time: '2026-06-01T12:00Z' }, { time: '2026-06-01T12:00:00.000Z' }],
    ['an explicit null traceId (no trace) stays null', { ...canonical, traceId: null }, { traceId: null }],
    ['no service: derived from action and resource', { ...canonical, service: undefined, resource: 'rule/r-1' }, { service: 'notify' }],
    ['count and reason of an aggregated event', { ...canonical, action: 'auth.degraded', result: 'allowed', count: 42, reason: 'serving_last_known_good_keys' }, { count: 42, reason: 'serving_last_known_good_keys' }],
    ['unknown fields are kept', { ...canonical, region: 'eu-1', labels: { a: 1 } }, { region: 'eu-1', labels: { a: 1 } }],
  ])('%s', (_name, input, expected) => {
    expect(parsed(input)).toMatchObject(expected);
  });

  it('generates a W3C trace id when the envelope has none', () => {
    const { traceId: _omit, ...noTrace } = canonical;
    const a = parsed(noTrace);
    const b = parsed(noTrace);
    expect(a.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.traceId).not.toBe(b.traceId);
  });

  it('maps aliases away: the normalised event has only canonical keys plus the unknown ones', () => {
    const e = parsed({ ...canonical, id: undefined, event_id: 'x', trace_id: canonical.traceId, traceId: undefined, extra: 1 });
    expect(Object.keys(e).sort()).toEqual(['action', 'extra', 'id', 'resource', 'result', 'service', 'subject', 'tenant', 'time', 'traceId']);
  });
});

describe('parseEnvelope refuses malformed envelopes with a reason naming the problem', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['text that is not JSON', '{"id": "x", ', 'not_json', /not JSON/],
    ['a JSON array', '[1,2]', 'not_an_object', /not a JSON object/],
    ['a JSON string', '"hello"', 'not_an_object', /not a JSON object/],
    ['an envelope over the size bound', JSON.stringify({ ...canonical, pad: 'x'.repeat(MAX_ENVELOPE_BYTES) }), 'too_large', /larger than/],
    ['no id', { ...canonical, id: undefined }, 'missing_field', /'id'/],
    ['no time', { ...canonical, time: undefined }, 'missing_field', /'time'/],
    ['no tenant', { ...canonical, tenant: undefined }, 'missing_field', /'tenant'/],
    ['no action', { ...canonical, action: null }, 'missing_field', /'action'/],
    ['an empty subject', { ...canonical, subject: '' }, 'invalid_field', /'subject'/],
    ['a numeric tenant', { ...canonical, tenant: 7 }, 'invalid_field', /'tenant'/],
    ['a time without a zone', { ...canonical, time: '2026-06-01T12:00:00' }, 'invalid_field', /'time'/],
    ['a time that is not a date', { ...canonical, time: 'yesterday' }, 'invalid_field', /'time'/],
    ['a negative epoch', { ...canonical, time: -5 }, 'invalid_field', /'time'/],
    ['an unknown result', { ...canonical, result: 'maybe' }, 'invalid_field', /'result'.*success, failure, denied, allowed/],
    ['a malformed trace id', { ...canonical, traceId: 'abc' }, 'invalid_field', /'traceId'/],
    ['an all-zero trace id', { ...canonical, traceId: '0'.repeat(32) }, 'invalid_field', /'traceId'/],
    ['a count of 0', { ...canonical, count: 0 }, 'invalid_field', /'count'/],
    ['a fractional count', { ...canonical, count: 1.5 }, 'invalid_field', /'count'/],
    ['a field spelled two ways with different values', { ...canonical, trace_id: 'ffffffffffffffffffffffffffffffff' }, 'conflicting_field', /'traceId'.*'traceId' and 'trace_id'/],
    ['an over-long id', { ...canonical, id: 'x'.repeat(201) }, 'invalid_field', /'id'/],
  ])('%s', (_name, input, code, reason) => {
    const r = parseEnvelope(typeof input === 'string' ? input : JSON.parse(JSON.stringify(input)));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.code).toBe(code);
    expect(r.reason).toMatch(reason);
  });
});

describe('serviceOf', () => {
  it.each([
    ['data.write', 'policy/p-1', 'policy'],
    ['data.write', 'finding/f-1', 'vuln'],
    ['data.write', 'rule/r-1', 'notify'],
    ['auth.denied', 'GET /api/vuln/findings', 'vuln'],
    ['auth.denied', 'unmatched', 'none'],
    ['token.issued', 'connect/token', 'authority'],
    ['keys.rotated', 'key/k1', 'authority'],
    ['auth.degraded', 'jwks', 'auth'],
    ['auth.recovered', 'jwks', 'auth'],
  ])('%s on %s belongs to %s', (action, resource, service) => {
    expect(serviceOf(action, resource)).toBe(service);
  });
});
