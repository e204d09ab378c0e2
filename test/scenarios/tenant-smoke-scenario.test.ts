import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CATALOG } from '../../lib/catalog';
import { createSmokeScenario } from '../../lib/tenant-smoke-scenario';
import { fakeK6 } from '../fakes/k6/recorder';
import { fakePlatform } from './fake-platform';

beforeEach(() => {
  fakeK6.reset();
  vi.spyOn(console, 'error').mockImplementation(() => {});
});

describe('smoke scenario', () => {
  it('is one VU, one iteration, bounded by tenants x operations x REQUEST_TIMEOUT', () => {
    const s = createSmokeScenario({ env: { TENANTS: '3' }, readFile: () => '' });
    expect(s.options.scenarios).toEqual({ tenant_smoke: { executor: 'per-vu-iterations', exec: 'tenantSmoke', vus: 1, iterations: 1, maxDuration: '4m30s' } });
  });

  it('calls every endpoint once per tenant, in catalog order', async () => {
    const platform = fakePlatform();
    fakeK6.handler = platform.handler;
    const s = createSmokeScenario({ env: { TENANTS: '3' }, readFile: () => '' });
    const data = await s.setup();
    fakeK6.reset();
    fakeK6.handler = platform.handler;
    await s.tenantSmoke(data);
    const api = fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api');
    expect(api).toHaveLength(27);
    expect(api.slice(0, 9).map((r) => r.params.tags?.name)).toEqual(DEFAULT_CATALOG.operations.map((o) => o.name));
    expect(new Set(api.map((r) => r.params.headers?.['X-StellaOps-Tenant']))).toEqual(new Set(['tenant-01', 'tenant-02', 'tenant-03']));
    expect(fakeK6.checks.every((c) => c.ok)).toBe(true);
  });

  it('with the platform down runs anyway, every request failing without a token, so its thresholds (not setup) fail the run', async () => {
    const platform = fakePlatform();
    platform.state.authorityUnreachable = true;
    platform.state.apiUnreachable = true;
    fakeK6.handler = platform.handler;
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const s = createSmokeScenario({ env: { TENANTS: '3' }, readFile: () => '' });
    const data = await s.setup();
    await s.tenantSmoke(data);
    const api = fakeK6.requests.filter((r) => r.params.tags?.traffic === 'api');
    // Operations with by-id paths need discovered ids: only the list operations run.
    expect(api.length).toBeGreaterThan(0);
    expect(api.every((r) => r.params.headers?.Authorization === undefined)).toBe(true);
    expect(fakeK6.select('http_req_failed', { traffic: 'api' }).every((x) => x.value === 1)).toBe(true);
  });
});
