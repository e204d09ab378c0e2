/**
 * Arrival-rate executors under a fake clock: exact start times and counts (docs/k6-semantics.md#arrival-rate-timing, #dropped-iterations).
 */
import { describe, expect, it } from 'vitest';
import { insufficientVusMessage } from '../../../runner/constants';
import { ConstantArrivalRate, constantArrivalTicks } from '../../../runner/executors/constant-arrival-rate';
import { RampingArrivalRate, rampingArrivalTicks } from '../../../runner/executors/ramping-arrival-rate';
import { ExecutionTuple, parseSequence, resolveSequence, parseSegment } from '../../../runner/options/execution-segment';
import type { ConstantArrivalRateConfig, RampingArrivalRateConfig } from '../../../runner/options/scenario-config';
import { FakeClock } from '../fake-clock';
import { fakeHost } from './fake-host';

const full = ExecutionTuple.full();

function tupleFor(segment: string, sequence: string): ExecutionTuple {
  const seg = parseSegment(segment);
  const seq = parseSequence(sequence);
  if (typeof seg === 'string' || typeof seq === 'string') throw new Error('bad test input');
  const r = resolveSequence(seg, seq);
  if (typeof r === 'string') throw new Error(r);
  return ExecutionTuple.fromBounds(r.bounds, r.index);
}

const carBase: ConstantArrivalRateConfig = {
  name: 'car',
  executor: 'constant-arrival-rate',
  startTimeMs: 0,
  gracefulStopMs: 30_000,
  exec: 'default',
  env: {},
  tags: {},
  rate: 100,
  timeUnitMs: 1000,
  durationMs: 1000,
  preAllocatedVUs: 10,
  maxVUs: 10,
};

