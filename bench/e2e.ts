/**
 * The full profile on one machine: the reference platform and the offline runner co-located,
 * 5,000 requests/s for 5 minutes with a 60 s JWKS outage (cache fallback expected). Reports the
 * achieved rate, dropped iterations, p95 per kind, error rate per phase (from the bundle's
 * summary.json, i.e. k6's handleSummary data) and each process's CPU and peak RSS.
 *
 * Standalone: `npm run build && npx tsx bench/e2e.ts [--duration 5m --chaos-duration 60s]`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseGoDuration } from '../disruptor/http-fault';
import { DEFAULT_START_OPTIONS, type StartOptions } from '../launch/options';
import { REPO_ROOT, runStack } from '../launch/stack';
import { sampleProcess, type ProcUsage } from './proc-sampler';
import { writeReport, type BenchSection } from './report';

interface SummaryMetric {
  values?: Record<string, number>;
}
/** The bundle's summary.json: its verdict plus k6's handleSummary data under `k6`. */
type SummaryData = { k6?: { metrics?: Record<string, SummaryMetric> } };

const fmt = (n: number | undefined, digits = 2): string => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(digits));

export interface E2eBenchOptions {
  rate: number;
  duration: string;
  chaosStart: string;
  chaosDuration: string;
}

export const E2E_BENCH_DEFAULTS: E2eBenchOptions = { rate: 5000, duration: '5m', chaosStart: '90s', chaosDuration: '60s' };

export async function run(o: E2eBenchOptions = E2E_BENCH_DEFAULTS): Promise<BenchSection> {
  const opts: StartOptions = {
    ...DEFAULT_START_OPTIONS,
    rate: o.rate,
    duration: o.duration,
    chaos: 'fallback',
    chaosStart: o.chaosStart,
    chaosDuration: o.chaosDuration,
    engine: 'offline',
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

  const summary = JSON.parse(readFileSync(result.summaryJson, 'utf8')) as SummaryData;
  const m = (key: string, stat: string): number | undefined => summary.k6?.metrics?.[key]?.values?.[stat];
  const loadSeconds = (parseGoDuration(o.duration) as number) / 1000;
  const reads = m('http_reqs{kind:read}', 'count');
  const writes = m('http_reqs{kind:write}', 'count');
  const apiRequests = reads !== undefined && writes !== undefined ? reads + writes : m('iterations', 'count');
  const dropped = m('dropped_iterations', 'count') ?? 0;
  const iterations = m('iterations', 'count') ?? 0;

  const rows: BenchSection['rows'] = [
    { measure: 'exit code', value: result.exitCode, target: '0' },
    { measure: 'achieved API req/s', value: fmt(apiRequests !== undefined ? apiRequests / loadSeconds : undefined, 0), target: `${o.rate}` },
    { measure: 'dropped iterations %', value: fmt((dropped / Math.max(1, iterations + dropped)) * 100, 3), target: '< 1' },
    { measure: 'p95 read ms', value: fmt(m('http_req_duration{kind:read}', 'p(95)')), target: '< 300' },
    { measure: 'p95 write ms', value: fmt(m('http_req_duration{kind:write}', 'p(95)')), target: '< 600' },
    ...['baseline', 'chaos', 'recovery'].map((phase) => ({
      measure: `error rate % (${phase})`,
      value: fmt(((m(`http_req_failed{traffic:api,phase:${phase}}`, 'rate') ?? NaN) * 100), 3),
      target: phase === 'chaos' ? '< 1' : '< 0.5',
    })),
    ...[...usage].flatMap(([name, u]) => [
      { measure: `${name} CPU (cores, avg over ${wallSeconds.toFixed(0)} s)`, value: fmt(u.cpuSeconds / wallSeconds), target: '' },
      { measure: `${name} peak RSS MiB`, value: fmt(u.peakRssMiB, 1), target: '' },
    ]),
  ];
  if (result.evidence) {
    rows.push({ measure: 'auth.degraded events (platform)', value: result.evidence.degradedEvents, target: '> 0' });
    rows.push({ measure: 'tenants served (platform)', value: result.evidence.tenantsSeen, target: '>= 10' });
  }
  return {
    title: `End to end: ${o.rate} req/s for ${o.duration}, ${o.chaosDuration} JWKS outage, platform + runner on one machine`,
    command: `npx tsx bench/e2e.ts --duration ${o.duration} --chaos-duration ${o.chaosDuration}`,
    rows,
    findings: [
      `The run exited ${result.exitCode}${result.exitCode === 0 ? ' (every SLO threshold held)' : ''}.`,
      `Summary data: ${join('bench/out/e2e', 'summary.json')}.`,
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const flag = (name: string, dflt: string): string => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 && args[i + 1] ? (args[i + 1] as string) : dflt;
  };
  const o: E2eBenchOptions = {
    rate: Number(flag('rate', String(E2E_BENCH_DEFAULTS.rate))),
    duration: flag('duration', E2E_BENCH_DEFAULTS.duration),
    chaosStart: flag('chaos-start', E2E_BENCH_DEFAULTS.chaosStart),
    chaosDuration: flag('chaos-duration', E2E_BENCH_DEFAULTS.chaosDuration),
  };
  const section = await run(o);
  console.log(writeReport(join(REPO_ROOT, 'bench/reports/e2e'), 'End-to-end benchmark', [section]));
}
