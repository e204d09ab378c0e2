/**
 * k6 duration strings: Go `time.ParseDuration` syntax plus `d` for days
 * (reference/k6-facts.md §4.1). Environment values must carry a unit: a bare number means
 * milliseconds to k6 but seconds to most people, so configuration rejects it rather than guess.
 */
import { parseGoDuration } from '../disruptor/http-fault';

const DAYS = /^(\d+(?:\.\d+)?)d(.*)$/;

/** Milliseconds, or `undefined` when the text is not a duration with units. */
export function parseK6Duration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed !== text || text.length === 0) return undefined;
  const days = DAYS.exec(text);
  if (days) {
    const rest = days[2] as string;
    const restMs = rest === '' ? 0 : parseGoDuration(rest);
    if (restMs === undefined || rest.startsWith('-') || rest.startsWith('+')) return undefined;
    return Number(days[1]) * 86_400_000 + restMs;
  }
  if (text === '0') return 0;
  return parseGoDuration(text);
}

/** Formats milliseconds as a k6 duration string k6 and the runner both accept (`'1m30s'`, `'250ms'`). */
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
