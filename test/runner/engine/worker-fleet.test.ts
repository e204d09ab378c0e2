/**
 * VUs in worker threads (runner/engine/worker-fleet.ts, worker.ts) through the real CLI: one test
 * over several threads gives one-thread results, and JavaScript that never yields is interrupted
 * where k6 interrupts it — at the scenario's end (also inside a synchronous request), on exec.test.abort() and abortOnFail, at
 * setupTimeout/teardownTimeout/handleSummaryTimeout, and on SIGINT/SIGTERM (105; a second signal
 * exits at once); the thread running a VU keeps its priority while the others yield (Linux).
 * No timing is asserted: a run that did not stop would hit the test's timeout.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cliPath, runCli, SCRIPTS, type CliResult } from '../conformance/run-cli';
import { startServer } from '../conformance/server';

let base = '';
let server: Server;
beforeAll(async () => {
  await buildCli('worker-fleet');
  ({ base, server } = await startServer());
}, 60_000);
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const context = (r: CliResult): string => `exit ${r.code}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`;
const workers = (n: number): Record<string, string> => ({ K6_OFFLINE_WORKERS: String(n) });

/** Exit 0: the busy VU was stopped where k6 stops it; 99: only by ending its worker at the test's end. */
function expectBusyStopped(r: CliResult, exit: number): void {
  expect(r.code, context(r)).toBe(exit);
  expect(r.stderr.includes('worker thread was terminated'), context(r)).toBe(exit !== 0);
}

describe('one test over several worker threads', () => {
  it('gives the metrics, checks and thresholds of a run on the main thread', async () => {
    const [main, one, two] = await Promise.all([0, 1, 2].map((n) => runCli('merged-metrics.js', [], workers(n))));
    for (const r of [main!, one!, two!]) expect(r.code, context(r)).toBe(0);
    const m = (r: CliResult): unknown => {
      const x = r.exported!.metrics;
      return { trend: x.merged_trend, odd: x['merged_trend{kind:odd}'], count: (x.merged_counter as Record<string, number>).count, rate: x.merged_rate, checks: r.exported!.root_group };
    };
    expect(m(one!)).toEqual(m(main!));
    expect(m(two!)).toEqual(m(main!));
    expect((main!.exported!.metrics.merged_counter as Record<string, number>).count).toBe(200);
  });

  it.each([
    ['-1', 'negative'],
    ['65', 'over the limit'],
    ['two', 'not a number'],
  ])('K6_OFFLINE_WORKERS=%s (%s) exits 104 naming the variable and its range', async (value) => {
    const r = await runCli('per-vu-iterations.js', [], { K6_OFFLINE_WORKERS: value });
    expect(r.code, context(r)).toBe(104);
    expect(r.stderr).toContain('K6_OFFLINE_WORKERS: must be an integer from 0');
  });
});

describe('JavaScript that never yields is interrupted as k6 interrupts it', () => {
  const cases: Array<{ name: string; script: string; exit: number; stderr?: string[]; env?: Record<string, string>; server?: boolean }> = [
    { name: 'an iteration busy at the end of its scenario (gracefulStop 0s) is interrupted; teardown runs; exit 0', script: 'busy-iteration-stops.js', exit: 0, stderr: ['TEARDOWN RAN'] },
    { name: 'a VU blocked in a synchronous request past the scenario end is interrupted; teardown runs; exit 0', script: 'busy-sync-request.js', exit: 0, stderr: ['TEARDOWN RAN'], server: true },
    { name: 'exec.test.abort() in one VU interrupts a VU busy in another thread: exit 108, teardown runs', script: 'busy-vu-abort-108.js', exit: 108, stderr: ['test aborted: enough', 'TEARDOWN RAN'], env: workers(2) },
    { name: 'an abortOnFail threshold on the merged metrics interrupts a busy VU: exit 99', script: 'busy-abort-on-fail-99.js', exit: 99, stderr: ['bad_things'], env: workers(2) },
    { name: 'a busy setup() is stopped at setupTimeout: exit 100', script: 'busy-setup-100.js', exit: 100, stderr: ['setup() execution timed out after 1 seconds'] },
    { name: 'a busy teardown() is stopped at teardownTimeout: exit 101', script: 'busy-teardown-101.js', exit: 101, stderr: ['teardown() execution timed out after 1 seconds'] },
    { name: 'a busy handleSummary() is stopped at handleSummaryTimeout with k6\'s timeout exit code', script: 'busy-handle-summary.js', exit: 102, stderr: ['handleSummary() timed out after 1s'] },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await runCli(c.script, c.server ? ['-e', `BASE=${base}`] : [], c.env ?? {});
      expect(r.code, context(r)).toBe(c.exit);
      for (const s of c.stderr ?? []) expect(r.stderr, context(r)).toContain(s);
    });
  }
});

