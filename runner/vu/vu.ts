/**
 * One virtual user: its realm (realm.ts: a node:vm context with only k6's globals, its module
 * instances), its pending async work (event-loop.ts), the tags its samples carry (vu-tags.ts) and
 * its lifecycle, which ends an async iteration when k6 ends it — when the exec function's promise
 * settles AND the VU's pending timers and requests are done.
 *
 * The k6 modules see it as a VuApi (vu-api.ts) and never import this file, which imports them.
 */
import type vm from 'node:vm';
import { GROUP_SEPARATOR, ITERATION_DURATION, ITERATIONS } from '../constants';
import type { Tags } from '../contract';
import { describeThrown, NotImplementedError, ScriptExceptionError, TestAbortedError } from '../errors';
import type { StopSignal } from '../executors/stop-signal';
import type { EngineServices } from './engine-services';
import { copyData } from './data-copy';
import { EventLoop } from './event-loop';
import { sealHostRealm } from './host-guard';
import { createVuGlobals, Realm } from './realm';
import type { CompiledModule } from './script-loader';
import { isAsyncFunction, isThenable } from './thenable';
import type { ScenarioState, VuApi, VuPhase } from './vu-api';
import { checkTagsOf, computeBaseTags, iterationTags, mergedTagsOf } from './vu-tags';

export type { ScenarioState, VuPhase } from './vu-api';

/** Marks an iteration cut short by gracefulStop/abort: its later callbacks are ignored. */
const INTERRUPTED = Symbol('interrupted');

export class VU implements VuApi {
  readonly id: number;
  readonly idInTest: number;
  readonly engine: EngineServices;
  readonly context: vm.Context;
  phase: VuPhase = 'init';
  /** `__ITER`: iterations this VU started (0-based for the current one). */
  iteration = -1;
  iterationInScenario = -1;
  iterationInTest = 0;
  private scenarioIteration = 0;
  /** How long the VU's previous iteration in this scenario ran (Infinity: none, or interrupted). */
  private lastIterationMs = Infinity;
  /** Its realm's exec functions known to return a promise (see runIteration). */
  private readonly promiseExecs: Set<string>;
  scenario: ScenarioState | undefined;
  groupPath = '';
  /** `exec.vu.metrics.tags` (script-visible, mutable) and `.metadata`. */
  metricTags: Record<string, string | number | boolean> = {};
  metadata: Record<string, string | number | boolean> = {};
  /** `http.setResponseCallback` state; `undefined` = k6's default (200–399). */
  responseCallback: unknown = undefined;
  exports: Record<string, unknown> = {};
  /** Whether `sleep()` may defer (inside the synchronous call of a non-async function). */
  inSyncFrame = false;
  syncSleepMs = 0;
  private setupData: unknown = undefined;
  private setupParsed = false;
  readonly jsonParse: (text: string) => unknown;
  /** The context's own Math (builtins are not properties of the contextified sandbox). */
  readonly math: { random: () => number };

  /** `__ENV` as this VU's script sees it (mutated in place on activation). */
  readonly env: Record<string, string>;
  /** The k6 globals that are this VU's own (timers, open, console, __VU, __ENV, ...). */
  readonly vuGlobals: Record<string, unknown>;
  /** Whether this VU shares its realm with the others (K6_OFFLINE_VU_REALM=shared). */
  readonly sharedRealm: boolean;
  private readonly realm: Realm;
  private readonly loop = new EventLoop((err) => this.reportAsyncError(err));

  constructor(id: number, engine: EngineServices, entry: CompiledModule, idInTest = id) {
    // Before any host object reaches a script: no host-realm Function for it to find (host-guard.ts).
    sealHostRealm();
    this.id = id;
    this.idInTest = idInTest;
    this.engine = engine;
    this.env = { ...this.engine.env };
    this.vuGlobals = createVuGlobals(this, this.env, this.loop);
    this.sharedRealm = engine.vuRealm === 'shared';
    this.realm = new Realm(this);
    this.context = this.realm.context;
    this.promiseExecs = promiseExecsOf(this.context);
    this.jsonParse = this.realm.jsonParse;
    this.math = this.realm.math;
    this.exports = this.realm.evaluate(entry) as Record<string, unknown>;
  }

