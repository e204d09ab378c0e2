/**
 * The full profile on one machine: the reference platform and the offline runner co-located,
 * a 10 s ramp-up, then 5,000 requests/s for 5 minutes with a 60 s JWKS outage (cache fallback
 * expected). The outage is a black hole by default, so the agent bundle runs, as the runner's
 * performance goal states it (launch/plan.ts bundleFor); `--chaos-fault error` runs the Kubernetes
 * bundle through the runner's xk6-disruptor mapping instead. Reports the
 * achieved rate, dropped iterations, p95 per kind, error rate per phase (from the bundle's
 * summary.json, i.e. k6's handleSummary data) and each process's CPU and peak RSS.
 *
 * Standalone: `npm run build && npx tsx bench/e2e.ts [--duration 5m --chaos-duration 60s --chaos-fault reset]`.
 */
import { readHealthWarning } from '../runner/engine/generator-health';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseGoDuration } from '../contracts/duration';
import { aggregate, type SummaryData } from '../launch/instance-summaries';
import { rampStartRate } from '../contracts/load-profile';
import { CHAOS_FAULT_SHAPES, DEFAULT_START_OPTIONS, type ChaosFaultShape, type StartOptions } from '../launch/options';
import { bundleFor } from '../launch/plan';
import { REPO_ROOT, runStack } from '../launch/stack';
import { sampleProcess, type ProcUsage } from './proc-sampler';
import { isDirectRun, writeReport, type BenchSection } from './report';

const fmt = (n: number | undefined, digits = 2): string => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));

export interface E2eBenchOptions {
  rate: number;
  /** Ramp-up included. */
  duration: string;
  rampUp: string;
  chaosStart: string;
  chaosDuration: string;
  /** Runner processes (launch/instances.ts): 1..4 or auto. */
  instances: number | 'auto';
  /** What the Authority's clients see during the outage; picks the bundle (launch/plan.ts). */
  chaosFault: ChaosFaultShape;
}

/** A `--chaos-fault` value, or a clear error and exit 2 (`who` names the command). */
export function chaosFaultArg(value: string, who: string): ChaosFaultShape {
  if ((CHAOS_FAULT_SHAPES as readonly string[]).includes(value)) return value as ChaosFaultShape;
  console.error(`${who}: --chaos-fault must be one of ${CHAOS_FAULT_SHAPES.join(', ')} (got '${value}')`);
  process.exit(2);
}

export const E2E_BENCH_DEFAULTS: E2eBenchOptions = { rate: 5000, duration: '5m10s', rampUp: '10s', chaosStart: '90s', chaosDuration: '60s', instances: 'auto', chaosFault: 'blackhole' };

