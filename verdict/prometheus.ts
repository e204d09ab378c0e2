/**
 * `--prometheus URL --testid ID`: the run as k6's remote-write output left it in Prometheus (k6
 * docs "Prometheus remote write"; k6 internal/output/prometheusrw): counters `k6_<name>_total`,
 * rates `k6_<name>_rate` (the share of non-zero samples so far), trends as native histograms
 * `k6_<name>_seconds` when K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true, every k6 tag a label
 * (`testid` from the k6 Operator's TestRun). Each series' raw samples are read once (a range
 * vector over --since), and the increments between pushes become weighted samples of the same
 * RunData the JSON reader fills, so every scope (run, phases, windows, tenants) is judged alike:
 *
 * - requests and failures per series: Δ k6_http_reqs_total, and Δ(k6_http_req_failed_rate ×
 *   k6_http_reqs_total) on the same labels (k6 tags both metrics alike);
 * - latency: Δ of each native-histogram bucket at the bucket's geometric middle; schema 3 buckets
 *   span a factor 2^(1/8), so a percentile is within ±4.5 % (never a max of instance p95s). With
 *   trend stats as gauges (k6's default `p(99)`) percentiles cannot be merged: latency SLOs are
 *   listed as not judged, naming the variable to set;
 * - checks: k6 writes no check counts (only the share), so checks are not judged here;
 * - the 5xx share comes from the `status` label of k6_http_reqs_total.
 * Times are the push times: windows and charts have the push interval's resolution (5 s default).
 */
import type { VerdictConfig } from './config';
import { InputError } from './k6-json';
import { RunData } from './run-data';

const MAX_SERIES = 100_000;

interface PromMatrix {
  metric: Record<string, string>;
  values?: Array<[number, string]>;
  histograms?: Array<[number, { count: string; sum: string; buckets?: Array<[number, string, string, string]> }]>;
}

async function rangeVector(base: string, selector: string, since: string, fetchImpl: typeof fetch): Promise<PromMatrix[]> {
  const url = `${base}/api/v1/query?query=${encodeURIComponent(`${selector}[${since}]`)}`;
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    throw new InputError(`--prometheus ${base}: cannot reach it (${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message) : (err as Error).message})`);
  }
  const text = await res.text();
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: PromMatrix[] } };
  try {
    body = JSON.parse(text);
  } catch {
    throw new InputError(`--prometheus ${base}: HTTP ${res.status}, not a Prometheus API answer`);
  }
  if (body.status !== 'success' || body.data?.resultType !== 'matrix') throw new InputError(`--prometheus ${base}: query ${selector} failed: ${body.error ?? `HTTP ${res.status}`}`);
  const result = body.data.result ?? [];
  if (result.length > MAX_SERIES) throw new InputError(`--prometheus ${base}: ${selector} has ${result.length} series (at most ${MAX_SERIES})`);
  return result;
}

const key = (labels: Record<string, string>): string =>
  Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');

function tagsOf(labels: Record<string, string>): Record<string, string> {
  const { __name__: _n, ...rest } = labels;
  return rest;
}

/** Increments of a cumulative series, at each push time (a drop means a restart: count from 0). */
function increments(values: Array<[number, string]>): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  let prev = 0;
  for (const [t, v] of values) {
    const cur = Number(v);
    out.push([t * 1000, cur >= prev ? cur - prev : cur, cur]);
    prev = cur;
  }
  return out;
}

/** The middle of a native-histogram bucket (geometric for positive bounds), in ms. */
const middleMs = (lo: number, hi: number): number => (lo > 0 ? Math.sqrt(lo * hi) : hi / 2) * 1000;

export interface PrometheusReadOptions {
  /** Range to look back over, a PromQL duration (default 7d). */
  since?: string;
  fetchImpl?: typeof fetch;
}

