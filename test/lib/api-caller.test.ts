import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiCallerConfig } from '../../lib/api-call';
import { ApiCaller, CACHE_LIMIT, callOperation, HEADER_CACHE_LIMIT } from '../../lib/api-call';
import type { RenderContext } from '../../lib/catalog';
import { DEFAULT_CATALOG } from '../../lib/catalog';
import type { FakeResponse } from '../fakes/k6/recorder';
import { fakeK6 } from '../fakes/k6/recorder';
import { seeded } from './seeded-random';
import { packAll } from '../support/id-pools';
import { serverErrors } from '../../lib/metrics';

const CFG: ApiCallerConfig = { baseUrl: 'http://127.0.0.1:8080', tenantHeader: 'X-StellaOps-Tenant', timeoutMs: 5000, tenantCount: 3, tenantTagCount: 3 };
const IDS = packAll({ policyId: ['p 1'], findingId: ['f-1', 'f-2'], channelId: ['c-1'] });
const TENANTS = ['tenant-01', 'tenant-02', 'tenant-03'];

/** Answers like the platform, with a few failures so the metrics and failed checks show up too. */
function handler(i: number): FakeResponse {
  const cases: FakeResponse[] = [
    { status: 200, body: '{"items":[],"nextCursor":null}' },
    { status: 201, body: '{"id":"x"}' },
    { status: 401, body: '{"error":"invalid_token"}' },
    { status: 503, body: 'down' },
    { status: 200, body: '{"id":""}' },
  ];
  return cases[i % cases.length] as FakeResponse;
}

interface Step {
  op: number;
  tenant: number;
  token: string;
  phase: string;
}

/** Steps over every operation, tenant, token change (cache by token) and phase change (cache by phase). */
const STEPS: Step[] = [];
for (const phase of ['baseline', 'chaos', 'baseline']) {
  for (const token of ['tok-a', '', 'tok-b']) {
    DEFAULT_CATALOG.operations.forEach((_op, op) => TENANTS.forEach((_t, tenant) => STEPS.push({ op, tenant, token, phase })));
  }
}

async function record(send: (step: Step, ctx: RenderContext) => Promise<boolean>): Promise<{ results: boolean[]; requests: unknown; samples: unknown; checks: unknown }> {
  fakeK6.reset();
  let n = 0;
  fakeK6.handler = () => handler(n++);
  const random = seeded(11);
  const results: boolean[] = [];
  for (const [i, step] of STEPS.entries()) {
    const ctx: RenderContext = { tenant: TENANTS[step.tenant]!, uniqueId: `lt-run-1-${i}`, requestId: `req-${i}`, ids: IDS, random };
    results.push(await send(step, ctx));
  }
  // Deep copies: what was sent at the time, whatever happens to the objects later.
  return { results, ...(JSON.parse(JSON.stringify({ requests: fakeK6.requests, samples: fakeK6.samples, checks: fakeK6.checks })) as { requests: unknown; samples: unknown; checks: unknown }) };
}

function viaCallOperation(cfg: ApiCallerConfig): (step: Step, ctx: RenderContext) => Promise<boolean> {
  return (step, ctx) =>
    callOperation(
      DEFAULT_CATALOG.operations[step.op]!,
      { baseUrl: cfg.baseUrl, tenantHeader: cfg.tenantHeader, tenantId: TENANTS[step.tenant]!, tenantTag: TENANTS[step.tenant]!, token: step.token, phase: step.phase, timeoutMs: cfg.timeoutMs },
      ctx,
    );
}

function viaCaller(cfg: ApiCallerConfig): (step: Step, ctx: RenderContext) => Promise<boolean> {
  const caller = new ApiCaller(DEFAULT_CATALOG.operations, cfg);
  return (step, ctx) => caller.call(caller.plans[step.op]!, step.tenant, TENANTS[step.tenant]!, TENANTS[step.tenant]!, step.token, step.phase, ctx);
}

beforeEach(() => fakeK6.reset());