export async function run(o: E2eBenchOptions = E2E_BENCH_DEFAULTS): Promise<BenchSection> {
  const opts: StartOptions = {
    ...DEFAULT_START_OPTIONS,
    rate: o.rate,
    duration: o.duration,
    rampUp: o.rampUp,
    chaos: 'fallback',
    chaosStart: o.chaosStart,
    chaosDuration: o.chaosDuration,
    chaosFault: o.chaosFault,
    engine: 'offline',
    instances: o.instances,
    quiet: true,
    outDir: 'bench/out/e2e',
  };
  const samplers = new Map<string, { stop(): ProcUsage }>();
  const started = Date.now();
  const result = await runStack(opts, {
    stdio: 'pipe',
    onProcess: (name, pid) => samplers.set(name, sampleProcess(pid)),
  });
  const wallSeconds = (Date.now() - started) / 1000;
  const usage = new Map([...samplers].map(([name, s]) => [name, s.stop()]));
  await result.stop();

  const summaries = result.summaries.map((f) => JSON.parse(readFileSync(f, 'utf8')) as SummaryData);
  const agg = aggregate(summaries);
  const n = summaries.length;
  const loadSeconds = (parseGoDuration(o.duration) as number) / 1000;
  const reads = agg.count('http_reqs{kind:read,expected_response:true}');
  const writes = agg.count('http_reqs{kind:write,expected_response:true}');
  const apiRequests = reads !== undefined && writes !== undefined ? reads + writes : agg.count('iterations');
  const dropped = agg.count('dropped_iterations') ?? 0;
  const iterations = agg.count('iterations') ?? 0;
  // An aborted run (abortOnFail) stops early: the rate is over the time it actually ran (k6's
  // testRunDurationMs, the longest instance), not over the planned duration.
  const ranMs = Math.max(0, ...summaries.map((x) => x.k6?.state?.testRunDurationMs ?? 0));
  const ranSeconds = ranMs > 0 ? Math.min(loadSeconds, ranMs / 1000) : loadSeconds;
  // The ramp schedules (rate/10 + rate)/2 per second (k6 ramping-arrival-rate, linear); the rest
  // of what ran is at the full rate.
  const rampSeconds = (parseGoDuration(o.rampUp) as number) / 1000;
  const rampScheduled = ((rampStartRate(o.rate) + o.rate) / 2) * Math.min(rampSeconds, ranSeconds);
  const holdSeconds = Math.max(0, ranSeconds - rampSeconds);
  const p95 = n > 1 ? 'p95 (max over instances)' : 'p95';

  const rows: BenchSection['rows'] = [
    { measure: 'bundle', value: bundleFor('offline', o.chaosFault), target: '' },
    { measure: 'runner instances', value: n, target: '' },
    { measure: 'exit code (run)', value: result.exitCode, target: '0' },
    ...(n > 1
      ? result.exitCodes.map((code, i) => ({
          measure: `instance ${i + 1}/${n}: exit code, thresholds`,
          value: `${code}, ${summaries[i]?.verdict?.pass === true ? 'pass' : summaries[i]?.verdict?.pass === false ? 'FAIL' : 'n/a'}`,
          target: '0, pass',
        }))
      : []),
    { measure: 'test ran s (k6 testRunDurationMs, longest instance)', value: fmt(ranMs / 1000, 1), target: `${loadSeconds}` },
    {
      measure: `achieved API req/s at the full rate (summed counts less the ramp's ${fmt(rampScheduled, 0)} scheduled, / ${fmt(holdSeconds, 1)} s after the ramp)`,
      value: fmt(apiRequests !== undefined && holdSeconds > 0 ? (apiRequests - rampScheduled) / holdSeconds : undefined, 0),
      target: `${o.rate}`,
    },
    { measure: 'API requests (summed)', value: apiRequests ?? 'n/a', target: '' },
    { measure: 'dropped iterations (summed)', value: dropped, target: '' },
    { measure: 'dropped iterations %', value: fmt((dropped / Math.max(1, iterations + dropped)) * 100, 3), target: '< 1' },
    { measure: `${p95} read ms`, value: fmt(agg.maxOf('http_req_duration{kind:read,expected_response:true}', 'p(95)')), target: '< 300' },
    { measure: `${p95} write ms`, value: fmt(agg.maxOf('http_req_duration{kind:write,expected_response:true}', 'p(95)')), target: '< 600' },
    // The error-rate SLOs of the cache-fallback story (thresholds/build-thresholds.ts): the whole
    // run, before the outage, during it. (The recovery phase has its own only with --chaos expiry.)
    ...(
      [
        ['whole run', 'http_req_failed{traffic:api}', '< 0.5'],
        ['baseline', 'http_req_failed{traffic:api,phase:baseline}', '< 0.5'],
        ['chaos', 'http_req_failed{traffic:api,phase:chaos}', '< 1'],
      ] as const
    ).map(([label, key, target]) => ({ measure: `error rate % (${label})`, value: fmt((agg.rate(key) ?? NaN) * 100, 3), target })),
    ...[...usage].flatMap(([name, u]) => [
      { measure: `${name} CPU (cores, avg over ${wallSeconds.toFixed(0)} s)`, value: fmt(u.cpuSeconds / wallSeconds), target: '' },
      { measure: `${name} peak RSS MiB`, value: fmt(u.peakRssMiB, 1), target: '' },
    ]),
  ];
  // The platform does the same work per request in every run of this profile, so its CPU per
  // request tells a slow phase of a shared VM from a change in the runner (docs/benchmarks.md).
  const platform = usage.get('tenant-sim');
  if (platform && apiRequests) rows.push({ measure: 'tenant-sim CPU µs per API request (same work in every run: the machine speed)', value: fmt((platform.cpuSeconds / apiRequests) * 1e6, 1), target: '' });
  const runner = [...usage].filter(([name]) => name.startsWith('k6-offline')).reduce((a, [, u]) => a + u.cpuSeconds, 0);
  if (runner > 0 && iterations > 0) rows.push({ measure: 'k6-offline CPU µs per iteration (whole run)', value: fmt((runner / iterations) * 1e6, 1), target: '' });
  // The runner's own verdict on the machine (runner/README.md "Load generator health").
  const saturated = readHealthWarning(result.output);
  rows.push({
    measure: 'load generator saturated (k6-offline warning: seconds at >= 90 % CPU; drops in them)',
    value: saturated ? `${saturated.saturatedSeconds} of ${saturated.seconds} s${saturated.dropped === undefined ? '' : `; ${saturated.droppedWhileSaturated} of ${saturated.dropped} drops`}` : 'no',
    target: 'no',
  });
  if (result.evidence) {
    rows.push({ measure: 'auth.degraded events (platform)', value: result.evidence.degradedEvents, target: '> 0' });
    rows.push({ measure: 'tenants served (platform)', value: result.evidence.tenantsSeen, target: '>= 10' });
  }
  return {
    title: `End to end: ${o.rampUp} ramp-up, then ${o.rate} req/s to ${o.duration}, ${o.chaosDuration} JWKS outage (${o.chaosFault}), platform + ${n} runner process${n > 1 ? 'es' : ''} on one machine`,
    command: `npx tsx bench/e2e.ts --rate ${o.rate} --duration ${o.duration} --ramp-up ${o.rampUp} --chaos-start ${o.chaosStart} --chaos-duration ${o.chaosDuration} --chaos-fault ${o.chaosFault} --instances ${o.instances}`,
    rows,
    findings: [
      `The run exited ${result.exitCode}${result.exitCode === 0 ? ' (every SLO threshold held)' : ''}` +
        (n > 1 ? ` (instances: ${result.exitCodes.join(', ')}; the first non-zero in instance order counts).` : '.'),
      ...(n > 1 ? ['Counts are summed over instances and the achieved rate is derived from the sums; p95 is the highest instance p95 (percentiles do not add).'] : []),
      `Summary data: ${result.summaries.map((f) => relative(REPO_ROOT, f)).join(', ')}.`,
    ],
  };
}

