/**
 * `constant-arrival-rate` (docs/k6-semantics.md#executors–k6-semantics.md#dropped-iterations, k6 `lib/executor/constant_arrival_rate.go`):
 * iteration k starts at `k × timeUnit / rate` — the first at t = 0 — for every start before
 * `duration`. With segments, global tick k runs on this instance when the maxVUs tuple owns it.
 */
import { ArrivalRateExecutor, type Tick } from './arrival-rate';
import type { VuRef } from './types';
import type { ConstantArrivalRateConfig } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';

/** Pure plan: this instance's starts (offset ms, global index). */
export function* constantArrivalTicks(rate: number, timeUnitMs: number, durationMs: number, tuple: ExecutionTuple | undefined): Generator<Tick> {
  if (!tuple) return;
  for (let k = 0; ; k++) {
    const atMs = (k * timeUnitMs) / rate;
    if (atMs >= durationMs) return;
    if (tuple.isFull || tuple.owns(k)) yield { atMs, index: k };
  }
}

export class ConstantArrivalRate<V extends VuRef = VuRef> extends ArrivalRateExecutor<ConstantArrivalRateConfig, V> {
  durationMs(): number {
    return this.config.durationMs;
  }

  ticks(): Iterator<Tick> {
    return constantArrivalTicks(this.config.rate, this.config.timeUnitMs, this.config.durationMs, this.tickTuple);
  }

  rateAt(): number {
    const share = this.tickTuple && !this.tickTuple.isFull ? this.tickTuple.mine.length / this.tickTuple.pattern.length : 1;
    return ((this.config.rate * 1000) / this.config.timeUnitMs) * (this.tickTuple ? share : 0);
  }
}

export type { ExecutionTuple };
