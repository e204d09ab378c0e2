/**
 * One `k6-offline run`: the k6 lifecycle (docs/k6-semantics.md#lifecycle) — init for options, option
 * consolidation, thresholds validation, VU initialisation, setup() in a fresh VU, the scenarios
 * (with periodic threshold evaluation every 2 s and live progress), teardown() in a fresh VU, the
 * final threshold pass, handleSummary() in a fresh VU or the text summary, `--summary-export`,
 * and the exit code with k6's precedence (runner/constants.ts `resolveExitCode`).
 */
import { writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import { dirname, resolve as resolvePath } from 'node:path';
import {
  DROPPED_ITERATIONS,
  EXIT_CODES,
  NO_ITERATIONS_WARNING,
  resolveExitCode,
  SUMMARY_MODE_DISABLED,
  SUMMARY_MODE_FULL,
  TAG_SCENARIO,
  THRESHOLD_EVALUATION_INTERVAL_MS,
  thresholdsAbortMessage,
  thresholdsCrossedMessage,
  VUS,
  VUS_MAX,
} from '../constants';
import { defineBuiltinMetrics } from '../metrics/builtin';
import { createMetricRegistry, type MetricsRegistry } from '../metrics/registry';
import { createThresholdSet, defineThresholdSubmetrics, type MetricThresholds } from '../thresholds/threshold-set';
import { buildSummaryData, type SummaryRunState } from '../summary/summary-data';
import { defaultSummaryStdout } from '../summary/text-summary';
import { legacyExportJson } from '../summary/legacy-export';
import { describeThrown, InvalidOptionsError, NotImplementedError, RunnerError, ScriptExceptionError, SetupTimeoutError, TeardownTimeoutError } from '../errors';
import { HttpClient } from '../http/client';
import type { RunFlags } from '../options/cli-args';
import { consolidate, type ConsolidatedOptions } from '../options/consolidate';
import { vuLimitForHeap } from '../options/size-limits';
import { scenarioDurationMs } from '../options/scenario-config';
import { createLogger, type Logger } from '../progress/logger';
import { createProgressReporter } from '../progress/progress';
import { VU_REALMS, type EngineServices, type VuRealm } from '../vu/engine-services';
import { compileModule } from '../vu/script-loader';
import { VU } from '../vu/vu';
import { marshalSetupData } from './setup-data';
import { resolveOutSpecs } from '../output/out-specs';
import { startOutputs, thresholdsByKey, type OutputSet } from '../output/outputs';
import { availableParallelism } from 'node:os';
import { planScenarios, runExecutors, vusToPreallocate, type ScenarioPhase } from './scenarios';
import { WorkerFleet, type PreparedLifecycle } from './worker-fleet';
import { helperThreads, lowerThreads, type ThreadIo } from './thread-priority';
import { assessHealth, healthWarning, realCpuTimes, sampleHealth, type CpuTimesReader } from './generator-health';
import type { LifecycleName } from './worker';

export interface RunIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isStdOutTTY: boolean;
  isStdErrTTY: boolean;
  /**
   * Where worker threads start (the CLI's own file); without it the VUs run on this thread.
   */
  workerEntry?: URL;
  /** The process's threads (the CLI's): the ones that run no VU yield to those that do (thread-priority.ts). */
  threads?: ThreadIo;
  /** The machine's CPU times, sampled while the scenarios run (generator-health.ts); default: the real ones. */
  cpuTimes?: CpuTimesReader;
  /** The runner's own process environment (system env for __ENV, K6_* options, fault agent). */
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface RunResult {
  exitCode: number;
  /** The handleSummary data (for tests), when the run got that far. */
  summary?: unknown;
}

/** Registers SIGINT/SIGTERM handling for a run; returns the unregister function. */
export type SignalHook = (onSignal: () => void) => () => void;

const noSignals: SignalHook = () => () => undefined;

export async function runTest(scriptArg: string, flags: RunFlags, io: RunIO, signals: SignalHook = noSignals): Promise<RunResult> {
  const scriptPath = resolvePath(io.cwd, scriptArg);
  const wallStart = Date.now();
  // Taken before any worker thread exists, so every thread listed is a helper.
  const helpers = io.threads ? helperThreads(io.threads) : [];
  const logger: Logger = createLogger({ write: io.stderr, startMs: wallStart });
  const earlyMode = flags.summaryMode ?? io.env.K6_SUMMARY_MODE;
  const registry: MetricsRegistry = createMetricRegistry({ breakdown: earlyMode === SUMMARY_MODE_FULL });
  defineBuiltinMetrics(registry);

  const env: Record<string, string> = {};
  if (flags.includeSystemEnvVars) for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of flags.env) env[k] = v;

  const faultUrl = io.env.K6_OFFLINE_FAULT_AGENT_URL;
  const realm = io.env.K6_OFFLINE_VU_REALM || 'isolated';
  if (!(VU_REALMS as readonly string[]).includes(realm)) {
    throw new InvalidOptionsError([`K6_OFFLINE_VU_REALM: must be one of ${VU_REALMS.join(', ')} (got '${realm}')`]);
  }
  let runErrorCode: number | undefined;
  let markedAsFailed = false;
  let testStart = 0;
  let perfStart = 0;
  let outputs: OutputSet | undefined;
  const outSpecs = resolveOutSpecs(flags.out, io.env.K6_OUT);
  let stopScenarios: () => void = () => undefined;
  let stopLifecycle: (code: number) => void = () => undefined;
  let fleetRef: WorkerFleet | undefined;
  let hasScenarioWork = false;
  const stopAll = (code: number, message?: string, level: 'error' | 'warn' = 'error'): void => {
    if (runErrorCode === undefined) {
      runErrorCode = code;
      if (message) logger.log(level, message);
    }
    stopScenarios();
    if (code === EXIT_CODES.EXTERNAL_ABORT) stopLifecycle(code);
  };

  const services: EngineServices = {
    registry,
    options: undefined,
    env,
    scriptDir: dirname(scriptPath),
    logger,
    http: new HttpClient({ insecureSkipTLSVerify: false }),
    vuRealm: realm as VuRealm,
    faultAgent: faultUrl ? { url: faultUrl, token: io.env.K6_OFFLINE_FAULT_AGENT_TOKEN || undefined } : undefined,
    sharedArrays: new Map(),
    abortTest: (reason) => stopAll(EXIT_CODES.SCRIPT_ABORTED, `test aborted${reason ? `: ${reason}` : ''}  source=abort`),
    notImplemented: (what) => {
      const err = new NotImplementedError(what);
      stopAll(err.exitCode, err.message);
      err.reported = true;
      return err;
    },
    failTest: (reason) => {
      markedAsFailed = true;
      logger.log('error', reason, { source: 'fail' });
    },
    instanceStats: () => ({ iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0, vusInitialized: 0, currentTestRunDuration: 0 }),
    testStartTime: () => testStart,
  };

  const onRejection = (reason: unknown): void => logger.iterationError(`Uncaught (in promise) ${describeThrown(reason)}`);
  process.on('unhandledRejection', onRejection);
  let sigints = 0;
  const unhookSignals = signals(() => {
    sigints++;
    if (sigints === 1) {
      logger.log('warn', 'Stopping the test run (interrupted); press Ctrl+C again to exit at once');
      stopAll(EXIT_CODES.EXTERNAL_ABORT);
    } else {
      process.exit(EXIT_CODES.EXTERNAL_ABORT);
    }
  });

  try {
    // ---- init for options ---------------------------------------------------------------------
    const entry = compileModule(scriptPath);
    let optionsVU: VU;
    try {
      optionsVU = new VU(0, services, entry, 0);
    } catch (err) {
      if (err instanceof RunnerError) throw err;
      throw new ScriptExceptionError(`the init context failed: ${describeThrown(err)}`);
    }
    const exportsObj = optionsVU.exports;
    const rawOptions = exportsObj.options === undefined ? {} : JSON.parse(JSON.stringify(exportsObj.options)) as Record<string, unknown>;
    const exportedFunctions = Object.keys(exportsObj).filter((k) => typeof exportsObj[k] === 'function');
    const options: ConsolidatedOptions = consolidate({ scriptOptions: rawOptions, env: io.env, flags, exportedFunctions, vuLimit: vuLimitForHeap(getHeapStatistics().heap_size_limit) });
    services.options = options;
    for (const w of options.warnings) logger.log('warn', w);
    if (options.insecureSkipTLSVerify || options.hosts) {
      await services.http.close();
      services.http = new HttpClient({ insecureSkipTLSVerify: options.insecureSkipTLSVerify, hosts: options.hosts });
    }

    let thresholds: MetricThresholds | undefined;
    if (options.thresholds) {
      thresholds = createThresholdSet(options.thresholds, registry);
      for (const w of thresholds.warnings) logger.log('warn', w);
    } else if (rawOptions.thresholds) {
      for (const w of defineThresholdSubmetrics(rawOptions.thresholds, registry)) logger.log('warn', w);
    }

    // ---- outputs (k6 starts them after init, before setup) -----------------------------------
    if (outSpecs.length > 0) {
      outputs = await startOutputs(outSpecs, {
        cwd: io.cwd,
        env: io.env,
        stdout: io.stdout,
        logger,
        thresholds: thresholdsByKey(options.thresholds),
        submetricsOf: (parent) => registry.all().filter((m) => m.parent === parent),
        testTags: Object.freeze({ ...options.tags }),
      });
      registry.setSampleListener(outputs.listener);
    }

    // ---- executors and VUs --------------------------------------------------------------------
    const workerCount = workersFor(io, options);
    const useWorkers = workerCount > 0;
    let setupJSON: string | undefined;
    let phase: ScenarioPhase | undefined;
    let fleet: WorkerFleet | undefined;
    const workerInit = {
      k6OfflineWorker: true as const,
      scriptPath,
      flags,
      env,
      processEnv: { ...io.env },
      vuRealm: realm as VuRealm,
      faultAgent: services.faultAgent,
      insecureSkipTLSVerify: options.insecureSkipTLSVerify,
      hosts: options.hosts,
      wallStart,
      rawOptions,
      exportedFunctions,
    };
    if (useWorkers) {
      const f = new WorkerFleet(io.workerEntry!, {
        registry,
        logger,
        stderr: io.stderr,
        onAbort: (reason) => services.abortTest(reason),
        onFail: (reason) => services.failTest(reason),
        onNotImplemented: (what) => void services.notImplemented(what),
        http: () => services.http,
      });
      fleet = f;
      fleetRef = f;
      stopScenarios = () => f.stop();
      stopLifecycle = (code) => f.stopLifecycle(new RunnerError('ERR_SCRIPT_ABORTED', code, 'the test run was interrupted'));
      services.instanceStats = () => f.stats(perfStart);
      hasScenarioWork = planScenarios({ services, entry, options, registry, logger }).executors.length > 0;
      await f.spawn(workerCount, workerInit);
    } else {
      const p = planScenarios({ services, entry, options, registry, logger });
      phase = p;
      hasScenarioWork = p.executors.length > 0;
      stopScenarios = () => p.stop();
      services.instanceStats = () => p.stats(perfStart);
      await p.pool.preallocate(vusToPreallocate(options, p.executors));
      await services.http.warmUp();
    }
    const vusInitialized = (): number => services.instanceStats().vusInitialized;
    // setup, teardown and handleSummary in a fresh VU: a worker thread of their own when VUs run
    // in workers (so busy code can be stopped at its timeout), else on this thread.
    // setup's and teardown's workers start (and initialise their VU) before the test run does.
    const prepared = new Map<LifecycleName, PreparedLifecycle>();
    if (fleet && !options.noSetup && typeof exportsObj.setup === 'function') prepared.set('setup', fleet.prepareLifecycle('setup', workerInit));
    if (fleet && !options.noTeardown && typeof exportsObj.teardown === 'function') prepared.set('teardown', fleet.prepareLifecycle('teardown', workerInit));
    await Promise.all([...prepared.values()].map((p) => p.ready));
    const runLifecycle = async (name: LifecycleName, argJSON: string | undefined, timeoutMs: number, onTimeout: () => Error): Promise<unknown> => {
      if (fleet) return fleet.runLifecycle(prepared.get(name) ?? fleet.prepareLifecycle(name, workerInit), argJSON, testStart, timeoutMs, onTimeout);
      const vu = new VU(0, services, entry, 0);
      const phaseName = name === 'handleSummary' ? 'summary' : name;
      const value = await vu.runLifecycle(name, phaseName, argJSON === undefined ? undefined : vu.jsonParse(argJSON), timeoutMs, onTimeout);
      return name === 'setup' ? marshalSetupData(value) : value;
    };

    // ---- setup --------------------------------------------------------------------------------
    // The test run starts before setup() and ends after teardown(), as k6 marks it (k6 v2.2
    // `internal/execution/scheduler.go` Run: MarkStarted … MarkEnded): Counter rates, the summary's
    // duration and exec.instance.currentTestRunDuration all count setup and teardown.
    testStart = Date.now();
    perfStart = performance.now();
    let setupFailed = false;
    if (!options.noSetup && typeof exportsObj.setup === 'function' && runErrorCode === undefined) {
      try {
        setupJSON = (await runLifecycle('setup', undefined, options.setupTimeoutMs, () => new SetupTimeoutError(options.setupTimeoutMs))) as string | undefined;
      } catch (err) {
        setupFailed = true;
        if (runErrorCode === undefined) {
          runErrorCode = err instanceof RunnerError ? err.exitCode : EXIT_CODES.SCRIPT_EXCEPTION;
          logger.log('error', err instanceof Error ? err.message : String(err));
        }
      }
    }

    if (phase && !setupFailed) {
      phase.setupJSON = setupJSON;
      await phase.pool.primeSetupData(setupJSON);
    }

    // ---- the scenarios ------------------------------------------------------------------------
    const emitVus = (): void => {
      const t = Date.now();
      registry.add({ metric: VUS, value: services.instanceStats().vusActive, tags: { ...options.tags }, time: t });
      registry.add({ metric: VUS_MAX, value: vusInitialized(), tags: { ...options.tags }, time: t });
    };
    if (!setupFailed && runErrorCode === undefined) {
      const progress = createProgressReporter({
        executors: phase?.executors ?? [],
        write: io.stderr,
        isTTY: io.isStdErrTTY,
        quiet: flags.quiet,
        snapshot: () => {
          const s = services.instanceStats();
          return { elapsedMs: performance.now() - perfStart, vusActive: s.vusActive, vusMax: s.vusInitialized, completed: s.iterationsCompleted, interrupted: s.iterationsInterrupted };
        },
      });
      progress.start();
      const droppedSink = registry.sink(DROPPED_ITERATIONS);
      const health = sampleHealth(io.cpuTimes ?? realCpuTimes, () => ('count' in droppedSink ? droppedSink.count : 0));
      emitVus();
      const vusTimer = setInterval(emitVus, 1000);
      const thresholdTimer = setInterval(() => {
        if (!thresholds) return;
        const r = thresholds.evaluate({ final: false, elapsedMs: performance.now() - perfStart });
        if (r.abort) {
          const failedKeys = [...new Set(r.results.filter((x) => !x.ok && x.abortOnFail).map((x) => x.metric))];
          stopAll(EXIT_CODES.THRESHOLDS_HAVE_FAILED, thresholdsAbortMessage(failedKeys));
        }
      }, THRESHOLD_EVALUATION_INTERVAL_MS);
      // The main thread too when the VUs run on workers; its work waits well (thread-priority.ts).
      if (io.threads) lowerThreads(fleet ? [io.threads.mainThread, ...helpers] : helpers, io.threads);
      if (fleet) {
        fleet.start(setupJSON, testStart);
        fleet.deadline(lastScenarioEndMs(options) + 500);
        await fleet.finished();
        if (fleet.terminatedBusy) logger.log('warn', 'VUs still busy in JavaScript at the end of their scenario (or after the stop) were interrupted: their worker thread was terminated');
      } else if (phase) {
        await runExecutors(options, phase.executors, () => runErrorCode !== undefined);
      }
      clearInterval(vusTimer);
      clearInterval(thresholdTimer);
      emitVus();
      progress.stop(true);
      const overloaded = healthWarning(assessHealth(health.stop()), availableParallelism());
      if (overloaded) logger.log('warn', overloaded);
    }

    // ---- teardown -----------------------------------------------------------------------------
    if (!setupFailed && !options.noTeardown && typeof exportsObj.teardown === 'function') {
      try {
        await runLifecycle('teardown', setupJSON, options.teardownTimeoutMs, () => new TeardownTimeoutError(options.teardownTimeoutMs));
      } catch (err) {
        if (runErrorCode === undefined || runErrorCode === EXIT_CODES.THRESHOLDS_HAVE_FAILED) {
          runErrorCode = err instanceof RunnerError ? err.exitCode : EXIT_CODES.SCRIPT_EXCEPTION;
        }
        logger.log('error', err instanceof Error ? err.message : String(err));
      }
    }

    // ---- outputs are complete before the summary is shown ------------------------------------
    if (outputs) {
      registry.setSampleListener(undefined);
      await outputs.stop();
    }

    // ---- final thresholds and summary ---------------------------------------------------------
    const testRunDurationMs = performance.now() - perfStart;
    let thresholdsFailed = false;
    if (thresholds) {
      const r = thresholds.evaluate({ final: true, elapsedMs: testRunDurationMs });
      thresholdsFailed = r.failed;
      if (r.failed && runErrorCode === undefined) logger.log('error', thresholdsCrossedMessage(r.breached));
    }
    const totalCompleted = services.instanceStats().iterationsCompleted;
    if (totalCompleted === 0 && !setupFailed && hasScenarioWork) logger.log('warn', NO_ITERATIONS_WARNING);
    logger.flushSuppressed();

    const state: SummaryRunState = {
      testRunDurationMs,
      isStdOutTTY: io.isStdOutTTY,
      isStdErrTTY: io.isStdErrTTY,
      options: options.testOptions,
      scenarios: options.scenarios.map((s) => ({ name: s.name, executor: s.executor })),
      setupData: setupJSON === undefined ? undefined : JSON.parse(setupJSON),
    };
    const data = buildSummaryData(registry, thresholds, state);
    if (options.summaryMode !== SUMMARY_MODE_DISABLED) {
      if (typeof exportsObj.handleSummary === 'function') {
        try {
          const out = await runLifecycle('handleSummary', JSON.stringify(data), options.handleSummaryTimeoutMs, () => new RunnerError('ERR_SCRIPT_EXCEPTION', EXIT_CODES.GENERIC_TIMEOUT, `handleSummary() timed out after ${options.handleSummaryTimeoutMs / 1000}s`));
          writeSummaryOutputs(out, io, resolvePath(io.cwd));
        } catch (err) {
          logger.log('error', err instanceof Error ? err.message : String(err));
          if (runErrorCode === undefined) runErrorCode = err instanceof RunnerError ? err.exitCode : EXIT_CODES.SCRIPT_EXCEPTION;
        }
      } else {
        io.stdout(defaultSummaryStdout({ registry, thresholds, state, mode: options.summaryMode }));
      }
    }
    if (options.summaryExport) {
      const file = resolvePath(io.cwd, options.summaryExport);
      writeFileSync(file, legacyExportJson(data));
    }
    return { exitCode: resolveExitCode({ runErrorCode, markedAsFailed, thresholdsFailed }), summary: data };
  } finally {
    await fleetRef?.close();
    registry.setSampleListener(undefined);
    await outputs?.stop();
    unhookSignals();
    process.off('unhandledRejection', onRejection);
    await services.http.close().catch(() => undefined);
  }
}

