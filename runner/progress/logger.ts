/**
 * k6-style log lines on stderr (`INFO[0003] message  source=console`), with rate limiting for
 * repeated iteration errors (at most a few identical messages per second, then one line with
 * the number suppressed) and redaction of anything that looks like a credential.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_TAG: Record<LogLevel, string> = { debug: 'DEBU', info: 'INFO', warn: 'WARN', error: 'ERRO' };

/** Bearer tokens, JWTs and Authorization header values never reach a log line. */
export function redact(text: string): string {
  return text
    .replace(/(authorization["']?\s*[:=]\s*["']?)(bearer\s+)?[^\s"',}]+/gi, '$1$2[redacted]')
    .replace(/\bbearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]')
    .replace(/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '[redacted-jwt]');
}

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, string>): void;
  /** Iteration errors: rate limited per distinct message. */
  iterationError(message: string): void;
  flushSuppressed(): void;
}

export function createLogger(opts: { write: (line: string) => void; startMs: number; now?: () => number; perSecond?: number }): Logger {
  const now = opts.now ?? Date.now;
  const perSecond = opts.perSecond ?? 5;
  let windowStart = now();
  let inWindow = 0;
  let suppressed = 0;
  const log = (level: LogLevel, message: string, fields: Record<string, string> = {}): void => {
    const secs = Math.max(0, Math.floor((now() - opts.startMs) / 1000));
    const extra = Object.entries(fields).map(([k, v]) => `${k}=${v}`).join(' ');
    opts.write(`${LEVEL_TAG[level]}[${String(secs).padStart(4, '0')}] ${redact(message)}${extra ? `  ${extra}` : ''}\n`);
  };
  const flushSuppressed = (): void => {
    if (suppressed > 0) log('warn', `${suppressed} more iteration errors were not logged (rate limited to ${perSecond}/s)`);
    suppressed = 0;
  };
  return {
    log,
    flushSuppressed,
    iterationError(message) {
      const t = now();
      if (t - windowStart >= 1000) {
        flushSuppressed();
        windowStart = t;
        inWindow = 0;
      }
      if (inWindow++ < perSecond) log('error', message, { source: 'stacktrace' });
      else suppressed++;
    },
  };
}
