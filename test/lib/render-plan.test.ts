import { describe, expect, it } from 'vitest';
import type { Operation, RenderContext } from '../../lib/catalog';
import { compileOperation, DEFAULT_CATALOG, discoveredPlaceholders, isRunnable, renderBody, renderOperation, renderPath } from '../../lib/catalog';
import { chooseFromMix, chooseOperation, MixTable, tenantMix } from '../../lib/mix';
import { seeded } from './seeded-random';
import { packAll } from '../support/id-pools';
import { unpackIds } from '../../lib/id-pool';

/**
 * The reference: how an operation was rendered before render plans (fill the templates with
 * String.prototype.replace, then JSON.stringify the filled body). Compiled rendering must give the
 * same text and draw `random` the same number of times in the same order.
 */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]*|pick:[^{}]+)\}/g;

function refFill(text: string, ctx: RenderContext, encode: boolean): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    let value: string;
    if (name.startsWith('pick:')) {
      const choices = name.slice(5).split('|');
      value = choices[Math.min(choices.length - 1, Math.floor(ctx.random() * choices.length))] as string;
    } else if (name === 'uniqueId') value = ctx.uniqueId;
    else if (name === 'requestId') value = ctx.requestId;
    else if (name === 'tenant') value = ctx.tenant;
    else {
      const pool = unpackIds(ctx.ids[name]);
      if (pool.length === 0) throw new Error(`no discovered {${name}} for tenant ${ctx.tenant}`);
      value = pool[Math.min(pool.length - 1, Math.floor(ctx.random() * pool.length))] as string;
    }
    return encode ? encodeURIComponent(value) : value;
  });
}

function refFillBody(value: unknown, ctx: RenderContext): unknown {
  if (typeof value === 'string') return refFill(value, ctx, false);
  if (Array.isArray(value)) return value.map((v) => refFillBody(v, ctx));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = refFillBody(v, ctx);
    return out;
  }
  return value;
}

function refRender(op: Operation, ctx: RenderContext): { method: string; path: string; body: string | null } {
  return { method: op.method, path: refFill(op.path, ctx, true), body: op.body === undefined ? null : JSON.stringify(refFillBody(op.body, ctx)) };
}

/** A random source that also counts its draws. */
function counted(seed: number): { random: () => number; draws: () => number } {
  const r = seeded(seed);
  let n = 0;
  return {
    random: () => {
      n++;
      return r();
    },
    draws: () => n,
  };
}

const base: Omit<Operation, 'path'> = { id: 'x', name: '/x', service: 'svc', kind: 'write', method: 'POST', expect: [200], shape: 'object' };

const EDGE_OPS: Operation[] = [
  ...DEFAULT_CATALOG.operations,
  {
    ...base,
    id: 'edge.json',
    path: '/t/{tenant}/{aId}/{pick:a b|c/d|é}?q={uniqueId}&{not a placeholder}&{}',
    body: {
      '1': 'integer-like keys come first in JSON.stringify and in Object.entries',
      'quo"te\\key': ['{aId}', 2, -0, 1.5e300, true, false, null, [], {}, [[{ deep: '{pick:x|y|z}-{bId}' }]]],
      text: 'line\nbreak "{requestId}" tab\t{tenant}\u0001 {aId}{aId}{pick:only}',
      emoji: '😀{aId}😀',
      highBeforeSlot: '\ud83d{tenant}\ude00',
      lone: '\ud800 end',
      unicodeKey: { 'ключ': '{uniqueId}', '': '' },
    },
  },
  // Not plain JSON: rendered the generic way (fill, then JSON.stringify), with the same result.
  { ...base, id: 'edge.generic', path: '/g/{aId}', body: { when: '{uniqueId}', skipped: undefined, list: [undefined, '{pick:p|q}'], nan: Number.NaN } as unknown },
  { ...base, id: 'edge.date', path: '/g', body: { at: new Date(0), id: '{requestId}' } },
];

const IDS_CASES = ([
  { policyId: ['pol 1/x', 'p2'], findingId: ['fnd-1'], channelId: ['ch-1', 'ch"2', 'ch\\3'], aId: ['a', 'b"q', 'c\nd', '\ude00x', 'é/ü?&='], bId: ['\ud83d', 'b'] },
  { aId: ['', 'only'], bId: [''] },
] as Array<Record<string, string[]>>).map((ids) => packAll(ids));

