/**
 * `ramping-vus` (docs/k6-semantics.md#executors, #arrival-rate-timing, k6 v2.2 `lib/executor/ramping_vus.go`): the VU count
 * follows the stages linearly, one VU at a time. A VU taken away by a ramp-down — also the last
 * stage's ramp-down, which ends at the end of the stages — finishes its current iteration within
 * `gracefulRampDown`, then it is interrupted (k6 `reserveVUsForGracefulRampDowns`: with a grace of
 * 0 the graceful plan is the raw steps, so a last stage ramping to 0 ends the scenario at the end
 * of the stages). The VUs the last stage keeps get `gracefulStop`, which also caps every
 * ramp-down's grace (k6 `GetExecutionRequirements`).
 */
import { BaseExecutor, pad } from './base-executor';
import { StopSignal } from './stop-signal';
import type { ScenarioHost, VuRef } from './types';
import type { RampingVusConfig, Stage } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';

export interface VuStep {
  atMs: number;
  vus: number;
}

/**
 * The raw steps: the VU count changes by one at evenly spaced times within each stage
 * (k6 `getRawExecutionSteps`); a zero-length stage jumps at once. Counts are scaled by the
 * tuple (k6 scales each step with the segment).
 */
export function planRampingVus(startVUs: number, stages: readonly Stage[], tuple: ExecutionTuple): VuStep[] {
  const steps: VuStep[] = [{ atMs: 0, vus: tuple.scale(startVUs) }];
  let from = startVUs;
  let t = 0;
  for (const stage of stages) {
    const to = stage.target;
    if (stage.durationMs === 0) {
      steps.push({ atMs: t, vus: tuple.scale(to) });
    } else if (to !== from) {
      const dir = to > from ? 1 : -1;
      for (let v = from + dir; dir > 0 ? v <= to : v >= to; v += dir) {
        steps.push({ atMs: t + (stage.durationMs * Math.abs(v - from)) / Math.abs(to - from), vus: tuple.scale(v) });
      }
    }
    t += stage.durationMs;
    from = to;
  }
  // Collapse steps that do not change the scaled count or share a time.
  const out: VuStep[] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    if (last && last.atMs === s.atMs) last.vus = s.vus;
    else if (!last || last.vus !== s.vus) out.push({ ...s });
  }
  return out;
}

/**
 * When the VU in `slot` (0-based; slots at or above a step's count are taken away) is cut by a
 * ramp-down if an iteration starts `nowMs` into the scenario: ms from now (0: already due), or
 * undefined when no step takes the slot away. Mirrors `setTarget`: the first step that takes the
 * slot away arms a cut `graceMs` later (a later lowering step keeps it); a step that gives the
 * slot back disarms it, or after a cut starts a new run. Steps are known in advance, so the time
 * is exact at the start, also when the event loop is late with the step timers.
 */
export function rampDownCutMs(steps: readonly VuStep[], slot: number, nowMs: number, graceMs: number): number | undefined {
  let cutAt: number | undefined;
  for (const step of steps) {
    // The armed cut fires before this step, and either is still to come: that is the cut.
    if (cutAt !== undefined && step.atMs >= cutAt && (cutAt >= nowMs || step.atMs > nowMs)) break;
    if (step.vus > slot) cutAt = undefined;
    else cutAt ??= step.atMs + graceMs;
  }
  return cutAt === undefined ? undefined : Math.max(0, cutAt - nowMs);
}

interface Slot {
  running: boolean;
  rampingDown: boolean;
  cut: StopSignal;
  timer?: unknown;
}

export class RampingVus<V extends VuRef = VuRef> extends BaseExecutor<RampingVusConfig, V> {
  readonly steps: VuStep[];
  readonly durationMs: number;
  readonly plannedMs: number;
  readonly maxVUs: number;
  readonly preAllocatedVUs: number;
  readonly hasWork: boolean;
  private target = 0;
  private local = 0;
  private readonly slots: Slot[] = [];
  private readonly loops: Array<Promise<void>> = [];