/** Upper bound for worker threads (K6_OFFLINE_WORKERS). */
export const MAX_WORKERS = 64;

/**
 * How many worker threads run the VUs: `K6_OFFLINE_WORKERS` (default: the machine's cores), at
 * most one per VU the test can need at once, and one when the run is itself an execution segment
 * (`--execution-segment`: striping inside a segment is not split further). 0 = VUs on the main
 * thread (no worker threads; busy JavaScript cannot then be interrupted).
 */
export function workersFor(io: Pick<RunIO, 'env' | 'workerEntry'>, options: ConsolidatedOptions): number {
  const raw = io.env.K6_OFFLINE_WORKERS;
  let n = availableParallelism();
  if (raw !== undefined && raw !== '') {
    if (!/^\d+$/.test(raw) || Number(raw) > MAX_WORKERS) {
      throw new InvalidOptionsError([`K6_OFFLINE_WORKERS: must be an integer from 0 (VUs on the main thread) to ${MAX_WORKERS} (got '${raw}')`]);
    }
    n = Number(raw);
  }
  if (n === 0 || !io.workerEntry) return 0;
  if (!options.tuple.isFull) return 1;
  const vus = options.scenarios.reduce((a, s) => a + scenarioMaxVUs(s), 0);
  return Math.max(1, Math.min(n, vus));
}

