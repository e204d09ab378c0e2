/**
 * `--out experimental-prometheus-rw` (runner/output/prometheus-rw/) against a real Prometheus
 * 2.42 (Debian) with its remote-write receiver on, and for the native-histogram mode with
 * `--enable-feature=native-histograms`: the script runs through the real CLI, then PromQL reads
 * back k6's series names, labels and values and compares them with the run's summary export.
 * A loopback receiver checks what Prometheus does not: headers, auth, and failure handling.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRemoteWriteConfig, statSuffix } from '../../../../runner/output/prometheus-rw/config';
import { bucketIndex, encodeBuckets, NativeHistogram } from '../../../../runner/output/prometheus-rw/native-histogram';
import { decodeWriteRequest } from '../../../../runner/output/prometheus-rw/wire';
import { startPrometheus, type LivePrometheus } from '../../../ops/prometheus/live-prometheus';
import { buildCli, runCli, type CliResult } from '../../conformance/run-cli';
import { startServer } from '../../conformance/server';

let app: { base: string; server: Server };
let prom: LivePrometheus;
let promNative: LivePrometheus;
let run: CliResult;
let runNative: CliResult;
let runStale: CliResult;

const context = (r: CliResult, p?: LivePrometheus): string => `exit ${r.code}\nstderr:\n${r.stderr}${p ? `\nprometheus:\n${p.log()}` : ''}`;
const exported = (r: CliResult, name: string): Record<string, number> => r.exported!.metrics[name] as Record<string, number>;

async function scalar(p: LivePrometheus, expr: string): Promise<number> {
  const result = await p.query(expr);
  expect(result, `${expr} returned no data`).toHaveLength(1);
  return Number(result[0]!.value[1]);
}

const pushEnv = (p: LivePrometheus, extra: Record<string, string> = {}): Record<string, string> => ({
  K6_PROMETHEUS_RW_SERVER_URL: `${p.url}/api/v1/write`,
  K6_PROMETHEUS_RW_PUSH_INTERVAL: '500ms',
  ...extra,
});

beforeAll(async () => {
  const [, a, p1, p2] = await Promise.all([
    buildCli('prometheus-rw'),
    startServer(),
    startPrometheus({ ruleFiles: [], targets: [], interval: '1s', extraFlags: ['--web.enable-remote-write-receiver'] }),
    startPrometheus({ ruleFiles: [], targets: [], interval: '1s', extraFlags: ['--web.enable-remote-write-receiver', '--enable-feature=native-histograms'] }),
  ]);
  app = a;
  prom = p1;
  promNative = p2;
  [run, runStale, runNative] = await Promise.all([
    runCli('outputs-http.js', ['-e', `BASE=${app.base}`, '--tag', 'testid=floats', '-o', 'experimental-prometheus-rw'], pushEnv(prom, { K6_PROMETHEUS_RW_TREND_STATS: 'p(99),avg,max,count,sum' })),
    runCli('outputs-http.js', ['-e', `BASE=${app.base}`, '--tag', 'testid=stale', '-o', 'experimental-prometheus-rw'], pushEnv(prom, { K6_PROMETHEUS_RW_STALE_MARKERS: 'true' })),
    runCli('outputs-http.js', ['-e', `BASE=${app.base}`, '--tag', 'testid=native'], { ...pushEnv(promNative, { K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' }), K6_OUT: 'experimental-prometheus-rw' }),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all([prom?.stop(), promNative?.stop(), new Promise<void>((r) => (app ? app.server.close(() => r()) : r()))]);
});

describe('remote write into a real Prometheus: k6’s series agree with the run’s summary', () => {
  it('both runs succeed and log no push failure', () => {
    expect(run.code, context(run, prom)).toBe(0);
    expect(runNative.code, context(runNative, promNative)).toBe(0);
    expect(runStale.code, context(runStale, prom)).toBe(0);
    expect(run.stderr + runNative.stderr + runStale.stderr).not.toContain('Failed to send');
  });

  it.each(['http_reqs', 'iterations', 'out_kb', 'data_received', 'data_sent'])('counter %s: the sum of k6_<name>_total over its series is the summary’s count', async (name) => {
    expect(await scalar(prom, `sum(k6_${name}_total{testid="floats"})`)).toBe(exported(run, name).count);
    expect(await scalar(promNative, `sum(k6_${name}_total{testid="native"})`)).toBe(exported(runNative, name).count);
  });

  it('rates: k6_<name>_rate per tag set, weighted by its sample count, gives the summary’s rate', async () => {
    const rates = await prom.query('k6_out_ok_rate{testid="floats"}');
    const byScenario = Object.fromEntries(rates.map((s) => [s.metric.scenario, Number(s.value[1])]));
    expect(byScenario).toEqual({ readers: 1, writers: 0 });
    const ok = exported(run, 'out_ok');
    expect(ok.passes).toBe(10);
    expect(ok.fails).toBe(3);
    const failed = await prom.query('k6_http_req_failed_rate{testid="floats"}');
    expect(Object.fromEntries(failed.map((s) => [s.metric.status, Number(s.value[1])]))).toEqual({ '200': 0, '503': 1 });
  });

  it('gauges: k6_<name> holds the last value', async () => {
    expect(await scalar(prom, 'k6_vus_max{testid="floats"}')).toBe(exported(run, 'vus_max').value);
    // One tag set, so one series: its value is the metric's last value.
    expect(await scalar(prom, 'k6_out_level{testid="floats"}')).toBe(exported(run, 'out_level').value);
  });

  it('trends: k6_<name>_<stat> for every TREND_STATS entry, time values in seconds', async () => {
    expect(await scalar(prom, 'k6_out_think_p99{testid="floats"}')).toBeCloseTo(0.0125, 12);
    expect(await scalar(prom, 'k6_out_think_avg{testid="floats"}')).toBeCloseTo(0.0125, 12);
    expect(await scalar(prom, 'k6_out_think_sum{testid="floats"}')).toBeCloseTo(0.125, 12);
    // k6 divides every stat of a time metric by 1000, `count` included.
    expect(await scalar(prom, 'k6_out_think_count{testid="floats"}')).toBeCloseTo(0.01, 12);
    expect(await scalar(prom, 'max(k6_http_req_duration_max{testid="floats"})')).toBeCloseTo(exported(run, 'http_req_duration').max! / 1000, 9);
    expect(await scalar(prom, 'sum(k6_http_req_duration_count{testid="floats"})') * 1000).toBeCloseTo(13, 9);
    expect(await prom.query('k6_http_req_duration_p95{testid="floats"}')).toEqual([]);
  });

  it('labels are the samples’ tags: system, request, scenario and test-wide tags', async () => {
    const reqs = await prom.query('k6_http_reqs_total{testid="floats"}');
    expect(reqs).toHaveLength(3); // two reader tenants and the writer
    const write = reqs.find((s) => s.metric.scenario === 'writers')!.metric;
    expect(write).toMatchObject({ __name__: 'k6_http_reqs_total', method: 'POST', status: '503', url: `${app.base}/status/503`, name: `${app.base}/status/503`, tenant: 'tw', kind: 'write', proto: 'HTTP/1.1', expected_response: 'false', testid: 'floats' });
    const checks = await prom.query('k6_checks_rate{testid="floats",check="read is 200"}');
    expect(checks[0]!.metric).toMatchObject({ group: '::reads', scenario: 'readers' });
  });

  it('K6_PROMETHEUS_RW_STALE_MARKERS=true ends every series with the run: pushed, but no longer current', async () => {
    expect(await scalar(prom, 'sum(max_over_time(k6_http_reqs_total{testid="stale"}[5m]))')).toBe(exported(runStale, 'http_reqs').count);
    for (const name of ['k6_http_reqs_total', 'k6_vus', 'k6_http_req_duration_p99', 'k6_checks_rate']) {
      expect(await prom.query(`${name}{testid="stale"}`), name).toEqual([]);
    }
    // Without the variable (k6's default) the series stay current.
    expect((await prom.query('k6_vus{testid="floats"}')).length).toBe(1);
  });

  it('native histograms: k6_<name>_seconds counts and sums every sample', async () => {
    expect(await scalar(promNative, 'histogram_count(sum(k6_out_think_seconds{testid="native"}))')).toBe(10);
    expect(await scalar(promNative, 'histogram_sum(sum(k6_out_think_seconds{testid="native"}))')).toBeCloseTo(0.125, 12);
    expect(await scalar(promNative, 'histogram_count(sum(k6_http_req_duration_seconds{testid="native"}))')).toBe(exported(runNative, 'http_reqs').count);
    const max = exported(runNative, 'http_req_duration').max! / 1000;
    // The 100th percentile is the upper bound of the top bucket: within one schema-3 bucket (×1.09) of the max.
    const p100 = await scalar(promNative, 'histogram_quantile(1, sum(k6_http_req_duration_seconds{testid="native"}))');
    expect(p100).toBeGreaterThanOrEqual(max * 0.999);
    expect(p100).toBeLessThanOrEqual(max * 2 ** (1 / 8) * 1.001);
    expect(await promNative.query('k6_out_think_p99{testid="native"}')).toEqual([]);
  });
});

describe('what the receiver sees: headers, auth, failures', () => {
  interface Seen {
    headers: IncomingMessage['headers'];
    names: string[];
  }
  async function receiver(status: number): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
    const seen: Seen[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = decodeWriteRequest(Buffer.concat(chunks));
        seen.push({ headers: req.headers, names: body.timeseries.map((t) => t.labels.find((l) => l.name === '__name__')!.value) });
        res.statusCode = status;
        res.end(status === 204 ? undefined : 'out of order sample');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/api/v1/write`, seen, close: () => new Promise((r) => server.close(() => r())) };
  }

  it('sends snappy protobuf with the remote-write headers, the HEADERS_* variables and the bearer token', async () => {
    const rx = await receiver(204);
    const r = await runCli('outputs-http.js', ['-e', `BASE=${app.base}`, '-o', 'experimental-prometheus-rw'], {
      K6_PROMETHEUS_RW_SERVER_URL: rx.url,
      K6_PROMETHEUS_RW_HEADERS_X_Scope_OrgID: 'tenant-a',
      K6_PROMETHEUS_RW_BEARER_TOKEN: 'sekret-token-123',
    });
    await rx.close();
    expect(r.code, context(r)).toBe(0);
    expect(rx.seen.length).toBeGreaterThan(0);
    const h = rx.seen[0]!.headers;
    expect(h).toMatchObject({ 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf', 'x-prometheus-remote-write-version': '0.1.0', x_scope_orgid: 'tenant-a', authorization: 'Bearer sekret-token-123' });
    expect(rx.seen.flatMap((s) => s.names)).toEqual(expect.arrayContaining(['k6_http_reqs_total', 'k6_vus', 'k6_checks_rate', 'k6_http_req_duration_p99']));
  }, 60_000);

  it('basic auth from USERNAME/PASSWORD; a refused push is logged without credentials and the run still passes', async () => {
    const rx = await receiver(400);
    const r = await runCli('outputs-http.js', ['-e', `BASE=${app.base}`, '-o', 'experimental-prometheus-rw'], {
      K6_PROMETHEUS_RW_SERVER_URL: rx.url.replace('http://', 'http://user:pw-in-url@'),
      K6_PROMETHEUS_RW_USERNAME: 'alice',
      K6_PROMETHEUS_RW_PASSWORD: 'wonder-pass',
    });
    await rx.close();
    expect(r.code, context(r)).toBe(0);
    expect(rx.seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('alice:wonder-pass').toString('base64')}`);
    expect(r.stderr).toContain('Failed to send the time series data to the endpoint');
    expect(r.stderr).toContain('server returned HTTP status 400: out of order sample');
    for (const secret of ['wonder-pass', 'pw-in-url', Buffer.from('alice:wonder-pass').toString('base64')]) expect(r.stderr + r.stdout).not.toContain(secret);
  }, 60_000);

  it.each([
    [{ K6_PROMETHEUS_RW_SERVER_URL: 'ftp://x/y' }, 'K6_PROMETHEUS_RW_SERVER_URL: must be an http:// or https:// URL'],
    [{ K6_PROMETHEUS_RW_PUSH_INTERVAL: 'soon' }, "K6_PROMETHEUS_RW_PUSH_INTERVAL: must be a duration from 100ms to 1h such as '5s' (got 'soon')"],
    [{ K6_PROMETHEUS_RW_TREND_STATS: 'p(99),p95' }, "K6_PROMETHEUS_RW_TREND_STATS: stat 'p95' is unknown"],
    [{ K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'yes' }, "K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: must be true or false (got 'yes')"],
    [{ K6_PROMETHEUS_RW_HTTP_HEADERS: 'a:b:c' }, 'K6_PROMETHEUS_RW_HTTP_HEADERS: each header must be <header key>:<value>'],
  ])('%j stops the run with exit 255 naming the variable', async (env, message) => {
    const r = await runCli('outputs-http.js', ['-e', `BASE=${app.base}`, '-o', 'experimental-prometheus-rw'], env);
    expect(r.code, context(r)).toBe(255);
    expect(r.stderr).toContain(`could not create the 'experimental-prometheus-rw' output: ${message}`);
  }, 60_000);
});

describe('building blocks', () => {
  it.each([
    ['p(99)', 'p99'],
    ['p(99.9)', 'p999'],
    ['p(0.5)', 'p05'],
    ['avg', 'avg'],
  ])('trend stat %s names the series suffix %s (as k6)', (stat, suffix) => {
    expect(statSuffix(stat)).toBe(suffix);
  });

  it('defaults are k6’s: localhost:9090, 5 s, p(99), no native histograms', () => {
    const c = readRemoteWriteConfig({});
    expect(c.serverUrl.href).toBe('http://localhost:9090/api/v1/write');
    expect(c).toMatchObject({ pushIntervalMs: 5000, trendStats: ['p(99)'], trendAsNativeHistogram: false, insecureSkipTLSVerify: false, staleMarkers: false, headers: {} });
  });

  it.each([
    [1, 0],
    [2 ** (1 / 8), 1],
    [1.0001, 1],
    [1.1, 2],
    [0.5, -8],
    [0.0125, -50],
  ])('value %d falls in schema-3 bucket %d (upper bound inclusive)', (v, i) => {
    expect(bucketIndex(v)).toBe(i);
    expect(v).toBeLessThanOrEqual(2 ** (i / 8) * (1 + 1e-12));
    expect(v).toBeGreaterThan(2 ** ((i - 1) / 8));
  });

  it('buckets encode as spans (offset = gap) and deltas from the previous count', () => {
    expect(encodeBuckets(new Map([[-3, 2], [-2, 5], [4, 1]]))).toEqual({ spans: [{ offset: -3, length: 2 }, { offset: 5, length: 1 }], deltas: [2, 3, -4] });
    const h = new NativeHistogram();
    for (const v of [0, 1, 1, 2]) h.observe(v);
    expect(h.toWire(7)).toMatchObject({ countInt: 4, sum: 4, zeroCountInt: 1, schema: 3, positiveSpans: [{ offset: 0, length: 1 }, { offset: 7, length: 1 }], positiveDeltas: [2, -1], timestamp: 7 });
  });
});
