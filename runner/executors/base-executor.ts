/**
 * Shared mechanics of every executor: the regular end / graceful stop timeline, the interrupt
 * signal, counters for progress. Timeline (docs/k6-semantics.md#arrival-rate-timing): no new iteration starts after the
 * regular end; iterations still running get `gracefulStop`, then are interrupted.
 */
import { StopSignal } from './stop-signal';
import type { Executor, ScenarioHost, ScenarioProgress, VuRef } from './types';
import type { ScenarioConfig } from '../options/scenario-config';
import type { ExecutionTuple } from '../options/execution-segment';

export abstract class BaseExecutor<C extends ScenarioConfig = ScenarioConfig, V extends VuRef = VuRef> implements Executor {
  readonly name: string;
  readonly executor: string;
  startTime = 0;
  abstract readonly plannedMs: number;
  abstract readonly maxVUs: number;
  abstract readonly preAllocatedVUs: number;
  abstract readonly hasWork: boolean;

  protected startedAt = -1;
  protected activeVUs = 0;
  protected completed = 0;
  protected interrupted = 0;
  protected dropped = 0;
  protected done = false;
  /** Set at the regular end: nothing new starts. */
  protected ending = false;
  /** Resolved when in-flight iterations must be cut (end of gracefulStop, or stop()). */
  protected readonly interrupt = new StopSignal();
  protected readonly timers: unknown[] = [];

  constructor(
    readonly config: C,
    protected readonly host: ScenarioHost<V>,
    protected readonly tuple: ExecutionTuple,
  ) {
    this.name = config.name;
    this.executor = config.executor;
  }

  get regularMs(): number {
    return this.plannedMs - this.config.gracefulStopMs;
  }

  protected get clock() {
    return this.host.clock;
  }

  protected elapsed(): number {
    return this.startedAt < 0 ? 0 : this.clock.now() - this.startedAt;
  }

  protected after(ms: number, fn: () => void): void {
    this.timers.push(this.clock.setTimeout(fn, ms));
  }

  /** Marks the regular end now and arms the graceful-stop interruption. */
  protected beginEnding(gracefulStopMs: number): void {
    if (this.ending) return;
    this.ending = true;
    this.after(gracefulStopMs, () => this.interrupt.fire());
  }

  protected finish(): void {
    this.done = true;
    for (const t of this.timers) this.clock.clearTimeout(t);
  }

  /** Runs one iteration on a VU and keeps the counters. */
  protected async iterate(vu: V, iterationInTest: number, interrupt: StopSignal = this.interrupt, cutInMs?: number): Promise<boolean> {
    const ok = await this.host.runIteration(vu, interrupt, iterationInTest, cutInMs);
    if (ok) this.completed++;
    else this.interrupted++;
    return ok;
  }

  msToHardEnd(): number | undefined {
    return this.startedAt < 0 ? undefined : this.startedAt + this.plannedMs - this.clock.now();
  }

  stop(): void {
    this.ending = true;
    this.interrupt.fire();
  }

  abstract run(): Promise<void>;

  protected abstract detail(): string;

  protected abstract fraction(): number;

  progress(): ScenarioProgress {
    return {
      fraction: this.done ? 1 : Math.min(1, Math.max(0, this.fraction())),
      activeVUs: this.activeVUs,
      completed: this.completed,
      interrupted: this.interrupted,
      dropped: this.dropped,
      detail: this.detail(),
      done: this.done,
    };
  }

  /** `exec.scenario.iterationInTest` for a local index when units are striped by `tuple`. */
  protected globalIndex(local: number, tuple = this.tuple): number {
    return tuple.isFull ? local : tuple.globalIndex(local);
  }
}

/** Left-pads counts the way k6's progress bar does (`05/10 VUs`). */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
