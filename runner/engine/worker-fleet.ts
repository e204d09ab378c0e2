/**
 * The main thread's side of the worker threads of one run (runner/README.md "Worker threads"):
 * starts them, merges their sample batches into the run's registry, relays their log lines,
 * aborts and failures, sums their execution stats, and terminates a worker whose JavaScript is
 * still busy when k6 would have interrupted it (a stop, or the end of the last scenario's
 * gracefulStop) — `worker.terminate()` stops even `while (true) {}`.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import type { HttpClient } from '../http/client';
import { serveSyncHttp } from '../http/sync-bridge';
import { RunnerError, type RunnerErrorCode } from '../errors';
import type { MetricRegistry } from '../contract';
import { SampleMerger } from '../metrics/sample-batch';
import type { Logger } from '../progress/logger';
import type { InstanceStats } from '../vu/engine-services';
import type { FromWorker, LifecycleName, ToWorker, WorkerInit } from './worker';
import { INSUFFICIENT_VUS } from '../constants';

export interface FleetHooks {
  registry: MetricRegistry;
  logger: Logger;
  stderr: (text: string) => void;
  onAbort: (reason: string) => void;
  onFail: (reason: string) => void;
  onNotImplemented: (what: string) => void;
  /** The main thread's HTTP client, which runs the workers' synchronous requests. */
  http: () => HttpClient;
}

/** How long a stopped worker may take to wind down before it is terminated. */
export const STOP_GRACE_MS = 1000;

interface Member {
  worker: Worker;
  merger: SampleMerger;
  stats: InstanceStats;
  done: boolean;
  /** Set when the main thread terminated the worker while its VUs were busy. */
  killed: boolean;
  settle: () => void;
  finished: Promise<void>;
}

/** A lifecycle worker started ahead of its function (`prepareLifecycle`). */
export interface PreparedLifecycle {
  name: LifecycleName;
  worker: Worker;
  ready: Promise<void>;
  exited: boolean;
  result?: { value: unknown };
  failure?: Error;
  onExit?: () => void;
}

const ZERO: InstanceStats = { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0, vusInitialized: 0, currentTestRunDuration: 0 };

/**
 * Forwards the workers' log lines, k6's once-per-scenario warning once per scenario: each worker
 * runs a share of the scenario's `maxVUs`, and every worker that uses all of its share says so.
 */
export function onceByScenario(write: (text: string) => void): (text: string) => void {
  const seen = new Set<string>();
  const insufficient = new RegExp(`^WARN\\[\\d+\\] ${INSUFFICIENT_VUS}.*\\bscenario=(\\S+)`);
  return (text) => {
    const scenario = insufficient.exec(text)?.[1];
    if (scenario !== undefined) {
      if (seen.has(scenario)) return;
      seen.add(scenario);
    }
    write(text);
  };
}

/** Wires one worker's messages to the hooks; `onOther` gets ready/result/fatal/done. */
function listen(worker: Worker, merger: SampleMerger, hooks: FleetHooks & { log: (text: string) => void }, onStats: (s: InstanceStats) => void, onOther: (m: FromWorker) => void): void {
  worker.on('message', (m: FromWorker) => {
    switch (m.t) {
      case 'batch':
        merger.apply(m.batch);
        onStats(m.stats);
        return;
      case 'log':
        hooks.log(m.text);
        return;
      case 'abort':
        hooks.onAbort(m.reason);
        return;
      case 'fail':
        hooks.onFail(m.reason);
        return;
      case 'notImplemented':
        hooks.onNotImplemented(m.what);
        return;
      default:
        onOther(m);
    }
  });
}

function fatalError(m: Extract<FromWorker, { t: 'fatal' }>): RunnerError {
  return new RunnerError(m.code as RunnerErrorCode, m.exitCode, m.message);
}

export class WorkerFleet {
  private readonly members: Member[] = [];
  private stopTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  /** VUs that were busy in a terminated worker (their iterations count as interrupted). */
  interruptedByTermination = 0;

