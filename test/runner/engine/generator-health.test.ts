/**
 * The load generator's health (runner/engine/generator-health.ts): the finding over tables of
 * per-second samples, the sampler over fake CPU times and fake timers, and one real run (VUs on
 * this thread, real drops) whose machine is reported saturated or idle by a fake CPU reader.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assessHealth, healthWarning, readHealthWarning, sampleHealth, SATURATED_BUSY, type CpuTimesReader, type HealthSample } from '../../../runner/engine/generator-health';
import { runTest } from '../../../runner/engine/run-test';
import { parseArgs } from '../../../runner/options/cli-args';

const s = (busy: number, dropped = 0, throttled = false): HealthSample => ({ busy, dropped, throttled });
const idle = (n: number): HealthSample[] => Array.from({ length: n }, () => s(0.3));

describe('the load generator health finding', () => {
  const cases: Array<{ name: string; samples: HealthSample[]; warns: boolean; saturated: number; droppedWhileSaturated: number }> = [
    { name: 'says nothing about a run whose CPUs never reached the saturation level', samples: [...idle(8), s(0.89, 40)], warns: false, saturated: 0, droppedWhileSaturated: 0 },
    { name: 'warns when iterations were dropped in a saturated second', samples: [...idle(20), s(0.97, 120), ...idle(20)], warns: true, saturated: 1, droppedWhileSaturated: 120 },
    { name: 'counts drops of the second after a saturated one (samples reach the main thread in batches)', samples: [...idle(20), s(1), s(0.4, 300), s(0.4, 7), ...idle(5)], warns: true, saturated: 1, droppedWhileSaturated: 300 },
    { name: 'says nothing about a short saturated blip without drops', samples: [...idle(30), s(1), s(1)], warns: false, saturated: 2, droppedWhileSaturated: 0 },
    { name: 'warns without drops when at least a tenth of the run (and 3 s) was saturated: latencies then include the generator', samples: [...idle(20), s(0.95), s(0.95), s(0.95)], warns: true, saturated: 3, droppedWhileSaturated: 0 },
    { name: 'counts a second throttled by a CPU quota as saturated, however idle the machine', samples: [...idle(10), s(0.2, 50, true), ...idle(10)], warns: true, saturated: 1, droppedWhileSaturated: 50 },
    { name: 'says nothing about a run without samples', samples: [], warns: false, saturated: 0, droppedWhileSaturated: 0 },
  ];
  it.each(cases)('$name', ({ samples, warns, saturated, droppedWhileSaturated }) => {
    const f = assessHealth(samples);
    expect(f.saturatedSeconds).toBe(saturated);
    expect(f.droppedWhileSaturated).toBe(droppedWhileSaturated);
    expect(healthWarning(f, 2) !== undefined).toBe(warns);
  });

  it('names the saturated seconds, the drops in them and what to do', () => {
    const w = healthWarning(assessHealth([...idle(9), s(0.99, 90), s(0.5, 10)]), 2)!;
    expect(w).toContain(`at least ${Math.round(SATURATED_BUSY * 100)} % busy in 1 of the 11 s`);
    expect(w).toContain('100 of the 100 dropped_iterations fell in those seconds');
    expect(w).toContain("machine's CPUs (2)");
    expect(w).toMatch(/lower the rate/);
  });

  it('is read back from a log as the bench reads it, with or without drops', () => {
    const withDrops = healthWarning(assessHealth([...idle(9), s(0.99, 90), s(0.5, 10)]), 2)!;
    expect(readHealthWarning(`INFO[0001] x\nWARN[0011] ${withDrops}\n`)).toEqual({ saturatedSeconds: 1, seconds: 11, droppedWhileSaturated: 100, dropped: 100 });
    expect(readHealthWarning(healthWarning(assessHealth([...idle(20), s(0.95), s(0.95), s(0.95)]), 2)!)).toEqual({ saturatedSeconds: 3, seconds: 23 });
    expect(readHealthWarning('WARN[0001] Insufficient VUs, reached 1 active VUs')).toBeUndefined();
  });

  it('says when a CPU quota throttled the run', () => {
    expect(healthWarning(assessHealth([s(0.1, 5, true)]), 4)).toContain('throttled by its CPU quota in 1 s');
  });
});

/** Cumulative CPU times that advance by `busyShare` of `cores` x elapsed fake time at each read. */
function fakeCpu(cores: number, busyShare: () => number, throttledUsec: () => number | undefined = () => undefined): CpuTimesReader {
  let busyMs = 0;
  let totalMs = 0;
  let lastAt = Date.now();
  return {
    machine() {
      const dt = (Date.now() - lastAt) * cores;
      lastAt = Date.now();
      busyMs += dt * busyShare();
      totalMs += dt;
      return { busyMs, totalMs };
    },
    throttledUsec,
  };
}

