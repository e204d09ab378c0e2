import { beforeEach, describe, expect, it } from 'vitest';
import { alertsQuery, firedAlerts, firingFromAlerts, firingFromQuery } from '../../lib/alert-evidence';
import { auditRequestUrl, countDegradedEvents, countLokiEvents, countPlatformEvents } from '../../lib/audit-evidence';
import { fakeK6 } from '../fakes/k6/recorder';

const since = Date.parse('2026-11-29T14:00:00Z');
const until = since + 600_000;
const ns = (iso: string) => `${Date.parse(iso)}000000`;

beforeEach(() => fakeK6.reset());

describe('audit evidence', () => {
  it('counts auth.degraded platform events inside the window only', () => {
    const body = {
      events: [
        { time: '2026-11-29T14:01:00Z', action: 'auth.degraded', tenant: 'a', count: 3 },
        { time: '2026-11-29T14:02:00Z', action: 'auth.recovered', tenant: 'a' },
        { time: '2026-11-29T13:59:59Z', action: 'auth.degraded', tenant: 'b' },
        { time: since + 1000, action: 'auth.degraded', tenant: 'c' },
      ],
      dropped: 0,
    };
    expect(countPlatformEvents(body, since, until)).toBe(2);
    expect(countPlatformEvents({ nope: 1 }, since, until)).toBeUndefined();
  });

  it("counts auth.degraded lines in Loki's documented query_range streams answer", () => {
    // https://grafana.com/docs/loki/latest/reference/loki-http-api/#query-logs-within-a-range-of-time
    const body = {
      status: 'success',
      data: {
        resultType: 'streams',
        result: [
          {
            stream: { job: 'stellaops-audit', tenant: 'a' },
            values: [
              [ns('2026-11-29T14:01:00Z'), JSON.stringify({ time: '2026-11-29T14:01:00Z', action: 'auth.degraded', tenant: 'a' })],
              [ns('2026-11-29T14:01:01Z'), JSON.stringify({ time: '2026-11-29T14:01:01Z', action: 'data.write', tenant: 'a' })],
              [ns('2026-11-29T14:01:02Z'), 'not json'],
            ],
          },
          { stream: { job: 'stellaops-audit', tenant: 'b' }, values: [[ns('2026-11-29T14:03:00Z'), JSON.stringify({ action: 'auth.degraded', tenant: 'b' })]] },
        ],
        stats: {},
      },
    };
    expect(countLokiEvents(body, since, until)).toBe(2);
    expect(countLokiEvents({ status: 'success', data: { resultType: 'matrix', result: [] } }, since, until)).toBeUndefined();
  });

  it('builds the platform and Loki queries for the window', () => {
    const q = { url: 'http://x', token: 't', lokiQuery: '{job="stellaops-audit"}', requestTimeoutMs: 1 };
    expect(auditRequestUrl({ ...q, kind: 'platform' }, since, until)).toBe(`http://x/audit/events?action=auth.degraded&since=${since}&limit=1000`);
    expect(auditRequestUrl({ ...q, kind: 'loki' }, since, until)).toBe(
      `http://x/loki/api/v1/query_range?query=${encodeURIComponent('{job="stellaops-audit"} |= "auth.degraded"')}&start=${since}000000&end=${until}000000&limit=5000&direction=forward`,
    );
  });

  it.each([
    [{ status: 401, body: '{"error":"unauthorized"}' }, 'audit query answered 401'],
    [{ status: 0, body: null }, 'audit query answered nothing (unreachable)'],
    [{ status: 200, body: '<html>' }, 'audit query answer is not JSON'],
    [{ status: 200, body: '{"items":[]}' }, 'audit answer does not have the {events: [...]} shape'],
  ])('counts zero and says why when the audit answer is %j', async (res, detail) => {
    fakeK6.handler = () => res;
    expect(await countDegradedEvents({ kind: 'platform', url: 'http://x', token: 't', lokiQuery: '', requestTimeoutMs: 1 }, since, until)).toEqual({ count: 0, detail });
  });
});

describe('alert evidence', () => {
  it('reads firing expected alerts from /api/v1/alerts, ignoring pending and unrelated ones', () => {
    const body = {
      status: 'success',
      data: {
        alerts: [
          { labels: { alertname: 'jwks_cache_miss_spike', severity: 'critical' }, state: 'firing', activeAt: '2026-11-29T14:01:00Z', value: '1' },
          { labels: { alertname: 'tenant_auth_failures_spike' }, state: 'pending' },
          { labels: { alertname: 'tenant_latency_p95_high' }, state: 'firing' },
        ],
      },
    };
    expect(firingFromAlerts(body)).toEqual(['jwks_cache_miss_spike']);
  });

  it('reads alerts that fired earlier from the ALERTS series', () => {
    const body = { status: 'success', data: { resultType: 'vector', result: [{ metric: { alertname: 'tenant_auth_failures_spike', alertstate: 'firing' }, value: [1764424800, '1'] }] } };
    expect(firingFromQuery(body)).toEqual(['tenant_auth_failures_spike']);
    expect(alertsQuery(90.2)).toBe('max_over_time(ALERTS{alertstate="firing",alertname=~"jwks_cache_miss_spike|tenant_auth_failures_spike"}[91s])');
  });

  it('merges both sources without duplicates', async () => {
    fakeK6.handler = (req) =>
      req.url.includes('/api/v1/alerts')
        ? { status: 200, body: JSON.stringify({ status: 'success', data: { alerts: [{ labels: { alertname: 'jwks_cache_miss_spike' }, state: 'firing' }] } }) }
        : { status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { alertname: 'jwks_cache_miss_spike' }, value: [0, '1'] }, { metric: { alertname: 'tenant_auth_failures_spike' }, value: [0, '1'] }] } }) };
    expect(await firedAlerts('http://prom:9090', since, until, 1000)).toEqual(['jwks_cache_miss_spike', 'tenant_auth_failures_spike']);
  });
});
