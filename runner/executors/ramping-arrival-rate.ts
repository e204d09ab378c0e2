/**
 * `ramping-arrival-rate` (docs/k6-semantics.md#executors–k6-semantics.md#dropped-iterations, k6 `lib/executor/ramping_arrival_rate.go` `cal`):
 * the rate starts at `startRate` and moves linearly to each stage's `target` (iterations per
 * `timeUnit`); the n-th iteration (1-based) starts when the integral of the rate reaches n, so at
 * a constant rate r the first one starts at 1/r, not at 0.
 */
import { ArrivalRateExecutor, type Tick } from './arrival-rate';
import type { VuRef } from './types';
import type { RampingArrivalRateConfig, Stage } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';

const EPSILON = 1e-9;

/** Pure plan: this instance's starts (offset ms, global index). */
export function* rampingArrivalTicks(startRate: number, timeUnitMs: number, stages: readonly Stage[], tuple: ExecutionTuple | undefined): Generator<Tick> {
  if (!tuple) return;
  let stageStart = 0;
  let from = startRate;
  let before = 0; // iterations accumulated before the current stage
  let n = 1;
  for (const stage of stages) {
    const to = stage.target;
    const d = stage.durationMs;
    if (d > 0) {
      const total = (((from + to) / 2) * d) / timeUnitMs;
      while (n <= before + total + EPSILON) {
        const need = n - before;
        // from·t/T + (to−from)·t²/(2dT) = need, solved for t in [0, d].
        const a = (to - from) / (2 * d * timeUnitMs);
        const b = from / timeUnitMs;
        const t = Math.abs(a) < 1e-15 ? need / b : (-b + Math.sqrt(Math.max(0, b * b + 4 * a * need))) / (2 * a);
        const atMs = stageStart + Math.min(d, Math.max(0, t));
        const k = n - 1;
        if (tuple.isFull || tuple.owns(k)) yield { atMs, index: k };
        n++;
      }
      before += total;
    }
    stageStart += d;
    from = to;
  }
}

/** Rate (iterations per second) at an offset, for progress. */
export function rampingRateAt(startRate: number, timeUnitMs: number, stages: readonly Stage[], offsetMs: number): number {
  let t = 0;
  let from = startRate;
  for (const s of stages) {
    if (offsetMs <= t + s.durationMs && s.durationMs > 0) return ((from + ((s.target - from) * (offsetMs - t)) / s.durationMs) * 1000) / timeUnitMs;
    t += s.durationMs;
    from = s.target;
  }
  return (from * 1000) / timeUnitMs;
}

export class RampingArrivalRate<V extends VuRef = VuRef> extends ArrivalRateExecutor<RampingArrivalRateConfig, V> {
  durationMs(): number {
    return this.config.stages.reduce((a, s) => a + s.durationMs, 0);
  }

  ticks(): Iterator<Tick> {
    return rampingArrivalTicks(this.config.startRate, this.config.timeUnitMs, this.config.stages, this.tickTuple);
  }

  rateAt(offsetMs: number): number {
    return rampingRateAt(this.config.startRate, this.config.timeUnitMs, this.config.stages, offsetMs);
  }
}

export type { ExecutionTuple };
