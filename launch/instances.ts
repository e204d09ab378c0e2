/**
 * Several runner processes for one run, the k6 Operator's way (docs/k6-semantics.md#execution-segments): runner
 * i of N gets the segment `(i-1)/N:i/N` and the full sequence (`K6_EXECUTION_SEGMENT` / `_SEQUENCE`), so
 * the arrival rate is striped across them, the 1-VU fault scenario lands on instance 1 only, and
 * every instance runs setup/teardown and evaluates its own thresholds. Pure: test/launch checks it.
 */
import { join } from 'node:path';
import type { StartOptions } from './options';

export const MAX_INSTANCES = 4;

export interface InstancePlan {
  /** 1-based, as the Operator numbers its runners. */
  index: number;
  count: number;
  /** `undefined` for a single instance (k6's default segment `0:1`, no flags passed). */
  segment?: string;
  sequence?: string;
  summaryJson: string;
  junitXml: string;
  /** k6's JSON output of this instance (`--out json=…`), gzip: what tenant-verdict reads. */
  resultsJson: string;
}

/**
 * How many runner processes: an explicit 1..4 (the k6 Operator's layout), or `auto` = 1. One
 * runner command uses every core — k6 is multi-threaded, and the offline runner spreads its VUs
 * over worker threads (runner/README.md "Worker threads"); measured side by side at 5,000/s with
 * the platform co-located, one command with 2 workers ran as many iterations as 2 segment
 * processes for less CPU per iteration (bench/reports/workers.md).
 */
export function resolveInstances(instances: StartOptions['instances'], _engine: 'offline' | 'k6', _rate: number): number {
  return instances === 'auto' ? 1 : instances;
}

/** `k/N` as the Operator writes it, with the ends as `0` and `1`. */
const fraction = (k: number, n: number): string => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`);

/** `0,1/N,…,(N-1)/N,1`. */
export function segmentSequence(n: number): string {
  return Array.from({ length: n + 1 }, (_, k) => fraction(k, n)).join(',');
}

/** `(i-1)/N:i/N` for 1-based `i`. */
export function segmentOf(index: number, n: number): string {
  return `${fraction(index - 1, n)}:${fraction(index, n)}`;
}

/**
 * One plan per instance. Output files: `summary.json` / `junit.xml` / `results.json.gz` for a
 * single instance, `summary-<i>.json` / `junit-<i>.xml` / `results-<i>.json.gz` for several, all
 * in `outDir`.
 */
export function planInstances(n: number, outDir: string): InstancePlan[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_INSTANCES) throw new RangeError(`instances must be 1 to ${MAX_INSTANCES} (got ${n})`);
  if (n === 1) return [{ index: 1, count: 1, summaryJson: join(outDir, 'summary.json'), junitXml: join(outDir, 'junit.xml'), resultsJson: join(outDir, 'results.json.gz') }];
  const sequence = segmentSequence(n);
  return Array.from({ length: n }, (_, k) => ({
    index: k + 1,
    count: n,
    segment: segmentOf(k + 1, n),
    sequence,
    summaryJson: join(outDir, `summary-${k + 1}.json`),
    junitXml: join(outDir, `junit-${k + 1}.xml`),
    resultsJson: join(outDir, `results-${k + 1}.json.gz`),
  }));
}

/**
 * The output flags of one instance: k6's JSON output into its `resultsJson` always; with a
 * Prometheus URL also the remote-write output, tagged `testid` (and `instance_id` when there are
 * several, as the k6 Operator tags its runners) so the instances' series stay apart.
 */
export function outputArgs(plan: InstancePlan, prometheus: string | undefined, testid: string): string[] {
  const args = ['--out', `json=${plan.resultsJson}`];
  if (prometheus === undefined) return args;
  args.push('--out', 'experimental-prometheus-rw', '--tag', `testid=${testid}`);
  if (plan.count > 1) args.push('--tag', `instance_id=${plan.index}`);
  return args;
}

/** The remote-write variables of `--prometheus` (k6's names; p95 and p99 for the dashboard's row; series end with the run). */
export function remoteWriteEnv(prometheus: string | undefined): Record<string, string> {
  return prometheus === undefined
    ? {}
    : { K6_PROMETHEUS_RW_SERVER_URL: prometheus, K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s', K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),avg,max', K6_PROMETHEUS_RW_STALE_MARKERS: 'true' };
}

/**
 * One instance's segment, as k6's own option variables (none for a single instance). Both k6 and
 * k6-offline read them; unlike the equivalent flags they also reach the script's `__ENV`, so the
 * bundle scales its dropped-iterations budget to this instance's share (lib/config.ts).
 */
export function segmentEnv(plan: InstancePlan): Record<string, string> {
  return plan.segment && plan.sequence ? { K6_EXECUTION_SEGMENT: plan.segment, K6_EXECUTION_SEGMENT_SEQUENCE: plan.sequence } : {};
}

/** The header printed above an instance's captured stdout. */
export function instanceHeader(plan: InstancePlan): string {
  return `──── instance ${plan.index}/${plan.count} (execution segment ${plan.segment ?? '0:1'}) ────`;
}

/** The prefix of an instance's live stderr lines when several run at once. */
export function instancePrefix(plan: InstancePlan): string {
  return plan.count > 1 ? `[${plan.index}/${plan.count}] ` : '';
}

/**
 * The run's exit code: 0 when every instance exited 0, else the first non-zero code in instance
 * order (instance 1 first: it also ran the fault scenario). As on the Operator, each instance
 * judges its own thresholds, so any instance's 99 fails the run.
 */
export function runExitCode(codes: readonly number[]): number {
  return codes.find((c) => c !== 0) ?? 0;
}
