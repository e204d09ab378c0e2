/**
 * A VU's JavaScript realm: a node:vm context holding only k6's globals
 * (docs/k6-semantics.md#sobek), the VU's own globals and console, and its module instances
 * (`require` of k6 modules, the pinned jslib and relative files).
 *
 * Node's globals (process, require, Buffer, fetch, URL, structuredClone, ...) are absent, so a
 * script that leans on Node fails here as it would in k6.
 */
import { readFileSync } from 'node:fs';
import vm from 'node:vm';
import { ScriptLoadError } from '../errors';
import { createModules } from '../modules/registry';
import { createCryptoGlobal } from '../modules/webcrypto';
import { compileDataCopier, type DataCopier } from './data-copy';
import type { EngineServices } from './engine-services';
import type { EventLoop } from './event-loop';
import { compileModule, LOCAL_GLOBALS, resolveRelative, type CompiledModule } from './script-loader';
import type { VuApi } from './vu-api';

const JSLIB_UTILS_URL = /^https:\/\/jslib\.k6\.io\/k6-utils\/1\.6\.0\/index\.js$/;

type ModuleFunction = (req: (s: string) => unknown, m: unknown, e: unknown) => void;

type Console = Record<string, (...args: unknown[]) => void>;

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
  copier: DataCopier;
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
    copier: compileDataCopier(context),
    math: builtins.Math as { random: () => number },
    factories: new Map(),
  };
  sharedRealms.set(engine, realm);
  return realm;
}

/** The k6 globals that are the VU's own; the timers are its event loop's. */
export function createVuGlobals(vu: VuApi, env: Record<string, string>, loop: EventLoop): Record<string, unknown> {
  const cryptoShim = createCryptoGlobal();
  return {
    __ENV: env,
    __VU: vu.id,
    __ITER: 0,
    open: (path: string, mode?: string) => open(vu, path, mode),
    setTimeout: (fn: () => void, ms?: number, ...args: unknown[]) => loop.setTimer(fn, ms, args, false),
    clearTimeout: (id: number) => loop.clearTimer(id),
    setInterval: (fn: () => void, ms?: number, ...args: unknown[]) => loop.setTimer(fn, ms, args, true),
    clearInterval: (id: number) => loop.clearTimer(id),
    crypto: cryptoShim,
    TextEncoder,
    TextDecoder,
    console: makeConsole(vu.engine),
  };
}

function makeConsole(engine: EngineServices): Console {
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
    if (level !== 'debug') engine.logger.log(level, fmt(args), { source: 'console' });
  };
  return { log: log('info'), info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), trace: log('debug') };
}

/** k6's `open()`: init context only, relative to the script's directory. */
function open(vu: VuApi, path: string, mode?: string): string | ArrayBuffer {
  if (vu.phase !== 'init') throw new Error('open() can only be called from the init context');
  const file = resolveRelative(vu.engine.scriptDir, String(path));
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new Error(`open ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(err)}`);
  }
  if (mode === 'b') return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  return data.toString('utf8');
}

/** One VU's realm: its context (its own, or the shared one) and its module instances. */
export class Realm {
  readonly context: vm.Context;
  readonly jsonParse: (text: string) => unknown;
  /** Copies setup data into this realm (data-copy.ts). */
  readonly copier: DataCopier;
  /** The context's own Math (builtins are not properties of the contextified sandbox). */
  readonly math: { random: () => number };
  private readonly shared: SharedRealm | undefined;
  private readonly moduleCache = new Map<string, unknown>();

  /** Reads `vu.id`, `vu.engine`, `vu.sharedRealm` and `vu.vuGlobals`, which must be set. */
  constructor(private readonly vu: VuApi) {
    if (vu.sharedRealm) {
      const engine = vu.engine;
      const shared = sharedRealmOf(engine, () => makeConsole(engine));
      this.shared = shared;
      this.context = shared.context;
      this.jsonParse = shared.jsonParse;
      this.copier = shared.copier;
      this.math = shared.math;
    } else {
      this.shared = undefined;
      this.context = vm.createContext({ ...vu.vuGlobals }, { name: `VU ${vu.id}`, codeGeneration: { strings: true, wasm: false } });
      vm.runInContext('globalThis.global = globalThis; delete globalThis.console;', this.context);
      this.context.console = vu.vuGlobals.console;
      this.jsonParse = vm.runInContext('JSON.parse', this.context) as (text: string) => unknown;
      this.copier = compileDataCopier(this.context);
      this.math = vm.runInContext('Math', this.context) as { random: () => number };
    }
  }