describe('compiled render plans give exactly what filling the templates gave', () => {
  it.each(EDGE_OPS.map((op) => [op.id, op] as [string, Operation]))('%s: same path, body and draws for 200 seeds', (_id, op) => {
    for (const ids of IDS_CASES) {
      for (let seed = 1; seed <= 200; seed++) {
        const a = counted(seed);
        const b = counted(seed);
        const ctx = (random: () => number): RenderContext => ({ tenant: 'tenant-0"1', uniqueId: `lt-r-${seed}-é`, requestId: `req-${seed}\u2028`, ids, random });
        let expected: unknown;
        let actual: unknown;
        try {
          expected = refRender(op, ctx(a.random));
        } catch (err) {
          expected = err;
        }
        try {
          actual = renderOperation(op, ctx(b.random));
        } catch (err) {
          actual = err;
        }
        expect(actual).toEqual(expected);
        expect(b.draws()).toBe(a.draws());
      }
    }
  });

  it('throws the same error as before, at the same placeholder, when a discovered id is missing', () => {
    const op = EDGE_OPS.find((o) => o.id === 'edge.json')!;
    const ctx: RenderContext = { tenant: 'tenant-01', uniqueId: 'u', requestId: 'r', ids: packAll({ aId: ['a'] }), random: () => 0 };
    expect(() => renderOperation(op, ctx)).toThrow('no discovered {bId} for tenant tenant-01');
    expect(() => renderOperation(op, { ...ctx, ids: {} })).toThrow('no discovered {aId} for tenant tenant-01');
  });

  it.each(EDGE_OPS.map((op) => [op.id, op] as [string, Operation]))('%s: the plan needs the discovered placeholders the operation uses', (_id, op) => {
    expect(compileOperation(op).needs).toEqual(discoveredPlaceholders(op));
  });

  it.each([
    ['policy.list', false, false],
    ['policy.get', false, false],
    ['policy.put', true, true],
    ['vuln.triage', false, true],
    ['notify.rule.create', true, true],
    ['edge.generic', true, false],
    ['edge.date', false, true],
  ])('%s uses uniqueId: %s, requestId: %s (the iteration only makes those it uses)', (id, unique, request) => {
    const plan = compileOperation(EDGE_OPS.find((o) => o.id === id)!);
    expect([plan.usesUniqueId, plan.usesRequestId]).toEqual([unique, request]);
  });

  it('renders a path without placeholders as the path itself, and no body for an operation without one', () => {
    const plan = compileOperation(DEFAULT_CATALOG.operations[0]!);
    const ctx: RenderContext = { tenant: 't', uniqueId: '', requestId: '', ids: {}, random: () => 0 };
    expect(renderPath(plan, ctx)).toBe('/api/policy/policies?limit=20');
    expect(renderBody(plan, ctx)).toBeNull();
  });
});

describe('the per-tenant mix draws what chooseOperation drew', () => {
  const ops = DEFAULT_CATALOG.operations;
  const items = ops.map((op) => ({ op, kind: op.kind, weight: op.weight, needs: compileOperation(op).needs }));

  it.each([
    ['every id', { policyId: ['p'], findingId: ['f'], channelId: ['c'] }],
    ['no ids', {}],
    ['only channels', { channelId: ['c'], findingId: [] }],
  ] as Array<[string, Record<string, string[]>]>)('with %s: the same operation for 2,000 draws from the same seed', (_name, lists) => {
    const ids = packAll(lists);
    const a = seeded(7);
    const b = seeded(7);
    const mix = tenantMix(items, ids);
    for (let i = 0; i < 2000; i++) expect(chooseFromMix(mix, 0.9, b)?.op).toBe(chooseOperation(ops, 0.9, ids, a));
  });

  it('lists only runnable operations, by kind', () => {
    const ids = packAll({ findingId: ['f'] });
    const mix = tenantMix(items, ids);
    expect(mix.runnable.map((i) => i.op.id)).toEqual(ops.filter((op) => isRunnable(op, ids)).map((op) => op.id));
    expect(mix.read.every((i) => i.kind === 'read') && mix.write.every((i) => i.kind === 'write')).toBe(true);
  });

  it('shares one mix among tenants with the same placeholders present, and tells apart those without', () => {
    const table = new MixTable(items);
    const all = table.for(packAll({ policyId: ['p'], findingId: ['f'], channelId: ['c'] }));
    expect(table.for(packAll({ policyId: ['q', 'r'], findingId: ['g'], channelId: ['d'] }))).toBe(all);
    expect(table.for(packAll({ policyId: ['p'], findingId: [], channelId: ['c'] }))).not.toBe(all);
    expect(table.for(packAll({ policyId: ['p'], channelId: ['c'] }))).toBe(table.for(packAll({ policyId: ['p'], findingId: [], channelId: ['c'] })));
    const cases: Array<Record<string, string[]>> = [{}, { findingId: ['f'] }, { policyId: ['p'], channelId: ['c'] }, { policyId: ['p'], findingId: ['f'], channelId: ['c'] }];
    for (const ids of cases.map((c) => packAll(c))) {
      expect(table.for(ids)).toEqual(tenantMix(items, ids));
    }
  });

  it('keys by placeholder presence also past 30 placeholders', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ kind: 'read' as const, needs: [`p${i}`] }));
    const table = new MixTable(many);
    const ids = packAll({ p0: ['x'], p35: ['y'] });
    expect(table.for(ids).runnable).toEqual([many[0], many[35]]);
    expect(table.for(packAll({ p0: ['z'], p35: ['w'] }))).toBe(table.for(ids));
    expect(table.for(packAll({ p0: ['z'] })).runnable).toEqual([many[0]]);
  });

  it('draws nothing from an empty mix but the kind', () => {
    const r = counted(3);
    expect(chooseFromMix(tenantMix([], {}), 0.9, r.random)).toBeUndefined();
    expect(r.draws()).toBe(1);
  });
});