export async function readPrometheus(base: string, testid: string, _cfg: VerdictConfig, opts: PrometheusReadOptions = {}): Promise<RunData> {
  const since = opts.since ?? '7d';
  const f = opts.fetchImpl ?? fetch;
  const url = base.replace(/\/+$/, '');
  const sel = (name: string): string => `${name}{testid=${JSON.stringify(testid)}}`;
  const data = new RunData();
  data.files.push(`${url} testid=${testid}`);

  const [reqs, failedRate, durations, iterations, dropped, failClosed, rateLimited, witness, degraded] = await Promise.all([
    rangeVector(url, sel('k6_http_reqs_total'), since, f),
    rangeVector(url, sel('k6_http_req_failed_rate'), since, f),
    rangeVector(url, sel('k6_http_req_duration_seconds'), since, f),
    rangeVector(url, sel('k6_iterations_total'), since, f),
    rangeVector(url, sel('k6_dropped_iterations_total'), since, f),
    rangeVector(url, sel('k6_tenant_fail_closed_total'), since, f),
    rangeVector(url, sel('k6_tenant_rate_limited_total'), since, f),
    rangeVector(url, sel('k6_chaos_fault_witness_total'), since, f),
    rangeVector(url, sel('k6_chaos_auth_degraded_events_total'), since, f),
  ]);
  if (reqs.length === 0) {
    // No evidence: every SLO fails on an empty RunData, and the message says where it looked.
    data.notes.push(`no k6_http_reqs_total series with testid="${testid}" in ${url} over the last ${since}`);
  }

  // One cell per push: the increments of a push land in one cell, so a 1-second cell would read
  // as a burst followed by silence. The push interval is the smallest step between samples.
  let step = Infinity;
  for (const m of reqs.slice(0, 50)) {
    const v = m.values ?? [];
    for (let i = 1; i < v.length; i++) step = Math.min(step, (v[i]![0] - v[i - 1]![0]) * 1000);
  }
  if (Number.isFinite(step) && step > 1000) data.sliceMs = Math.min(60_000, Math.round(step / 1000) * 1000);

  // Requests and failures, per series.
  const rates = new Map(failedRate.map((m) => [key(m.metric), new Map((m.values ?? []).map(([t, v]) => [t * 1000, Number(v)]))]));
  for (const m of reqs) {
    const tags = tagsOf(m.metric);
    const share = rates.get(key(m.metric));
    let prevFailed = 0;
    for (const [t, d, cum] of increments(m.values ?? [])) {
      const failedCum = Math.round((share?.get(t) ?? 0) * cum);
      const df = Math.max(0, failedCum >= prevFailed ? failedCum - prevFailed : failedCum);
      prevFailed = failedCum;
      if (d <= 0) continue;
      const ok = d - Math.min(df, d);
      if (ok > 0) data.add({ metric: 'http_req_failed', time: t, value: 0, tags }, ok);
      if (df > 0) data.add({ metric: 'http_req_failed', time: t, value: 1, tags }, Math.min(df, d));
      if (tags.traffic === 'api' || tags.traffic === 'noisy') {
        data.add({ metric: 'tenant_server_errors', time: t, value: tags.status !== undefined && tags.status.startsWith('5') ? 1 : 0, tags }, d);
      }
    }
  }

  // Latency from native histograms.
  if (durations.length === 0 || durations.every((m) => !m.histograms)) {
    data.unavailable.set('read p(95)', 'k6 pushed no native histogram k6_http_req_duration_seconds: set K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM=true (Prometheus --enable-feature=native-histograms)');
    data.unavailable.set('write p(95)', data.unavailable.get('read p(95)')!);
  }
  for (const m of durations) {
    const tags = tagsOf(m.metric);
    let prev = new Map<string, number>();
    for (const [ts, h] of m.histograms ?? []) {
      const t = ts * 1000;
      const cur = new Map<string, number>();
      for (const [, lo, hi, c] of h.buckets ?? []) cur.set(`${lo}|${hi}`, Number(c));
      const restarted = [...prev].some(([b, c]) => (cur.get(b) ?? 0) < c);
      for (const [b, c] of cur) {
        const d = restarted ? c : c - (prev.get(b) ?? 0);
        if (d <= 0) continue;
        const [lo, hi] = b.split('|').map(Number) as [number, number];
        data.add({ metric: 'http_req_duration', time: t, value: middleMs(lo, hi), tags }, d);
      }
      prev = cur;
    }
  }

  const counters: Array<[PromMatrix[], string]> = [
    [iterations, 'iterations'],
    [dropped, 'dropped_iterations'],
    [failClosed, 'tenant_fail_closed'],
    [rateLimited, 'tenant_rate_limited'],
    [witness, 'chaos_fault_witness'],
    [degraded, 'chaos_auth_degraded_events'],
  ];
  for (const [series, metric] of counters) {
    for (const m of series) {
      const tags = tagsOf(m.metric);
      for (const [t, d] of increments(m.values ?? [])) if (d > 0) data.add({ metric, time: t, value: d, tags });
    }
  }
  data.unavailable.set('checks rate', "k6's remote write has no check counts (only k6_checks_rate, a share): judge checks from the JSON output or the summary");
  return data;
}
