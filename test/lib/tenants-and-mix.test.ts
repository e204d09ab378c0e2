import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG } from '../../lib/catalog';
import { chooseKind, chooseOperation, pickWeighted } from '../../lib/mix';
import { OVERFLOW_TENANT_TAG, numberedTenants, parseTenantsFile, parseTenantsVar, tenantTag } from '../../lib/tenants';
import { TenantPicker } from '../../lib/tenant-weights';
import type { ConfigProblem } from '../../lib/config-error';
import { seeded } from './seeded-random';
import { packAll } from '../support/id-pools';

const ALL_IDS = packAll({ policyId: ['p1'], findingId: ['f1'], channelId: ['c1'] });

describe('tenant pool', () => {
  it('numbers tenants like the reference platform', () => {
    expect(numberedTenants(12).map((t) => t.id)).toEqual(Array.from({ length: 12 }, (_, i) => `tenant-${String(i + 1).padStart(2, '0')}`));
  });

  it.each([
    ['a trailing comma', '[{"id":"a","clientId":"a-load","clientSecret":"hunter2-very-secret"},]'],
    ['a missing comma', '[{"id":"a","clientId":"a-load","clientSecret":"hunter2-very-secret" "x":1}]'],
    ['an unterminated string', '[{"id":"a","clientId":"a-load","clientSecret":"hunter2-very-secret'],
  ])('reports a TENANTS_FILE with %s as invalid JSON without quoting any of its text (it holds secrets)', (_name, text) => {
    const problems: ConfigProblem[] = [];
    parseTenantsFile(text, problems);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^is not valid JSON( \(error at character \d+\))?; its text is not shown because it holds client secrets$/);
    expect(problems[0]!.message).not.toMatch(/hunter|secret"/);
  });

  it('accepts a file as {"tenants": [...]} with bare ids', () => {
    const problems: ConfigProblem[] = [];
    expect(parseTenantsFile('{"tenants": ["a", "b"]}', problems)).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(problems).toEqual([]);
  });

  it.each([
    ['not JSON', '{', /TENANTS_FILE: is not valid JSON/],
    ['a number', '42', /must hold a JSON array/],
    ['an unknown field', '[{"id":"a","secret":"x"}]', /TENANTS_FILE\[0\]\.secret: unknown field/],
    ['a duplicate', '["a","a"]', /TENANTS_FILE\[1\]\.id: duplicates tenant a/],
    ['an empty list', '[]', /TENANTS_FILE: lists no tenants/],
  ])('rejects a tenants file with %s', (_n, text, message) => {
    const problems: ConfigProblem[] = [];
    parseTenantsFile(text, problems);
    expect(problems.map((p) => `${p.variable}: ${p.message}`).join('\n')).toMatch(message);
  });

  it('rejects duplicate ids in TENANTS', () => {
    const problems: ConfigProblem[] = [];
    parseTenantsVar('a,b,a', problems);
    expect(problems).toEqual([{ variable: 'TENANTS', message: 'lists a more than once' }]);
  });

  it('picks tenants uniformly: each of 20 within 10 % of its expected share over 40,000 draws', () => {
    const random = seeded(7);
    const counts = new Array(20).fill(0);
    const uniform = new TenantPicker(20, undefined);
    for (let i = 0; i < 40_000; i++) counts[uniform.pick(random)]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
    // chi-square with 19 degrees of freedom: the 99.9th percentile is 43.8
    const chi = counts.reduce((a, c) => a + (c - 2000) ** 2 / 2000, 0);
    expect(chi).toBeLessThan(43.8);
  });

  it('never returns an index past the pool even when random() returns its supremum', () => {
    expect(new TenantPicker(5, undefined).pick(() => 0.9999999999999999)).toBe(4);
  });

  it.each([
    [0, 3, 'tenant-01'],
    [2, 3, 'tenant-03'],
    [3, 3, OVERFLOW_TENANT_TAG],
    [49, 3, OVERFLOW_TENANT_TAG],
  ])('tags tenant index %i with cap %i as %s', (index, cap, tag) => {
    expect(tenantTag(numberedTenants(50), index, cap)).toBe(tag);
  });

  it('keeps the number of distinct tenant tag values at cap + 1', () => {
    const tenants = numberedTenants(500);
    const values = new Set(tenants.map((_, i) => tenantTag(tenants, i, 100)));
    expect(values.size).toBe(101);
  });
});

describe('read/write mix', () => {
  it('draws reads with probability READ_RATIO: 0.9 within 0.6 points over 20,000 draws', () => {
    const random = seeded(11);
    let reads = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) if (chooseOperation(DEFAULT_CATALOG.operations, 0.9, ALL_IDS, random)?.kind === 'read') reads++;
    // binomial sd = sqrt(n p (1-p)) = 42.4 draws (0.21 points); 0.6 points is ~2.8 sd
    expect(Math.abs(reads / n - 0.9)).toBeLessThan(0.006);
  });

  it.each([[0], [1]])('honours the extreme READ_RATIO %d', (ratio) => {
    const random = seeded(3);
    for (let i = 0; i < 1000; i++) expect(chooseKind(ratio, random)).toBe(ratio === 1 ? 'read' : 'write');
  });

  it('spreads reads over all six read operations and writes over all three', () => {
    const random = seeded(5);
    const seen = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const op = chooseOperation(DEFAULT_CATALOG.operations, 0.9, ALL_IDS, random);
      seen.set(op!.id, (seen.get(op!.id) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(DEFAULT_CATALOG.operations.map((o) => o.id).sort());
    expect(seen.get('policy.list')! / 20_000).toBeCloseTo(0.15, 1);
    expect(seen.get('policy.put')! / 20_000).toBeCloseTo(0.0333, 1);
  });

  it('skips operations whose discovered ids the tenant lacks, falling back to the other kind only if none is left', () => {
    const random = seeded(9);
    const noIds = packAll({ policyId: [], findingId: [], channelId: [] });
    const ops = new Set<string>();
    for (let i = 0; i < 2000; i++) ops.add(chooseOperation(DEFAULT_CATALOG.operations, 0.9, noIds, random)!.id);
    expect([...ops].sort()).toEqual(['notify.channels', 'notify.rules', 'policy.list', 'policy.put', 'vuln.list']);
  });

  it('weights operations by their weight', () => {
    const random = seeded(1);
    const items = [{ id: 'a', weight: 3 }, { id: 'b' }];
    let a = 0;
    for (let i = 0; i < 8000; i++) if (pickWeighted(items, random)?.id === 'a') a++;
    expect(a / 8000).toBeCloseTo(0.75, 1);
  });
});
