/**
 * Typed reads of environment variables that collect problems instead of throwing, so the config
 * module can report every mistake at once. An empty value counts as unset (`-e X=` in k6).
 * A malformed value is a problem, never a silent fallback to the default.
 */
import { parseDurationWithUnit } from './duration';

/** One bad variable: its name and what is wrong, with the allowed values. */
export interface ConfigProblem {
  /** The environment variable (or file field) at fault, e.g. `RATE` or `TENANTS_FILE[2].id`. */
  variable: string;
  message: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

const quote = (v: string): string => `'${v.length > 60 ? `${v.slice(0, 57)}...` : v}'`;

export class EnvReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly env: Env) {}

  /** The raw value, `undefined` when unset or empty. */
  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  problem(variable: string, message: string): void {
    this.problems.push({ variable, message });
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  /** A secret: its value never appears in a message. */
  secret(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  url(name: string, fallback: string): string;
  url(name: string, fallback: undefined): string | undefined;
  url(name: string, fallback: string | undefined): string | undefined {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v)) {
      this.problem(name, `must be an http:// or https:// URL without query or fragment, e.g. http://127.0.0.1:8080 (got ${quote(v)})`);
      return fallback;
    }
    return v.replace(/\/+$/, '');
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
      this.problem(name, `must be ${range} (got ${quote(v)})`);
      return fallback;
    }
    return Number(v);
  }

  optionalInteger(name: string, min: number): number | undefined {
    if (!this.has(name)) return undefined;
    return this.integer(name, min, min);
  }

  fraction(name: string, fallback: number, { exclusiveMin = false } = {}): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d*\.?\d+(e-?\d+)?$/.test(v) || !Number.isFinite(n) || n > 1 || (exclusiveMin ? n <= 0 : n < 0)) {
      this.problem(name, `must be a number from ${exclusiveMin ? 'above 0' : '0'} to 1, e.g. 0.9 (got ${quote(v)})`);
      return fallback;
    }
    return n;
  }

  positiveNumber(name: string, fallback: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^\d*\.?\d+$/.test(v) || !(n > 0)) {
      this.problem(name, `must be a number greater than 0 (got ${quote(v)})`);
      return fallback;
    }
    return n;
  }

  /** A k6 duration with units (`'30s'`, `'5m'`, `'1h30m'`); `minMs` inclusive. */
  duration(name: string, fallbackMs: number, minMs = 0): number {
    const v = this.raw(name);
    if (v === undefined) return fallbackMs;
    const ms = parseDurationWithUnit(v);
    if (ms === undefined) {
      const hint = /^\d+(\.\d+)?$/.test(v) ? ` (a bare number is ambiguous: write '${v}s' or '${v}ms')` : '';
      this.problem(name, `must be a duration with units such as '30s', '5m' or '1h30m' (got ${quote(v)})${hint}`);
      return fallbackMs;
    }
    if (ms < minMs) {
      this.problem(name, `must be at least ${minMs >= 1000 ? `${minMs / 1000}s` : `${minMs}ms`} (got ${quote(v)})`);
      return fallbackMs;
    }
    return ms;
  }

  optionalDuration(name: string, minMs = 0): number | undefined {
    if (!this.has(name)) return undefined;
    return this.duration(name, minMs, minMs);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      this.problem(name, `must be one of ${allowed.join(', ')} (got ${quote(v)})`);
      return fallback;
    }
    return v as T;
  }

  /** A value matching a pattern, described for the message. */
  matching(name: string, pattern: RegExp, describe: string, fallback: string): string {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    if (!pattern.test(v)) {
      this.problem(name, `must be ${describe} (got ${quote(v)})`);
      return fallback;
    }
    return v;
  }
}
