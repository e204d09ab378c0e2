/**
 * k6's threshold grammar (reference/k6-facts.md §5.1), used to check the thresholds this project
 * generates before k6 sees them (k6 would stop with exit 104): a key `metric{tag:value,...}` and
 * expressions `<aggregation> <op> <number>` valid for the metric's type.
 */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

const OPERATORS = ['<=', '<', '>=', '>', '===', '==', '!='] as const;
const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

export interface ParsedKey {
  metric: string;
  tags: Record<string, string>;
}

export interface ParsedExpression {
  aggregation: string;
  operator: (typeof OPERATORS)[number];
  value: number;
}

/** Parses `metric{a:b,c:d}`; throws with the reason when malformed. */
export function parseThresholdKey(key: string): ParsedKey {
  const open = key.indexOf('{');
  const metric = open === -1 ? key : key.slice(0, open);
  if (!METRIC_NAME.test(metric)) throw new Error(`'${key}': metric name must match ${METRIC_NAME.source}`);
  const tags: Record<string, string> = {};
  if (open === -1) return { metric, tags };
  if (!key.endsWith('}')) throw new Error(`'${key}': the tag selector must close with '}' at the end`);
  const inner = key.slice(open + 1, -1);
  if (inner.trim() === '') throw new Error(`'${key}': empty tag selector`);
  for (const part of inner.split(',')) {
    const colon = part.indexOf(':');
    if (colon === -1) throw new Error(`'${key}': selector part '${part}' has no ':'`);
    const k = part.slice(0, colon).trim().replace(/^["']|["']$/g, '');
    const v = part.slice(colon + 1).trim().replace(/^["']|["']$/g, '');
    if (k === '' || v === '') throw new Error(`'${key}': selector part '${part}' has an empty key or value`);
    tags[k] = v;
  }
  return { metric, tags };
}

const AGGREGATIONS: Record<MetricType, RegExp> = {
  counter: /^(count|rate)$/,
  gauge: /^value$/,
  rate: /^rate$/,
  trend: /^(avg|min|max|med|p\((\d+(\.\d+)?)\))$/,
};

/** Parses an expression for a metric type; throws with the reason when k6 would reject it. */
export function parseThresholdExpression(expr: string, type: MetricType): ParsedExpression {
  let found: { op: (typeof OPERATORS)[number]; at: number } | undefined;
  for (const op of OPERATORS) {
    const at = expr.indexOf(op);
    if (at !== -1) {
      found = { op, at };
      break;
    }
  }
  if (!found) throw new Error(`'${expr}': no operator (one of ${OPERATORS.join(' ')})`);
  const aggregation = expr.slice(0, found.at).trim();
  const rhs = expr.slice(found.at + found.op.length).trim();
  const value = Number(rhs);
  if (rhs === '' || !Number.isFinite(value)) throw new Error(`'${expr}': right-hand side '${rhs}' is not a number`);
  const m = AGGREGATIONS[type].exec(aggregation);
  if (!m) throw new Error(`'${expr}': aggregation '${aggregation}' is not valid for a ${type} metric`);
  if (m[2] !== undefined && Number(m[2]) > 100) throw new Error(`'${expr}': percentile must be 0-100`);
  return { aggregation, operator: found.op, value };
}