  private readonly hooks: FleetHooks & { log: (text: string) => void };

  constructor(
    private readonly entry: URL,
    hooks: FleetHooks,
  ) {
    this.hooks = { ...hooks, log: onceByScenario(hooks.stderr) };
  }

  /** Starts `count` scenario workers; resolves when all have initialised their VUs. */
  /** A worker thread with its synchronous-HTTP channel to this thread. */
  private start_(data: Omit<WorkerInit, 'syncPort' | 'syncShared'>): Worker {
    const channel = new MessageChannel();
    const shared = new SharedArrayBuffer(4);
    serveSyncHttp(channel.port1, shared, this.hooks.http);
    const worker = new Worker(this.entry, { workerData: { ...data, syncPort: channel.port2, syncShared: shared } satisfies WorkerInit, transferList: [channel.port2], stdout: false, stderr: false });
    worker.on('exit', () => channel.port1.close());
    return worker;
  }

  async spawn(count: number, init: Omit<WorkerInit, 'index' | 'count' | 'kind' | 'syncPort' | 'syncShared'>): Promise<void> {
    const ready: Array<Promise<void>> = [];
    for (let index = 0; index < count; index++) {
      const worker = this.start_({ ...init, kind: 'scenarios', index, count });
      let settle!: () => void;
      const member: Member = { worker, merger: new SampleMerger(this.hooks.registry), stats: ZERO, done: false, killed: false, settle: () => settle(), finished: new Promise<void>((r) => (settle = r)) };
      this.members.push(member);
      ready.push(
        new Promise<void>((resolve, reject) => {
          listen(worker, member.merger, this.hooks, (s) => (member.stats = s), (m) => {
            if (m.t === 'ready') resolve();
            else if (m.t === 'done') {
              member.stats = m.stats;
              member.done = true;
              void worker.terminate();
            } else if (m.t === 'fatal') {
              member.done = true;
              const err = fatalError(m);
              reject(err);
              this.hooks.logger.log('error', err.message);
            }
          });
          worker.on('error', (err) => {
            member.done = true;
            reject(err);
            this.hooks.logger.log('error', `a worker thread failed: ${err.message}`);
          });
          worker.on('exit', () => {
            member.done = true;
            resolve();
            member.settle();
          });
        }),
      );
    }
    await Promise.all(ready);
  }

  private perfStart = 0;

  start(setupJSON: string | undefined, testStart: number): void {
    this.perfStart = performance.now();
    this.send({ t: 'start', setupJSON, testStart });
  }

