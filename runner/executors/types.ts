/**
 * What an executor needs from the engine (ScenarioHost) and what it reports back (progress).
 * Executors only schedule: the host owns VUs, runs iterations and emits metrics, so executors are
 * testable with a fake host and a fake clock.
 */
import type { Clock } from './clock';
import type { StopSignal } from './stop-signal';

/** A VU as executors see it: an id and nothing else. */
export interface VuRef {
  readonly id: number;
}

export interface ScenarioHost<V extends VuRef = VuRef> {
  readonly clock: Clock;
  /** An idle, initialised VU activated for this scenario, or undefined if none is free. */
  acquireVU(): V | undefined;
  releaseVU(vu: V): void;
  /** Initialises one more VU (arrival-rate growth up to maxVUs); resolves when it is usable. */
  initVU(): Promise<V>;
  /**
   * Runs one iteration. Resolves `true` when it completed (even with an exception, as in k6),
   * `false` when `interrupt` fired first (the iteration counts as interrupted). `cutInMs`: when
   * the executor already knows, at the start, that `interrupt` will fire at a set time (a
   * ramp-down's gracefulRampDown, capped by the scenario's hard end), ms from now, so that busy
   * code can be stopped there.
   */
  runIteration(vu: V, interrupt: StopSignal, iterationInTest: number, cutInMs?: number): Promise<boolean>;
  /** Emits `dropped_iterations` with this value (tagged with the scenario by the host). */
  dropIterations(count: number): void;
  /** Logs a warning; `fields` are logged after it as k6 prints logrus fields (`scenario=…`). */
  warn(message: string, fields?: Record<string, string>): void;
}

export interface ScenarioProgress {
  /** 0..1 of the scenario's planned time or work. */
  fraction: number;
  activeVUs: number;
  /** Iterations completed so far. */
  completed: number;
  interrupted: number;
  /** Iterations dropped (arrival-rate) so far. */
  dropped: number;
  /** Text after the bar, e.g. `05/10 VUs  30/100 shared iters`. */
  detail: string;
  done: boolean;
}

export interface Executor {
  readonly name: string;
  readonly executor: string;
  /** Wall-clock Unix ms at which the scenario started (0 before). */
  startTime: number;
  /** Total planned time (regular duration + gracefulStop) in ms, for progress. */
  readonly plannedMs: number;
  /** The regular duration (without gracefulStop), as the progress bar shows it. */
  readonly regularMs: number;
  /** Number of VUs this scenario needs at most at once (for pre-allocation). */
  readonly maxVUs: number;
  /** VUs to initialise before the test starts for this scenario. */
  readonly preAllocatedVUs: number;
  /** Whether this instance has work to do (k6 `HasWork`); false = skipped silently. */
  readonly hasWork: boolean;
  /** Ms until its in-flight iterations are interrupted at the latest (its start + plannedMs); undefined before it starts. */
  msToHardEnd(): number | undefined;
  run(): Promise<void>;
  /** Interrupts everything now (test abort, SIGINT): no new iterations, in-flight ones cut. */
  stop(): void;
  progress(): ScenarioProgress;
}
