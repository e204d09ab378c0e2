/**
 * One virtual user: its own node:vm context holding only k6's globals (docs/k6-semantics.md#sobek), its
 * module instances, and the bookkeeping that makes async iterations end when k6 ends them — when
 * the exec function's promise settles AND the VU's pending timers and requests are done.
 *
 * Node's globals (process, require, Buffer, fetch, URL, structuredClone, ...) are absent, so a
 * script that leans on Node fails here as it would in k6.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { GROUP_SEPARATOR, ITERATION_DURATION, ITERATIONS, TAG_CHECK, TAG_GROUP, TAG_SCENARIO } from '../constants';
import type { Sample, Tags } from '../contract';
import { describeThrown, NotImplementedError, ScriptExceptionError, ScriptLoadError, TestAbortedError } from '../errors';
import { createModules } from '../modules/registry';
import { createCryptoGlobal } from '../modules/webcrypto';
import { internTags } from '../metrics/tag-intern';
import type { EngineServices } from './engine-services';
import { sealHostRealm } from './host-guard';
import { compileModule, LOCAL_GLOBALS, resolveRelative, type CompiledModule } from './script-loader';
import type { StopSignal } from '../executors/stop-signal';
import { isAsyncFunction, isThenable } from './thenable';
import type { ScenarioState, VuApi, VuPhase } from './vu-api';

export type { ScenarioState, VuPhase } from './vu-api';

const JSLIB_UTILS_URL = /^https:\/\/jslib\.k6\.io\/k6-utils\/1\.6\.0\/index\.js$/;

const mergedCache = new WeakMap<object, WeakMap<object, Tags>>();
const checkCache = new WeakMap<object, WeakMap<object, Map<string, Tags>>>();

const iterationTagCache = new WeakMap<object, Tags>();

/** The base tags without `group` (iteration samples carry no group tag, as in k6). */
function iterationTags(base: Tags): Tags {
  let tags = iterationTagCache.get(base);
  if (tags === undefined) {
    const copy: Record<string, string> = { ...base };
    delete copy[TAG_GROUP];
    tags = Object.freeze(copy);
    iterationTagCache.set(base, tags);
  }
  return tags;
}

type ModuleFunction = (req: (s: string) => unknown, m: unknown, e: unknown) => void;

/**
 * The one realm all VUs of a run share under K6_OFFLINE_VU_REALM=shared: a context with k6's
 * shared globals (the built-ins, `global`, `console`, `crypto`, the text codecs) and, per module,
 * the factory that gives each VU its own module instance. Per-VU globals reach the script as
 * locals (script-loader.ts), so what differs from a realm per VU is only what a script writes to
 * the global object or to a built-in, which every VU then sees (runner/DIFFERENCES.md).
 */
interface SharedRealm {
  context: vm.Context;
  builtins: Record<string, unknown>;
  jsonParse: (text: string) => unknown;
  math: { random: () => number };
  factories: Map<string, (locals: Record<string, unknown>) => ModuleFunction>;
}

const sharedRealms = new WeakMap<EngineServices, SharedRealm>();

function sharedRealmOf(engine: EngineServices, makeConsole: () => unknown): SharedRealm {
  let realm = sharedRealms.get(engine);
  if (realm) return realm;
  const cryptoShim = createCryptoGlobal();
  const context = vm.createContext({ crypto: cryptoShim, TextEncoder, TextDecoder }, { name: 'VUs (shared realm)', codeGeneration: { strings: true, wasm: false } });
  vm.runInContext('globalThis.global = globalThis; delete globalThis.console;', context);
  context.console = makeConsole();
  const builtins: Record<string, unknown> = {};
  for (const name of LOCAL_GLOBALS) {
    const value = vm.runInContext(`typeof ${name} === 'undefined' ? undefined : ${name}`, context) as unknown;
    if (value !== undefined) builtins[name] = value;
  }
  realm = {
    context,
    builtins,
    jsonParse: builtins.JSON ? (builtins.JSON as JSON).parse : JSON.parse,
    math: builtins.Math as { random: () => number },
    factories: new Map(),
  };
  sharedRealms.set(engine, realm);
  return realm;
}

/** Marks an iteration cut short by gracefulStop/abort: its later callbacks are ignored. */
const INTERRUPTED = Symbol('interrupted');

