/**
 * The VU-based executors under a fake clock (docs/k6-semantics.md#executors–k6-semantics.md#dropped-iterations): exact iteration counts,
 * drops at maxDuration, graceful stop and ramping plans.
 */
import { describe, expect, it } from 'vitest';
import { ConstantVus } from '../../../runner/executors/constant-vus';
import { PerVuIterations } from '../../../runner/executors/per-vu-iterations';
import { planRampingVus, rampDownCutMs, RampingVus } from '../../../runner/executors/ramping-vus';
import { planSharedIterations, SharedIterations } from '../../../runner/executors/shared-iterations';
import { ExecutionTuple, parseSegment, parseSequence, resolveSequence } from '../../../runner/options/execution-segment';
import type { ConstantVusConfig, PerVuIterationsConfig, RampingVusConfig, SharedIterationsConfig } from '../../../runner/options/scenario-config';
import { FakeClock } from '../fake-clock';
import { fakeHost } from './fake-host';

const full = ExecutionTuple.full();
const base = { name: 's', startTimeMs: 0, gracefulStopMs: 30_000, exec: 'default', env: {}, tags: {} };

function tupleFor(segment: string, sequence = '0,1/4,1/2,3/4,1'): ExecutionTuple {
  const seg = parseSegment(segment);
  const seq = parseSequence(sequence);
  if (typeof seg === 'string' || typeof seq === 'string') throw new Error('bad test input');
  const r = resolveSequence(seg, seq);
  if (typeof r === 'string') throw new Error(r);
  return ExecutionTuple.fromBounds(r.bounds, r.index);
}

async function runToEnd(ex: { run(): Promise<void> }, clock: FakeClock, until: number): Promise<void> {
  const done = ex.run();
  await clock.advanceTo(until);
  await done;
}

describe('shared-iterations', () => {
  const cfg: SharedIterationsConfig = { ...base, executor: 'shared-iterations', vus: 2, iterations: 10, maxDurationMs: 600_000 };

  it('VUs share the iterations and finish as soon as they are done', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 100 });
    const ex = new SharedIterations(cfg, host, full);
    await runToEnd(ex, clock, 10_000);
    expect(host.started).toHaveLength(10);
    expect(Math.max(...host.started)).toBe(400);
    expect(host.dropped).toBe(0);
  });

  it('at maxDuration drops the unstarted iterations in one sample and interrupts after gracefulStop', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 300 });
    const ex = new SharedIterations({ ...cfg, vus: 1, iterations: 100, maxDurationMs: 1000, gracefulStopMs: 0 }, host, full);
    await runToEnd(ex, clock, 10_000);
    expect(ex.progress()).toMatchObject({ completed: 3, interrupted: 1 });
    expect(host.dropSamples).toEqual([96]);
  });

  it.each([
    ['0:1/4', 3, 6],
    ['1/4:1/2', 3, 6],
    ['1/2:3/4', 2, 4],
    ['3/4:1', 2, 4],
  ])('segment %s of 10 VUs × 20 iterations gets %i VUs and %i iterations (docs/k6-semantics.md#execution-segments)', (segment, vus, iterations) => {
    expect(planSharedIterations({ ...cfg, vus: 10, iterations: 20 }, tupleFor(segment))).toMatchObject({ vus, iterations });
  });

  it('a 1 VU × 1 iteration scenario runs only on the first of 4 instances (docs/k6-semantics.md#execution-segments)', () => {
    const plans = ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'].map((s) => planSharedIterations({ ...cfg, vus: 1, iterations: 1 }, tupleFor(s)));
    expect(plans.map((p) => [p.vus, p.iterations])).toEqual([[1, 1], [0, 0], [0, 0], [0, 0]]);
  });
});

describe('per-vu-iterations', () => {
  it('each VU runs its own iterations', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 50 });
    const cfg: PerVuIterationsConfig = { ...base, executor: 'per-vu-iterations', vus: 3, iterations: 4, maxDurationMs: 600_000 };
    const ex = new PerVuIterations(cfg, host, full);
    await runToEnd(ex, clock, 10_000);
    expect(host.started).toHaveLength(12);
    expect(new Set(host.indexes).size).toBe(12);
  });

  it('drops each VU’s remaining iterations at maxDuration (one sample per VU)', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 400 });
    const cfg: PerVuIterationsConfig = { ...base, executor: 'per-vu-iterations', vus: 2, iterations: 10, maxDurationMs: 1000, gracefulStopMs: 0 };
    const ex = new PerVuIterations(cfg, host, full);
    await runToEnd(ex, clock, 10_000);
    expect(ex.progress()).toMatchObject({ completed: 4, interrupted: 2 });
    expect(host.dropSamples).toEqual([7, 7]);
  });
});