  constructor(config: RampingVusConfig, host: ScenarioHost<V>, tuple: ExecutionTuple) {
    super(config, host, tuple);
    this.steps = planRampingVus(config.startVUs, config.stages, tuple);
    this.durationMs = config.stages.reduce((a, s) => a + s.durationMs, 0);
    // k6's graceful plan ends at the end of the stages plus gracefulStop, or plus gracefulRampDown
    // when that is shorter and the last stage ramps down to 0.
    const endsAtZero = this.steps[this.steps.length - 1]!.vus === 0;
    this.plannedMs = this.durationMs + (endsAtZero ? Math.min(config.gracefulRampDownMs, config.gracefulStopMs) : config.gracefulStopMs);
    this.maxVUs = this.preAllocatedVUs = Math.max(0, ...this.steps.map((s) => s.vus));
    this.hasWork = this.maxVUs > 0;
  }

  override get regularMs(): number {
    return this.durationMs;
  }

  private setTarget(n: number): void {
    this.target = n;
    for (let i = 0; i < this.slots.length || i < n; i++) {
      const slot = (this.slots[i] ??= { running: false, rampingDown: false, cut: new StopSignal() });
      if (i < n) {
        if (slot.rampingDown) {
          slot.rampingDown = false;
          if (slot.timer !== undefined) this.clock.clearTimeout(slot.timer);
        }
        if (!slot.running) this.loops.push(this.loop(i, slot));
      } else if (slot.running && !slot.rampingDown) {
        slot.rampingDown = true;
        slot.timer = this.clock.setTimeout(() => slot.cut.fire(), this.config.gracefulRampDownMs);
        this.timers.push(slot.timer);
      }
    }
  }

  private async loop(index: number, slot: Slot): Promise<void> {
    const vu = this.host.acquireVU();
    if (!vu) return;
    slot.running = true;
    if (slot.cut.fired) slot.cut = new StopSignal();
    const cut = StopSignal.any(this.interrupt, slot.cut);
    this.activeVUs++;
    try {
      while (!this.ending && index < this.target) {
        // Capped by the hard end, which comes first when gracefulStop is the shorter grace.
        const rampDownMs = rampDownCutMs(this.steps, index, this.elapsed(), this.config.gracefulRampDownMs);
        const cutInMs = rampDownMs === undefined ? undefined : Math.min(rampDownMs, this.msToHardEnd() ?? rampDownMs);
        if (!(await this.iterate(vu, this.globalIndex(this.local++), cut, cutInMs))) break;
      }
    } finally {
      slot.running = false;
      slot.rampingDown = false;
      this.activeVUs--;
      this.host.releaseVU(vu);
    }
  }

  async run(): Promise<void> {
    this.startedAt = this.clock.now();
    this.startTime = Date.now();
    // Every timer is armed before the first VUs start: a first iteration busy in synchronous code
    // runs inside setTarget and would otherwise push the whole timeline back by its run time.
    let first: VuStep | undefined;
    for (const step of this.steps) {
      // A step at the very end of the stages would only start iterations that cannot run.
      if (step.atMs >= this.durationMs && step.atMs > 0) continue;
      if (step.atMs === 0) first = step;
      else this.after(step.atMs, () => !this.ending && this.setTarget(step.vus));
    }
    const stagesEnd = new Promise<void>((resolve) => this.after(this.durationMs, resolve));
    if (first) this.setTarget(first.vus);
    await stagesEnd;
    // The last stage's final step lands on the end: VUs it takes away get gracefulRampDown.
    const final = this.steps[this.steps.length - 1]!;
    if (final.atMs >= this.durationMs && final.vus < this.target) this.setTarget(final.vus);
    this.beginEnding(this.config.gracefulStopMs);
    // Loops may be added while we wait; drain until none is left.
    for (let i = 0; i < this.loops.length; i++) await this.loops[i];
    this.finish();
  }

  protected fraction(): number {
    return this.durationMs === 0 ? 1 : this.elapsed() / this.durationMs;
  }

  protected detail(): string {
    return `${pad(this.activeVUs, String(this.maxVUs).length)}/${this.maxVUs} VUs  ${this.completed} complete and ${this.interrupted} interrupted iterations`;
  }
}