/** The k6 modules see it as a VuApi (vu-api.ts): they never import this file, which imports them. */
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
  scenario: ScenarioState | undefined;
  groupPath = '';
  /** `exec.vu.metrics.tags` (script-visible, mutable) and `.metadata`. */
  metricTags: Record<string, string | number | boolean> = {};
  metadata: Record<string, string | number | boolean> = {};
  /** `http.setResponseCallback` state; `undefined` = k6's default (200–399). */
  responseCallback: unknown = undefined;
  exports: Record<string, unknown> = {};
  private readonly moduleCache = new Map<string, unknown>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private nextTimerId = 1;
  /** Whether `sleep()` may defer (inside the synchronous call of a non-async function). */
  inSyncFrame = false;
  syncSleepMs = 0;
  private setupData: unknown = undefined;
  private setupParsed = false;
  readonly jsonParse: (text: string) => unknown;
  /** The context's own Math (builtins are not properties of the contextified sandbox). */
  readonly math: { random: () => number };
  private epoch = 0;

  /** `__ENV` as this VU's script sees it (mutated in place on activation). */
  readonly env: Record<string, string>;
  /** The k6 globals that are this VU's own (timers, open, console, __VU, __ENV, ...). */
  readonly vuGlobals: Record<string, unknown>;
  /** Whether this VU shares its realm with the others (K6_OFFLINE_VU_REALM=shared). */
  readonly sharedRealm: boolean;
  private readonly realm: SharedRealm | undefined;

  constructor(id: number, engine: EngineServices, entry: CompiledModule, idInTest = id) {
    // Before any host object reaches a script: no host-realm Function for it to find (host-guard.ts).
    sealHostRealm();
    this.id = id;
    this.idInTest = idInTest;
    this.engine = engine;
    this.env = { ...this.engine.env };
    this.vuGlobals = this.globals();
    this.sharedRealm = engine.vuRealm === 'shared';
    this.realm = this.sharedRealm ? sharedRealmOf(engine, () => this.makeConsole()) : undefined;
    if (this.realm) {
      const realm = this.realm;
      this.context = realm.context;
      this.jsonParse = realm.jsonParse;
      this.math = realm.math;
    } else {
      this.context = vm.createContext({ ...this.vuGlobals }, { name: `VU ${id}`, codeGeneration: { strings: true, wasm: false } });
      vm.runInContext('globalThis.global = globalThis; delete globalThis.console;', this.context);
      this.context.console = this.vuGlobals.console;
      this.jsonParse = vm.runInContext('JSON.parse', this.context) as (text: string) => unknown;
      this.math = vm.runInContext('Math', this.context) as { random: () => number };
    }
    this.exports = this.evaluate(entry) as Record<string, unknown>;
  }

  private globals(): Record<string, unknown> {
    const vu = this;
    const cryptoShim = createCryptoGlobal();
    return {
      __ENV: this.env,
      __VU: this.id,
      __ITER: 0,
      open: (path: string, mode?: string) => vu.open(path, mode),
      setTimeout: (fn: () => void, ms?: number, ...args: unknown[]) => vu.setTimer(fn, ms, args, false),
      clearTimeout: (id: number) => vu.clearTimer(id),
      setInterval: (fn: () => void, ms?: number, ...args: unknown[]) => vu.setTimer(fn, ms, args, true),
      clearInterval: (id: number) => vu.clearTimer(id),
      crypto: cryptoShim,
      TextEncoder,
      TextDecoder,
      console: this.makeConsole(),
    };
  }

  private makeConsole(): Record<string, (...args: unknown[]) => void> {
    const fmt = (args: unknown[]): string =>
      args
        .map((a) => {
          if (typeof a === 'string') return a;
          if (a instanceof Error || (a && typeof a === 'object' && 'stack' in a && 'message' in a)) return String((a as Error).message);
          try {
            return typeof a === 'object' ? JSON.stringify(a) : String(a);
          } catch {
            return String(a);
          }
        })
        .join(' ');
    const log = (level: 'info' | 'warn' | 'error' | 'debug') => (...args: unknown[]) => {
      if (level !== 'debug') this.engine.logger.log(level, fmt(args), { source: 'console' });
    };
    return { log: log('info'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), trace: log('debug') };
  }

  /** Evaluates a compiled module in this VU's context and returns its exports. */
  private evaluate(mod: CompiledModule): unknown {
    const cached = this.moduleCache.get(mod.filename);
    if (cached) return cached;
    const module = { exports: {} as Record<string, unknown> };
    this.moduleCache.set(mod.filename, module.exports);
    const fn = this.sharedRealm ? this.sharedModuleFunction(mod) : (mod.script.runInContext(this.context) as ModuleFunction);
    fn((specifier) => this.require(specifier, mod.dir), module, module.exports);
    this.moduleCache.set(mod.filename, module.exports);
    return module.exports;
  }

  /** The module's body for this VU in the shared realm: one factory per realm, called per VU. */
  private sharedModuleFunction(mod: CompiledModule): ModuleFunction {
    if (mod.perVuNames.length > 0) {
      throw new ScriptLoadError(
        `${mod.filename} uses ${mod.perVuNames.join(' and ')}, which needs a realm per VU: run it without K6_OFFLINE_VU_REALM=shared (the default, as in k6)`,
      );
    }
    const realm = this.realm!;
    let factory = realm.factories.get(mod.filename);
    if (!factory) {
      factory = mod.sharedScript.runInContext(this.context) as (locals: Record<string, unknown>) => ModuleFunction;
      realm.factories.set(mod.filename, factory);
    }
    return factory({ ...realm.builtins, ...this.vuGlobals });
  }

  private require(specifier: string, fromDir: string): unknown {
    const hit = this.moduleCache.get(specifier);
    if (hit) return hit;
    if (specifier === 'k6' || specifier.startsWith('k6/') || JSLIB_UTILS_URL.test(specifier)) {
      const modules = createModules(this);
      const m = modules[JSLIB_UTILS_URL.test(specifier) ? 'jslib-utils' : specifier];
      if (!m) {
        throw new ScriptLoadError(`unknown module: ${specifier} (k6-offline implements k6, k6/http, k6/metrics, k6/execution, k6/data, k6/timers, k6/encoding, k6/x/disruptor and ${'https://jslib.k6.io/k6-utils/1.6.0/index.js'})`);
      }
      this.moduleCache.set(specifier, m);
      return m;
    }
    if (/^https?:\/\//.test(specifier)) {
      throw new ScriptLoadError(`remote module ${specifier} cannot be loaded: k6-offline has no network access and only bundles https://jslib.k6.io/k6-utils/1.6.0/index.js; vendor the module into your bundle`);
    }
    if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file://')) {
      return this.evaluate(compileModule(resolveRelative(fromDir, specifier)));
    }
    throw new ScriptLoadError(`cannot import "${specifier}": k6 resolves only relative paths, https:// URLs and k6/* modules (no Node or npm packages)`);
  }

  open(path: string, mode?: string): string | ArrayBuffer {
    if (this.phase !== 'init') throw new Error('open() can only be called from the init context');
    const file = resolveRelative(this.engine.scriptDir, String(path));
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      throw new Error(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(err)}`);
    }
    if (mode === 'b') return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
    return data.toString('utf8');
  }

  // ---- pending async work (timers, requests) --------------------------------------------------

  /** Registers one unit of pending async work; call the returned function once when it is done. */
  hold(): () => void {
    this.pending++;
    const epoch = this.epoch;
    let released = false;
    return () => {
      if (released || epoch !== this.epoch) return;
      released = true;
      this.pending--;
      if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
    };
  }

  private waitIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Whether callbacks registered in an earlier (interrupted) iteration should still run. */
  isCurrent(epoch: number): boolean {
    return epoch === this.epoch;
  }

  get currentEpoch(): number {
    return this.epoch;
  }

  private setTimer(fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number {
    if (typeof fn !== 'function') throw new TypeError(`${repeat ? 'setInterval' : 'setTimeout'}: callback must be a function`);
    const id = this.nextTimerId++;
    const release = this.hold();
    const epoch = this.epoch;
    const delayMs = Math.max(0, Number(ms) || 0);
    // libuv measures timers against its cached loop time, so a busy loop can fire one up to a
    // millisecond before `delayMs` of real time has passed; such a timer is re-armed for the rest.
    const due = performance.now() + delayMs;
    const run = (): void => {
      if (!this.isCurrent(epoch)) return;
      if (!repeat) {
        const left = due - performance.now();
        if (left > 0) {
          const again = setTimeout(run, Math.ceil(left));
          (again as NodeJS.Timeout & { __release?: () => void }).__release = release;
          this.timers.set(id, again);
          return;
        }
      }
      if (!repeat) this.timers.delete(id);
      try {
        (fn as (...a: unknown[]) => void)(...args);
      } catch (err) {
        this.reportAsyncError(err);
      } finally {
        if (!repeat) release();
      }
    };
    const handle = repeat ? setInterval(run, delayMs) : setTimeout(run, delayMs);
    this.timers.set(id, handle);
    (handle as NodeJS.Timeout & { __release?: () => void }).__release = release;
    return id;
  }

  private clearTimer(id: number): void {
    const handle = this.timers.get(Number(id));
    if (!handle) return;
    clearTimeout(handle);
    this.timers.delete(Number(id));
    (handle as NodeJS.Timeout & { __release?: () => void }).__release?.();
  }

  /** An exception in a timer callback or an unawaited promise fails the iteration, as in k6. */
  private asyncError: unknown = undefined;

  reportAsyncError(err: unknown): void {
    if (err instanceof TestAbortedError) return;
    if (this.phase === 'iteration' && this.asyncError === undefined) this.asyncError = err;
    else this.engine.logger.iterationError(`Uncaught (in promise) ${describeThrown(err)}`);
  }

  // ---- tags and samples ---------------------------------------------------------------------

  /** Tags every sample from this VU carries now: test tags, scenario tags, VU tags, system tags. */
  baseTags(): Record<string, string> {
    return { ...this.sharedBaseTags() };
  }

  /** The cached base tags themselves: callers must not mutate the object (samples share it). */
  sharedBaseTags(): Readonly<Record<string, string>> {
    const key = this.tagsVersion;
    if (this.cachedTags && this.cachedTagsKey === key && this.cachedGroup === this.groupPath && this.cachedScenario === this.scenario) return this.cachedTags;
    const tags = this.computeTags();
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

  private computeTags(): Record<string, string> {
    const tags: Record<string, string> = { ...this.engine.options?.tags };
    if (this.scenario) {
      Object.assign(tags, this.scenario.config.tags);
      tags[TAG_SCENARIO] = this.scenario.config.name;
    }
    for (const [k, v] of Object.entries(this.metricTags)) tags[k] = String(v);
    tags[TAG_GROUP] = this.groupPath;
    return internTags(tags);
  }

  /** Emits one sample; `tags` is shared with the registry and must not be mutated afterwards. */
  emit(metric: string, value: number, tags: Tags, time = Date.now()): void {
    this.engine.registry.addValue(metric, value, tags, time);
  }

  // Merged tag sets, shared by all VUs: base tags and (see tagsFromArg) extra tags are interned,
  // so a check or metric sample finds its tags object by identity and allocates none.
  private syncMergeCache(): Readonly<Record<string, string>> {
    return this.sharedBaseTags();
  }

  /** `{...baseTags, ...extra}`, shared (read-only). */
  mergedTags(extra: Tags): Tags {
    const base = this.syncMergeCache();
    let byExtra = mergedCache.get(base);
    if (byExtra === undefined) mergedCache.set(base, (byExtra = new WeakMap()));
    let tags = byExtra.get(extra);
    if (tags === undefined) {
      tags = Object.freeze({ ...base, ...extra });
      byExtra.set(extra, tags);
    }
    return tags;
  }

  /** `{...baseTags, ...extra, check: name}`, shared (read-only). */
  checkTags(extra: Tags, name: string): Tags {
    const base = this.syncMergeCache();
    let byExtra = checkCache.get(base);
    if (byExtra === undefined) checkCache.set(base, (byExtra = new WeakMap()));
    let byName = byExtra.get(extra);
    if (byName === undefined) byExtra.set(extra, (byName = new Map()));
    let tags = byName.get(name);
    if (tags === undefined) {
      tags = Object.freeze({ ...base, ...extra, [TAG_CHECK]: name });
      if (byName.size >= 1000) byName.clear();
      byName.set(name, tags);
    }
    return tags;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Activates the VU for a scenario: scenario env over __ENV, VU tags reset (k6 `Activate`). */
  activate(scenario: ScenarioState | undefined): void {
    if (this.scenario?.config !== scenario?.config) {
      this.tagsVersion++;
      this.metricTags = {};
      this.metadata = {};
      this.iterationInScenario = -1;
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
        await this.waitIdle();
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

  /** `setup()` data, parsed once per VU on its first iteration (docs/k6-semantics.md#lifecycle). */
  dataFor(setupJSON: string | undefined): unknown {
    if (!this.setupParsed) {
      this.setupParsed = true;
      this.setupData = setupJSON === undefined ? undefined : this.jsonParse(setupJSON);
    }
    return this.setupData;
  }

  /**
   * Runs one iteration of `execName`. Resolves 'completed' (also when it threw: k6 counts such
   * iterations as full and logs the error) or 'interrupted' when `interrupt` fired first.
   */
  runIteration(execName: string, setupJSON: string | undefined, interrupt: StopSignal, iterationInTest: number): Promise<'completed' | 'interrupted'> {
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
        ret = (fn as (d: unknown) => unknown)(this.dataFor(setupJSON));
      } finally {
        this.inSyncFrame = false;
      }
      if (isThenable(ret)) await ret;
      if (this.syncSleepMs > 0) await new Promise((r) => setTimeout(r, this.syncSleepMs));
      await this.waitIdle();
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
          if (err instanceof TestAbortedError || err instanceof NotImplementedError) return finish(INTERRUPTED);
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
    this.epoch++;
    for (const h of this.timers.values()) clearTimeout(h);
    this.timers.clear();
    this.pending = 0;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}

export { TestAbortedError };
