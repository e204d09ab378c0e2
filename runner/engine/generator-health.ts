/**
 * Was the load generator itself the bottleneck? A warning at the test's end when the machine's
 * CPUs were saturated while the scenarios ran (runner/README.md "Load generator health").
 *
 * Why: an open-model test drops iterations when no VU is free, and on a saturated generator the
 * VUs wait for the CPU, not for the system under test — `dropped_iterations` and latencies then
 * measure the generator. k6 asks users to watch the load generator's CPU themselves (k6 docs,
 * "Running large tests": https://grafana.com/docs/k6/latest/testing-guides/running-large-tests/);
 * Grafana Cloud k6 raises a "health alert" about the load generator after the run
 * (https://grafana.com/docs/grafana-cloud/k6/analyze-results/get-performance-insights/). On a CI
 * runner shared with the platform under test this is the first question a failed gate raises,
 * so the runner answers it with the seconds in which the CPUs were busy and the drops in them.
 *
 * Measured once a second on the main thread: the machine's CPU time (all cores, `os.cpus()`, so a
 * neighbour process counts: it takes the cores from the VUs just the same) and, where cgroup v2
 * exposes it, the time the run's cgroup was throttled by a CPU quota (a container limit saturates
 * the runner although the host is idle). The pure part below takes those samples and the
 * `dropped_iterations` count at each sample and words the finding.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** A second counts as saturated when at least this share of the machine's CPU time was busy. */
export const SATURATED_BUSY = 0.9;
/** Without drops, the warning still shows when at least this share of seconds (and 3 s) was saturated. */
export const SATURATED_SHARE_ALONE = 0.1;
const SATURATED_SECONDS_ALONE = 3;

export interface HealthSample {
  /** Share of the machine's CPU time that was busy since the previous sample, 0..1. */
  busy: number;
  /** Whether the cgroup's CPU quota throttled the process since the previous sample. */
  throttled: boolean;
  /** `dropped_iterations` counted since the previous sample. */
  dropped: number;
}

export interface HealthFinding {
  seconds: number;
  saturatedSeconds: number;
  throttledSeconds: number;
  dropped: number;
  /** Drops counted in a saturated second or the one after it (samples reach the main thread in batches). */
  droppedWhileSaturated: number;
  meanBusy: number;
}

const saturated = (s: HealthSample): boolean => s.busy >= SATURATED_BUSY || s.throttled;

export function assessHealth(samples: readonly HealthSample[]): HealthFinding {
  let saturatedSeconds = 0;
  let throttledSeconds = 0;
  let dropped = 0;
  let droppedWhileSaturated = 0;
  let busySum = 0;
  samples.forEach((s, i) => {
    busySum += s.busy;
    dropped += s.dropped;
    if (saturated(s)) saturatedSeconds++;
    if (s.throttled) throttledSeconds++;
    const previous = samples[i - 1];
    if (saturated(s) || (previous !== undefined && saturated(previous))) droppedWhileSaturated += s.dropped;
  });
  return { seconds: samples.length, saturatedSeconds, throttledSeconds, dropped, droppedWhileSaturated, meanBusy: samples.length === 0 ? 0 : busySum / samples.length };
}

const pct = (x: number): string => `${Math.round(x * 100)} %`;

/** The warning to log, or undefined when the generator was not the bottleneck. */
export function healthWarning(f: HealthFinding, cores: number): string | undefined {
  if (f.saturatedSeconds === 0) return undefined;
  const share = f.saturatedSeconds / Math.max(1, f.seconds);
  if (f.droppedWhileSaturated === 0 && (share < SATURATED_SHARE_ALONE || f.saturatedSeconds < SATURATED_SECONDS_ALONE)) return undefined;
  const why = f.throttledSeconds > 0 ? `throttled by its CPU quota in ${f.throttledSeconds} s, ` : '';
  const drops = f.dropped > 0 ? `; ${f.droppedWhileSaturated} of the ${f.dropped} dropped_iterations fell in those seconds` : '';
  return (
    `load generator saturated: the machine's CPUs (${cores}) were at least ${pct(SATURATED_BUSY)} busy ${why}in ${f.saturatedSeconds} of the ${f.seconds} s the scenarios ran ` +
    `(${pct(f.meanBusy)} busy on average)${drops}. On a saturated generator VUs wait for the CPU, so dropped iterations and latencies measure the generator as well as the system under test: ` +
    'give the test more CPU (fewer neighbours, a larger machine, --execution-segment over several), or lower the rate'
  );
}

/** What a run's warning says, read back from its log (bench/e2e.ts); undefined when it has none. */
export function readHealthWarning(log: string): { saturatedSeconds: number; seconds: number; droppedWhileSaturated?: number; dropped?: number } | undefined {
  const m = /load generator saturated: .*? in (\d+) of the (\d+) s the scenarios ran .*?(?:; (\d+) of the (\d+) dropped_iterations fell in those seconds)?\./.exec(log);
  if (!m) return undefined;
  return { saturatedSeconds: Number(m[1]), seconds: Number(m[2]), ...(m[3] === undefined ? {} : { droppedWhileSaturated: Number(m[3]), dropped: Number(m[4]) }) };
}

/** Cumulative CPU times: what the sampler reads once a second (injectable for tests). */
export interface CpuTimesReader {
  /** Busy and total CPU milliseconds of all cores since boot. */
  machine(): { busyMs: number; totalMs: number };
  /** Microseconds the cgroup was throttled since it was created; undefined without cgroup v2 CPU stats. */
  throttledUsec(): number | undefined;
}

export const realCpuTimes: CpuTimesReader = {
  machine() {
    let busyMs = 0;
    let totalMs = 0;
    for (const c of cpus()) {
      const t = c.times;
      const total = t.user + t.nice + t.sys + t.idle + t.irq;
      totalMs += total;
      busyMs += total - t.idle;
    }
    return { busyMs, totalMs };
  },
  throttledUsec() {
    try {
      const m = /^throttled_usec (\d+)$/m.exec(readFileSync('/sys/fs/cgroup/cpu.stat', 'utf8'));
      return m ? Number(m[1]) : undefined;
    } catch {
      return undefined;
    }
  },
};

/** Samples once per `intervalMs` from `start()` to `stop()`; `stop()` returns the samples. */
export function sampleHealth(reader: CpuTimesReader, droppedSoFar: () => number, intervalMs = 1000): { stop(): HealthSample[] } {
  const samples: HealthSample[] = [];
  let last = reader.machine();
  let lastThrottled = reader.throttledUsec();
  // Without cgroup v2 CPU stats at the start there are none later: no file read each second.
  const throttledUsec = lastThrottled === undefined ? (): undefined => undefined : () => reader.throttledUsec();
  let lastDropped = droppedSoFar();
  const take = (): void => {
    const now = reader.machine();
    const throttled = throttledUsec();
    const dropped = droppedSoFar();
    const total = now.totalMs - last.totalMs;
    // A tick without CPU time (clock granularity) says nothing; the next one covers it.
    if (total <= 0) return;
    samples.push({
      busy: Math.min(1, Math.max(0, (now.busyMs - last.busyMs) / total)),
      throttled: throttled !== undefined && lastThrottled !== undefined && throttled > lastThrottled,
      dropped: dropped - lastDropped,
    });
    last = now;
    lastThrottled = throttled;
    lastDropped = dropped;
  };
  const timer = setInterval(take, intervalMs);
  timer.unref?.();
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