describe('constant-vus', () => {
  const cfg: ConstantVusConfig = { ...base, executor: 'constant-vus', vus: 2, durationMs: 1000 };

  it('iterations started before the end finish within gracefulStop', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 300 });
    const ex = new ConstantVus(cfg, host, full);
    await runToEnd(ex, clock, 60_000);
    expect(ex.progress()).toMatchObject({ completed: 8, interrupted: 0 });
  });

  it('gracefulStop 0 interrupts what is still running at the end', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 300 });
    const ex = new ConstantVus({ ...cfg, gracefulStopMs: 0 }, host, full);
    await runToEnd(ex, clock, 60_000);
    expect(ex.progress()).toMatchObject({ completed: 6, interrupted: 2 });
  });

  it('stop() interrupts at once (test abort)', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 300 });
    const ex = new ConstantVus(cfg, host, full);
    const done = ex.run();
    await clock.advanceTo(450);
    ex.stop();
    await clock.advanceTo(60_000);
    await done;
    expect(ex.progress()).toMatchObject({ completed: 2, interrupted: 2 });
  });
});

describe('ramping-vus', () => {
  it('plans one VU step at a time, evenly spaced within a stage', () => {
    expect(planRampingVus(0, [{ durationMs: 1000, target: 4 }, { durationMs: 1000, target: 2 }], full)).toEqual([
      { atMs: 0, vus: 0 },
      { atMs: 250, vus: 1 },
      { atMs: 500, vus: 2 },
      { atMs: 750, vus: 3 },
      { atMs: 1000, vus: 4 },
      { atMs: 1500, vus: 3 },
      { atMs: 2000, vus: 2 },
    ]);
  });

  it('scales each step with the execution segment', () => {
    const steps = planRampingVus(0, [{ durationMs: 1000, target: 8 }], tupleFor('0:1/4'));
    expect(steps.map((s) => s.vus)).toEqual([0, 1, 2]);
  });

  it('runs up to the planned VUs and ends after the last stage', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 100 });
    const cfg: RampingVusConfig = { ...base, executor: 'ramping-vus', startVUs: 1, stages: [{ durationMs: 1000, target: 3 }], gracefulRampDownMs: 0 };
    const ex = new RampingVus(cfg, host, full);
    expect(ex.maxVUs).toBe(3);
    await runToEnd(ex, clock, 5000);
    // The step to 3 VUs falls on the end of the last stage, so the third VU never starts an
    // iteration. VU1: 10 iterations in 1 s; VU2 from 500 ms: 5.
    expect(host.maxActive).toBe(2);
    expect(ex.progress().completed).toBe(15);
  });

  /** 2 VUs of 700 ms iterations for 1 s, then 1 VU for 1 s; gracefulRampDown 100 ms. */
  async function runRampDownToOne(): Promise<{ ex: RampingVus; host: ReturnType<typeof fakeHost> }> {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 700 });
    const stages = [
      { durationMs: 1000, target: 2 },
      { durationMs: 0, target: 1 },
      { durationMs: 1000, target: 1 },
    ];
    const cfg: RampingVusConfig = { ...base, executor: 'ramping-vus', startVUs: 2, stages, gracefulRampDownMs: 100 };
    const ex = new RampingVus(cfg, host, full);
    await runToEnd(ex, clock, 60_000);
    return { ex, host };
  }

  it('a ramp-down lets the removed VU finish within gracefulRampDown, then cuts it', async () => {
    const { ex } = await runRampDownToOne();
    // VU2's iteration started at 700 ms is still running when it is removed at 1000 ms: cut at 1100 ms.
    // VU1 runs 0, 700, 1400 (the last finishes within gracefulStop); VU2 completed the one at 0.
    expect(ex.progress()).toMatchObject({ completed: 4, interrupted: 1 });
  });

  // 2 VUs until 1000 ms, 1 until 2050 ms, 2 until 3000 ms, then 0.
  const ramp = [
    { atMs: 0, vus: 2 },
    { atMs: 1000, vus: 1 },
    { atMs: 2000, vus: 1 },
    { atMs: 2050, vus: 2 },
    { atMs: 3000, vus: 0 },
  ];
  // A ramp-down given back 50 ms later, before a 100 ms grace ends.
  const blip = [
    { atMs: 0, vus: 2 },
    { atMs: 1000, vus: 1 },
    { atMs: 1050, vus: 2 },
    { atMs: 3000, vus: 0 },
  ];
  it.each([
    ['the slot a lowering step takes away is cut gracefulRampDown after it', ramp, 1, 0, 100, 1100],
    ['the time counts from the iteration start', ramp, 1, 700, 100, 400],
    ['a later lowering step keeps the first cut', ramp, 0, 2900, 100, 200],
    ['a step that gives the slot back before the cut disarms it', blip, 1, 0, 100, 3100],
    ['a slot given back after its cut starts a new run, cut by the next step that takes it', ramp, 1, 2100, 100, 1000],
    ['a cut already due when the iteration starts (a late event loop) is due at once', ramp, 1, 1200, 100, 0],
    ['a step at the iteration start counts', ramp, 0, 3000, 0, 0],
    ['a slot no step takes away is never cut', ramp.slice(0, 2), 0, 0, 100, undefined],
  ])('rampDownCutMs: %s', (_t, steps, slot, nowMs, graceMs, expected) => {
    expect(rampDownCutMs(steps, slot, nowMs, graceMs)).toBe(expected);
  });

  it('tells the host, at each start, when a ramp-down will cut the iteration (so busy code can be stopped there)', async () => {
    const { host } = await runRampDownToOne();
    // Starts: slot 1 at 0 and 700 ms (cut at 1100 ms), slot 0 at 0, 700 and 1400 ms (never cut).
    const bySlot = host.started.map((at, i) => ({ at, cut: host.cuts[i] }));
    expect(bySlot.filter((s) => s.cut !== undefined)).toEqual([
      { at: 0, cut: 1100 },
      { at: 700, cut: 400 },
    ]);
    expect(bySlot.filter((s) => s.cut === undefined).map((s) => s.at)).toEqual([0, 700, 1400]);
  });

  it('gives the hard end as the cut when gracefulStop ends the last ramp-down first', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 700 });
    const cfg: RampingVusConfig = { ...base, gracefulStopMs: 200, executor: 'ramping-vus', startVUs: 1, stages: [{ durationMs: 1000, target: 1 }, { durationMs: 500, target: 0 }], gracefulRampDownMs: 1000 };
    const ex = new RampingVus(cfg, host, full);
    await runToEnd(ex, clock, 60_000);
    // Starts at 0, 700 and 1400 ms; the ramp-down's cut (1500 + 1000) comes after the hard end (1700).
    expect(host.cuts).toEqual([1700, 1000, 300]);
  });

  // k6 v2.2 lib/executor/ramping_vus.go: reserveVUsForGracefulRampDowns and GetExecutionRequirements
  // (the last stage's ramp-down uses gracefulRampDown, capped by gracefulStop).
  it.each([
    ['gracefulRampDown 0 interrupts the last iteration at the end of the stages', 0, 30_000, { completed: 2, interrupted: 1 }, 1500],
    ['gracefulRampDown 300 ms interrupts it 300 ms after the end', 300, 30_000, { completed: 2, interrupted: 1 }, 1800],
    ['a gracefulRampDown long enough lets it complete', 1000, 30_000, { completed: 3, interrupted: 0 }, 2100],
    ['gracefulStop shorter than gracefulRampDown cuts it first', 1000, 200, { completed: 2, interrupted: 1 }, 1700],
  ])('the last stage ramping to 0: %s', async (_t, gracefulRampDownMs, gracefulStopMs, counts, endMs) => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 700 });
    const stages = [
      { durationMs: 1000, target: 1 },
      { durationMs: 500, target: 0 },
    ];
    const cfg: RampingVusConfig = { ...base, gracefulStopMs, executor: 'ramping-vus', startVUs: 1, stages, gracefulRampDownMs };
    const ex = new RampingVus(cfg, host, full);
    let endedAt = -1;
    const done = ex.run().then(() => (endedAt = clock.now()));
    await clock.advanceTo(60_000);
    await done;
    // Iterations start at 0, 700 and 1400 ms; the last is the one still running at 1500 ms.
    expect(ex.progress()).toMatchObject(counts);
    expect(endedAt).toBe(endMs);
    expect(ex.plannedMs).toBe(1500 + Math.min(gracefulRampDownMs, gracefulStopMs));
  });

  it('the VUs the last stage keeps get gracefulStop, not gracefulRampDown', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 700 });
    const cfg: RampingVusConfig = { ...base, gracefulStopMs: 1000, executor: 'ramping-vus', startVUs: 1, stages: [{ durationMs: 1500, target: 1 }], gracefulRampDownMs: 0 };
    const ex = new RampingVus(cfg, host, full);
    await runToEnd(ex, clock, 60_000);
    expect(ex.progress()).toMatchObject({ completed: 3, interrupted: 0 });
  });

  it('k6 TestRampingVUsHandleRemainingVUs: 2 VUs ramped down over 40 ms, one finishes and one is interrupted', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 65 });
    const stages = [
      { durationMs: 10, target: 2 },
      { durationMs: 40, target: 0 },
    ];
    const cfg: RampingVusConfig = { ...base, gracefulStopMs: 50, executor: 'ramping-vus', startVUs: 0, stages, gracefulRampDownMs: 30 };
    const ex = new RampingVus(cfg, host, full);
    await runToEnd(ex, clock, 60_000);
    expect(ex.progress()).toMatchObject({ completed: 1, interrupted: 1 });
  });
});
