/**
 * Hot-path benchmark of the metrics registry (a benchmark, not a test): how many samples per
 * second `registry.add` absorbs with the sub-metrics a real run defines, and how much memory the
 * Trend sinks hold as samples pile up. The bench report (bench/run.ts) may call
 * `benchRegistryAdd`; by hand: `npx tsx runner/metrics/bench.ts`.
 *
 * The sample mix imitates one k6 HTTP request of the tenant-load bundle: 11 samples per request
 * (http_reqs, 7 timings, http_req_failed, data_sent, data_received) plus per iteration 2 checks,
 * iterations and iteration_duration, with the bundle's tags (name, service, kind, tenant, phase,
 * status, method, url, scenario, group, expected_response) and 20 threshold sub-metrics.
 */

import { pathToFileURL } from 'node:url';
import type { Sample } from '../contract';
import { defineBuiltinMetrics } from './builtin';
import { createMetricRegistry, type MetricsRegistry } from './registry';
import { TrendSink } from './trend-sink';

export const BENCH_SUBMETRICS = [
  'http_req_duration{kind:read}',
  'http_req_duration{kind:write}',
  'http_req_duration{phase:baseline}',
  'http_req_duration{phase:chaos}',
  'http_req_duration{phase:recovery}',
  'http_req_duration{service:policy}',
  'http_req_duration{service:vuln}',
  'http_req_duration{service:notify}',
  'http_req_duration{kind:read,phase:chaos}',
  'http_req_duration{kind:write,phase:chaos}',
  'http_req_failed{phase:baseline}',
  'http_req_failed{phase:chaos}',
  'http_req_failed{phase:recovery}',
  'http_req_failed{kind:read}',
  'http_req_failed{kind:write}',
  'http_req_failed{service:policy}',
  'checks{phase:chaos}',
  'checks{kind:read}',
  'http_reqs{status:429}',
  'dropped_iterations{scenario:load}',
] as const;

const TIMINGS = ['http_req_duration', 'http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending', 'http_req_waiting', 'http_req_receiving'];

/** Builds the samples of `requests` requests (one request per iteration), as the engine would. */
export function benchSamples(requests: number, seed = 1): Sample[] {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const services = ['policy', 'vuln', 'notify'];
  const phases = ['baseline', 'chaos', 'recovery'];
  const out: Sample[] = [];
  for (let i = 0; i < requests; i++) {
    const service = services[i % 3]!;
    const kind = rand() < 0.9 ? 'read' : 'write';
    const tags = {
      scenario: 'load',
      group: '',
      name: `/api/${service}/items/{id}`,
      url: `/api/${service}/items/{id}`,
      method: kind === 'read' ? 'GET' : 'PUT',
      status: rand() < 0.995 ? '200' : '429',
      proto: 'HTTP/1.1',
      expected_response: 'true',
      service,
      kind,
      tenant: `tenant-${(i % 10) + 1}`,
      phase: phases[Math.floor(i / 1000) % 3]!,
    };
    const time = i;
    const d = Math.exp(Math.log(40) + 0.5 * (rand() - 0.5));
    out.push({ metric: 'http_reqs', value: 1, tags, time });
    for (const m of TIMINGS) out.push({ metric: m, value: m === 'http_req_duration' ? d : d * rand(), tags, time });
    out.push({ metric: 'http_req_failed', value: 0, tags, time });
    out.push({ metric: 'data_sent', value: 180, tags, time });
    out.push({ metric: 'data_received', value: 900, tags, time });
    out.push({ metric: 'checks', value: 1, tags: { ...tags, check: 'status is 2xx' }, time });
    out.push({ metric: 'checks', value: 1, tags: { ...tags, check: 'tenant matches' }, time });
    out.push({ metric: 'iterations', value: 1, tags, time });
    out.push({ metric: 'iteration_duration', value: d + 1, tags, time });
  }
  return out;
}

export function benchRegistry(): MetricsRegistry {
  const registry = createMetricRegistry();
  defineBuiltinMetrics(registry);
  for (const key of BENCH_SUBMETRICS) registry.defineSubmetric(key);
  return registry;
}

export interface RegistryBenchResult {
  samples: number;
  submetrics: number;
  seconds: number;
  samplesPerSecond: number;
  /** Samples per request in this mix, to turn the figure into requests per second. */
  samplesPerRequest: number;
}

/** Runs `rounds` passes over a prebuilt sample batch through `registry.add`; best round wins. */
export function benchRegistryAdd(requests = 20_000, rounds = 5): RegistryBenchResult {
  const samples = benchSamples(requests);
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const registry = benchRegistry();
    const start = process.hrtime.bigint();
    for (let i = 0; i < samples.length; i++) registry.add(samples[i]!);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (seconds < best) best = seconds;
  }
  return {
    samples: samples.length,
    submetrics: BENCH_SUBMETRICS.length + 1, // + the expected_response auto sub-metric
    seconds: best,
    samplesPerSecond: samples.length / best,
    samplesPerRequest: samples.length / requests,
  };
}

/**
 * Memory of one Trend sink as values pile up (log-normal latencies): bytes held after each
 * checkpoint. Flat after the switch from raw values to the histogram.
 */
export function benchTrendMemory(checkpoints = [50_000, 100_000, 100_001, 1_000_000, 5_000_000]): Array<{ values: number; bytes: number; exact: boolean }> {
  const sink = new TrendSink();
  let s = 7;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  const out: Array<{ values: number; bytes: number; exact: boolean }> = [];
  let n = 0;
  for (const target of checkpoints) {
    while (n < target) {
      const g = Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
      sink.add(Math.exp(Math.log(40) + 0.8 * g));
      n++;
    }
    out.push({ values: n, bytes: sink.retainedBytes, exact: sink.exact });
  }
  return out;
}

/**
 * Bytes held by every Trend sink of the benchmark registry after `requests` requests of the mix
 * (a 10,000-request batch replayed), e.g. 18,000,000 requests = one hour at 5k RPS.
 */
export function benchRegistryMemory(checkpoints = [10_000, 100_000, 1_000_000]): Array<{ requests: number; trendBytes: number; trendSinks: number }> {
  const registry = benchRegistry();
  const batch = benchSamples(10_000);
  const out: Array<{ requests: number; trendBytes: number; trendSinks: number }> = [];
  let done = 0;
  for (const target of checkpoints) {
    while (done < target) {
      for (let i = 0; i < batch.length; i++) registry.add(batch[i]!);
      done += 10_000;
    }
    let bytes = 0;
    let sinks = 0;
    for (const info of registry.all()) {
      const sink = registry.sink(info.name);
      if (sink instanceof TrendSink) {
        bytes += sink.retainedBytes;
        sinks++;
      }
    }
    out.push({ requests: done, trendBytes: bytes, trendSinks: sinks });
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = benchRegistryAdd();
  console.log(
    `registry.add: ${Math.round(r.samplesPerSecond).toLocaleString('en')} samples/s ` +
      `(${r.samples} samples, ${r.submetrics} sub-metrics, ${r.samplesPerRequest} samples/request ` +
      `= ${Math.round(r.samplesPerSecond / r.samplesPerRequest).toLocaleString('en')} requests/s of metrics work on one core)`,
  );
  for (const m of benchTrendMemory()) console.log(`trend sink: ${m.values} values -> ${m.bytes} bytes (${m.exact ? 'raw, exact' : 'histogram'})`);
  for (const m of benchRegistryMemory()) {
    console.log(`registry: ${m.requests} requests -> ${(m.trendBytes / 1e6).toFixed(2)} MB in ${m.trendSinks} Trend sinks`);
  }
}
