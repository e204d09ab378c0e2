/**
 * k6 conformance: small plain-JS k6 scripts run through the real `k6-offline` CLI against a
 * loopback server, each with its expected outcome and the k6 behaviour it checks: a section of
 * docs/k6-semantics.md (`fact`), or the k6 source file (grafana/k6 at v2.2.0) that defines it
 * (`source`). Real-time cases state their tolerance in `note`. The suite runs in the VU realm mode
 * given by K6_OFFLINE_VU_REALM (default isolated): `K6_OFFLINE_VU_REALM=shared npx vitest run <this file>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli, type CliResult } from './run-cli';
import { startServer } from './server';

interface Case {
  name: string;
  /** The docs/k6-semantics.md section the case checks (older cases). */
  fact?: string;
  /** The k6 source file (grafana/k6 at v2.2.0) or docs page that defines the behaviour. */
  source?: string;
  script: string;
  args?: string[];
  env?: Record<string, string>;
  exit: number;
  /** Exported metric values: exact number or inclusive [min, max]. */
  metrics?: Record<string, Record<string, number | [number, number]>>;
  /** Exported thresholds: `true` = the threshold FAILED (legacy export shape). */
  thresholds?: Record<string, Record<string, boolean>>;
  checksAllPass?: boolean;
  stderr?: Array<string | RegExp>;
  notStderr?: string[];
  stdout?: string[];
  extra?: (r: CliResult) => void;
  note?: string;
}

/** The VU realm mode the suite runs in (runner/DIFFERENCES.md "K6_OFFLINE_VU_REALM"). */
const REALM = process.env.K6_OFFLINE_VU_REALM || 'isolated';
const SHARED = REALM === 'shared';

let base = '';
let closedUrl = '';
let server: Server;

