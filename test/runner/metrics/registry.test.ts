/**
 * The metrics registry: k6's name and redefinition rules (docs/k6-semantics.md#metrics-api), built-in
 * definitions (k6-semantics.md#builtin-metrics), sample routing into sub-metrics (k6-semantics.md#threshold-grammar), observed metrics and root_group
 * (k6-semantics.md#summary-data).
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_METRICS, EXPECTED_RESPONSE_SUBMETRIC } from '../../../runner/constants';
import { defineBuiltinMetrics } from '../../../runner/metrics/builtin';
import { MetricDefinitionError } from '../../../runner/metrics/errors';
import { createMetricRegistry } from '../../../runner/metrics/registry';

const sample = (metric: string, value: number, tags: Record<string, string> = {}) => ({ metric, value, tags, time: 0 });

describe('define (docs/k6-semantics.md#metrics-api name rules)', () => {
  it.each([['ab'], ['_x'], ['my_metric_1'], ['A'.repeat(129)], ['_9']])('accepts the name %j', (name) => {
    expect(createMetricRegistry().define(name, 'counter').name).toBe(name);
  });

  it.each([['a'], ['1abc'], ['my-metric'], ['my metric'], ['métrique'], ['A'.repeat(130)], [''], ['a.b']])('rejects the name %j', (name) => {
    expect(() => createMetricRegistry().define(name, 'counter')).toThrow(MetricDefinitionError);
    try {
      createMetricRegistry().define(name, 'counter');
    } catch (e) {
      expect((e as MetricDefinitionError).code).toBe('ERR_INVALID_METRIC_NAME');
      expect((e as Error).message).toContain(`'${name}'`);
    }
  });

  it('returns the same metric when defined again with the same type and value type', () => {
    const r = createMetricRegistry();
    const a = r.define('latency', 'trend', 'time');
    expect(r.define('latency', 'trend', 'time')).toBe(a);
  });

  it.each([
    ['another type', 'counter', 'default', /already exists but with type trend, instead of counter/],
    ['another value type', 'trend', 'default', /already exists but with a value type time, instead of default/],
  ] as const)('refuses a redefinition with %s', (_name, type, contains, message) => {
    const r = createMetricRegistry();
    r.define('latency', 'trend', 'time');
    try {
      r.define('latency', type, contains);
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(MetricDefinitionError);
      expect((e as MetricDefinitionError).code).toBe('ERR_METRIC_REDEFINED');
      expect((e as Error).message).toMatch(message);
    }
  });

  it('makes a script redefining a built-in with another type fail as k6 (docs/k6-semantics.md#builtin-metrics)', () => {
    const r = createMetricRegistry();
    defineBuiltinMetrics(r);
    expect(() => r.define('http_req_duration', 'counter')).toThrow(/already exists but with type trend/);
    expect(r.define('http_reqs', 'counter').name).toBe('http_reqs');
  });

  it('defines every built-in with k6 type and contains, and the expected_response sub-metric', () => {
    const r = createMetricRegistry();
    defineBuiltinMetrics(r);
    for (const m of BUILTIN_METRICS) expect(r.get(m.name)).toMatchObject(m);
    expect(r.get('http_req_duration')).toMatchObject({ type: 'trend', contains: 'time' });
    expect(r.get('data_sent')).toMatchObject({ type: 'counter', contains: 'data' });
    expect(r.get('checks')).toMatchObject({ type: 'rate', contains: 'default' });
    expect(r.get(EXPECTED_RESPONSE_SUBMETRIC)).toMatchObject({ parent: 'http_req_duration', selector: { expected_response: 'true' } });
  });

  it('skips the expected_response sub-metric when that system tag is disabled', () => {
    const r = createMetricRegistry();
    defineBuiltinMetrics(r, ['status', 'method']);
    expect(r.get(EXPECTED_RESPONSE_SUBMETRIC)).toBeUndefined();
  });
});

describe('sub-metric routing (docs/k6-semantics.md#threshold-grammar: tags must contain the selector)', () => {
  const setup = () => {
    const r = createMetricRegistry();
    defineBuiltinMetrics(r);
    for (const k of ['http_req_duration{kind:read}', 'http_req_duration{kind:write}', 'http_req_duration{kind:read,phase:chaos}', 'http_req_duration{status:200}']) {
      r.defineSubmetric(k);
    }
    return r;
  };

  it.each([
    ['a read in baseline', { kind: 'read', phase: 'baseline', status: '200', expected_response: 'true' }, ['http_req_duration{expected_response:true}', 'http_req_duration{kind:read}', 'http_req_duration{status:200}']],
    ['a read in chaos', { kind: 'read', phase: 'chaos', status: '500', expected_response: 'false' }, ['http_req_duration{kind:read}', 'http_req_duration{kind:read,phase:chaos}']],
    ['a write', { kind: 'write', status: '200' }, ['http_req_duration{kind:write}', 'http_req_duration{status:200}']],
    ['a sample without the selected tags', { name: 'x' }, []],
  ])('routes %s to exactly the matching sub-metrics', (_name, tags, expected) => {
    const r = setup();
    r.add(sample('http_req_duration', 42, tags));
    const hit = r.all().filter((m) => m.parent !== undefined && !r.isEmpty(m.name)).map((m) => m.name).sort();
    expect(hit).toEqual([...expected].sort());
    expect(r.values('http_req_duration', 1000)).toMatchObject({ avg: 42, min: 42 });
  });

  it('a tag value must match exactly (no prefix or case folding)', () => {
    const r = setup();
    r.add(sample('http_req_duration', 1, { kind: 'Read' }));
    r.add(sample('http_req_duration', 1, { kind: 'reader' }));
    expect(r.isEmpty('http_req_duration{kind:read}')).toBe(true);
  });

  it('routes samples of other metrics nowhere near these sub-metrics', () => {
    const r = setup();
    r.add(sample('http_req_waiting', 5, { kind: 'read' }));
    expect(r.isEmpty('http_req_duration{kind:read}')).toBe(true);
    expect(r.isEmpty('http_req_waiting')).toBe(false);
  });

  it('defineSubmetric is idempotent and spelling-insensitive for the same tag set', () => {
    const r = setup();
    const a = r.defineSubmetric('http_req_duration{kind:read}');
    expect(r.defineSubmetric("http_req_duration{ 'kind' : read }")).toBe(a);
    expect(r.get("http_req_duration{ 'kind' : read }")).toBe(a);
  });

  it('refuses a sub-metric of an unknown metric and a malformed key', () => {
    const r = setup();
    expect(() => r.defineSubmetric('nope{a:b}')).toThrow(/metric 'nope' does not exist/);
    expect(() => r.defineSubmetric('http_req_duration{a}')).toThrow(/malformed/);
  });

  it('rejects a sample for a metric that was never defined', () => {
    expect(() => createMetricRegistry().add(sample('ghost', 1))).toThrow(/never defined/);
  });

  it('drops NaN values instead of poisoning the sink', () => {
    const r = setup();
    r.add(sample('http_req_duration', Number.NaN));
    expect(r.isEmpty('http_req_duration')).toBe(true);
  });
});

describe('list (observed metrics)', () => {
  it('lists metrics that received samples and hides defined but unused ones', () => {
    const r = createMetricRegistry();
    defineBuiltinMetrics(r);
    r.add(sample('http_reqs', 1, { expected_response: 'true' }));
    r.add(sample('http_req_duration', 10, { expected_response: 'true' }));
    expect(r.list().map((m) => m.name)).toEqual(['http_reqs', 'http_req_duration', 'http_req_duration{expected_response:true}']);
  });

  it('lists a thresholded sub-metric and its parent without samples once marked observed', () => {
    const r = createMetricRegistry();
    defineBuiltinMetrics(r);
    r.defineSubmetric('checks{kind:read}');
    r.markObserved('checks{kind:read}');
    expect(r.list().map((m) => m.name)).toEqual(['checks', 'checks{kind:read}']);
  });

  it('addMany adds every sample', () => {
    const r = createMetricRegistry();
    r.define('c1', 'counter');
    r.addMany([sample('c1', 1), sample('c1', 2), sample('c1', 3)]);
    expect(r.values('c1', 2000)).toEqual({ count: 6, rate: 3 });
  });
});

describe('root_group from checks and group_duration samples (docs/k6-semantics.md#summary-data)', () => {
  it('builds groups from group tags and counts check passes and fails with k6 ids', () => {
    const r = createMetricRegistry();
    defineBuiltinMetrics(r);
    r.add(sample('checks', 1, { group: '', check: 'status is 200' }));
    r.add(sample('checks', 0, { group: '', check: 'status is 200' }));
    r.add(sample('checks', 1, { group: '::login', check: 'has token' }));
    r.add(sample('group_duration', 12, { group: '::login::mfa' }));
    r.add(sample('checks', 1, { check: 'no group tag' }));
    expect(r.rootGroup()).toEqual({
      name: '',
      path: '',
      id: 'd41d8cd98f00b204e9800998ecf8427e', // md5('')
      groups: [
        {
          name: 'login',
          path: '::login',
          id: expect.stringMatching(/^[0-9a-f]{32}$/),
          groups: [{ name: 'mfa', path: '::login::mfa', id: expect.stringMatching(/^[0-9a-f]{32}$/), groups: [], checks: [] }],
          checks: [{ name: 'has token', path: '::login::has token', id: expect.stringMatching(/^[0-9a-f]{32}$/), passes: 1, fails: 0 }],
        },
      ],
      checks: [{ name: 'status is 200', path: '::status is 200', id: expect.stringMatching(/^[0-9a-f]{32}$/), passes: 1, fails: 1 }],
    });
    expect(r.checkTotals()).toEqual([
      { name: 'status is 200', passes: 1, fails: 1 },
      { name: 'has token', passes: 1, fails: 0 },
      { name: 'no group tag', passes: 1, fails: 0 },
    ]);
  });

  it('ids are the md5 of the path, as k6 lib/models.go', async () => {
    const { createHash } = await import('node:crypto');
    const r = createMetricRegistry();
    defineBuiltinMetrics(r);
    r.add(sample('checks', 1, { group: '::g', check: 'c' }));
    const g = r.rootGroup().groups[0]!;
    expect(g.id).toBe(createHash('md5').update('::g').digest('hex'));
    expect(g.checks[0]!.id).toBe(createHash('md5').update('::g::c').digest('hex'));
  });
});

describe('breakdown for the full summary (docs/k6-semantics.md#text-summary)', () => {
  it('aggregates per non-default scenario and per innermost group, only when enabled', () => {
    const r = createMetricRegistry({ breakdown: true });
    defineBuiltinMetrics(r);
    r.add(sample('http_reqs', 1, { scenario: 'default', group: '' }));
    r.add(sample('http_reqs', 1, { scenario: 'default', group: '::a' }));
    r.add(sample('http_reqs', 1, { scenario: 'left', group: '::a::b' }));
    r.add(sample('checks', 0, { scenario: 'left', group: '', check: 'ok' }));
    const b = r.breakdown!;
    expect([...b.root.groups.keys()]).toEqual(['a']);
    expect(b.root.groups.get('a')!.metrics.get('http_reqs')!.sink).toMatchObject({ count: 1 });
    const left = b.scenarios.get('left')!;
    expect(left.metrics.get('http_reqs')!.sink).toMatchObject({ count: 1 });
    expect(left.groups.get('a')!.metrics.size).toBe(0);
    expect(left.groups.get('a')!.groups.get('b')!.metrics.get('http_reqs')!.sink).toMatchObject({ count: 1 });
    expect([...left.checks.values()]).toEqual([{ name: 'ok', passes: 0, fails: 1 }]);
    expect(b.scenarios.has('default')).toBe(false);
    expect(createMetricRegistry().breakdown).toBeUndefined();
  });
});

describe('routing agrees with a brute-force matcher (docs/k6-semantics.md#threshold-grammar)', () => {
  it('every sub-metric gets exactly the samples whose tags contain its selector', () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const keys = ['kind', 'phase', 'service', 'status'];
    const vals = ['a', 'b', 'c'];
    const r = createMetricRegistry();
    r.define('lat', 'trend');
    const selectors: Array<Record<string, string>> = [];
    for (let i = 0; i < 25; i++) {
      const sel: Record<string, string> = {};
      const width = 1 + rand(3);
      for (let j = 0; j < width; j++) sel[keys[rand(keys.length)]!] = vals[rand(vals.length)]!;
      selectors.push(sel);
      r.defineSubmetric(`lat{${Object.entries(sel).map(([k, v]) => `${k}:${v}`).join(',')}}`);
    }
    const expected = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const tags: Record<string, string> = {};
      for (const k of keys) if (rand(4) > 0) tags[k] = vals[rand(vals.length)]!;
      r.add({ metric: 'lat', value: i, tags, time: 0 });
      // Several generated selectors may be the same tag set: one sub-metric, counted once.
      const hit = new Set<string>();
      for (const sel of selectors) {
        if (Object.entries(sel).every(([k, v]) => tags[k] === v)) {
          hit.add(r.defineSubmetric(`lat{${Object.entries(sel).map(([k, v]) => `${k}:${v}`).join(',')}}`).name);
        }
      }
      for (const name of hit) expected.set(name, (expected.get(name) ?? 0) + 1);
    }
    for (const info of r.all().filter((m) => m.parent === 'lat')) {
      expect(r.values(info.name, 1, ['count'])['count'], info.name).toBe(expected.get(info.name) ?? 0);
    }
  });
});

describe('addValue routes like add (docs/k6-semantics.md#threshold-grammar)', () => {
  it('feeds every sub-metric whose selector the tags contain, whatever its first key, among many siblings', () => {
    const r = createMetricRegistry();
    r.define('lat', 'trend');
    for (let i = 0; i < 30; i++) r.defineSubmetric(`lat{tenant:t${i},kind:read}`);
    r.defineSubmetric('lat{kind:read}');
    r.defineSubmetric('lat{kind:read,tenant:t3}');
    r.defineSubmetric('lat{status:200}');
    r.defineSubmetric('lat{vu:1}');
    const tags = Object.freeze({ tenant: 't3', kind: 'read', status: '200', vu: '1' });
    r.addValue('lat', 5, tags, 0);
    r.add(sample('lat', 7, { tenant: 't4', kind: 'write' }));
    const count = (key: string) => r.values(key, 1000, ['count']).count;
    expect(count('lat{tenant:t3,kind:read}')).toBe(1);
    expect(count('lat{kind:read,tenant:t3}')).toBe(1);
    expect(count('lat{kind:read}')).toBe(1);
    expect(count('lat{status:200}')).toBe(1);
    expect(count('lat{tenant:t4,kind:read}')).toBe(0);
    expect(count('lat{vu:1}')).toBe(0); // metadata tags never match (k6 v0.41)
    expect(count('lat')).toBe(2);
  });
});

describe('the sample listener (the --out hook, runner/output/types.ts)', () => {
  it('sees every accepted sample of a parent metric once, with its info, value, tags and time; not NaN, not after removal', () => {
    const r = createMetricRegistry();
    r.define('lat', 'trend', 'time');
    r.defineSubmetric('lat{kind:read}');
    const seen: Array<[string, string, number, Record<string, string>, number]> = [];
    r.setSampleListener((m, v, t, time) => seen.push([m.name, m.contains, v, { ...t }, time]));
    r.addValue('lat', 5, { kind: 'read' }, 1000);
    r.add(sample('lat', Number.NaN, { kind: 'read' }));
    r.add({ metric: 'lat', value: 7, tags: { kind: 'write' }, time: 2000 });
    r.setSampleListener(undefined);
    r.addValue('lat', 9, {}, 3000);
    expect(seen).toEqual([
      ['lat', 'time', 5, { kind: 'read' }, 1000],
      ['lat', 'time', 7, { kind: 'write' }, 2000],
    ]);
  });
});