describe('a VU busy in a scenario that ends before the others', () => {
  it.each([
    ['on the main thread', 0],
    ['in a worker thread it shares with the other scenario\'s VU', 1],
  ])('is interrupted at its own scenario\'s end (%s), and the other scenario keeps iterating', async (_where, n) => {
    const r = await runCli('busy-early-scenario.js', [], workers(n));
    expect(r.code, context(r)).toBe(0);
    const steady = r.exported!.metrics['iterations{scenario:steady}'] as Record<string, number>;
    expect(steady.count, context(r)).toBeGreaterThanOrEqual(20);
    expect(r.stderr, context(r)).not.toContain('worker thread was terminated');
  });

  it.each([
    ['after iterations of 60 ms it is stopped at its scenario\'s end', '60', 0],
    ['after iterations of 1 ms (not timed again) it is stopped only at the test\'s end (a stated difference)', '1', 99],
  ])('that spins after three iterations: %s', async (_t, pauseMs, exit) => {
    expectBusyStopped(await runCli('busy-after-iterations.js', ['-e', `PAUSE_MS=${pauseMs}`], workers(1)), exit);
  });

  it('is not timed once its function returned a promise, and is stopped only at the test\'s end (a stated difference)', async () => {
    expectBusyStopped(await runCli('busy-after-promise.js', [], workers(1)), 99);
  });
});

describe('what one VU\'s exec function did, in the shared realm', () => {
  it.each([
    ['isolated', 0],
    ['shared', 99],
  ] as const)('K6_OFFLINE_VU_REALM=%s: a VU spinning after another VU\'s copy returned a promise exits %i', async (realm, exit) => {
    // isolated: the spinning VU is timed and stopped at its scenario's end. shared: it is not
    // timed (one code for every VU) and is stopped only at the test's end, a stated difference.
    expectBusyStopped(await runCli('busy-after-other-vu-promise.js', [], { ...workers(1), K6_OFFLINE_VU_REALM: realm }), exit);
  });
});

describe('a VU busy when a ramp-down takes it away', () => {
  it.each([
    ['on the main thread', 0],
    ['in a worker thread it shares with the VU the ramp-down keeps', 1],
  ])('is interrupted gracefulRampDown after the ramp-down (%s), and the other VU keeps iterating', async (_where, n) => {
    const r = await runCli('busy-ramp-down.js', [], workers(n));
    expect(r.code, context(r)).toBe(0);
    expect((r.exported!.metrics.iterations as Record<string, number>).count, context(r)).toBeGreaterThanOrEqual(20);
    expect(r.stderr, context(r)).not.toContain('worker thread was terminated');
  });
});

describe('signals during busy JavaScript', () => {
  /** Starts the busy run and resolves with the child once its iteration has started. */
  function startBusy(env: Record<string, string> = {}): Promise<{ child: ReturnType<typeof spawn>; out: { stdout: string; stderr: string }; closed: Promise<number | null> }> {
    const child = spawn(process.execPath, [cliPath(), 'run', join(SCRIPTS, 'busy-long-run.js')], { cwd: mkdtempSync(join(tmpdir(), 'k6-offline-busy-')), env: { PATH: process.env.PATH ?? '', ...env } });
    const out = { stdout: '', stderr: '' };
    const closed = new Promise<number | null>((r) => child.on('close', r));
    return new Promise((resolve) => {
      child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
      child.stderr!.on('data', (d: Buffer) => {
        out.stderr += d.toString();
        if (out.stderr.includes('BUSY')) resolve({ child, out, closed });
      });
    });
  }

  /** Per thread of `pid`: CPU ticks so far and nice value (proc(5): fields 14+15 and 19 of stat). */
  function threadStats(pid: number): Map<number, { cpu: number; nice: number }> {
    const out = new Map<number, { cpu: number; nice: number }>();
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3
        out.set(Number(tid), { cpu: Number(f[11]) + Number(f[12]), nice: Number(f[16]) });
      } catch {
        // the thread exited between the listing and the read
      }
    }
    return out;
  }

  it.runIf(process.platform === 'linux').each([
    ['on a worker thread', 10, '1'],
    ['on the main thread', 0, '0'],
  ] as const)('while a VU runs %s, the thread running it keeps nice 0, the main thread has nice %d and the helper threads 10', async (_where, mainNice, n) => {
    const { child, closed } = await startBusy(workers(Number(n)));
    try {
      const pid = child.pid!;
      const before = threadStats(pid);
      await new Promise((r) => setTimeout(r, 500));
      const after = threadStats(pid);
      const used = [...after].map(([tid, t]) => ({ tid, nice: t.nice, ticks: t.cpu - (before.get(tid)?.cpu ?? t.cpu) }));
      const busiest = used.reduce((a, b) => (b.ticks > a.ticks ? b : a));
      const seen = JSON.stringify({ pid, used });
      expect(busiest.tid === pid, seen).toBe(n === '0');
      expect(busiest.nice, seen).toBe(0);
      expect(after.get(pid)?.nice, seen).toBe(mainNice);
      expect(used.filter((t) => t.tid !== pid && t.nice === 10).length, seen).toBeGreaterThanOrEqual(1);
    } finally {
      child.kill('SIGKILL');
      await closed;
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s ends a run whose VU is busy with 105, after teardown and the summary', async (signal) => {
    const { child, out, closed } = await startBusy();
    child.kill(signal);
    expect(await closed, out.stderr).toBe(105);
    expect(out.stderr).toContain('TEARDOWN RAN');
    expect(out.stdout).toContain('TOTAL RESULTS');
  });

  it('a second signal exits 105 at once, without waiting for the busy VU, teardown or the summary', async () => {
    const { child, out, closed } = await startBusy();
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (out.stderr.includes('Stopping the test run')) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    child.kill('SIGTERM');
    expect(await closed, out.stderr).toBe(105);
    expect(out.stderr).not.toContain('TEARDOWN RAN');
    expect(out.stdout).not.toContain('TOTAL RESULTS');
  });
});
