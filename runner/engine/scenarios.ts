/**
 * The scenario phase of one engine (the main thread's, or one worker thread's): executors for
 * every scenario of this instance's execution segment, the VU pool they share, pre-allocation,
 * and running them with each scenario's `startTime`.
 */
import { DROPPED_ITERATIONS, TAG_SCENARIO, VUS_MAX } from '../constants';
import type { MetricRegistry } from '../contract';
import { realClock } from '../executors/clock';
import { createExecutor } from '../executors/create-executor';
import type { Executor, ScenarioHost } from '../executors/types';
import type { ConsolidatedOptions } from '../options/consolidate';
import { scenarioDurationMs } from '../options/scenario-config';
import type { Logger } from '../progress/logger';
import type { EngineServices, InstanceStats } from '../vu/engine-services';
import type { CompiledModule } from '../vu/script-loader';
import { VU, type ScenarioState } from '../vu/vu';
import { endsBeforeLast, preallocatedVUs } from './plan';
import { VuPool } from './vu-pool';

export interface ScenarioPhase {
  executors: Executor[];
  pool: VuPool;
  /** The setup data as JSON, set before the scenarios start. */
  setupJSON: string | undefined;
  /** Interrupts every scenario now (abort, signal, abortOnFail). */
  stop(): void;
  stats(perfStart: number): InstanceStats;
}

export function planScenarios(p: {
  services: EngineServices;
  entry: CompiledModule;
  options: ConsolidatedOptions;
  registry: MetricRegistry;
  logger: Logger;
  /** `__VU` = the VU's number in the whole test (worker threads of one run). */
  globalVuIds?: boolean;
}): ScenarioPhase {
  const { options, registry, logger } = p;
  const pool = new VuPool(p.services, p.entry, options.tuple, p.globalVuIds ?? false);
  const executors: Executor[] = [];
  let lastYield = performance.now();
  const phase: ScenarioPhase = {
    executors,
    pool,
    setupJSON: undefined,
    stop: () => {
      for (const e of executors) e.stop();
    },
    stats: (perfStart) => {
      let completed = 0;
      let interrupted = 0;
      let active = 0;
      for (const e of executors) {
        const pr = e.progress();
        completed += pr.completed;
        interrupted += pr.interrupted;
        active += pr.activeVUs;
      }
      return { iterationsCompleted: completed, iterationsInterrupted: interrupted, vusActive: active, vusInitialized: pool.initialized, currentTestRunDuration: perfStart ? performance.now() - perfStart : 0 };
    },
  };
  const early = endsBeforeLast(options.scenarios.map((s) => ({ startMs: s.startTimeMs, plannedMs: scenarioDurationMs(s) + s.gracefulStopMs })));
  for (const [i, config] of options.scenarios.entries()) {
    const stopsBusyCode = early[i] === true;
    let executor: Executor | undefined;
    const state: ScenarioState = {
      config,
      get startTime() {
        return executor?.startTime ?? 0;
      },
      progress: () => executor?.progress().fraction ?? 0,
      iterationInInstance: 0,
    };
    const droppedTags = Object.freeze({ ...options.tags, [TAG_SCENARIO]: config.name });
    const host: ScenarioHost<VU> = {
      clock: realClock,
      acquireVU: () => {
        const vu = pool.take();
        vu?.activate(state);
        return vu;
      },
      releaseVU: (vu) => pool.release(vu),
      initVU: async () => {
        const vu = await pool.grow();
        registry.add({ metric: VUS_MAX, value: pool.initialized, tags: { ...options.tags }, time: Date.now() });
        vu.activate(state);
        return vu;
      },
      runIteration: async (vu, interrupt, index, cutInMs) => {
        // Busy code is stopped where the interrupt is due: a ramp-down's cut (already capped by the
        // hard end), else the scenario's hard end when it ends before the test (at the test's end
        // the worker itself is ended).
        const busyStopMs = cutInMs ?? (stopsBusyCode ? executor?.msToHardEnd() : undefined);
        const completed = (await vu.runIteration(config.exec, phase.setupJSON, interrupt, index, busyStopMs)) === 'completed';
        // Iterations of synchronous functions settle in microtasks only; yield to the event loop
        // now and then so timers (scenario end, thresholds, progress) keep running.
        if (performance.now() - lastYield > 5) {
          lastYield = performance.now();
          await new Promise((r) => setImmediate(r));
        }
        return completed;
      },
      dropIterations: (count) => registry.addValue(DROPPED_ITERATIONS, count, droppedTags, Date.now()),
      warn: (message, fields) => logger.log('warn', message, fields),
    };
    executor = createExecutor(config, host, options.tuple);
    if (executor.hasWork) executors.push(executor);
  }
  return phase;
}

export function scenarioStart(options: ConsolidatedOptions, e: Executor): number {
  return options.scenarios.find((s) => s.name === e.name)?.startTimeMs ?? 0;
}

/** VUs that overlapping scenarios need at once (the pure rule: plan.ts). */
export function vusToPreallocate(options: ConsolidatedOptions, executors: readonly Executor[]): number {
  return preallocatedVUs(executors.map((e) => ({ startMs: scenarioStart(options, e), plannedMs: e.plannedMs, preAllocatedVUs: e.preAllocatedVUs })));
}

/**
 * Runs every executor from its `startTime`; resolves when all have ended. `stopped()` true means
 * the run was stopped: scenarios that have not started yet never start.
 */
export async function runExecutors(options: ConsolidatedOptions, executors: readonly Executor[], stopped: () => boolean): Promise<void> {
  const startTimers: NodeJS.Timeout[] = [];
  await Promise.all(
    executors.map(
      (e) =>
        new Promise<void>((resolve, reject) => {
          const begin = (): void => {
            if (stopped()) return resolve();
            e.run().then(resolve, reject);
          };
          const at = scenarioStart(options, e);
          if (at <= 0) begin();
          else startTimers.push(setTimeout(begin, at));
          // A stop before a delayed scenario starts must not leave it waiting.
          const check = setInterval(() => {
            if (stopped() && e.startTime === 0) {
              clearInterval(check);
              resolve();
            } else if (e.startTime !== 0) clearInterval(check);
          }, 100);
          check.unref();
        }),
    ),
  );
  for (const t of startTimers) clearTimeout(t);
}
