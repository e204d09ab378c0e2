/**
 * k6's threshold expressions, one grammar for the bundle's generated thresholds (checked in its
 * tests before k6 sees them; k6 would stop with exit 104) and the offline runner, which evaluates
 * them: scan → parse → type check (`supportsAggregation`) → compare. Threshold keys
 * (`metric{tag:value}`) are parsed by metric-key.ts. Pure: imports only contracts/.
 * Rules are k6's (docs/k6-semantics.md#threshold-grammar; k6 `metrics/thresholds_parser.go`).
 *
 * Grammar:
 *
 *   assertion    -> aggregation ws* operator ws* number
 *   aggregation  -> "count" | "rate" | "value" | "avg" | "min" | "max" | "med" | percentile
 *   percentile   -> "p(" number ")"                 N with 0 <= N <= 100 (k6 v2.1+), no spaces inside
 *   operator     -> "<=" | "<" | ">=" | ">" | "===" | "==" | "!="
 *   number       -> Go strconv.ParseFloat syntax: [+-] digits ["." digits] [("e"|"E") [+-] digits],
 *                   ".5", "5.", "Inf", "+Inf", "-Inf", "Infinity", "NaN" (case-insensitive)
 *   ws           -> any whitespace (the sides are trimmed)
 *
 * Scanning tries the operators in the order above and splits the text at the FIRST occurrence
 * of the first operator found: longer tokens sharing a prefix ("<=" before "<", "===" before
 * "==") must come first, or `p(95)<=300` would split at "<" and leave "=300" on the right.
 * `==` and `===` both test equality (values are floats). Nothing but the first operator
 * splits, so `avg<1<2` leaves "1<2" on the right and fails as a number.
 */

import { THRESHOLD_AGGREGATIONS, type MetricType } from './k6-metrics';

export const OP_LESS_EQUAL = '<=';
export const OP_LESS = '<';
export const OP_GREATER_EQUAL = '>=';
export const OP_GREATER = '>';
export const OP_STRICTLY_EQUAL = '===';
export const OP_LOOSELY_EQUAL = '==';
export const OP_NOT_EQUAL = '!=';

/** Scan order: longest token first among those sharing a prefix. */
export const OPERATORS = [OP_LESS_EQUAL, OP_LESS, OP_GREATER_EQUAL, OP_GREATER, OP_STRICTLY_EQUAL, OP_LOOSELY_EQUAL, OP_NOT_EQUAL] as const;
export type Operator = (typeof OPERATORS)[number];

export const AGGREGATIONS = ['value', 'count', 'rate', 'avg', 'min', 'med', 'max', 'p'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export interface ScannedExpression {
  lhs: string;
  operator: Operator;
  rhs: string;
}

export interface ThresholdExpression {
  /** The expression as written (the key in summaries). */
  source: string;
  aggregation: Aggregation;
  /** N of `p(N)`, 0–100; undefined for other aggregations. */
  percentile?: number;
  operator: Operator;
  value: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: string };

/** Stage 1: find the operator and split. Makes no claim about either side. */
export function scanThresholdExpression(input: string): Result<ScannedExpression> {
  for (const operator of OPERATORS) {
    const at = input.indexOf(operator);
    if (at !== -1) {
      return { ok: true, value: { lhs: input.slice(0, at).trim(), operator, rhs: input.slice(at + operator.length).trim() } };
    }
  }
  return { ok: false, error: `malformed threshold expression: no operator (expected one of ${OPERATORS.join(' ')})` };
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** Go's strconv.ParseFloat for base-10 and the special names; undefined where Go errors. */
export function parseGoFloat(text: string): number | undefined {
  if (DECIMAL.test(text)) {
    const n = Number(text);
    // Go reports a range error for a decimal that overflows float64.
    return Number.isFinite(n) ? n : undefined;
  }
  const special = SPECIAL.exec(text);
  if (special) {
    if (special[2]!.toLowerCase() === 'nan') return Number.NaN;
    return special[1] === '-' ? -Infinity : Infinity;
  }
  return undefined;
}

/** Stage 2a: the left-hand side, an aggregation keyword or `p(N)`. */
export function parseAggregation(lhs: string): Result<{ aggregation: Aggregation; percentile?: number }> {
  if ((AGGREGATIONS as readonly string[]).includes(lhs) && lhs !== 'p') {
    return { ok: true, value: { aggregation: lhs as Aggregation } };
  }
  if (lhs.startsWith('p(') && lhs.endsWith(')')) {
    const inner = lhs.slice(2, -1);
    const n = parseGoFloat(inner);
    if (n === undefined) return { ok: false, error: `malformed percentile value '${inner}' in '${lhs}'` };
    if (Number.isNaN(n) || n < 0 || n > 100) {
      return { ok: false, error: `percentile '${lhs}' is out of range: N in p(N) must be between 0 and 100` };
    }
    return { ok: true, value: { aggregation: 'p', percentile: n } };
  }
  return {
    ok: false,
    error: `unknown aggregation method '${lhs}' (expected one of count, rate, value, avg, min, med, max, p(N))`,
  };
}

/** Stages 1 and 2: the whole expression, or the reason it is malformed. */
export function parseThresholdExpression(source: string): Result<ThresholdExpression> {
  const scanned = scanThresholdExpression(source);
  if (!scanned.ok) return scanned;
  const { lhs, operator, rhs } = scanned.value;
  const agg = parseAggregation(lhs);
  if (!agg.ok) return agg;
  const value = parseGoFloat(rhs);
  if (value === undefined) {
    return { ok: false, error: `right-hand side '${rhs}' is not a number` };
  }
  const parsed: ThresholdExpression = { source, aggregation: agg.value.aggregation, operator, value };
  if (agg.value.percentile !== undefined) parsed.percentile = agg.value.percentile;
  return { ok: true, value: parsed };
}

/** Stage 4 (the comparison itself): k6's operators on floats. */
export function compare(lhs: number, operator: Operator, rhs: number): boolean {
  switch (operator) {
    case OP_LESS:
      return lhs < rhs;
    case OP_LESS_EQUAL:
      return lhs <= rhs;
    case OP_GREATER:
      return lhs > rhs;
    case OP_GREATER_EQUAL:
      return lhs >= rhs;
    case OP_LOOSELY_EQUAL:
    case OP_STRICTLY_EQUAL:
      return lhs === rhs;
    case OP_NOT_EQUAL:
      return lhs !== rhs;
  }
}

/** Stage 3: is the aggregation defined for the metric's type? (k6 `metrics/metric_type.go`) */
export function supportsAggregation(type: MetricType, aggregation: Aggregation): boolean {
  const allowed = THRESHOLD_AGGREGATIONS[type];
  return aggregation === 'p' ? allowed.includes('p(N)') : allowed.includes(aggregation);
}

/** k6's message for an aggregation its metric type does not support. */
export function aggregationError(type: MetricType, aggregation: Aggregation): string {
  const shown = aggregation === 'p' ? 'p(N)' : aggregation;
  return `unsupported aggregation method ${shown} on metric of type ${type}; supported aggregation methods for this metric are: ${THRESHOLD_AGGREGATIONS[type].join(', ')}`;
}

/** Stages 1 to 3: an expression as k6 accepts it for a metric of `type`, or the reason it does not. */
export function parseThresholdFor(source: string, type: MetricType): Result<ThresholdExpression> {
  const parsed = parseThresholdExpression(source);
  if (!parsed.ok) return parsed;
  if (!supportsAggregation(type, parsed.value.aggregation)) return { ok: false, error: aggregationError(type, parsed.value.aggregation) };
  return parsed;
}
