/**
 * `--out json=FILE` (runner/output/json-output.ts): k6's NDJSON through the real CLI against a
 * loopback server. The file is checked against the run's own summary export: one point per
 * sample (counts and sums agree), k6's tags on every point, one declaration per metric before its
 * first point with k6's fields, thresholds and sub-metrics; `.gz`, `-o` repeated, `K6_OUT`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goTime, msWithNanos, thresholdsJson } from '../../../runner/output/json-output';
import { resolveOutSpecs } from '../../../runner/output/out-specs';
import { buildCli, runCli, type CliResult } from '../conformance/run-cli';
import { startServer } from '../conformance/server';

interface MetricLine {
  type: 'Metric';
  metric: string;
  data: { name: string; type: string; contains: string; thresholds: unknown[]; submetrics: Array<{ name: string; suffix: string; tags: Record<string, string> }> | null };
}
interface PointLine {
  type: 'Point';
  metric: string;
  data: { time: string; value: number; tags: Record<string, string> };
}
type Line = MetricLine | PointLine;

let server: Server;
let base: string;
let run: CliResult;
let lines: Line[];
let raw: string;

const parse = (text: string): Line[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
const points = (metric: string): PointLine[] => lines.filter((l): l is PointLine => l.type === 'Point' && l.metric === metric);
const sum = (ps: PointLine[]): number => ps.reduce((a, p) => a + p.data.value, 0);
const exported = (name: string): Record<string, number> => run.exported!.metrics[name] as Record<string, number>;
const context = (r: CliResult): string => `exit ${r.code}\nstderr:\n${r.stderr}`;

beforeAll(async () => {
  await buildCli('json-output');
  ({ base, server } = await startServer());
  run = await runCli('outputs-http.js', ['-e', `BASE=${base}`, '--tag', 'cli=yes', '-o', 'json=plain.json', '--out', 'json=packed.json.gz'], { K6_OUT: 'json=from-env.json' });
  raw = readFileSync(join(run.dir, 'plain.json'), 'utf8');
  lines = parse(raw);
}, 120_000);

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('--out json writes k6’s newline-delimited JSON', () => {
  it('the run itself succeeds and writes a non-empty file', () => {
    expect(run.code, context(run)).toBe(0);
    expect(lines.length).toBeGreaterThan(50);
  });

  it('declares every metric exactly once, before its first point, with k6’s field order', () => {
    const declared = new Set<string>();
    for (const l of lines) {
      if (l.type === 'Metric') {
        expect(declared.has(l.metric), `${l.metric} declared twice`).toBe(false);
        declared.add(l.metric);
        expect(l.data.name).toBe(l.metric);
      } else {
        expect(l.type).toBe('Point');
        expect(declared.has(l.metric), `point of ${l.metric} before its declaration`).toBe(true);
      }
    }
    const firstMetric = raw.split('\n').find((l) => l.startsWith('{"type":"Metric"'))!;
    expect(firstMetric).toMatch(/^\{"type":"Metric","data":\{"name":"[a-z_]+","type":"(counter|gauge|rate|trend)","contains":"(default|time|data)","thresholds":\[.*\],"submetrics":(null|\[.*\])\},"metric":"[a-z_]+"\}$/);
    const firstPoint = raw.split('\n').find((l) => l.startsWith('{"metric"'))!;
    expect(firstPoint).toMatch(/^\{"metric":"[a-z_]+","type":"Point","data":\{"time":"[^"]+","value":-?[\d.e+-]+,"tags":\{.*\}\}\}$/);
  });

  it.each([
    ['http_reqs', 'counter', 'default'],
    ['http_req_duration', 'trend', 'time'],
    ['data_received', 'counter', 'data'],
    ['checks', 'rate', 'default'],
    ['vus', 'gauge', 'default'],
    ['out_kb', 'counter', 'default'],
    ['out_level', 'gauge', 'default'],
    ['out_ok', 'rate', 'default'],
    ['out_think', 'trend', 'time'],
  ])('declares %s as a %s containing %s', (name, type, contains) => {
    const m = lines.find((l): l is MetricLine => l.type === 'Metric' && l.metric === name);
    expect(m?.data).toMatchObject({ name, type, contains });
  });

  it('writes one point per sample: counters sum to the summary’s counts', () => {
    for (const name of ['http_reqs', 'iterations', 'out_kb', 'data_received', 'data_sent']) {
      expect(sum(points(name)), name).toBe(exported(name).count);
    }
    expect(points('http_reqs')).toHaveLength(13);
    expect(points('iterations')).toHaveLength(13);
  });

  it('rates: the points’ non-zero share is the summary’s rate; passes and fails agree', () => {
    for (const name of ['checks', 'out_ok', 'http_req_failed']) {
      const ps = points(name);
      const passes = ps.filter((p) => p.data.value !== 0).length;
      expect(passes, name).toBe(exported(name).passes);
      expect(ps.length - passes, name).toBe(exported(name).fails);
    }
  });

  it('trends: count, min, max and mean of the points are the summary’s', () => {
    for (const name of ['http_req_duration', 'iteration_duration', 'out_think']) {
      const values = points(name).map((p) => p.data.value);
      expect(values.length, name).toBeGreaterThan(0);
      // Time values are written at k6's precision, whole nanoseconds (6 decimals of a millisecond).
      expect(Math.abs(Math.min(...values) - exported(name).min!), name).toBeLessThanOrEqual(5e-7);
      expect(Math.abs(Math.max(...values) - exported(name).max!), name).toBeLessThanOrEqual(5e-7);
      expect(Math.abs(values.reduce((a, v) => a + v, 0) / values.length - exported(name).avg!), name).toBeLessThanOrEqual(5e-7);
    }
    expect(points('out_think').every((p) => p.data.value === 12.5)).toBe(true);
  });

  it('gauges: the last point is the summary’s value', () => {
    const ps = points('out_level');
    expect(ps.at(-1)!.data.value).toBe(exported('out_level').value);
  });

  it('tags HTTP points as k6 does: system tags, the request’s, the scenario’s and the test-wide tags', () => {
    const reads = points('http_req_duration').filter((p) => p.data.tags.scenario === 'readers');
    const writes = points('http_req_duration').filter((p) => p.data.tags.scenario === 'writers');
    expect(reads).toHaveLength(10);
    expect(writes).toHaveLength(3);
    expect(reads[0]!.data.tags).toMatchObject({ method: 'GET', url: `${base}/json`, name: `${base}/json`, status: '200', proto: 'HTTP/1.1', expected_response: 'true', kind: 'read', cli: 'yes' });
    // --tag replaces options.tags as a whole (k6's option precedence).
    expect(reads[0]!.data.tags).not.toHaveProperty('run');
    // One tenant tag per reader VU (`t${__VU}`).
    expect(new Set(reads.map((p) => p.data.tags.tenant)).size).toBe(2);
    expect(writes[0]!.data.tags).toMatchObject({ method: 'POST', status: '503', expected_response: 'false', tenant: 'tw', kind: 'write', scenario: 'writers' });
    for (const p of [...reads, ...writes]) expect(p.data.tags).not.toHaveProperty('vu');
  });

  it('tags checks and custom samples with the group, the check and the tags given to add()', () => {
    const check = points('checks').find((p) => p.data.tags.check === 'read is 200')!;
    expect(check.data.tags).toMatchObject({ group: '::reads', scenario: 'readers', cli: 'yes' });
    expect(new Set(points('out_kb').map((p) => p.data.tags.tenant))).toEqual(new Set(points('http_reqs').filter((p) => p.data.tags.scenario === 'readers').map((p) => p.data.tags.tenant)));
    expect(points('out_kb')[0]!.data.tags.group).toBe('::reads');
  });

  it('times are RFC 3339 in UTC inside the run, in the order samples were emitted', () => {
    const times = lines.filter((l): l is PointLine => l.type === 'Point').map((p) => p.data.time);
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z$/);
    const ms = times.map((t) => Date.parse(t));
    expect(Math.max(...ms) - Math.min(...ms)).toBeLessThan(60_000);
  });

  it('lists thresholds (the object form when abortOnFail) and sub-metrics on the declaration', () => {
    const d = lines.find((l): l is MetricLine => l.type === 'Metric' && l.metric === 'http_req_duration')!.data;
    expect(d.thresholds).toEqual(['p(95)<5000', { threshold: 'max<10000', abortOnFail: true, delayAbortEval: '10s' }]);
    expect(d.submetrics).toEqual(
      expect.arrayContaining([
        { name: 'http_req_duration{expected_response:true}', suffix: 'expected_response:true', tags: { expected_response: 'true' } },
        { name: 'http_req_duration{kind:read}', suffix: 'kind:read', tags: { kind: 'read' } },
      ]),
    );
    const kb = lines.find((l): l is MetricLine => l.type === 'Metric' && l.metric === 'out_kb')!.data;
    expect(kb).toMatchObject({ thresholds: ['count>0'], submetrics: null });
  });

  it('a .gz file holds the same lines, gzip-compressed', () => {
    const packed = readFileSync(join(run.dir, 'packed.json.gz'));
    expect(packed.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(packed).toString('utf8')).toBe(raw);
  });

  it('--out replaces K6_OUT, as in k6', () => {
    expect(existsSync(join(run.dir, 'from-env.json'))).toBe(false);
  });

  it('K6_OUT alone configures the output', async () => {
    const r = await runCli('outputs-http.js', ['-e', `BASE=${base}`], { K6_OUT: 'json=env.json.gz' });
    expect(r.code, context(r)).toBe(0);
    const envLines = parse(gunzipSync(readFileSync(join(r.dir, 'env.json.gz'))).toString('utf8'));
    expect(envLines.filter((l) => l.type === 'Point' && l.metric === 'http_reqs')).toHaveLength(13);
  }, 60_000);

  it('-o json (no file) writes the lines to stdout, as k6 does', async () => {
    const r = await runCli('outputs-http.js', ['-e', `BASE=${base}`, '-o', 'json', '--summary-mode', 'disabled']);
    expect(r.code, context(r)).toBe(0);
    const out = parse(r.stdout);
    expect(out.filter((l) => l.type === 'Point' && l.metric === 'http_reqs')).toHaveLength(13);
    expect(out.filter((l) => l.type === 'Metric' && l.metric === 'http_reqs')).toHaveLength(1);
  }, 60_000);

  it.each([
    [['-o', 'csv=x.csv'], "invalid output type 'csv', available types are: experimental-prometheus-rw, json"],
    [['-o', 'json=no/such/dir/r.json'], "could not create the 'json' output: open no/such/dir/r.json: no such file or directory"],
  ])('%j stops the run with exit 255 and says why', async (args, message) => {
    const r = await runCli('outputs-http.js', ['-e', `BASE=${base}`, ...args]);
    expect(r.code, context(r)).toBe(255);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('output building blocks', () => {
  it.each([
    [Date.UTC(2026, 11, 7, 2, 40, 59, 120), '2026-12-07T02:40:59.12Z'],
    [Date.UTC(2026, 11, 7, 2, 40, 59, 0), '2026-12-07T02:40:59Z'],
    [Date.UTC(2026, 11, 7, 2, 40, 59, 7), '2026-12-07T02:40:59.007Z'],
  ])('goTime(%d) is Go’s RFC 3339 form %s', (ms, text) => {
    expect(goTime(ms)).toBe(text);
  });

  it.each([
    [3.796088999999995, '3.796089'],
    [0.0005, '0.0005'],
    [12, '12'],
    [1.5, '1.5'],
    [0.000001, '0.000001'],
    [0.0000004, '0'],
    [-2.25, '-2.25'],
    [250.0000005, '250.000001'],
    [1e20, '100000000000000000000'],
  ])('a time value %d ms is written at nanosecond precision as %s', (ms, text) => {
    expect(msWithNanos(ms)).toBe(text);
    expect(JSON.parse(text)).toBeCloseTo(ms, 6);
  });

  it('thresholds marshal as k6’s: strings, or {threshold, abortOnFail, delayAbortEval} when abortOnFail', () => {
    expect(
      thresholdsJson([
        { key: 'k', source: 'p(95)<1', abortOnFail: false },
        { key: 'k', source: 'rate<0.1', abortOnFail: true },
        { key: 'k', source: 'max<3', abortOnFail: true, delayAbortEvalMs: 90_000 },
      ]),
    ).toEqual(['p(95)<1', { threshold: 'rate<0.1', abortOnFail: true, delayAbortEval: null }, { threshold: 'max<3', abortOnFail: true, delayAbortEval: '1m30s' }]);
  });

  it.each([
    [undefined, 'json=a.json,experimental-prometheus-rw', [{ type: 'json', arg: 'a.json' }, { type: 'experimental-prometheus-rw', arg: '' }]],
    [['json=x=y.json'], 'json=ignored.json', [{ type: 'json', arg: 'x=y.json' }]],
    [['json'], undefined, [{ type: 'json', arg: '' }]],
    [[], '', []],
  ])('flags %j with K6_OUT %j give %j', (flags, env, specs) => {
    expect(resolveOutSpecs(flags, env)).toEqual(specs);
  });
});

describe('bounded memory: a file that falls behind loses whole chunks, counted, never a declaration', () => {
  it('with a 1 MiB bound and 600,000 samples written without a turn of the event loop, drops chunks, says how many, and keeps every point after its declaration', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { JsonOutput } = await import('../../../runner/output/json-output');
    const dir = mkdtempSync(join(tmpdir(), 'json-bound-'));
    const logged: string[] = [];
    const logger = { log: (_l: string, m: string) => void logged.push(m), iterationError: () => undefined, flushSuppressed: () => undefined };
    const out = new JsonOutput({ arg: 'r.json.gz', cwd: dir, env: {}, stdout: () => undefined, logger, thresholds: new Map(), submetricsOf: () => [], testTags: {} }, 1 << 20);
    await out.start();
    const metrics = [
      { name: 'http_reqs', type: 'counter', contains: 'default' },
      { name: 'http_req_duration', type: 'trend', contains: 'time' },
    ] as const;
    const tags = Object.freeze({ scenario: 'default', status: '200' });
    for (let i = 0; i < 300_000; i++) for (const m of metrics) out.addSample(m, i, tags, 1_700_000_000_000 + i);
    await out.stop();
    expect(out.counts.dropped).toBeGreaterThan(0);
    expect(out.counts.points + out.counts.dropped).toBe(600_000);
    expect(logged.join('\n')).toContain(`json output: ${out.counts.dropped} samples were not written: the file fell more than 1 MiB behind the run`);
    const written = parse(gunzipSync(readFileSync(join(dir, 'r.json.gz'))).toString('utf8'));
    expect(written.filter((l) => l.type === 'Point')).toHaveLength(out.counts.points);
    const declared = new Set<string>();
    for (const l of written) {
      if (l.type === 'Metric') declared.add(l.metric);
      else expect(declared.has(l.metric), `point of ${l.metric} before its declaration`).toBe(true);
    }
  }, 60_000);
});