  /**
   * Calls a synchronous exec function of this realm, ended by V8 after `timeoutMs` if it is still
   * busy (node:vm `timeout`: the only way to stop `while (true) {}` without ending the thread; it
   * throws ERR_SCRIPT_EXECUTION_TIMEOUT and the thread carries on). Node starts a watchdog per
   * call (≈ 50–90 µs), so VUs use it only where nothing else would stop busy code in time.
   */
  callWithTimeout(fn: unknown, arg: unknown, timeoutMs: number): unknown {
    const timed = timedCallOf(this.context);
    timed.load(fn, arg);
    return timed.script.runInContext(this.context, { timeout: Math.max(1, Math.ceil(timeoutMs)) });
  }

  /** Evaluates a compiled module in this realm and returns its exports. */
  evaluate(mod: CompiledModule): unknown {
    const cached = this.moduleCache.get(mod.filename);
    if (cached) return cached;
    const module = { exports: {} as Record<string, unknown> };
    this.moduleCache.set(mod.filename, module.exports);
    const fn = this.shared ? this.sharedModuleFunction(this.shared, mod) : (mod.script.runInContext(this.context) as ModuleFunction);
    fn((specifier) => this.require(specifier, mod.dir), module, module.exports);
    this.moduleCache.set(mod.filename, module.exports);
    return module.exports;
  }

  /** The module's body for this VU in the shared realm: one factory per realm, called per VU. */
  private sharedModuleFunction(realm: SharedRealm, mod: CompiledModule): ModuleFunction {
    if (mod.perVuNames.length > 0) {
      throw new ScriptLoadError(
        `${mod.filename} uses ${mod.perVuNames.join(' and ')}, which needs a realm per VU: run it without K6_OFFLINE_VU_REALM=shared (the default, as in k6)`,
      );
    }
    let factory = realm.factories.get(mod.filename);
    if (!factory) {
      factory = mod.sharedScript.runInContext(this.context) as (locals: Record<string, unknown>) => ModuleFunction;
      realm.factories.set(mod.filename, factory);
    }
    return factory({ ...realm.builtins, ...this.vu.vuGlobals });
  }

  private require(specifier: string, fromDir: string): unknown {
    const hit = this.moduleCache.get(specifier);
    if (hit) return hit;
    if (specifier === 'k6' || specifier.startsWith('k6/') || JSLIB_UTILS_URL.test(specifier)) {
      const modules = createModules(this.vu);
      const m = modules[JSLIB_UTILS_URL.test(specifier) ? 'jslib-utils' : specifier];
      if (!m) {
        throw new ScriptLoadError(`unknown module: ${specifier} (k6-offline implements k6, k6/http, k6/metrics, k6/execution, k6/data, k6/timers, k6/encoding, k6/crypto, k6/x/disruptor and ${'https://jslib.k6.io/k6-utils/1.6.0/index.js'})`);
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
}

interface TimedCall {
  /** Stores the function and its argument for the next run (a function of the context itself). */
  load: (fn: unknown, arg: unknown) => void;
  script: vm.Script;
}

const timedCalls = new WeakMap<vm.Context, TimedCall>();

/**
 * The script `callWithTimeout` runs: it calls, through a non-enumerable global of the context,
 * a function compiled in the context (never a host function a script could climb out through),
 * which takes what `load` stored and clears it, so calling it again from a script does nothing.
 */
function timedCallOf(context: vm.Context): TimedCall {
  let timed = timedCalls.get(context);
  if (!timed) {
    const load = vm.runInContext(
      `(() => {
        let f, a;
        Object.defineProperty(globalThis, '__k6OfflineTimedCall', { value: () => { const g = f, x = a; f = a = undefined; return typeof g === 'function' ? g(x) : undefined; } });
        return (fn, arg) => { f = fn; a = arg; };
      })()`,
      context,
    ) as TimedCall['load'];
    timed = { load, script: new vm.Script('__k6OfflineTimedCall()', { filename: 'k6-offline:iteration' }) };
    timedCalls.set(context, timed);
  }
  return timed;
}
