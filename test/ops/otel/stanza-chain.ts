/**
 * A small re-implementation of the filelog receiver's operator chain (pkg/stanza) for the operator
 * types ops/otel/collector.yaml uses, driven by the config itself: the test replays real audit
 * lines through whatever operators the file declares. Anything this interpreter does not know
 * (an operator type, a field syntax, an `if` expression) is an error, never silently skipped, so
 * a config change that this cannot follow fails the test instead of passing unchecked.
 *
 * Semantics followed (opentelemetry-collector-contrib pkg/stanza docs): json_parser parses `body`
 * into `attributes` and then its `timestamp` and `severity` sub-parsers; trace_parser sets the
 * record's trace id from a 32-hex-digit field; move/remove/add edit fields; an operator with an
 * `if` that is false passes the entry on unchanged; `on_error: send*` keeps an entry whose
 * operator failed (with the error recorded), `drop*` discards it.
 */
export interface LogEntry {
  body: unknown;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  timestamp?: Date;
  severity?: string;
  traceId?: string;
  errors: string[];
}

export interface OperatorConfig {
  type: string;
  id?: string;
  if?: string;
  on_error?: string;
  [key: string]: unknown;
}

const SUPPORTED = ['json_parser', 'trace_parser', 'move', 'remove', 'add'] as const;

/** `attributes.x`, `attributes["x.y"]`, `resource["x"]`, `body` -> [root, key]. */
export function parseField(ref: string): { root: 'attributes' | 'resource' | 'body'; key: string | null } {
  if (ref === 'body') return { root: 'body', key: null };
  const m = /^(attributes|resource)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\["([^"]+)"\])$/.exec(ref);
  if (!m) throw new Error(`unsupported field reference '${ref}' (expected body, attributes.x, attributes["x.y"], resource["x"])`);
  return { root: m[1] as 'attributes' | 'resource', key: (m[2] ?? m[3]) as string };
}

function read(entry: LogEntry, ref: string): { present: boolean; value: unknown } {
  const f = parseField(ref);
  if (f.root === 'body') return { present: true, value: entry.body };
  const map = entry[f.root];
  return { present: Object.prototype.hasOwnProperty.call(map, f.key as string), value: map[f.key as string] };
}

function write(entry: LogEntry, ref: string, value: unknown): void {
  const f = parseField(ref);
  if (f.root === 'body') entry.body = value;
  else entry[f.root][f.key as string] = value;
}

function del(entry: LogEntry, ref: string): void {
  const f = parseField(ref);
  if (f.root === 'body') entry.body = undefined;
  else delete entry[f.root][f.key as string];
}

/** The only `if` form the config uses: `<field> != nil` (expr-lang; JSON null is nil). */
export function evaluateCondition(expr: string, entry: LogEntry): boolean {
  const m = /^\s*(\S+)\s*!=\s*nil\s*$/.exec(expr);
  if (!m) throw new Error(`unsupported 'if' expression '${expr}' (this test understands '<field> != nil')`);
  const { present, value } = read(entry, m[1] as string);
  return present && value !== null && value !== undefined;
}

/**
 * Go reference-time layouts -> a RegExp with named groups. Covers the tokens audit timestamps
 * need: 2006 01 02 15 04 05, fractional .000/.999 (9s optional), Z07:00 / -07:00.
 */
export function goLayoutToRegExp(layout: string): RegExp {
  const tokens: [string, string][] = [
    ['2006', '(?<Y>\\d{4})'],
    ['Z07:00', '(?<tz>Z|[+-]\\d{2}:\\d{2})'],
    ['-07:00', '(?<tz>[+-]\\d{2}:\\d{2})'],
    ['01', '(?<M>\\d{2})'],
    ['02', '(?<D>\\d{2})'],
    ['15', '(?<h>\\d{2})'],
    ['04', '(?<m>\\d{2})'],
    ['05', '(?<s>\\d{2})'],
  ];
  let out = '';
  let i = 0;
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)/.exec(layout.slice(i));
    if (frac) {
      const digits = (frac[1] as string).length;
      out += (frac[1] as string).startsWith('9') ? `(?:[.,](?<f>\\d{1,${digits}}))?` : `[.,](?<f>\\d{${digits}})`;
      i += frac[0].length;
      continue;
    }
    const tok = tokens.find(([t]) => layout.startsWith(t, i));
    if (tok) {
      out += tok[1];
      i += tok[0].length;
      continue;
    }
    const ch = layout[i] as string;
    if (/[0-9]/.test(ch)) throw new Error(`unsupported Go layout element at '${layout.slice(i)}' in '${layout}'`);
    out += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i += 1;
  }
  return new RegExp(`^${out}$`);
}

