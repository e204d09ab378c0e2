/**
 * Loads a k6 script for node:vm without --experimental-vm-modules: esbuild transforms the ES
 * module (or `.ts`) into a CommonJS-style function body once, compiled once as a `vm.Script`;
 * every VU runs that compiled script in its own context and calls the resulting function with a
 * per-VU `require` that hands out the runner's k6 modules (DESIGN.md §5).
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
  script: vm.Script;
}

const cache = new Map<string, CompiledModule>();

const WRAPPER_HEAD = '(function (require, module, exports) {\n';

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
  const script = new vm.Script(`${WRAPPER_HEAD}${out}\n})`, { filename, lineOffset: -1 });
  const compiled = { filename, dir: dirname(filename), script };
  cache.set(filename, compiled);
  return compiled;
}

/** Resolves a relative import against the importing file. */
export function resolveRelative(fromDir: string, specifier: string): string {
  if (specifier.startsWith('file://')) return new URL(specifier).pathname;
  return resolvePath(fromDir, specifier);
}
