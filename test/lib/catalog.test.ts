import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG, discoveredPlaceholders, renderOperation, validateCatalog } from '../../lib/catalog';
import type { Operation } from '../../lib/catalog';
import { packAll } from '../support/id-pools';

const ctx = {
  tenant: 'tenant-01',
  uniqueId: 'lt-abc-7-42',
  requestId: '6f1c1f7e-1d1e-4c1b-9c1e-0a0b0c0d0e0f',
  ids: packAll({ policyId: ['pol 1/x'], findingId: ['fnd-1'], channelId: ['ch-1'] }),
  random: () => 0,
};

/** The platform's input schemas (docs/platform-api.md), checked by hand. */
const BODY_RULES: Record<string, (b: Record<string, unknown>) => boolean> = {
  'policy.put': (b) =>
    typeof b.name === 'string' && b.name.length >= 1 && b.name.length <= 200 &&
    Array.isArray(b.rules) && b.rules.length >= 1 && b.rules.length <= 50 &&
    (b.rules as Array<Record<string, unknown>>).every((r) => ['allow', 'deny', 'warn'].includes(r.effect as string) && typeof r.condition === 'string' && (r.condition as string).length <= 500) &&
    typeof b.clientRequestId === 'string' && (b.clientRequestId as string).length <= 128,
  'vuln.triage': (b) => ['triaged', 'accepted', 'fixed', 'false_positive'].includes(b.status as string) && typeof b.note === 'string',
  'notify.rule.create': (b) =>
    /^[A-Za-z0-9._:-]{1,128}$/.test(b.id as string) && typeof b.name === 'string' && b.channelId === 'ch-1' &&
    ['finding.created', 'finding.triaged', 'policy.updated'].includes(b.event as string) &&
    ['critical', 'high', 'medium', 'low'].includes(b.minSeverity as string),
};

describe('the built-in endpoint catalog', () => {
  it('is valid under its own validator', () => {
    expect(validateCatalog(DEFAULT_CATALOG, 'built-in')).toEqual([]);
  });

  it('covers the nine routes of the platform contract', () => {
    expect(DEFAULT_CATALOG.operations.map((o) => `${o.method} ${o.path.split('?')[0]}`)).toEqual([
      'GET /api/policy/policies',
      'GET /api/policy/policies/{policyId}',
      'PUT /api/policy/policies/{uniqueId}',
      'GET /api/vuln/findings',
      'GET /api/vuln/findings/{findingId}',
      'POST /api/vuln/findings/{findingId}/triage',
      'GET /api/notify/channels',
      'GET /api/notify/rules',
      'POST /api/notify/rules',
    ]);
  });

  it.each(DEFAULT_CATALOG.operations.map((o) => [o.id, o] as [string, Operation]))('%s has a name, a service, a kind and expected statuses', (_id, op) => {
    expect(op.name).toMatch(/^\/api\//);
    expect(['policy', 'vuln', 'notify']).toContain(op.service);
    expect(['read', 'write']).toContain(op.kind);
    expect(op.expect.length).toBeGreaterThan(0);
    expect(op.kind === 'read').toBe(op.method === 'GET');
  });

  it.each(DEFAULT_CATALOG.operations.filter((o) => o.kind === 'write').map((o) => [o.id, o] as [string, Operation]))('%s renders a body valid under the platform schema', (id, op) => {
    for (let i = 0; i < 20; i++) {
      const r = renderOperation(op, { ...ctx, random: () => i / 20 });
      const body = JSON.parse(r.body as string) as Record<string, unknown>;
      expect(BODY_RULES[id]!(body)).toBe(true);
    }
  });

  it('encodes discovered ids in paths and fills unique ids', () => {
    const get = DEFAULT_CATALOG.operations.find((o) => o.id === 'policy.get')!;
    expect(renderOperation(get, ctx).path).toBe('/api/policy/policies/pol%201%2Fx');
    const put = DEFAULT_CATALOG.operations.find((o) => o.id === 'policy.put')!;
    const r = renderOperation(put, ctx);
    expect(r.path).toBe('/api/policy/policies/lt-abc-7-42');
    expect(JSON.parse(r.body!).clientRequestId).toBe(ctx.requestId);
  });

  it('throws naming the placeholder when a tenant has no discovered id', () => {
    const get = DEFAULT_CATALOG.operations.find((o) => o.id === 'vuln.get')!;
    expect(() => renderOperation(get, { ...ctx, ids: {} })).toThrow('no discovered {findingId} for tenant tenant-01');
  });

  it('lists the discovered placeholders each operation needs', () => {
    const needs = Object.fromEntries(DEFAULT_CATALOG.operations.map((o) => [o.id, discoveredPlaceholders(o)]));
    expect(needs).toMatchObject({ 'policy.get': ['policyId'], 'policy.put': [], 'vuln.triage': ['findingId'], 'notify.rule.create': ['channelId'] });
  });
});

describe('validateCatalog', () => {
  it.each<[string, unknown, string]>([
    ['a non-object', [], 'CATALOG_FILE: must be a JSON object {"operations": [...], "discovery": [...]}'],
    ['an empty operation list', { operations: [] }, 'CATALOG_FILE.operations: must be a non-empty array'],
    ['an unknown method', { operations: [{ id: 'a', name: '/a', service: 's', kind: 'read', method: 'FETCH', path: '/a', expect: [200], shape: 'list' }] }, 'CATALOG_FILE.operations[0].method: must be one of GET, POST, PUT, PATCH, DELETE'],
    ['a GET with a body', { operations: [{ id: 'a', name: '/a', service: 's', kind: 'read', method: 'GET', path: '/a', expect: [200], shape: 'list', body: {} }] }, 'CATALOG_FILE.operations[0].body: a GET operation has no body'],
    ['a reserved discovery name', { discovery: [{ placeholder: 'tenant', path: '/x' }], operations: [] }, 'CATALOG_FILE.discovery[0].placeholder: is reserved (uniqueId, requestId, tenant are filled by the iteration)'],
    ['a comma in a name tag', { operations: [{ id: 'a', name: '/a,b', service: 's', kind: 'read', method: 'GET', path: '/a', expect: [200], shape: 'list' }] }, 'CATALOG_FILE.operations[0].name: must be a non-empty string without commas (it is the name tag)'],
  ])('rejects %s', (_n, doc, message) => {
    expect(validateCatalog(doc).map((p) => `${p.variable}: ${p.message}`)).toContain(message);
  });
});
