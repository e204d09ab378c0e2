import { describe, expect, it } from 'vitest';
import { parsePromText, rateLimitHitsByTenant, renderEvidence, summarizeRequests } from '../../launch/evidence';

const METRICS = `# HELP tenant_requests_total Requests.
# TYPE tenant_requests_total counter
tenant_requests_total{tenant="tenant-01",service="policy",route="GET /api/policy/policies",status="200"} 90
tenant_requests_total{tenant="tenant-02",service="policy",route="PUT /api/policy/policies/{id}",status="200"} 8
tenant_requests_total{tenant="tenant-02",service="notify",route="POST /api/notify/rules",status="401"} 2
tenant_requests_total{tenant="__overflow__",service="vuln",route="GET /api/vuln/findings",status="503"} 0
tenant_queue_depth{tenant="tenant-01",service="notify"} 3
`;

describe('parsePromText', () => {
  it('reads names, labels and values and skips comments', () => {
    const samples = parsePromText(METRICS);
    expect(samples).toHaveLength(5);
    expect(samples[0]).toEqual({
      name: 'tenant_requests_total',
      labels: { tenant: 'tenant-01', service: 'policy', route: 'GET /api/policy/policies', status: '200' },
      value: 90,
    });
  });

  it('unescapes quoted label values', () => {
    expect(parsePromText('m{a="x\\"y\\\\z"} 1')[0]?.labels.a).toBe('x"y\\z');
  });
});

describe('summarizeRequests', () => {
  it('counts tenants (not the overflow bucket), the write share and 401/5xx answers', () => {
    expect(summarizeRequests(parsePromText(METRICS))).toEqual({ tenantsSeen: 2, requests: 100, writeShare: 0.1, status401: 2, status5xx: 0 });
  });

  it('prefers an explicit kind label over the route text', () => {
    const s = summarizeRequests([{ name: 'tenant_requests_total', labels: { tenant: 't', kind: 'write', route: 'GET x' }, value: 1 }]);
    expect(s.writeShare).toBe(1);
  });
});

describe('renderEvidence', () => {
  it('states every figure on its own line', () => {
    const text = renderEvidence({ tenantsSeen: 20, requests: 1000, writeShare: 0.1, status401: 0, status5xx: 0, degradedEvents: 4, degradedRequests: 900, recoveredEvents: 1, rateLimitHits: {} });
    expect(text).toContain('tenants served ............ 20');
    expect(text).toContain('writes 10.00%');
    expect(text).toContain('auth.degraded events ...... 4  (covering 900 requests');
  });
});

describe('rate-limit evidence', () => {
  const text = `tenant_rate_limit_hits_total{tenant="tenant-05",service="policy"} 300
tenant_rate_limit_hits_total{tenant="tenant-05",service="vuln"} 700
tenant_rate_limit_hits_total{tenant="tenant-02",service="vuln"} 0
`;

  it('sums tenant_rate_limit_hits_total per tenant over services, leaving out tenants without hits', () => {
    expect(rateLimitHitsByTenant(parsePromText(text))).toEqual({ 'tenant-05': 1000 });
  });

  it.each([
    [{ 'tenant-05': 1000 }, 'rate-limited (429) ........ only tenant-05 1000 (tenant_rate_limit_hits_total)'],
    [{}, 'rate-limited (429) ........ no tenant (tenant_rate_limit_hits_total: none)'],
    [{ 'tenant-05': 1000, 'tenant-02': 3 }, 'rate-limited (429) ........ tenant-05 1000, tenant-02 3 (tenant_rate_limit_hits_total)'],
  ])('says which tenants the platform throttled: %j', (hits, line) => {
    const e = { tenantsSeen: 20, requests: 1000, writeShare: 0.1, status401: 0, status5xx: 0, degradedEvents: 0, degradedRequests: 0, recoveredEvents: 0, rateLimitHits: hits };
    expect(renderEvidence(e)).toContain(line);
  });
});