export function parseGoTime(value: string, layout: string): Date {
  const m = goLayoutToRegExp(layout).exec(value);
  if (!m?.groups) throw new Error(`'${value}' does not match the layout '${layout}'`);
  const g = m.groups;
  const ms = g['f'] ? Number(g['f'].padEnd(3, '0').slice(0, 3)) : 0;
  const tz = g['tz'] ?? 'Z';
  const iso = `${g['Y']}-${g['M']}-${g['D']}T${g['h']}:${g['m']}:${g['s']}.${String(ms).padStart(3, '0')}${tz}`;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`'${value}' is not a valid time`);
  return d;
}

function runJsonParser(op: OperatorConfig, entry: LogEntry): void {
  const from = (op['parse_from'] as string | undefined) ?? 'body';
  const to = (op['parse_to'] as string | undefined) ?? 'attributes';
  if (to !== 'attributes') throw new Error(`json_parser parse_to '${to}' is not supported here`);
  const { value } = read(entry, from);
  if (typeof value !== 'string') throw new Error(`json_parser: ${from} is not a string`);
  const parsed: unknown = JSON.parse(value);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('json_parser: the line is not a JSON object');
  Object.assign(entry.attributes, parsed);
  const ts = op['timestamp'] as { parse_from: string; layout_type: string; layout: string } | undefined;
  if (ts) {
    if (ts.layout_type !== 'gotime') throw new Error(`timestamp layout_type '${ts.layout_type}' is not supported here`);
    const raw = read(entry, ts.parse_from);
    if (typeof raw.value !== 'string') throw new Error(`timestamp: ${ts.parse_from} is not a string`);
    entry.timestamp = parseGoTime(raw.value, ts.layout);
  }
  const sev = op['severity'] as { parse_from: string; mapping?: Record<string, string[] | string> } | undefined;
  if (sev) {
    const raw = read(entry, sev.parse_from).value;
    for (const [level, values] of Object.entries(sev.mapping ?? {})) {
      const list = Array.isArray(values) ? values : [values];
      if (list.includes(String(raw))) entry.severity = level;
    }
    if (entry.severity === undefined) throw new Error(`severity: '${String(raw)}' is in no mapping of ${sev.parse_from}`);
  }
}

function runOperator(op: OperatorConfig, entry: LogEntry): void {
  switch (op.type) {
    case 'json_parser':
      return runJsonParser(op, entry);
    case 'trace_parser': {
      const from = (op['trace_id'] as { parse_from?: string } | undefined)?.parse_from;
      if (!from) throw new Error('trace_parser without trace_id.parse_from');
      const v = read(entry, from).value;
      if (typeof v !== 'string' || !/^[0-9a-fA-F]{32}$/.test(v)) throw new Error(`trace_parser: ${from} is not a 16-byte hex trace id`);
      entry.traceId = v.toLowerCase();
      return;
    }
    case 'move': {
      const r = read(entry, op['from'] as string);
      if (!r.present) throw new Error(`move: ${String(op['from'])} does not exist`);
      del(entry, op['from'] as string);
      write(entry, op['to'] as string, r.value);
      return;
    }
    case 'remove': {
      const r = read(entry, op['field'] as string);
      if (!r.present) throw new Error(`remove: ${String(op['field'])} does not exist`);
      del(entry, op['field'] as string);
      return;
    }
    case 'add':
      write(entry, op['field'] as string, op['value']);
      return;
    default:
      throw new Error(`operator type '${op.type}' is not supported by this test (supported: ${SUPPORTED.join(', ')})`);
  }
}

/** Runs one line through the chain; null when an operator with on_error drop* discarded it. */
export function runChain(operators: readonly OperatorConfig[], line: string): LogEntry | null {
  const entry: LogEntry = { body: line, attributes: {}, resource: {}, errors: [] };
  for (const op of operators) {
    if (!(SUPPORTED as readonly string[]).includes(op.type)) {
      throw new Error(`operator type '${op.type}' is not supported by this test (supported: ${SUPPORTED.join(', ')})`);
    }
    if (op.if !== undefined && !evaluateCondition(op.if, entry)) continue;
    try {
      runOperator(op, entry);
    } catch (err) {
      const onError = op.on_error ?? 'send';
      if (!['send', 'send_quiet', 'drop', 'drop_quiet'].includes(onError)) throw new Error(`unknown on_error '${onError}'`);
      if (onError.startsWith('drop')) return null;
      entry.errors.push(`${op.id ?? op.type}: ${(err as Error).message}`);
    }
  }
  return entry;
}