if (isDirectRun('bench/e2e.ts')) {
  const args = process.argv.slice(2);
  const flag = (name: string, dflt: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
  };
  const o: E2eBenchOptions = {
    rate: Number(flag('rate', String(E2E_BENCH_DEFAULTS.rate))),
    duration: flag('duration', E2E_BENCH_DEFAULTS.duration),
    rampUp: flag('ramp-up', E2E_BENCH_DEFAULTS.rampUp),
    chaosStart: flag('chaos-start', E2E_BENCH_DEFAULTS.chaosStart),
    chaosDuration: flag('chaos-duration', E2E_BENCH_DEFAULTS.chaosDuration),
    instances: flag('instances', 'auto') === 'auto' ? 'auto' : Number(flag('instances', 'auto')),
    chaosFault: chaosFaultArg(flag('chaos-fault', E2E_BENCH_DEFAULTS.chaosFault), 'bench/e2e'),
  };
  if (o.instances !== 'auto' && !(Number.isInteger(o.instances) && o.instances >= 1 && o.instances <= 4)) {
    console.error(`bench/e2e: --instances must be auto or a whole number from 1 to 4 (got '${flag('instances', '')}')`);
    process.exit(2);
  }
  const section = await run(o);
  console.log(writeReport(join(REPO_ROOT, 'bench/reports/e2e'), 'End-to-end benchmark', [section]));
}