  /**
   * Interrupts the run (abort, signal, abortOnFail): every worker stops its scenarios; a worker
   * that has not ended `STOP_GRACE_MS` later is busy in JavaScript and is terminated.
   */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.send({ t: 'stop' });
    this.stopTimer = setTimeout(() => this.terminateBusy(), STOP_GRACE_MS);
  }

  /** Terminates workers still running `ms` from now (the end of the last gracefulStop). */
  deadline(ms: number): void {
    this.deadlineTimer = setTimeout(() => {
      this.send({ t: 'stop' });
      this.stopTimer = setTimeout(() => this.terminateBusy(), STOP_GRACE_MS);
    }, ms);
  }

  private terminateBusy(): void {
    for (const m of this.members) {
      if (m.done) continue;
      m.killed = true;
      this.interruptedByTermination += m.stats.vusActive;
      void m.worker.terminate();
    }
  }

  private send(message: ToWorker): void {
    for (const m of this.members) if (!m.done) m.worker.postMessage(message);
  }

  /** Resolves when every worker has exited. */
  async finished(): Promise<void> {
    await Promise.all(this.members.map((m) => m.finished));
    clearTimeout(this.stopTimer);
    clearTimeout(this.deadlineTimer);
  }

  /** Whether a worker had to be terminated while busy. */
  get terminatedBusy(): boolean {
    return this.members.some((m) => m.killed);
  }

  stats(perfStart: number): InstanceStats {
    const sum = { ...ZERO };
    for (const m of this.members) {
      sum.iterationsCompleted += m.stats.iterationsCompleted;
      sum.iterationsInterrupted += m.stats.iterationsInterrupted;
      sum.vusActive += m.done ? 0 : m.stats.vusActive;
      sum.vusInitialized += m.stats.vusInitialized;
    }
    sum.iterationsInterrupted += this.interruptedByTermination;
    sum.currentTestRunDuration = perfStart ? performance.now() - perfStart : 0;
    return sum;
  }

  async close(): Promise<void> {
    clearTimeout(this.stopTimer);
    clearTimeout(this.deadlineTimer);
    await Promise.all([...this.members.map((m) => m.worker.terminate()), ...[...this.prepared].map((p) => p.worker.terminate())]);
  }

  /**
   * Starts the worker for one lifecycle function and lets it initialise its VU, so that its
   * start-up is not part of the test run; `runLifecycle` then runs the function.
   */
  prepareLifecycle(name: LifecycleName, init: Omit<WorkerInit, 'index' | 'count' | 'kind' | 'lifecycle' | 'syncPort' | 'syncShared'>): PreparedLifecycle {
    const worker = this.start_({ ...init, kind: 'lifecycle', index: 0, count: 1, lifecycle: { name } });
    const merger = new SampleMerger(this.hooks.registry);
    const state: PreparedLifecycle = { name, worker, exited: false, ready: undefined as unknown as Promise<void> };
    let readyResolve!: () => void;
    state.ready = new Promise<void>((r) => (readyResolve = r));
    listen(worker, merger, this.hooks, () => undefined, (m) => {
      if (m.t === 'ready') readyResolve();
      else if (m.t === 'result') state.result = { value: m.value };
      else if (m.t === 'fatal') state.failure = fatalError(m);
      if (m.t === 'result' || m.t === 'fatal') void worker.terminate();
    });
    worker.on('error', (err) => (state.failure = new RunnerError('ERR_SCRIPT_EXCEPTION', 107, `${name}() failed: ${err.message}`)));
    worker.on('exit', () => {
      state.exited = true;
      readyResolve();
      state.onExit?.();
    });
    this.prepared.add(state);
    return state;
  }

  /**
   * Runs a prepared lifecycle function and returns what it returned: the JSON of setup's data,
   * handleSummary's outputs. Past `timeoutMs` — busy code included — the worker is terminated
   * and `onTimeout()` is thrown.
   */
  async runLifecycle(p: PreparedLifecycle, argJSON: string | undefined, testStart: number, timeoutMs: number, onTimeout: () => Error): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    let onSignalStop: (() => void) | undefined;
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const settle = (): void => {
          if (p.failure) reject(p.failure);
          else if (p.result) resolve(p.result.value);
          else reject(this.lifecycleStop ?? onTimeout());
        };
        if (p.exited) return settle();
        p.onExit = settle;
        timer = setTimeout(() => {
          p.failure ??= onTimeout();
          void p.worker.terminate();
        }, timeoutMs);
        onSignalStop = () => {
          p.failure ??= this.lifecycleStop;
          void p.worker.terminate();
        };
        this.lifecycleStops.add(onSignalStop);
        void p.ready.then(() => {
          if (!p.exited) p.worker.postMessage({ t: 'run', argJSON, stats: this.stats(this.perfStart), testStart } satisfies ToWorker);
        });
      });
    } finally {
      clearTimeout(timer);
      if (onSignalStop) this.lifecycleStops.delete(onSignalStop);
      this.prepared.delete(p);
    }
  }

  private readonly prepared = new Set<PreparedLifecycle>();
  private readonly lifecycleStops = new Set<() => void>();
  private lifecycleStop: Error | undefined;

  /** Ends a running lifecycle function at once (SIGINT/SIGTERM during setup/teardown). */
  stopLifecycle(error: Error): void {
    this.lifecycleStop = error;
    for (const f of [...this.lifecycleStops]) f();
  }
}