const cases: Case[] = [
  // ---- exit codes and precedence (k6-semantics.md#exit-codes) ----
  { name: 'failed checks still exit 0', fact: 'k6-semantics.md#exit-codes, #ci', script: 'check-fails-exit-0.js', exit: 0, extra: (r) => expect(r.exported?.root_group.checks['one is two']).toMatchObject({ passes: 0, fails: 2 }) },
  { name: 'an exception inside an iteration is logged, counted as a full iteration, and exits 0', fact: 'k6-semantics.md#lifecycle, #exit-codes', script: 'iteration-exception-exit-0.js', exit: 0, metrics: { iterations: { count: 3 } }, stderr: ['boom in iteration'] },
  { name: 'an exception in init exits 107', fact: 'k6-semantics.md#exit-codes', script: 'init-exception-107.js', exit: 107, stderr: ['boom in init'] },
  { name: 'an exception in setup exits 107 and skips teardown', fact: 'k6-semantics.md#lifecycle, #exit-codes', script: 'setup-exception-107.js', exit: 107, stderr: ['boom in setup'], notStderr: ['TEARDOWN RAN'] },
  { name: 'an exception in teardown exits 107', fact: 'k6-semantics.md#exit-codes', script: 'teardown-exception-107.js', exit: 107, stderr: ['boom in teardown'] },
  { name: 'exec.test.abort() exits 108 and teardown still runs', fact: 'k6-semantics.md#k6-execution, #threshold-abort', script: 'abort-108.js', exit: 108, stderr: ['enough', 'TEARDOWN RAN'], metrics: { iterations: { count: 1 } } },
  { name: 'exec.test.fail() exits 110 and the run continues', fact: 'k6-semantics.md#k6-execution, #exit-codes', script: 'fail-110.js', exit: 110, metrics: { iterations: { count: 3 } }, stderr: ['marked failed'] },
  { name: 'setup() over setupTimeout exits 100', fact: 'k6-semantics.md#exit-codes, #option-defaults', script: 'setup-timeout-100.js', exit: 100, stderr: ['setup() execution timed out after 1 seconds'] },
  { name: 'teardown() over teardownTimeout exits 101', fact: 'k6-semantics.md#exit-codes, #option-defaults', script: 'teardown-timeout-101.js', exit: 101, stderr: ['teardown() execution timed out after 1 seconds'] },
  { name: 'crossed thresholds exit 99', fact: 'k6-semantics.md#exit-codes', script: 'thresholds-fail-99.js', exit: 99, thresholds: { things: { 'count>5': true } }, stderr: ["thresholds on metrics 'things' have been crossed"] },
  { name: 'abort (108) wins over crossed thresholds (99)', fact: 'k6-semantics.md#exit-codes precedence', script: 'abort-beats-thresholds.js', exit: 108 },
  { name: 'a run marked failed (110) wins over crossed thresholds (99)', fact: 'k6-semantics.md#exit-codes precedence', script: 'fail-beats-thresholds.js', exit: 110 },
  {
    name: 'abortOnFail stops the run at the periodic evaluation with 99 and teardown runs',
    fact: 'k6-semantics.md#threshold-abort, #threshold-evaluation',
    script: 'abort-on-fail-99.js',
    exit: 99,
    stderr: ['at least one has abortOnFail enabled', 'TEARDOWN RAN'],
    note: 'the first periodic pass is at 2 s; the 20 s scenario must stop well before 10 s',
    extra: (r) => {
      const it = r.exported!.metrics.iterations as Record<string, number>;
      expect(it.count).toBeGreaterThan(0);
      expect(it.count).toBeLessThan(200); // 50 ms iterations: < 10 s of running
    },
  },
  { name: '--no-thresholds ignores crossed thresholds', fact: 'k6-semantics.md#threshold-grammar', script: 'thresholds-fail-99.js', args: ['--no-thresholds'], exit: 0 },
  // ---- config validation (k6-semantics.md#scenarios, #threshold-grammar) ----
  { name: 'a malformed threshold expression exits 104 naming it', fact: 'k6-semantics.md#threshold-grammar', script: 'invalid-threshold-104.js', exit: 104, stderr: ['http_req_duration', 'p(95)=<300'] },
  { name: 'a threshold on an unknown metric exits 104', fact: 'k6-semantics.md#threshold-grammar', script: 'unknown-metric-threshold-104.js', exit: 104, stderr: ['no_such_metric'] },
  { name: 'an unknown scenario key exits 104 naming the key', fact: 'k6-semantics.md#scenarios strict JSON', script: 'unknown-scenario-key-104.js', exit: 104, stderr: ['scenarios.s1', '"rate"'] },
  { name: 'an unknown executor exits 104', fact: 'k6-semantics.md#executors', script: 'bad-executor-104.js', exit: 104, stderr: ['constant-vuz'] },
  { name: 'a bad duration exits 104 naming the key', fact: 'k6-semantics.md#durations', script: 'bad-duration-104.js', exit: 104, stderr: ['scenarios.s1.duration'] },
  { name: 'a bad scenario name exits 104', fact: 'k6-semantics.md#scenarios', script: 'bad-scenario-name-104.js', exit: 104, stderr: ['bad name!'] },
  { name: 'an absurd VU count exits 104 at once, naming the field and the limit', fact: 'k6-semantics.md#exit-codes', script: 'absurd-vus-104.js', exit: 104, stderr: ['scenarios.default.vus: 1000000000 VUs is more than the', 'heap limit'] },
  { name: 'an exec function that is not exported exits 104', fact: 'k6-semantics.md#scenarios', script: 'missing-exec-104.js', exit: 104, stderr: ["function 'nope' not found"] },
  { name: 'an invalid custom metric name is a script exception (107)', fact: 'k6-semantics.md#metrics-api', script: 'invalid-metric-name-107.js', exit: 107, stderr: ["invalid metric name 'x'"] },
  { name: 'a remote import other than the pinned k6-utils is refused', fact: 'k6-semantics.md#open-and-sharedarray, #jslib-utils', script: 'remote-import-refused.js', exit: 107, stderr: ['https://example.com/lib.js', 'no network'] },
  { name: 'a throwing check records false, stops the remaining checks and rethrows', fact: 'k6-semantics.md#k6-module', script: 'check-rethrow.js', exit: 0, stderr: ['checker exploded'], notStderr: ['AFTER EVALUATED', 'NOT REACHED'], extra: (r) => expect(r.exported!.root_group.checks.after).toBeUndefined() },
  { name: 'Metric.add coerces like k6: truthy → 1, numeric strings parsed, null/NaN dropped with a warning', fact: 'k6-semantics.md#metrics-api', script: 'metric-add-coercion.js', exit: 0, stderr: ['is not a number; the sample was dropped'], extra: (r) => expect(r.exported!.metrics.coerced_trend).toMatchObject({ max: 1 }) },
  { name: 'an iteration ends only when its pending timers have fired', fact: 'k6-semantics.md#k6-http asyncRequest (iteration waits for pending async work)', script: 'pending-async-work.js', exit: 0 },
  { name: 'relative imports and open() (text and binary, init only) work', fact: 'k6-semantics.md#open-and-sharedarray, #typescript-and-modules', script: 'relative-import-and-open.js', exit: 0, checksAllPass: true },
  { name: 'a .ts script has its types stripped and runs', fact: 'k6-semantics.md#typescript-and-modules', script: 'typescript-script.ts', exit: 0, checksAllPass: true, metrics: { http_reqs: { count: 2 } } },
  { name: '--tag adds a test-wide tag and replaces the script tags', fact: 'k6-semantics.md#system-tags', script: 'cli-tags.js', args: ['--tag', 'env=staging'], exit: 0 },
  {
    name: 'group() and check() reject async functions; an exception in a timer callback fails the iteration',
    fact: 'k6-semantics.md#sobek (async restrictions), k6-semantics.md#k6-module',
    script: 'async-restrictions.js',
    exit: 0,
    stderr: ['group() does not support async functions', 'check() does not accept async functions', 'thrown in a timer callback'],
    metrics: { iterations: { count: 3 } },
    extra: (r) => expect(r.exported!.metrics.reached_after_async_group).toBeUndefined(),
  },
  {
    name: 'minIterationDuration stretches short iterations but iteration_duration excludes the padding',
    source: 'internal/js/runner.go (runFn, RunOnce)',
    script: 'min-iteration-duration.js',
    exit: 0,
    metrics: { iterations: { count: [3, 4] } },
    thresholds: { iteration_duration: { 'max<250': false } },
    note: '1 s / 300 ms: 3 full iterations plus one whose padding the end cuts short; empty iterations take well under 250 ms, padded ones 300 ms',
  },
  { name: 'the test-run duration includes setup and teardown, so a Counter rate divides by it', source: 'internal/execution/scheduler.go (Run: MarkStarted, MarkEnded), lib/execution.go', script: 'counter-rate-includes-setup.js', exit: 0, metrics: { things: { count: 10, rate: [1, 3.34] } }, note: 'setup sleeps 2 s and teardown 1 s: 10 / ≥ 3 s ≤ 3.34 (≥ 1 leaves 7 s for a loaded machine); a clock started after setup gives hundreds' },
  { name: 'setup data reaches VUs and teardown through Go JSON: undefined values are null, keys sorted', source: 'internal/js/runner.go (Setup: json.Marshal of the export)', script: 'setup-data-go-json.js', exit: 0, checksAllPass: true, extra: (r) => expect(r.exported!.metrics.checks).toMatchObject({ passes: 9, fails: 0 }) },
  // ---- executors (k6-semantics.md#scenarios) ----
  { name: 'shared-iterations runs exactly the iterations', fact: 'k6-semantics.md#executors', script: 'shared-iterations.js', exit: 0, metrics: { iterations: { count: 10 }, vus_max: { value: 3 } } },
  { name: 'per-vu-iterations runs iterations × vus', fact: 'k6-semantics.md#executors', script: 'per-vu-iterations.js', exit: 0, metrics: { iterations: { count: 12 } } },
  { name: 'constant-vus loops for the duration (sync sleep delays the iteration end)', fact: 'k6-semantics.md#executors, #k6-module', script: 'constant-vus-sleep.js', exit: 0, metrics: { iterations: { count: [6, 8] } }, note: '2 VUs × 1 s / 250 ms = 8; tolerance for start-up jitter' },
  { name: 'ramping-vus: gracefulRampDown 0 interrupts the iteration still running when the last stage reaches 0', source: 'lib/executor/ramping_vus.go (reserveVUsForGracefulRampDowns, GetExecutionRequirements)', script: 'ramping-vus-final-ramp-down.js', exit: 0, metrics: { iterations: { count: [1, 2] } }, note: '600 ms iterations start at 0, 600, 1200 ms; the stages end at 1500 ms: 2 complete (1 if a loaded machine delays the second past 1500 ms); gracefulStop would let the third complete (3)' },
  { name: 'ramping-vus ramps up to the stage target', fact: 'k6-semantics.md#executors, #arrival-rate-timing', script: 'ramping-vus.js', exit: 0, metrics: { vus_max: { value: 3 }, iterations: { count: [15, 40] } }, note: '≈ (0.5 avg VUs × 1 s + 3 × 0.5 s) / 100 ms ≈ 25' },
  { name: 'constant-arrival-rate starts rate × duration iterations, the first at t=0', fact: 'k6-semantics.md#arrival-rate-timing', script: 'constant-arrival-rate.js', exit: 0, metrics: { iterations: { count: 20 } }, extra: (r) => expect(r.exported!.metrics.dropped_iterations).toBeUndefined() },
  {
    name: 'arrival-rate drops iterations when no VU is free and warns Insufficient VUs',
    fact: 'k6-semantics.md#dropped-iterations',
    script: 'arrival-rate-dropped.js',
    exit: 0,
    metrics: { iterations: { count: [4, 7] }, dropped_iterations: { count: [13, 16] } },
    stderr: ['Insufficient VUs, reached 1 active VUs and cannot initialize more'],
    note: '20 starts, 1 VU busy 180 ms each: ≈ 6 run, ≈ 14 dropped',
    extra: (r) => {
      const m = r.exported!.metrics;
      expect((m.iterations!.count as number) + (m.dropped_iterations!.count as number)).toBe(20);
    },
  },
  {
    name: "'Insufficient VUs' is logged once per scenario with the scenario and executor as fields, however many worker threads share its VUs",
    source: 'lib/executor/constant_arrival_rate.go; internal/execution/scheduler.go (each executor logs with the fields scenario and executor)',
    script: 'arrival-rate-dropped-workers.js',
    env: { K6_OFFLINE_WORKERS: '2' },
    exit: 0,
    metrics: { dropped_iterations: { count: [40, 76] } },
    note: '2 x 40 starts, 2 VUs per scenario busy 180 ms each: most starts are dropped',
    extra: (r) => {
      const lines = r.stderr.split('\n').filter((l) => l.includes('Insufficient VUs'));
      expect(lines).toHaveLength(2);
      expect(lines.find((l) => l.includes('scenario=first'))).toMatch(/reached 1 active VUs and cannot initialize more {2}executor=constant-arrival-rate scenario=first$/);
      expect(lines.find((l) => l.includes('scenario=second'))).toMatch(/executor=constant-arrival-rate scenario=second$/);
    },
  },
  {
    name: "params.auth 'digest' answers the 401's challenge with the URL's credentials: two requests each, the challenge's 401 expected",
    source: 'lib/netext/httpext/digest_transport.go, lib/netext/httpext/request.go',
    script: 'digest-auth.js',
    exit: 0,
    checksAllPass: true,
    metrics: { http_reqs: { count: 4 } },
    extra: (r) => expect(r.exported!.metrics.http_req_failed).toMatchObject({ passes: 1, fails: 3 }),
  },
  { name: 'k6/crypto: default and named imports, shorthand digests, hmac, a hasher digested twice, randomBytes', source: 'internal/js/modules/k6/crypto/crypto.go', script: 'k6-crypto.js', exit: 0, checksAllPass: true, extra: (r) => expect(r.exported!.metrics.checks).toMatchObject({ passes: 4, fails: 0 }) },
  { name: 'ramping-arrival-rate starts the integral of the rate (0→20/s over 1 s = 10)', fact: 'k6-semantics.md#arrival-rate-timing', script: 'ramping-arrival-rate.js', exit: 0, metrics: { iterations: { count: 10 } } },
  {
    name: 'shared-iterations drops the unstarted iterations at maxDuration',
    fact: 'k6-semantics.md#dropped-iterations',
    script: 'shared-iterations-max-duration.js',
    exit: 0,
    note: '300 ms iterations in a 1 s window with gracefulStop 0: 3 complete, 1 interrupted',
    extra: (r) => {
      const m = r.exported!.metrics;
      const done = m.iterations!.count as number;
      const dropped = m.dropped_iterations!.count as number;
      expect(done).toBeGreaterThanOrEqual(2);
      expect(done).toBeLessThanOrEqual(4);
      expect(done + dropped).toBeLessThanOrEqual(100);
      expect(done + dropped).toBeGreaterThanOrEqual(99);
    },
  },
  { name: 'gracefulStop 0 interrupts the iteration in flight (not counted)', fact: 'k6-semantics.md#arrival-rate-timing', script: 'graceful-stop-interrupts.js', exit: 0, metrics: { iterations: { count: 1 } }, stderr: ['TEARDOWN RAN'], note: '700 ms iterations in a 1 s window: one full, one interrupted' },
  { name: 'startTime delays a scenario', fact: 'k6-semantics.md#scenarios', script: 'start-time.js', exit: 0, checksAllPass: true },
  // ---- metrics and thresholds (k6-semantics.md#metrics-api, #threshold-grammar–5.3) ----
  { name: 'every Trend aggregation passes on 1..100', fact: 'k6-semantics.md#metrics-api, #threshold-grammar', script: 'trend-aggregations.js', exit: 0, thresholds: { values_trend: { 'avg==50.5': false, 'med==50.5': false, 'min==1': false, 'max==100': false, 'p(95)<96': false, 'p(95)>95': false } } },
  { name: 'Trend and Gauge min/max start from the first sample: negative-only series report a negative max', source: 'metrics/sink.go (TrendSink.Add, GaugeSink.Add; v2.2.0 #6195)', script: 'trend-gauge-negative.js', exit: 0, metrics: { negative_trend: { max: -3, min: -5 }, negative_gauge: { value: -4, min: -5, max: -3 } }, thresholds: { negative_trend: { 'max<0': false, 'min==-5': false }, negative_gauge: { 'value==-4': false } } },
  { name: 'percentiles interpolate at p×(n−1)', fact: 'k6-semantics.md#metrics-api', script: 'percentile-interpolation.js', exit: 0, metrics: { four_values: { 'p(90)': 37, 'p(50)': 25, 'p(0)': 10, 'p(100)': 40 } } },
  { name: 'Counter count/rate, Gauge value (last) and Rate rate thresholds pass', fact: 'k6-semantics.md#metrics-api, #threshold-grammar', script: 'counter-gauge-rate.js', exit: 0, metrics: { my_count: { count: 8 }, my_gauge: { value: 3, min: 3, max: 9 }, my_rate: { value: 0.75 } } },
  {
    name: 'every aggregation fails when crossed (exit 99)',
    fact: 'k6-semantics.md#threshold-grammar',
    script: 'aggregations-failing.js',
    exit: 99,
    thresholds: { f_count: { 'count>1': true, 'rate>1000': true }, f_gauge: { 'value<0': true }, f_rate: { 'rate>0.5': true }, f_trend: { 'avg<1': true, 'min<1': true, 'max<1': true, 'med<1': true, 'p(99)<1': true } },
  },
  { name: 'empty metrics at the end: Trend stats are 0, an empty Rate passes, an empty Counter is 0', fact: 'k6-semantics.md#threshold-evaluation', script: 'empty-metric-rules.js', exit: 99, thresholds: { empty_trend: { 'p(95)<100': false, 'avg>1': true }, empty_rate: { 'rate>0.9': false }, empty_counter: { 'count>0': true } } },
  {
    name: 'sub-metric selectors match samples whose tags contain the listed pairs',
    fact: 'k6-semantics.md#threshold-grammar',
    script: 'submetric-selectors.js',
    exit: 0,
    thresholds: { 'http_req_duration{name:fast}': { 'max<5000': false }, 'http_reqs{kind:read}': { 'count==2': false }, 'http_reqs{kind:write}': { 'count==1': false }, 'checks{area:x}': { 'rate==1': false } },
  },
  // ---- HTTP (k6-semantics.md#k6-http, #builtin-metrics) ----
  { name: 'http_req_failed follows the response callback; null removes it', fact: 'k6-semantics.md#k6-http', script: 'http-failed-callback.js', exit: 0, metrics: { http_reqs: { count: 3 }, http_req_failed: { value: 0.5, passes: 1, fails: 1 } } },
  { name: 'expectedStatuses accepts statuses and {min,max} ranges', fact: 'k6-semantics.md#k6-http', script: 'expected-statuses.js', exit: 0 },
  { name: 'tags.name and the url template set the url tag (URL grouping)', fact: 'k6-semantics.md#system-tags', script: 'url-grouping.js', exit: 0, checksAllPass: true },
  { name: 'cookies: res.cookies, the per-VU jar reset each iteration, params.cookies/jar, cookieJar() set/delete/clear/cookiesForURL, redirects', source: 'lib/netext/httpext/request.go, js/modules/k6/http/cookiejar.go, internal/js/runner.go (runFn)', script: 'cookies.js', exit: 0, checksAllPass: true, extra: (r) => expect(r.exported!.metrics.checks).toMatchObject({ passes: 22, fails: 0 }) },
  { name: 'noCookiesReset keeps the VU’s cookies from one iteration to the next', source: 'internal/js/runner.go (runFn)', script: 'cookies-no-reset.js', exit: 0, checksAllPass: true },
  { name: 'user:pass@host sends Basic auth unless Authorization is set; tags mask the credentials', source: 'lib/netext/httpext/url.go (Clean), request.go (Go http.Client)', script: 'url-basic-auth.js', exit: 0, checksAllPass: true, extra: (r) => {
      const key = Object.keys(r.exported!.metrics).find((k) => k.startsWith('http_reqs{name:http://****:****@'));
      expect(key, Object.keys(r.exported!.metrics).join(', ')).toBeDefined();
      expect(r.exported!.metrics[key!]!.thresholds).toEqual({ 'count==2': false });
    },
  },
  { name: 'connection refused gives status 0 and error_code 1212', fact: 'k6-semantics.md#k6-http error codes', script: 'error-code-refused.js', exit: 0, checksAllPass: true },
  { name: 'Response fields: json() (binary bodies, a selector on a body that is not JSON, a failed request), selector, canonical headers, timings (connecting only on a new connection), redirects', fact: 'k6-semantics.md#k6-http', source: 'js/modules/k6/http/response.go (Response.JSON)', script: 'http-response-fields.js', exit: 0, checksAllPass: true, metrics: { http_reqs: { count: 7 } }, note: 'the refused request counts in http_reqs, as in k6' },
  {
    name: 'synchronous http.get with the VUs on the main thread (K6_OFFLINE_WORKERS=0) stops the run with 107 and one message naming the variable and http.asyncRequest (it sent nothing: never exit 0)',
    fact: 'k6-semantics.md#exit-codes',
    script: 'sync-http-refused.js',
    env: { K6_OFFLINE_WORKERS: '0' },
    exit: 107,
    stderr: ['http.get() is synchronous', 'K6_OFFLINE_WORKERS', 'http.asyncRequest', 'does not implement it'],
    extra: (r) => expect(r.stderr.split('http.get() is synchronous').length - 1).toBe(1),
  },
  {
    name: 'an unimplemented call stops the run with 107 and one message even when the script catches it; teardown runs',
    fact: 'k6-semantics.md#exit-codes',
    script: 'not-implemented-caught.js',
    exit: 107,
    stderr: ['response.html()', 'does not implement it', 'caught: NotImplementedError', 'TEARDOWN RAN'],
    extra: (r) => {
      expect(r.stderr.split('response.html() —').length - 1).toBe(1);
      expect((r.exported!.metrics.iterations?.count as number | undefined) ?? 0).toBeLessThanOrEqual(1);
    },
  },
  { name: 'an unimplemented call in setup() stops the run with 107 and skips teardown', fact: 'k6-semantics.md#exit-codes', script: 'not-implemented-in-setup.js', exit: 107, stderr: ['http.file()', 'does not implement it'], notStderr: ['TEARDOWN RAN'], extra: (r) => expect(r.stderr.split('http.file() —').length - 1).toBe(1) },
  {
    name: 'synchronous http (get, post, put, patch, del, head, options, request, batch as array and object, redirects) works in setup, iterations, a group and teardown',
    fact: 'k6-semantics.md#k6-http',
    script: 'sync-http.js',
    env: { K6_OFFLINE_WORKERS: '2' },
    exit: 0,
    checksAllPass: true,
    // setup 1 + 4 iterations × (get, post, redirect 2 hops, batch 3, batch 2, head, patch, put, options, del, request = 15) + teardown 1
    metrics: { http_reqs: { count: 62 }, iterations: { count: 4 } },
    stderr: ['TEARDOWN STATUS 200'],
  },
  // ---- summary shapes (k6-semantics.md#summary-data) ----
  {
    name: 'handleSummary gets k6 data and its outputs are written; --summary-export still written',
    fact: 'k6-semantics.md#lifecycle, #summary-data',
    script: 'handle-summary.js',
    env: { OUT: 'summary.json' },
    exit: 0,
    stdout: ['CUSTOM SUMMARY'],
    extra: (r) => {
      expect(r.stdout).not.toContain('TOTAL RESULTS');
      const data = JSON.parse(readFileSync(join(r.dir, 'summary.json'), 'utf8'));
      expect(data.metrics.iterations).toMatchObject({ type: 'counter', contains: 'default', values: { count: 2 } });
      expect(data.metrics.iteration_duration.values).toHaveProperty('p(95)');
      expect(data.options.summaryTrendStats).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
      expect(data.state.testRunDurationMs).toBeGreaterThan(0);
      expect(data.setup_data).toEqual({ token: 'abc' });
      expect(data.root_group.groups[0]).toMatchObject({ name: 'g1', path: '::g1' });
      expect(data.root_group.groups[0].checks[0]).toMatchObject({ name: 'is one', passes: 2, fails: 0 });
      expect(r.exported?.metrics.iterations).toBeDefined();
    },
  },
  {
    name: '--summary-export uses the legacy shape: flattened values, Rate value, thresholds true = failed',
    fact: 'k6-semantics.md#summary-data',
    script: 'summary-export.js',
    exit: 0,
    extra: (r) => {
      const m = r.exported!.metrics;
      expect(m.my_rate).toMatchObject({ value: 1, passes: 4, fails: 0, thresholds: { 'rate>0.9': false } });
      expect(m.iterations).toMatchObject({ count: 4, thresholds: { 'count==4': false } });
      expect(r.exported!.root_group.checks['a check']).toMatchObject({ passes: 4, fails: 0 });
    },
  },
  { name: 'test-wide, scenario and exec.vu.metrics.tags tags are on every sample', fact: 'k6-semantics.md#system-tags, #k6-execution', script: 'vu-and-scenario-tags.js', exit: 0, note: 'the VU tag is set after the first add, so 3 of 4 samples carry it' },
  { name: '--summary-mode=full adds per-scenario sections', fact: 'k6-semantics.md#text-summary', script: 'start-time.js', args: ['--summary-mode', 'full'], exit: 0, stdout: ['SCENARIO: first', 'SCENARIO: later'] },
  { name: 'without handleSummary the text summary is printed', fact: 'k6-semantics.md#text-summary', script: 'shared-iterations.js', exit: 0, stdout: ['TOTAL RESULTS', 'iterations'] },
  { name: '--summary-mode=disabled prints no summary', fact: 'k6-semantics.md#text-summary', script: 'shared-iterations.js', args: ['--summary-mode', 'disabled'], exit: 0, extra: (r) => expect(r.stdout).not.toContain('TOTAL RESULTS') },
  // ---- lifecycle, env and options (k6-semantics.md#globals, #lifecycle, #scenarios) ----
  { name: 'setup data is copied per VU: mutations stay in one VU and never reach teardown', fact: 'k6-semantics.md#lifecycle', script: 'setup-data-isolation.js', exit: 0, checksAllPass: true },
  { name: '--no-setup skips setup()', fact: 'k6-semantics.md#option-defaults', script: 'no-setup-flag.js', args: ['--no-setup'], exit: 0, notStderr: ['SETUP RAN'] },
  { name: '-e wins over the system environment in __ENV', fact: 'k6-semantics.md#globals', script: 'env-precedence.js', args: ['-e', 'FOO=from-flag'], env: { FOO: 'from-system', ONLY_SYSTEM: 'sys' }, exit: 0, checksAllPass: true },
  { name: '--include-system-env-vars=false keeps the system environment out of __ENV', fact: 'k6-semantics.md#globals', script: 'no-system-env.js', args: ['--include-system-env-vars=false', '-e', 'FOO=flag'], env: { ONLY_SYSTEM: 'sys' }, exit: 0, checksAllPass: true },
  { name: 'script options apply when nothing overrides them', fact: 'k6-semantics.md#scenarios precedence', script: 'option-precedence.js', exit: 0, metrics: { iterations: { count: 2 } } },
  { name: 'K6_* environment wins over script options', fact: 'k6-semantics.md#scenarios precedence', script: 'option-precedence.js', env: { K6_ITERATIONS: '4' }, exit: 0, metrics: { iterations: { count: 4 } } },
  { name: 'CLI flags win over K6_* environment', fact: 'k6-semantics.md#scenarios precedence', script: 'option-precedence.js', args: ['--iterations', '6'], env: { K6_ITERATIONS: '4' }, exit: 0, metrics: { iterations: { count: 6 } } },
  { name: '--vus N alone replaces the script scenarios with N VUs sharing N iterations, with a warning', source: 'lib/executor/execution_config_shortcuts.go (DeriveScenariosFromShortcuts; release notes v2.1.0 #5794)', script: 'vus-alone-over-scenarios.js', args: ['--vus', '3'], exit: 0, metrics: { iterations: { count: 3 }, vus_max: { value: 3 } }, stderr: ['`vus=3` overrides scenarios configuration'] },
  { name: '--duration 0 is refused with 104', source: 'lib/executor/execution_config_shortcuts.go (DeriveScenariosFromShortcuts)', script: 'duration-zero-104.js', args: ['--duration', '0'], exit: 104, stderr: ['duration must be more than 0'] },
  { name: 'a negative --duration is refused with 104', source: 'lib/executor/execution_config_shortcuts.go (DeriveScenariosFromShortcuts)', script: 'duration-zero-104.js', args: ['--duration', '-2s'], exit: 104, stderr: ['duration must be more than 0'] },
  { name: '--duration in a higher layer replaces script iterations (execution override)', fact: 'k6-semantics.md#durations', script: 'option-precedence.js', args: ['--duration', '1s', '--vus', '1'], exit: 0, extra: (r) => expect(r.exported!.metrics.iterations!.count as number).toBeGreaterThan(2) },
  // ---- execution segments (k6-semantics.md#execution-segments) ----
  { name: 'segment 0:1/4 of 4 gets 3 of 10 VUs and 6 of 20 iterations; the 1-VU scenario runs here', fact: 'k6-semantics.md#execution-segments', script: 'segments.js', args: ['--execution-segment', '0:1/4', '--execution-segment-sequence', '0,1/4,1/2,3/4,1'], exit: 0, metrics: { iterations: { count: 7 }, vus_max: { value: 4 } }, stderr: ['SINGLE RAN'] },
  { name: 'segment 1/4:1/2 skips the 1-VU scenario and gets 6 iterations', fact: 'k6-semantics.md#execution-segments', script: 'segments.js', args: ['--execution-segment', '1/4:1/2', '--execution-segment-sequence', '0,1/4,1/2,3/4,1'], exit: 0, metrics: { iterations: { count: 6 } }, notStderr: ['SINGLE RAN'] },
  { name: 'segment 3/4:1 gets 2 of 10 VUs and 4 of 20 iterations', fact: 'k6-semantics.md#execution-segments', script: 'segments.js', args: ['--execution-segment', '3/4:1', '--execution-segment-sequence', '0,1/4,1/2,3/4,1'], exit: 0, metrics: { iterations: { count: 4 } } },
  // ---- k6/execution, modules, isolation (k6-semantics.md#sobek, #k6-execution, #open-and-sharedarray, #jslib-utils) ----
  SHARED
    ? { name: 'exec.* values: a script reading __ITER is refused in the shared realm (exit 107)', fact: 'k6-semantics.md#k6-execution', script: 'exec-values.js', exit: 107, stderr: ['__ITER', 'K6_OFFLINE_VU_REALM'] }
    : { name: 'exec.* values: scenario, vu ids, __ITER, options, scenario env', fact: 'k6-semantics.md#k6-execution', script: 'exec-values.js', exit: 0, checksAllPass: true },
  { name: "Node's globals are absent and k6's are present", fact: 'k6-semantics.md#sobek', script: 'node-globals-absent.js', exit: 0, checksAllPass: true },
  {
    name: 'no object handed to a script leads to the host: constructor chains of globals, modules, responses, metrics, errors and promises never compile code in the host realm',
    fact: 'k6-semantics.md#sobek',
    script: 'host-escape-attempts.js',
    exit: 0,
    checksAllPass: true,
    notStderr: ['ESCAPES'],
    extra: (r) => expect(r.exported!.metrics.escape_attempts!.count as number).toBeGreaterThan(100),
  },
  { name: 'sleep() in async code stops the run with 107 and advice (k6-offline cannot block there)', fact: 'k6-semantics.md#sobek (async restrictions)', script: 'sleep-in-async.js', exit: 107, stderr: ['setTimeout', 'does not implement it'] },
  { name: 'groups nest with :: paths and emit group_duration', fact: 'k6-semantics.md#k6-module', script: 'groups-and-checks.js', exit: 0, thresholds: { 'group_duration{group:::outer::inner}': { 'max>=0': false } } },
  { name: 'k6/data, k6/encoding and the k6-utils jslib behave as k6', fact: 'k6-semantics.md#open-and-sharedarray, #jslib-utils', script: 'modules-data-encoding-utils.js', exit: 0, checksAllPass: true },
  { name: 'k6/x/disruptor without a configured fault agent fails clearly', fact: 'k6-semantics.md#disruptor-api', script: 'disruptor-without-agent.js', exit: 0, stderr: ['K6_OFFLINE_FAULT_AGENT_URL'] },
];