describe('the sampler', () => {
  afterEach(() => vi.useRealTimers());

  it('takes one sample a second with the busy share of the machine and the drops since the last one', () => {
    vi.useFakeTimers();
    const shares = [0.5, 0.95, 0.25];
    let second = 0;
    let dropped = 0;
    const sampler = sampleHealth(fakeCpu(2, () => shares[second] ?? 0), () => dropped);
    for (const d of [3, 40, 0]) {
      dropped += d;
      vi.advanceTimersByTime(1000);
      second++;
    }
    const samples = sampler.stop();
    expect(samples.map((x) => x.busy)).toEqual([0.5, 0.95, 0.25]);
    expect(samples.map((x) => x.dropped)).toEqual([3, 40, 0]);
    expect(samples.every((x) => !x.throttled)).toBe(true);
  });

  it('marks a second throttled when the cgroup throttled time grew in it', () => {
    vi.useFakeTimers();
    const throttled = [0, 0, 1500, 1500];
    let reads = 0;
    const sampler = sampleHealth(fakeCpu(1, () => 0.2, () => throttled[Math.min(reads++, throttled.length - 1)]), () => 0);
    vi.advanceTimersByTime(3000);
    expect(sampler.stop().map((x) => x.throttled)).toEqual([false, true, false]);
  });

  it('skips a tick in which no CPU time passed instead of reporting a busy share out of nothing', () => {
    vi.useFakeTimers();
    const sampler = sampleHealth({ machine: () => ({ busyMs: 10, totalMs: 20 }), throttledUsec: () => undefined }, () => 0);
    vi.advanceTimersByTime(3000);
    expect(sampler.stop()).toEqual([]);
  });
});

describe('a run on a saturated load generator', () => {
  // 20 starts a second for 3 s with one VU busy 180 ms per iteration: most starts are dropped.
  const script = `export const options = { scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '3s', preAllocatedVUs: 1, maxVUs: 1 } } };
export default async function () { await new Promise((r) => setTimeout(r, 180)); }
`;
  async function run(busy: number): Promise<{ code: number; stderr: string; dropped: number }> {
    const dir = mkdtempSync(join(tmpdir(), 'gen-health-'));
    const file = join(dir, 'script.js');
    writeFileSync(file, script);
    const cmd = parseArgs(['run', '--quiet', file]);
    if (cmd.kind !== 'run') throw new Error('expected a run command');
    let stderr = '';
    const r = await runTest(cmd.script, cmd.flags, {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      isStdOutTTY: false,
      isStdErrTTY: false,
      env: { K6_OFFLINE_WORKERS: '0' },
      cwd: dir,
      cpuTimes: fakeCpu(2, () => busy),
    });
    const metrics = (r.summary as { metrics: Record<string, { values: { count: number } }> }).metrics;
    return { code: r.exitCode, stderr, dropped: metrics.dropped_iterations!.values.count };
  }

  it('warns at the end of the scenarios, naming the drops that fell in saturated seconds', async () => {
    const r = await run(1);
    expect(r.code).toBe(0);
    expect(r.dropped).toBeGreaterThan(20);
    expect(r.stderr).toMatch(new RegExp(`WARN\\[\\d{4}\\] load generator saturated: .* in \\d of the \\d s the scenarios ran .*; ${r.dropped} of the ${r.dropped} dropped_iterations fell in those seconds`));
  }, 20_000);

  it('says nothing when the same drops happen on an idle machine (then the VUs, not the CPU, were short)', async () => {
    const r = await run(0.2);
    expect(r.dropped).toBeGreaterThan(20);
    expect(r.stderr).not.toContain('load generator saturated');
    expect(r.stderr).toContain('Insufficient VUs');
  }, 20_000);
});