  // ---- pending async work (event-loop.ts) ---------------------------------------------------

  /** Registers one unit of pending async work; call the returned function once when it is done. */
  hold(): () => void {
    return this.loop.hold();
  }

  /** Whether callbacks registered in an earlier (interrupted) iteration should still run. */
  isCurrent(epoch: number): boolean {
    return this.loop.isCurrent(epoch);
  }

  get currentEpoch(): number {
    return this.loop.currentEpoch;
  }

  /** An exception in a timer callback or an unawaited promise fails the iteration, as in k6. */
  private asyncError: unknown = undefined;

  reportAsyncError(err: unknown): void {
    if (err instanceof TestAbortedError) return;
    if (this.phase === 'iteration' && this.asyncError === undefined) this.asyncError = err;
    else this.engine.logger.iterationError(`Uncaught (in promise) ${describeThrown(err)}`);
  }

  // ---- tags and samples (vu-tags.ts) --------------------------------------------------------

  /** Tags every sample from this VU carries now: test tags, scenario tags, VU tags, system tags. */
  baseTags(): Record<string, string> {
    return { ...this.sharedBaseTags() };
  }

  /** The cached base tags themselves: callers must not mutate the object (samples share it). */
  sharedBaseTags(): Readonly<Record<string, string>> {
    const key = this.tagsVersion;
    if (this.cachedTags && this.cachedTagsKey === key && this.cachedGroup === this.groupPath && this.cachedScenario === this.scenario) return this.cachedTags;
    const tags = computeBaseTags(this.engine.options?.tags, this.scenario, this.metricTags, this.groupPath);
    this.cachedTags = tags;
    this.cachedTagsKey = key;
    this.cachedGroup = this.groupPath;
    this.cachedScenario = this.scenario;
    return tags;
  }

  /** Bumped whenever `exec.vu.metrics.tags` changes, to invalidate the cached base tags. */
  tagsVersion = 0;
  private cachedTags: Record<string, string> | undefined;
  private cachedTagsKey = -1;
  private cachedGroup = '';
  private cachedScenario: ScenarioState | undefined;

  /** Emits one sample; `tags` is shared with the registry and must not be mutated afterwards. */
  emit(metric: string, value: number, tags: Tags, time = Date.now()): void {
    this.engine.registry.addValue(metric, value, tags, time);
  }

  /** `{...baseTags, ...extra}`, shared (read-only). */
  mergedTags(extra: Tags): Tags {
    return mergedTagsOf(this.sharedBaseTags(), extra);
  }