describe('ApiCaller (the load iteration\'s compiled callOperation)', () => {
  it.each([
    ['with its tag and header caches', CFG],
    ['past CACHE_LIMIT, building tags and headers per request', { ...CFG, tenantCount: HEADER_CACHE_LIMIT + 1, tenantTagCount: CACHE_LIMIT + 1 }],
  ])('%s sends the same requests, tags, headers, metrics and checks as callOperation', async (_name, cfg) => {
    const expected = await record(viaCallOperation(cfg));
    const actual = await record(viaCaller(cfg));
    expect(actual).toEqual(expected);
    // The table reaches every branch: no token, fail-closed, 5xx, failed shape.
    expect(fakeK6.count('tenant_requests_without_token')).toBeGreaterThan(0);
    expect(fakeK6.count('tenant_fail_closed')).toBeGreaterThan(0);
    expect(fakeK6.select('tenant_server_errors').some((s) => s.value === 1)).toBe(true);
    expect(actual.results).toContain(false);
    expect(actual.results).toContain(true);
  });

  it('reuses tag objects per (operation, tenant tag) within a phase and header objects per (tenant, token)', async () => {
    fakeK6.handler = () => ({ status: 200, body: '{"items":[]}' });
    const caller = new ApiCaller(DEFAULT_CATALOG.operations, CFG);
    const plan = caller.plans[0]!;
    const ctx: RenderContext = { tenant: 'tenant-01', uniqueId: '', requestId: '', ids: IDS, random: Math.random };
    await caller.call(plan, 0, 'tenant-01', 'tenant-01', 'tok', 'baseline', ctx);
    await caller.call(plan, 0, 'tenant-01', 'tenant-01', 'tok', 'baseline', ctx);
    await caller.call(plan, 0, 'tenant-01', 'tenant-01', 'tok2', 'chaos', ctx);
    const [a, b, c] = fakeK6.requests;
    expect(b!.params.tags).toBe(a!.params.tags);
    expect(b!.params.headers).toBe(a!.params.headers);
    expect(c!.params.tags).toEqual({ ...a!.params.tags, phase: 'chaos' });
    expect(c!.params.headers).toEqual({ ...a!.params.headers, Authorization: 'Bearer tok2' });
    expect(Object.isFrozen(a!.params.tags) && Object.isFrozen(a!.params.headers)).toBe(true);
    expect(a!.params.tags?.phase).toBe('baseline');
    expect(a!.params.headers?.Authorization).toBe('Bearer tok');
  });

  it('shares one metric tag object per (service, kind, tenant tag) between operations, and a new phase gets new ones', async () => {
    fakeK6.handler = () => ({ status: 200, body: '{"items":[]}' });
    const seen: Array<Record<string, string> | undefined> = [];
    const spy = vi.spyOn(serverErrors, 'add').mockImplementation((_v, tags) => (seen.push(tags), true));
    try {
      const caller = new ApiCaller(DEFAULT_CATALOG.operations, CFG);
      const ops = DEFAULT_CATALOG.operations;
      const [i, j] = [0, 1];
      expect([ops[i]!.service, ops[i]!.kind]).toEqual([ops[j]!.service, ops[j]!.kind]);
      const k = ops.findIndex((op) => op.service !== ops[i]!.service);
      const ctx: RenderContext = { tenant: 'tenant-01', uniqueId: 'u', requestId: 'r', ids: IDS, random: () => 0 };
      const send = (op: number, tenant: number, phase: string) => caller.call(caller.plans[op]!, tenant, TENANTS[tenant]!, TENANTS[tenant]!, 'tok', phase, ctx);
      await send(i, 0, 'baseline');
      await send(j, 0, 'baseline');
      await send(k, 0, 'baseline');
      await send(i, 1, 'baseline');
      await send(i, 0, 'chaos');
      await send(j, 0, 'chaos');
      const [a, b, c, d, e, f] = seen;
      expect(b).toBe(a);
      expect(c).not.toBe(a);
      expect(d).not.toBe(a);
      expect(d).toEqual({ ...a, tenant: 'tenant-02' });
      expect(e).toEqual({ ...a, phase: 'chaos' });
      expect(f).toBe(e);
    } finally {
      spy.mockRestore();
    }
  });

  it('precomputes the URL of each operation whose path has no placeholders', () => {
    const caller = new ApiCaller(DEFAULT_CATALOG.operations, CFG);
    expect(caller.plans.map((p) => p.fixedUrl)).toEqual(
      DEFAULT_CATALOG.operations.map((op) => (op.path.includes('{') ? undefined : `${CFG.baseUrl}${op.path}`)),
    );
  });
});
