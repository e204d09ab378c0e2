/**
 * The open-model loop shared by both arrival-rate executors (docs/k6-semantics.md#arrival-rate-timing, #dropped-iterations).
 *
 * Iteration start times come from a generator of offsets (ms from the scenario start), computed
 * against absolute time — the loop never accumulates timer delays, so it does not drift at
 * thousands of iterations per second. At each start an idle VU runs the iteration; if none is
 * free one `dropped_iterations` sample is emitted at once and, while fewer than `maxVUs` exist,
 * one more VU is initialised in the background; once all `maxVUs` are in use k6's
 * "Insufficient VUs" warning is logged once.
 */
import { insufficientVusMessage } from '../constants';
import { BaseExecutor, pad } from './base-executor';
import type { ScenarioHost, ScenarioProgress, VuRef } from './types';
import type { ConstantArrivalRateConfig, RampingArrivalRateConfig } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';

/** A start: offset from the scenario start and the global tick index (`iterationInTest`). */
export interface Tick {
  atMs: number;
  index: number;
}

export abstract class ArrivalRateExecutor<C extends ConstantArrivalRateConfig | RampingArrivalRateConfig, V extends VuRef = VuRef> extends BaseExecutor<C, V> {
  readonly plannedMs: number;
  readonly maxVUs: number;
  readonly preAllocatedVUs: number;
  readonly hasWork: boolean;
  /** Stripes ticks across instances by their share of maxVUs (docs/k6-semantics.md#execution-segments). */
  protected readonly tickTuple: ExecutionTuple | undefined;
  /**
   * Free VUs, last in first out: a stated difference from k6, whose buffered channel hands them
   * out first in first out (runner/DIFFERENCES.md "Executors and options"): taking turns
   * dropped more iterations at 5,000/s in interleaved runs (bench/reports/workers.md).
   */
  private readonly idle: V[] = [];
  private allocated = 0;
  private initInFlight = false;
  private warned = false;
  private inFlight = 0;
  private drained?: () => void;
  private pumpTimer: unknown;

  constructor(config: C, host: ScenarioHost<V>, tuple: ExecutionTuple) {
    super(config, host, tuple);
    this.plannedMs = this.durationMs() + config.gracefulStopMs;
    this.preAllocatedVUs = tuple.scale(config.preAllocatedVUs);
    this.maxVUs = tuple.scale(config.maxVUs);
    this.tickTuple = tuple.fromValue(config.maxVUs);
    this.hasWork = this.maxVUs > 0;
  }

  abstract durationMs(): number;

  /** Offsets of this instance's starts, in order. */
  abstract ticks(): Iterator<Tick>;

  /** Target iterations per second at `offsetMs`, for progress. */
  abstract rateAt(offsetMs: number): number;

  private release(vu: V): void {
    if (this.ending) this.host.releaseVU(vu);
    else this.idle.push(vu);
  }

  private dispatch(index: number): void {
    const vu = this.idle.pop();
    if (vu) {
      this.inFlight++;
      this.activeVUs++;
      void this.iterate(vu, index).then(() => {
        this.inFlight--;
        this.activeVUs--;
        this.release(vu);
        if (this.inFlight === 0 && this.drained) this.drained();
      });
      return;
    }
    this.dropped++;
    this.host.dropIterations(1);
    if (this.allocated < this.maxVUs) {
      if (!this.initInFlight) {
        this.initInFlight = true;
        this.allocated++;
        void this.host.initVU().then(
          (v) => {
            this.initInFlight = false;
            this.release(v);
          },
          (err: unknown) => {
            this.initInFlight = false;
            this.host.warn(`could not initialise a VU: ${String(err)}`);
          },
        );
      }
    } else if (!this.warned) {
      this.warned = true;
      // k6's executors log with the scenario and executor as fields (lib/executor/base_executor.go).
      this.host.warn(insufficientVusMessage(this.maxVUs), { executor: this.config.executor, scenario: this.config.name });
    }
  }

  async run(): Promise<void> {
    for (let i = 0; i < this.preAllocatedVUs; i++) {
      const vu = this.host.acquireVU() ?? (await this.host.initVU());
      this.idle.push(vu);
      this.allocated++;
    }
    this.startedAt = this.clock.now();
    this.startTime = Date.now();
    const gen = this.ticks();
    let next = gen.next();
    const duration = this.durationMs();
    await new Promise<void>((resolve) => {
      const pump = (): void => {
        if (this.ending) return resolve();
        const now = this.elapsed();
        while (!next.done && next.value.atMs <= now) {
          this.dispatch(next.value.index);
          next = gen.next();
        }
        if (next.done) {
          const left = duration - this.elapsed();
          if (left > 0) this.after(left, resolve);
          else resolve();
          return;
        }
        // One timer at a time, not kept in `timers` (that list grew by one handle per tick:
        // 300k retained Timeouts in a 60 s run at 5,000 it/s).
        this.pumpTimer = this.clock.setTimeout(deferredPump, next.value.atMs - now);
      };
      const defer = this.clock.defer?.bind(this.clock);
      const deferredPump = defer ? (): void => defer(pump) : pump;
      pump();
    });
    if (this.pumpTimer !== undefined) this.clock.clearTimeout(this.pumpTimer);
    this.beginEnding(this.config.gracefulStopMs);
    if (this.inFlight > 0) {
      await new Promise<void>((r) => {
        this.drained = r;
        this.interrupt.on(r);
      });
      // Interrupted iterations settle right after the interrupt; let them report.
      if (this.inFlight > 0) await new Promise<void>((r) => (this.drained = r));
    }
    for (const vu of this.idle.splice(0)) this.host.releaseVU(vu);
    this.finish();
  }

  protected fraction(): number {
    return this.elapsed() / this.durationMs();
  }

  /**
   * As in k6, a VU handed to an arrival-rate scenario stays active (counted in `vus`) while it
   * waits in the scenario's pool; the bar shows busy/allocated (k6 `constant_arrival_rate.go`
   * progress: `currActiveVUs - vusInBuffer` / `currActiveVUs`).
   */
  override progress(): ScenarioProgress {
    const p = super.progress();
    return { ...p, activeVUs: this.done ? 0 : this.allocated };
  }

  protected detail(): string {
    const rate = this.rateAt(Math.min(this.elapsed(), this.durationMs()));
    return `${pad(this.activeVUs, String(this.maxVUs).length)}/${pad(this.allocated, String(this.maxVUs).length)} VUs  ${this.completed} complete and ${this.interrupted} interrupted iterations  ${this.done ? '' : `${Math.round(rate * 100) / 100} iters/s`}`.trimEnd();
  }
}