  /** `{...baseTags, ...extra, check: name}`, shared (read-only). */
  checkTags(extra: Tags, name: string): Tags {
    return checkTagsOf(this.sharedBaseTags(), extra, name);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Activates the VU for a scenario: scenario env over __ENV, VU tags reset (k6 `Activate`). */
  activate(scenario: ScenarioState | undefined): void {
    if (this.scenario?.config !== scenario?.config) {
      this.tagsVersion++;
      this.metricTags = {};
      this.metadata = {};
      this.iterationInScenario = -1;
      this.lastIterationMs = Infinity;
    }
    this.scenario = scenario;
    // Mutated in place: the script holds the object as a local (script-loader.ts).
    const env = this.env;
    for (const k of Object.keys(env)) delete env[k];
    Object.assign(env, this.engine.env, scenario?.config.env ?? {});
  }

  /** Runs a lifecycle function (setup/teardown/handleSummary) to completion; throws ScriptExceptionError. */
  async runLifecycle(name: string, phase: VuPhase, arg: unknown, timeoutMs: number, onTimeout: () => Error): Promise<unknown> {
    const fn = this.exports[name];
    if (typeof fn !== 'function') return undefined;
    this.phase = phase;
    this.groupPath = phase === 'setup' ? `${GROUP_SEPARATOR}setup` : phase === 'teardown' ? `${GROUP_SEPARATOR}teardown` : '';
    this.asyncError = undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = (async () => {
        this.syncSleepMs = 0;
        this.inSyncFrame = !isAsyncFunction(fn);
        let ret: unknown;
        try {
          ret = (fn as (a: unknown) => unknown)(arg);
        } finally {
          this.inSyncFrame = false;
        }
        const value = isThenable(ret) ? await ret : ret;
        if (this.syncSleepMs > 0) await new Promise((r) => setTimeout(r, this.syncSleepMs));
        await this.loop.waitIdle();
        if (this.asyncError !== undefined) throw this.asyncError;
        return value;
      })();
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(onTimeout()), timeoutMs);
      });
      return await Promise.race([work, timeout]);
    } catch (err) {
      if (err instanceof TestAbortedError || err instanceof NotImplementedError || (err instanceof Error && err.name === 'SetupTimeoutError') || (err instanceof Error && err.name === 'TeardownTimeoutError')) throw err;
      if (err && typeof err === 'object' && (err as { name?: string }).name === 'RunnerError') throw err;
      throw new ScriptExceptionError(`${name}() failed: ${describeThrown(err)}`);
    } finally {
      clearTimeout(timer);
      this.groupPath = '';
    }
  }

  /** `exec.scenario.iterationInInstance` of the current iteration. */
  iterationInScenarioInstance(): number {
    return this.scenarioIteration;
  }

  /** `setup()` data, the VU's own copy made on its first iteration (docs/k6-semantics.md#lifecycle). */
  dataFor(setupJSON: string | undefined): unknown {
    if (!this.setupParsed) {
      this.setupParsed = true;
      this.setupData = setupJSON === undefined ? undefined : copyData(setupJSON, this.realm.copier, this.jsonParse);
    }
    return this.setupData;
  }

  /**
   * Runs one iteration of `execName`. Resolves 'completed' (also when it threw: k6 counts such
   * iterations as full and logs the error) or 'interrupted' when `interrupt` fired first.
   */
  runIteration(execName: string, setupJSON: string | undefined, interrupt: StopSignal, iterationInTest: number, busyStopMs?: number): Promise<'completed' | 'interrupted'> {
    const fn = this.exports[execName];
    this.phase = 'iteration';
    this.iteration++;
    this.iterationInScenario++;
    this.iterationInTest = iterationInTest;
    if (this.scenario) this.scenarioIteration = this.scenario.iterationInInstance++;
    if (!this.sharedRealm) this.context.__ITER = this.iteration;
    this.groupPath = '';
    this.asyncError = undefined;
    const started = performance.now();
    const startedWall = Date.now();
    const work = (async (): Promise<void> => {
      this.syncSleepMs = 0;
      this.inSyncFrame = !isAsyncFunction(fn);
      let ret: unknown;
      try {
        // busyStopMs: when the scenario's interrupt is due, a synchronous function still running
        // is stopped there, as k6 does (see runner/README.md "Stopping busy code").
        // Node starts a watchdog thread per timed call (0.3–0.7 ms here, more than a short
        // iteration), so only these are timed: the VU's first iteration in the scenario, and one
        // after an iteration of at least BUSY_WATCH_AFTER_MS (a loop that never yields does so on
        // a VU's first iteration, or after a slow one). An exec function that once returned a
        // promise (an arrow returning an async call, as most bundles export) is not timed again
        // in its realm: what is busy after its first await cannot be timed anyway. In the shared
        // realm every VU's copy comes from the same code, so one VU's first call teaches all.
        const timed = busyStopMs !== undefined && this.inSyncFrame && this.lastIterationMs >= BUSY_WATCH_AFTER_MS && !this.promiseExecs.has(execName);
        ret = timed ? this.realm.callWithTimeout(fn, this.dataFor(setupJSON), busyStopMs) : (fn as (d: unknown) => unknown)(this.dataFor(setupJSON));
        if (timed && isThenable(ret)) this.promiseExecs.add(execName);
      } finally {
        this.inSyncFrame = false;
      }
      if (isThenable(ret)) await ret;
      if (this.syncSleepMs > 0) await new Promise((r) => setTimeout(r, this.syncSleepMs));
      await this.loop.waitIdle();
      if (this.asyncError !== undefined) throw this.asyncError;
    })();
    // Settles once: by the work, or by the interrupt signal (one listener, removed at the end).
    return new Promise((resolve) => {
      let settled = false;
      let off: () => void = () => undefined;
      const finish = (outcome: 'ok' | 'error' | typeof INTERRUPTED): void => {
        if (settled) return;
        settled = true;
        off();
        this.lastIterationMs = outcome === INTERRUPTED ? Infinity : performance.now() - started;
        if (outcome === INTERRUPTED) {
          this.cancelPending();
          resolve('interrupted');
          return;
        }
        const tags = iterationTags(this.sharedBaseTags());
        const elapsed = performance.now() - started;
        this.emit(ITERATION_DURATION, elapsed, tags, startedWall + elapsed);
        this.emit(ITERATIONS, 1, tags);
        // minIterationDuration pads after the iteration's samples, also after an exception, and
        // an interrupt only cuts the padding short (k6 v2.2 `internal/js/runner.go` RunOnce).
        const left = (this.engine.options?.minIterationDurationMs ?? 0) - elapsed;
        if (left <= 0) return resolve('completed');
        let stopPadding: () => void = () => undefined;
        const timer = setTimeout(() => {
          stopPadding();
          resolve('completed');
        }, left);
        stopPadding = interrupt.on(() => {
          clearTimeout(timer);
          resolve('completed');
        });
      };
      // `on` calls back at once when the signal already fired (abort during the sync part).
      const unsubscribe = interrupt.on(() => finish(INTERRUPTED));
      if (settled) unsubscribe();
      else off = unsubscribe;
      work.then(
        () => finish('ok'),
        (err: unknown) => {
          if (err instanceof TestAbortedError || err instanceof NotImplementedError || isScriptTimeout(err)) return finish(INTERRUPTED);
          if (!settled) this.engine.logger.iterationError(`${describeThrown(err)}${this.scenario ? `  at ${this.scenario.config.exec} (executor=${this.scenario.config.executor}, scenario=${this.scenario.config.name})` : ''}`);
          finish('error');
        },
      );
    });
  }

  /**
   * Drops the current iteration's pending work: timers are cleared; requests in flight finish on
   * their own but, being of an older epoch, neither emit metrics nor settle their promises.
   */
  cancelPending(): void {
    this.loop.cancel();
  }
}

export { TestAbortedError };

/**
 * node:vm's error when `timeout` ended busy code (Realm.callWithTimeout). Node creates it in the
 * VU's realm, so it is no host-realm `Error`: checked by its code alone.
 */
function isScriptTimeout(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
}

/**
 * A synchronous iteration is timed (when its scenario has a stop due) only on a VU's first
 * iteration in the scenario or after one that ran at least this long (see runIteration).
 */
export const BUSY_WATCH_AFTER_MS = 50;

/**
 * Per realm (one per VU, or the worker's shared one): the exec functions, not declared async,
 * that returned a promise, never timed again (see runIteration).
 */
const promiseExecsByRealm = new WeakMap<object, Set<string>>();
function promiseExecsOf(context: object): Set<string> {
  let names = promiseExecsByRealm.get(context);
  if (!names) promiseExecsByRealm.set(context, (names = new Set()));
  return names;
}
