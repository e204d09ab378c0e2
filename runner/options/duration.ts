/**
 * k6 durations (k6-facts §4.1, k6 `lib/types/types.go`): Go duration syntax (`1h30m`, `250ms`,
 * `1.5s`) plus `d` for days; a bare number, or a string holding only a number, is milliseconds.
 * Returns milliseconds, or `undefined` when the value is not a duration (callers name the key).
 */
import { parseGoDuration } from '../../disruptor/http-fault';

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * k6's `types.ParseExtendedDuration` on top of the Go parser shared with the fault model: a number
 * (or a string holding only a number) is milliseconds; otherwise an optional whole number of days
 * (`2d`, `1d12h`) followed by a Go duration.
 */
export function parseDuration(value: unknown): number | undefined {
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
  return days * 86_400_000 + (days < 0 ? -rest : rest);
}

/** Formats milliseconds the way k6 prints durations in progress lines (`1m30s`, `500ms`, `2h0m0s`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  const sText = Number.isInteger(s) ? `${s}s` : `${s.toFixed(1).replace(/\.0$/, '')}s`;
  if (h > 0) return `${h}h${m}m${sText}`;
  if (m > 0) return `${m}m${sText}`;
  return sText;
}
