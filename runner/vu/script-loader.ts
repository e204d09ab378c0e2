/**
 * Loads a k6 script for node:vm without --experimental-vm-modules: esbuild transforms the ES
 * module (or `.ts`) into a CommonJS-style function body once, compiled once as a `vm.Script`;
 * every VU runs that compiled script in its own context and calls the resulting function with a
 * per-VU `require` that hands out the runner's k6 modules (docs/architecture.md#offline-runner).
 *
 * Imports: `k6`, `k6/*` → runner modules; the pinned k6-utils URL → runner/modules/jslib-utils;
 * relative files → loaded the same way; any other `https://` import is refused (no network).
 */
import { transformSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, extname, resolve as resolvePath } from 'node:path';
import vm from 'node:vm';
import { ScriptLoadError } from '../errors';

export interface CompiledModule {
  filename: string;
  dir: string;
  /** For a VU with a realm of its own: binds the locals from the context's `globalThis`. */
  readonly script: vm.Script;
  /**
   * For VUs sharing one realm (K6_OFFLINE_VU_REALM=shared): evaluates to
   * `(locals) => (require, module, exports) => …`, run once per realm, so that every VU's module
   * instance comes from the same function literals and shares their feedback and optimised code.
   */
  readonly sharedScript: vm.Script;
  /** Names the script reads that need a realm per VU (`__ITER`, `randomSeed`), if any. */
  perVuNames: string[];
}

const cache = new Map<string, CompiledModule>();

/**
 * Free identifiers in a vm context are looked up through the contextified global's interceptor,
 * about 40× slower than a local (measured: 2M lookups of Math/Array/__ENV, 734 ms vs 17 ms). The
 * wrapper therefore binds the built-ins and the per-VU-constant k6 globals as locals of an outer
 * function, read once per VU; the script runs in an inner function, so its own top-level
 * declarations may shadow any of them. `__ITER` changes every iteration and stays global.
 */
export const LOCAL_GLOBALS = [
  'Object', 'Function', 'Array', 'Number', 'Boolean', 'String', 'Symbol', 'Date', 'Promise', 'RegExp', 'Error', 'AggregateError',
  'EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'JSON', 'Math', 'Intl', 'ArrayBuffer',
  'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array',
  'Uint8ClampedArray', 'BigUint64Array', 'BigInt64Array', 'DataView', 'Map', 'Set', 'WeakMap', 'WeakSet', 'BigInt', 'Proxy',
  'Reflect', 'parseFloat', 'parseInt', 'isFinite', 'isNaN', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent',
  'escape', 'unescape', 'console', 'open', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'crypto', 'TextEncoder',
  'TextDecoder', 'global', '__VU', '__ENV',
];

const WRAPPER_HEAD = `(function () { let { ${LOCAL_GLOBALS.join(', ')} } = globalThis; return function (require, module, exports) {\n`;
const WRAPPER_TAIL = '\n}; })()';
const SHARED_WRAPPER_HEAD = `(function (__k6Locals) { let { ${LOCAL_GLOBALS.join(', ')} } = __k6Locals; return function (require, module, exports) {\n`;
const SHARED_WRAPPER_TAIL = '\n}; })';

/** Identifiers whose k6 meaning is per VU and which a shared realm cannot give per VU. */
const PER_VU_NAMES = ['__ITER', 'randomSeed'];

/** Reads, transforms and compiles a file once per process. */
export function compileModule(filename: string, source?: string): CompiledModule {
  const hit = cache.get(filename);
  if (hit) return hit;
  let code: string;
  try {
    code = source ?? readFileSync(filename, 'utf8');
  } catch (err) {
    throw new ScriptLoadError(`cannot read ${filename}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let out: string;
  try {
    out = transformSync(code, {
      loader: extname(filename) === '.ts' ? 'ts' : 'js',
      format: 'cjs',
      // Keep the script's syntax as written (k6 does not lower either); only module syntax changes.
      target: 'esnext',
      sourcefile: filename,
      logLevel: 'silent',
      supported: { 'dynamic-import': false },
    }).code;
  } catch (err) {
    const msg = (err as { errors?: Array<{ text: string; location?: { line: number; column: number } }> }).errors?.[0];
    const where = msg?.location ? `:${msg.location.line}:${msg.location.column}` : '';
    const text = msg?.text ?? String(err);
    const hint = /top-level await/i.test(text) ? ' (k6-offline does not support top-level await; move it into setup() or an exec function)' : '';
    throw new ScriptLoadError(`cannot load ${filename}${where}: ${text}${hint}`);
  }
  // A run uses one of the two wrappers: each is compiled on first use.
  let script: vm.Script | undefined;
  let sharedScript: vm.Script | undefined;
  const perVuNames = PER_VU_NAMES.filter((name) => new RegExp(`\\b${name}\\b`).test(out));
  const compiled: CompiledModule = {
    filename,
    dir: dirname(filename),
    get script() {
      return (script ??= new vm.Script(`${WRAPPER_HEAD}${out}${WRAPPER_TAIL}`, { filename, lineOffset: -1 }));
    },
    get sharedScript() {
      return (sharedScript ??= new vm.Script(`${SHARED_WRAPPER_HEAD}${out}${SHARED_WRAPPER_TAIL}`, { filename, lineOffset: -1 }));
    },
    perVuNames,
  };
  cache.set(filename, compiled);
  return compiled;
}

/** Resolves a relative import against the importing file. */
export function resolveRelative(fromDir: string, specifier: string): string {
  if (specifier.startsWith('file://')) return new URL(specifier).pathname;
  return resolvePath(fromDir, specifier);
}
