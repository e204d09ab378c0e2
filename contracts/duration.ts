/**
 * Durations, one set of rules for every part (docs/k6-semantics.md#durations):
 * - `parseGoDuration`: Go's `time.ParseDuration` (`'300ms'`, `'1.5s'`, `'1h30m'`, `'0'`) — what
 *   xk6-disruptor, the fault agent and the platform's flags take;
 * - `parseK6Duration`: k6's `types.ParseExtendedDuration` — a number, or a string holding only a
 *   number, is milliseconds; otherwise an optional WHOLE number of days (`2d`, `1d12h`; k6 refuses
 *   `1.5d`) followed by a Go duration;
 * - `parseDurationWithUnit`: the same for configuration read from the environment or flags, where
 *   a bare number (milliseconds to k6, seconds to most people) is refused instead of guessed;
 * - `formatDuration`: milliseconds back to the shortest string both Go and k6 accept.
 *
 * Pure: imports nothing, ES2020 only (it runs in k6's Sobek engine and in Node).
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3,
  'μs': 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION_PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;
const DAY_MS = 86_400_000;

/**
 * Parses a Go `time.ParseDuration` string into milliseconds. Returns `undefined` for anything Go
 * would reject. A leading sign is accepted as Go does; callers decide whether negative values
 * make sense.
 */
export function parseGoDuration(text: string): number | undefined {
  if (typeof text !== 'string' || text.length === 0) return undefined;
  let rest = text;
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest.length === 0) return undefined;
  let total = 0;
  DURATION_PART.lastIndex = 0;
  while (DURATION_PART.lastIndex < rest.length) {
    const start = DURATION_PART.lastIndex;
    const match = DURATION_PART.exec(rest);
    if (!match || match.index !== start) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  }
  return sign * total;
}

/**
 * k6's duration rules for script options (`duration`, `startTime`, `gracefulStop`, timeouts...):
 * milliseconds, or `undefined` when the value is not a duration (callers name the key).
 */
export function parseK6Duration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (DECIMAL.test(text)) return Number(text);
  const d = text.indexOf('d');
  if (d === -1) return parseGoDuration(text);
  if (!INTEGER.test(text.slice(0, d))) return undefined;
  const days = Number(text.slice(0, d));
  let rest = 0;
  if (d + 1 < text.length) {
    const parsed = parseGoDuration(text.slice(d + 1));
    if (parsed === undefined || parsed < 0) return undefined;
    rest = parsed;
  }
  return days * DAY_MS + (days < 0 ? -rest : rest);
}

/**
 * A k6 duration as configuration takes it: units required (`'0'` aside), no surrounding spaces.
 * Milliseconds, or `undefined` when the text is not such a duration.
 */
export function parseDurationWithUnit(text: string): number | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.trim() !== text) return undefined;
  if (text === '0') return 0;
  if (DECIMAL.test(text)) return undefined;
  return parseK6Duration(text);
}

/** Milliseconds as the shortest duration string Go and k6 both accept (`'1m30s'`, `'250ms'`, `'1h'`). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0s';
  const whole = Math.round(ms);
  if (whole % 1000 !== 0) return `${whole}ms`;
  let s = whole / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

/** `digits` of a whole number of `unit`s as Go prints them: the fraction without trailing zeros. */
function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const rest = value - whole * unit;
  if (rest === 0) return String(whole);
  const width = String(unit).length - 1;
  return `${whole}.${String(rest).padStart(width, '0').replace(/0+$/, '')}`;
}

/**
 * Go's `time.Duration.String()` (`'1h0m0s'`, `'1m30s'`, `'1.5s'`, `'250ms'`, `'1.5µs'`, `'0s'`): how
 * k6 writes a `types.Duration` in JSON (thresholds' `delayAbortEval` in `--out json`) and prints
 * durations in its progress lines. Nanosecond precision, as Go's.
 */
export function goDurationString(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const ns = Math.round(Math.abs(ms) * 1e6);
  if (ns === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  if (ns < 1e3) return `${sign}${ns}ns`;
  if (ns < 1e6) return `${sign}${fraction(ns, 1e3)}µs`;
  if (ns < 1e9) return `${sign}${fraction(ns, 1e6)}ms`;
  const h = Math.floor(ns / 3.6e12);
  const m = Math.floor((ns - h * 3.6e12) / 6e10);
  const s = fraction(ns - h * 3.6e12 - m * 6e10, 1e9);
  if (h > 0) return `${sign}${h}h${m}m${s}s`;
  if (m > 0) return `${sign}${m}m${s}s`;
  return `${sign}${s}s`;
}
