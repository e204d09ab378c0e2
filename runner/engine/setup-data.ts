/**
 * What `setup()` returned, as k6 hands it to the VUs, teardown() and handleSummary (k6 v2.2
 * `internal/js/runner.go` `Setup`): Sobek exports the value to Go (`undefined` → nil, an object →
 * `map[string]interface{}`, an array → `[]interface{}`) and `encoding/json` marshals it. So,
 * unlike `JSON.stringify`:
 * - a key whose value is `undefined` is kept as `null` (JSON.stringify drops it);
 * - object keys come out sorted (Go marshals map keys in byte order of their UTF-8 text);
 * - `NaN`, `±Infinity`, functions and cycles are not JSON: the run stops (k6 returns the marshal
 *   error without an exit code, which k6 exits with as -1, i.e. 255).
 * `undefined` itself means "no setup data" (k6 keeps nil and passes `undefined` on).
 * Dates keep JavaScript's ISO form (k6 exports a Go time.Time: RFC 3339 in the host time zone).
 */
import { EXIT_CODES } from '../constants';
import { RunnerError } from '../errors';

export class SetupDataError extends RunnerError {
  constructor(detail: string) {
    super('ERR_SETUP_DATA', EXIT_CODES.UNKNOWN, `error marshaling setup() data to JSON: json: ${detail}`);
  }
}

/** The setup data's JSON text, or `undefined` when setup() returned `undefined`. */
export function marshalSetupData(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return encode(value, new Set());
}

const utf8 = new TextEncoder();

function byUtf8(a: string, b: string): number {
  return Buffer.compare(utf8.encode(a), utf8.encode(b));
}

function encode(v: unknown, path: Set<object>): string {
  switch (typeof v) {
    case 'undefined':
      return 'null';
    case 'string':
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (Number.isNaN(v)) throw new SetupDataError('unsupported value: NaN');
      if (!Number.isFinite(v)) throw new SetupDataError(`unsupported value: ${v > 0 ? '+Inf' : '-Inf'}`);
      return Object.is(v, -0) ? '-0' : JSON.stringify(v);
    case 'bigint':
      return v.toString();
    case 'function':
      throw new SetupDataError('unsupported type: func(sobek.FunctionCall) sobek.Value');
    case 'symbol':
      return 'null';
  }
  if (v === null) return 'null';
  const obj = v as object;
  if (Object.prototype.toString.call(obj) === '[object Date]') return JSON.stringify(obj);
  if (path.has(obj)) throw new SetupDataError('unsupported value: encountered a cycle');
  path.add(obj);
  try {
    if (Array.isArray(obj)) {
      const parts: string[] = [];
      for (let i = 0; i < obj.length; i++) parts.push(encode(obj[i], path));
      return `[${parts.join(',')}]`;
    }
    const rec = obj as Record<string, unknown>;
    const keys = Object.keys(rec).sort(byUtf8);
    return `{${keys.map((k) => `${JSON.stringify(k)}:${encode(rec[k], path)}`).join(',')}}`;
  } finally {
    path.delete(obj);
  }
}
