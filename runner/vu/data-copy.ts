/**
 * Each VU's own copy of `setup()` data, with its strings shared.
 *
 * k6 hands every VU its own copy of the data (docs/k6-semantics.md#lifecycle): a VU may mutate
 * it and no other VU sees that. Parsing the JSON text once per VU gives each VU its own copy of
 * every string too, and strings are most of such data (ids, tokens; bench/reports/workers.md,
 * "Setup data"). Strings are immutable primitives, and V8 lets the contexts of one isolate share
 * them, so the VU gets fresh objects and arrays of its own realm built around the strings of one
 * parse per thread: what the script can observe is exactly what the realm's JSON.parse would
 * give it.
 */
import vm from 'node:vm';

/**
 * Compiled in the VU's context before any script runs, with the intrinsics it uses taken then: a
 * script that later replaces `Object.keys` or `Array.isArray` neither breaks it nor sees the
 * host-realm value it copies. JSON.parse defines its properties (CreateDataProperty), so a key
 * the new object already inherits (`__proto__`, or a setter or read-only value a script put on a
 * prototype) is defined rather than assigned through.
 */
const COPIER_SOURCE = `(() => {
  const keys = Object.keys, isArray = Array.isArray, define = Object.defineProperty, List = Array;
  const own = (o, k, value) => define(o, k, { value, writable: true, enumerable: true, configurable: true });
  const copy = (v) => {
    if (typeof v !== 'object' || v === null) return v;
    if (isArray(v)) {
      // Sized up front as JSON.parse sizes it (a grown array keeps up to half again as much
      // room); past V8's fast-elements limit for \`new Array(n)\` it grows instead.
      const out = v.length <= 10000 ? new List(v.length) : [];
      for (let i = 0; i < v.length; i++) {
        const x = copy(v[i]);
        if (i in out) own(out, i, x);
        else out[i] = x;
      }
      return out;
    }
    const out = {};
    const ks = keys(v);
    for (let i = 0; i < ks.length; i++) {
      const k = ks[i];
      const x = copy(v[k]);
      if (k in out) own(out, k, x);
      else out[k] = x;
    }
    return out;
  };
  return copy;
})()`;

export type DataCopier = (template: unknown) => unknown;

/** Compiled once per thread; each context runs it to get its own copier. */
let copierScript: vm.Script | undefined;

/** The context's copier; make it before the context runs any script. */
export function compileDataCopier(context: vm.Context): DataCopier {
  copierScript ??= new vm.Script(COPIER_SOURCE, { filename: 'k6-offline:setup-data' });
  return copierScript.runInContext(context) as DataCopier;
}

let template: { text: string; value: unknown } | undefined;

/** The data parsed once per thread (host realm; only ever read by a copier). */
export function templateOf(text: string): unknown {
  if (template?.text !== text) template = { text, value: JSON.parse(text) as unknown };
  return template.value;
}

/**
 * The VU's copy of `text`: the copier's, or the realm's own JSON.parse when the copier cannot
 * (data nested deeper than the stack allows, or a script that put a throwing trap on a prototype).
 */
export function copyData(text: string, copier: DataCopier, parse: (text: string) => unknown): unknown {
  try {
    return copier(templateOf(text));
  } catch {
    return parse(text);
  }
}