function scenarioMaxVUs(s: ConsolidatedOptions['scenarios'][number]): number {
  switch (s.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return Math.max(s.preAllocatedVUs, s.maxVUs ?? 0);
    case 'ramping-vus':
      return Math.max(s.startVUs, ...s.stages.map((st) => st.target));
    default:
      return s.vus;
  }
}

/** When the last scenario's gracefulStop ends, from the test start (k6 `GetMaxExecutionTime`). */
function lastScenarioEndMs(options: ConsolidatedOptions): number {
  return options.scenarios.reduce((a, s) => Math.max(a, s.startTimeMs + scenarioDurationMs(s) + s.gracefulStopMs), 0);
}

/** Writes what handleSummary returned: `stdout`, `stderr`, or file paths (docs/k6-semantics.md#lifecycle). */
function writeSummaryOutputs(out: unknown, io: RunIO, cwd: string): void {
  if (out === undefined || out === null) return;
  if (typeof out !== 'object') throw new ScriptExceptionError('handleSummary() must return an object of {stdout|stderr|<path>: string | ArrayBuffer}');
  for (const [key, value] of Object.entries(out as Record<string, unknown>)) {
    const content = typeof value === 'string' ? value : value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]' ? Buffer.from(value as ArrayBuffer) : String(value);
    if (key === 'stdout') io.stdout(content.toString());
    else if (key === 'stderr') io.stderr(content.toString());
    else writeFileSync(resolvePath(cwd, key), content);
  }
}

export { scenarioDurationMs };
