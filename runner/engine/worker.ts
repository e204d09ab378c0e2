/**
 * The worker-thread side of a run (runner/README.md "Worker threads"). A worker either runs the
 * scenarios of one execution segment of the test (`kind: 'scenarios'`), or one lifecycle
 * function — setup, teardown or handleSummary — in a fresh VU (`kind: 'lifecycle'`). Either way
 * its VUs' samples go to the main thread in batches (metrics/sample-batch.ts), its log lines to
 * the main thread's stderr, and `exec.test.abort()/fail()` to the main thread, which owns the
 * test: thresholds, the summary, the exit code, and the power to terminate a worker whose
 * JavaScript is busy past the point where k6 would have interrupted it.
 */
import type { HostsTable } from '../http/hosts';
import type { MessagePort } from 'node:worker_threads';
import { dirname } from 'node:path';
import { VUS, VUS_MAX } from '../constants';
import { describeThrown, NotImplementedError, RunnerError, ScriptExceptionError } from '../errors';
import { HttpClient } from '../http/client';
import { SyncHttpCaller } from '../http/sync-bridge';
import { defineBuiltinMetrics } from '../metrics/builtin';
import { SampleForwarder, type SampleBatch } from '../metrics/sample-batch';
import type { RunFlags } from '../options/cli-args';
import { consolidate, type ConsolidatedOptions } from '../options/consolidate';
import { createLogger } from '../progress/logger';
import type { EngineServices, InstanceStats, VuRealm } from '../vu/engine-services';
import { compileModule } from '../vu/script-loader';
import { VU, type VuPhase } from '../vu/vu';
import { marshalSetupData } from './setup-data';
import { planScenarios, runExecutors, vusToPreallocate, type ScenarioPhase } from './scenarios';

export type LifecycleName = 'setup' | 'teardown' | 'handleSummary';

export interface WorkerInit {
  k6OfflineWorker: true;
  kind: 'scenarios' | 'lifecycle';
  scriptPath: string;
  flags: RunFlags;
  /** `__ENV` before scenario env (system env unless disabled, then `-e`). */
  env: Record<string, string>;
  /** The runner's own environment (K6_* options). */
  processEnv: Record<string, string | undefined>;
  vuRealm: VuRealm;
  faultAgent: EngineServices['faultAgent'];
  insecureSkipTLSVerify: boolean;
  /** The consolidated `hosts` option (runner/http/hosts.ts), as the main thread parsed it. */
  hosts: HostsTable | undefined;
  /** Unix ms the run started (log timestamps). */
  wallStart: number;
  /** `kind: 'scenarios'`: this worker's part of the test, `index`/`count` equal slices. */
  index: number;
  count: number;
  /** `kind: 'lifecycle'`. */
  lifecycle?: { name: LifecycleName };
  /** The script's exported options and function names, from the main thread's init (no second init here). */
  rawOptions: Record<string, unknown>;
  exportedFunctions: string[];
  /** Synchronous HTTP through the main thread (runner/http/sync-bridge.ts). */
  syncPort: MessagePort;
  syncShared: SharedArrayBuffer;
}

export type ToWorker = { t: 'start'; setupJSON: string | undefined; testStart: number } | { t: 'stop' } | { t: 'run'; argJSON: string | undefined; stats: InstanceStats; testStart: number };

export type FromWorker =
  | { t: 'ready' }
  | { t: 'batch'; batch: SampleBatch; stats: InstanceStats }
  | { t: 'log'; text: string }
  | { t: 'abort'; reason: string }
  | { t: 'fail'; reason: string }
  | { t: 'notImplemented'; what: string }
  | { t: 'done'; stats: InstanceStats }
  | { t: 'result'; value: unknown }
  | { t: 'fatal'; message: string; exitCode: number; code: string };

const FLUSH_INTERVAL_MS = 100;
const VU_PHASES: Record<LifecycleName, VuPhase> = { setup: 'setup', teardown: 'teardown', handleSummary: 'summary' };

