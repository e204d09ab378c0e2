/**
 * Value formatting of k6's end-of-test text summary (docs/k6-semantics.md#text-summary; k6
 * `internal/js/summary.js` humanizeValue): Rate metrics as a percentage truncated to two
 * decimals, `data` metrics in decimal byte units, `time` metrics in mixed units (or the fixed
 * `summaryTimeUnit`), anything else with at most six decimals and no trailing zeros.
 */

import type { MetricType, ValueType } from '../contract';

/** `toFixed(prec)` without trailing zeros: 1.500000 → "1.5". */
export function fixedNoTrailingZeros(value: number, prec: number): string {
  return String(Number.parseFloat(value.toFixed(prec)));
}

/** Truncates (not rounds) to `prec` decimals, then drops trailing zeros. */
function truncatedNoTrailingZeros(value: number, prec: number): string {
  const mult = 10 ** prec;
  return fixedNoTrailingZeros(Math.trunc(value * mult) / mult, prec);
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** 519000 → "519 kB", 4900 → "4.9 kB", 7 → "7 B" (powers of 1000, one decimal below 10). */
export function humanizeBytes(bytes: number): string {
  if (bytes < 10) return `${bytes} B`;
  const e = Math.floor(Math.log(bytes) / Math.log(1000));
  const unit = BYTE_UNITS[e] ?? 'YB';
  const val = Math.floor((bytes / 1000 ** e) * 10 + 0.5) / 10;
  return `${val.toFixed(val < 10 ? 1 : 0)} ${unit}`;
}

/** Milliseconds in k6's mixed units: "0s", "850ns", "12.5µs", "140.36ms", "1.56s", "1m30s", "1h2m3s". */
export function humanizeDuration(ms: number, timeUnit?: string | null): string {
  if (timeUnit === 's') return `${(ms * 0.001).toFixed(2)}s`;
  if (timeUnit === 'ms') return `${ms.toFixed(2)}ms`;
  if (timeUnit === 'us') return `${(ms * 1000).toFixed(2)}µs`;
  if (ms === 0) return '0s';
  if (ms < 0.001) return `${Math.trunc(ms * 1_000_000)}ns`;
  if (ms < 1) return `${truncatedNoTrailingZeros(ms * 1000, 2)}µs`;
  if (ms < 1000) return `${truncatedNoTrailingZeros(ms, 2)}ms`;
  let text = `${truncatedNoTrailingZeros((ms % 60_000) / 1000, ms > 60_000 ? 0 : 2)}s`;
  let rest = Math.trunc(ms / 60_000);
  if (rest < 1) return text;
  text = `${rest % 60}m${text}`;
  rest = Math.trunc(rest / 60);
  if (rest < 1) return text;
  return `${rest}h${text}`;
}

export interface ValueKind {
  type: MetricType;
  contains: ValueType;
}

export function humanizeValue(value: number, metric: ValueKind, timeUnit?: string | null): string {
  if (metric.type === 'rate') return `${(Math.trunc(value * 100 * 100) / 100).toFixed(2)}%`;
  if (metric.contains === 'data') return humanizeBytes(value);
  if (metric.contains === 'time') return humanizeDuration(value, timeUnit);
  return fixedNoTrailingZeros(value, 6);
}