beforeAll(async () => {
  await buildCli();
  ({ base, closedUrl, server } = await startServer());
}, 60_000);

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function inRange(actual: unknown, want: number | [number, number]): boolean {
  if (typeof actual !== 'number') return false;
  return Array.isArray(want) ? actual >= want[0] && actual <= want[1] : Math.abs(actual - want) < 1e-9;
}

describe(`k6-offline conformance (K6_OFFLINE_VU_REALM=${REALM})`, () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  // One `it` per case (not it.each) so that titles are the full sentences.
  for (const c of cases) it(`${c.name} (${c.source ? `k6 ${c.source}` : `docs/k6-semantics.md ${c.fact}`})`, async () => {
    const r = await runCli(c.script, ['-e', `BASE=${base}`, '-e', `CLOSED=${closedUrl}`, ...(c.args ?? [])], { K6_OFFLINE_VU_REALM: REALM, ...c.env });
    const context = `exit ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout.slice(0, 2000)}`;
    expect(r.code, context).toBe(c.exit);
    for (const s of c.stderr ?? []) {
      if (typeof s === 'string') expect(r.stderr, context).toContain(s);
      else expect(r.stderr, context).toMatch(s);
    }
    for (const s of c.notStderr ?? []) expect(r.stderr, context).not.toContain(s);
    for (const s of c.stdout ?? []) expect(r.stdout, context).toContain(s);
    for (const [metric, values] of Object.entries(c.metrics ?? {})) {
      const got = r.exported?.metrics[metric];
      expect(got, `${metric} missing\n${context}`).toBeDefined();
      for (const [k, want] of Object.entries(values)) {
        expect(inRange(got![k], want), `${metric}.${k} = ${JSON.stringify(got![k])}, want ${JSON.stringify(want)}\n${context}`).toBe(true);
      }
    }
    for (const [metric, expected] of Object.entries(c.thresholds ?? {})) {
      expect(r.exported?.metrics[metric]?.thresholds, `${metric}\n${context}`).toEqual(expected);
    }
    if (c.checksAllPass) {
      const checks = r.exported?.metrics.checks as Record<string, number> | undefined;
      expect(checks, context).toBeDefined();
      expect(checks!.fails, `${JSON.stringify(r.exported?.root_group.checks)}\n${context}`).toBe(0);
    }
    c.extra?.(r);
  });
});