export async function workerMain(init: WorkerInit, port: MessagePort): Promise<void> {
  const post = (m: FromWorker, transfer?: ArrayBuffer[]): void => port.postMessage(m, transfer ?? []);
  const logger = createLogger({ write: (text) => post({ t: 'log', text }), startMs: init.wallStart });
  let phase: ScenarioPhase | undefined;
  let stopped = false;
  let perfStart = 0;
  let testStart = 0;
  const emptyStats: InstanceStats = { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0, vusInitialized: 0, currentTestRunDuration: 0 };
  let lifecycleStats: InstanceStats | undefined;
  const stats = (): InstanceStats => phase?.stats(perfStart) ?? lifecycleStats ?? emptyStats;
  const forwarder = new SampleForwarder(new Set([VUS, VUS_MAX]), 8192, () => flush());
  const flush = (): void => {
    const batch = forwarder.take();
    post({ t: 'batch', batch, stats: stats() }, [batch.ids.buffer as ArrayBuffer, batch.nums.buffer as ArrayBuffer]);
  };
  defineBuiltinMetrics(forwarder);
  const stop = (): void => {
    stopped = true;
    phase?.stop();
  };
  const services: EngineServices = {
    registry: forwarder,
    options: undefined,
    env: init.env,
    scriptDir: dirname(init.scriptPath),
    logger,
    http: new HttpClient({ insecureSkipTLSVerify: init.insecureSkipTLSVerify, hosts: init.hosts }),
    vuRealm: init.vuRealm,
    faultAgent: init.faultAgent,
    sharedArrays: new Map(),
    syncHttp: new SyncHttpCaller(init.syncPort, init.syncShared),
    abortTest: (reason) => {
      stop();
      post({ t: 'abort', reason });
    },
    failTest: (reason) => post({ t: 'fail', reason }),
    // The main thread logs it and stops the run with 107 (run-test.ts); this thread stops now.
    notImplemented: (what) => {
      const err = new NotImplementedError(what);
      err.reported = true;
      stop();
      post({ t: 'notImplemented', what });
      return err;
    },
    instanceStats: stats,
    testStartTime: () => testStart,
  };
  process.on('unhandledRejection', (reason) => logger.iterationError(`Uncaught (in promise) ${describeThrown(reason)}`));
  const flushTimer = setInterval(flush, FLUSH_INTERVAL_MS);
  try {
    const entry = compileModule(init.scriptPath);
    const flags: RunFlags = init.count > 1 ? { ...init.flags, executionSegment: `${init.index}/${init.count}:${init.index + 1}/${init.count}`, executionSegmentSequence: sequence(init.count) } : init.flags;
    const options: ConsolidatedOptions = consolidate({ scriptOptions: init.rawOptions, env: init.processEnv, flags, exportedFunctions: init.exportedFunctions });
    services.options = options;

    if (init.kind === 'lifecycle') {
      // Initialised ahead (a fresh VU, as k6 does), then run when the main thread says so: the
      // thread's start-up is not part of the test run.
      const { name } = init.lifecycle!;
      const vu = new VU(0, services, entry, 0);
      const go = await new Promise<Extract<ToWorker, { t: 'run' }>>((resolve) => {
        port.on('message', (m: ToWorker) => {
          if (m.t === 'run') resolve(m);
        });
        post({ t: 'ready' });
      });
      lifecycleStats = go.stats;
      testStart = go.testStart;
      const arg = go.argJSON === undefined ? undefined : vu.jsonParse(go.argJSON);
      // The main thread enforces the timeout (it can terminate this thread when the code is busy).
      const value = await vu.runLifecycle(name, VU_PHASES[name], arg, 2 ** 31 - 1, () => new Error('unreachable'));
      flush();
      post({ t: 'result', value: name === 'setup' ? marshalSetupData(value) : name === 'handleSummary' ? summaryOutputs(value) : undefined });
      return;
    }

    phase = planScenarios({ services, entry, options, registry: forwarder, logger, globalVuIds: true });
    await phase.pool.preallocate(vusToPreallocate(options, phase.executors));
    await services.http.warmUp();
    const start = await new Promise<Extract<ToWorker, { t: 'start' }> | undefined>((resolve) => {
      port.on('message', (m: ToWorker) => {
        if (m.t === 'start') resolve(m);
        else if (m.t === 'stop') {
          stop();
          resolve(undefined);
        }
      });
      post({ t: 'ready' });
    });
    if (start && !stopped) {
      phase.setupJSON = start.setupJSON;
      await phase.pool.primeSetupData(start.setupJSON);
      testStart = start.testStart;
      perfStart = performance.now();
      await runExecutors(options, phase.executors, () => stopped);
    }
    logger.flushSuppressed();
    flush();
    post({ t: 'done', stats: stats() });
  } catch (err) {
    flush();
    const e = err instanceof RunnerError ? err : new ScriptExceptionError(describeThrown(err));
    post({ t: 'fatal', message: e.message, exitCode: e.exitCode, code: e.code });
  } finally {
    clearInterval(flushTimer);
    await services.http.close().catch(() => undefined);
  }
}

/** `0,1/n,2/n,...,1`. */
function sequence(n: number): string {
  return Array.from({ length: n + 1 }, (_, i) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`)).join(',');
}

/** What handleSummary returned, as plain strings and bytes that can cross to the main thread. */
function summaryOutputs(out: unknown): unknown {
  if (out === undefined || out === null || typeof out !== 'object') return out;
  const plain: Record<string, string | Uint8Array> = {};
  for (const [key, value] of Object.entries(out as Record<string, unknown>)) {
    plain[key] =
      typeof value === 'string'
        ? value
        : value instanceof ArrayBuffer || Object.prototype.toString.call(value) === '[object ArrayBuffer]'
          ? new Uint8Array((value as ArrayBuffer).slice(0))
          : String(value);
  }
  return plain;
}