describe('constant-arrival-rate plan (docs/k6-semantics.md#arrival-rate-timing)', () => {
  it('starts the first iteration at t=0 and spaces them timeUnit/rate apart', () => {
    const ticks = [...constantArrivalTicks(10, 1000, 1000, full)];
    expect(ticks.map((t) => t.atMs)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it.each([
    [5, 1000, 2000, 10],
    [5000, 1000, 60_000, 300_000],
    [1, 60_000, 120_000, 2],
    [3, 1000, 1500, 5],
  ])('rate %i per %i ms over %i ms starts %i iterations', (rate, unit, duration, count) => {
    let n = 0;
    for (const _ of constantArrivalTicks(rate, unit, duration, full)) n++;
    expect(n).toBe(count);
  });

  it('stripes ticks across 4 equal segments by maxVUs: instance i gets ticks i, i+4, ...', () => {
    const tuple = tupleFor('1/4:1/2', '0,1/4,1/2,3/4,1').fromValue(8)!;
    const ticks = [...constantArrivalTicks(8, 1000, 1000, tuple)];
    expect(ticks.map((t) => t.index)).toEqual([1, 5]);
  });

  it('splits the rate unevenly when maxVUs does not divide (6 over 4 → 2/6, 2/6, 1/6, 1/6)', () => {
    const seq = '0,1/4,1/2,3/4,1';
    const counts = ['0:1/4', '1/4:1/2', '1/2:3/4', '3/4:1'].map((s) => [...constantArrivalTicks(60, 1000, 1000, tupleFor(s, seq).fromValue(6))].length);
    expect(counts).toEqual([20, 20, 10, 10]);
  });
});

describe('ramping-arrival-rate plan (docs/k6-semantics.md#arrival-rate-timing)', () => {
  it('at a constant rate the first iteration starts at 1/rate, not at 0', () => {
    const ticks = [...rampingArrivalTicks(10, 1000, [{ durationMs: 1000, target: 10 }], full)];
    expect(ticks).toHaveLength(10);
    expect(ticks[0]!.atMs).toBeCloseTo(100, 6);
    expect(ticks[9]!.atMs).toBeCloseTo(1000, 6);
  });

  it('a linear ramp 0→20/s over 1 s starts 10 iterations, the n-th at sqrt(n/10) s', () => {
    const ticks = [...rampingArrivalTicks(0, 1000, [{ durationMs: 1000, target: 20 }], full)];
    expect(ticks).toHaveLength(10);
    ticks.forEach((t, i) => expect(t.atMs).toBeCloseTo(Math.sqrt((i + 1) / 10) * 1000, 6));
  });

  it('ramps up and down across stages and counts the integral', () => {
    const stages = [
      { durationMs: 2000, target: 10 },
      { durationMs: 2000, target: 10 },
      { durationMs: 2000, target: 0 },
    ];
    expect([...rampingArrivalTicks(0, 1000, stages, full)]).toHaveLength(10 + 20 + 10);
  });

  it('a zero-length stage jumps the rate at once', () => {
    const ticks = [...rampingArrivalTicks(0, 1000, [{ durationMs: 0, target: 10 }, { durationMs: 1000, target: 10 }], full)];
    expect(ticks).toHaveLength(10);
    expect(ticks[0]!.atMs).toBeCloseTo(100, 6);
  });
});

describe('arrival-rate run loop (docs/k6-semantics.md#dropped-iterations)', () => {
  it('runs every start when VUs are free and drops nothing', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 5 });
    const ex = new ConstantArrivalRate(carBase, host, full);
    const done = ex.run();
    await clock.advanceTo(2000);
    await done;
    expect(host.started).toHaveLength(100);
    expect(host.started[0]).toBe(0);
    expect(host.started[99]).toBe(990);
    expect(host.dropped).toBe(0);
    expect(ex.progress()).toMatchObject({ completed: 100, dropped: 0, done: true });
  });

  // k6 hands free VUs out first in first out (a buffered channel, constant_arrival_rate.go
  // `activeVUs`); the runner reuses the VU that finished last (runner/DIFFERENCES.md).
  it('a free VU that finished last runs the next start (last in, first out: a stated difference from k6)', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 1 });
    const ex = new ConstantArrivalRate(carBase, host, full);
    const done = ex.run();
    await clock.advanceTo(2000);
    await done;
    expect(host.started).toHaveLength(100);
    expect(new Set(host.vus).size).toBe(1);
  });

  it('drops a start when no VU is free and warns once that maxVUs are exhausted', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 25 });
    const ex = new ConstantArrivalRate({ ...carBase, preAllocatedVUs: 1, maxVUs: 1 }, host, full);
    const done = ex.run();
    await clock.advanceTo(2000);
    await done;
    // Ticks every 10 ms; one VU busy 25 ms: runs at 0, 30, 60, … 990.
    expect(host.started).toHaveLength(34);
    expect(host.dropped).toBe(66);
    expect(host.dropSamples.every((v) => v === 1)).toBe(true);
    expect(host.warnings).toEqual([insufficientVusMessage(1)]);
  });

  it('initialises VUs up to maxVUs in the background after a drop', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 25 });
    const ex = new ConstantArrivalRate({ ...carBase, preAllocatedVUs: 1, maxVUs: 3 }, host, full);
    const done = ex.run();
    await clock.advanceTo(2000);
    await done;
    expect(host.initialized).toBe(2);
    expect(host.dropped).toBe(2);
    expect(host.started).toHaveLength(98);
    expect(host.warnings).toEqual([]);
  });

  it('interrupts iterations still running at the end of gracefulStop', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 5000 });
    const ex = new ConstantArrivalRate({ ...carBase, rate: 2, preAllocatedVUs: 2, maxVUs: 2, gracefulStopMs: 1000 }, host, full);
    const done = ex.run();
    await clock.advanceTo(10_000);
    await done;
    expect(ex.progress()).toMatchObject({ completed: 0, interrupted: 2 });
  });

  it('ramping-arrival-rate starts follow the plan under the run loop', async () => {
    const clock = new FakeClock();
    const host = fakeHost(clock, { iterationMs: 1 });
    const config: RampingArrivalRateConfig = { ...carBase, executor: 'ramping-arrival-rate', startRate: 0, stages: [{ durationMs: 1000, target: 20 }] };
    const ex = new RampingArrivalRate(config, host, full);
    const done = ex.run();
    await clock.advanceTo(3000);
    await done;
    expect(host.started).toHaveLength(10);
    expect(host.indexes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
