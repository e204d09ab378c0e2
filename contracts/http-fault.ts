/**
 * xk6-disruptor's HTTP fault model, written once and shared (docs/architecture.md#boundaries): the k6 bundle builds
 * and validates the fault it injects, the fault agent (sim/fault-agent) validates what its control
 * API receives, and the offline runner's `k6/x/disruptor` module validates `injectHTTPFaults`
 * arguments — all three with these functions, so they cannot disagree.
 *
 * Contract: this module is pure. It imports nothing but contracts/ (no `k6`, no Node built-ins) and
 * uses only ES2020 built-ins, so it bundles into k6 scripts and runs in Node unchanged.
 *
 * Field names and rules follow xk6-disruptor v0.3.17 (docs/k6-semantics.md#disruptor-api): durations are
 * Go duration strings (`'50ms'`, `'5m'`), numbers where a duration is expected are rejected (the
 * classic `averageDelay: 500` mistake, xk6-disruptor issue #46), unknown fields are rejected, and
 * a fault duration must be at least one second.
 */

import { parseGoDuration } from './duration';

/** An HTTP fault as `ServiceDisruptor.injectHTTPFaults(fault, duration)` takes it. */
export interface HttpFault {
  /** Target port (number or named port). xk6-disruptor defaults to 80. */
  port?: number | string;
  /** Delay added to every affected request, a Go duration string such as `'100ms'`. */
  averageDelay?: string;
  /** Variation of the delay around `averageDelay`, a Go duration string. */
  delayVariation?: string;
  /** Fraction of requests answered with `errorCode` instead of being proxied, 0.0–1.0. */
  errorRate?: number;
  /** HTTP status returned for the `errorRate` fraction. */
  errorCode?: number;
  /** Body returned with `errorCode`. */
  errorBody?: string;
  /** Comma-separated URL paths that are never faulted (e.g. `'/healthz,/readyz'`). */
  exclude?: string;
  /**
   * Fault agent only (not xk6-disruptor): accept every faulted request and never answer it, as a
   * firewall DROP does; held requests are released without an answer (connection closed) when the
   * fault ends or is deleted.
   */
  blackhole?: boolean;
  /** Fault agent only: close the connection of every faulted request without an answer. */
  reset?: boolean;
}

/** Which fields a validator accepts: xk6-disruptor's (default), or the fault agent's superset. */
export interface FaultFieldOptions {
  /** Accept the fault agent's own fields `blackhole` and `reset`. */
  agentFields?: boolean;
}

/** The body of the fault agent's `POST /v1/faults/http`. */
export interface FaultRequest {
  fault: HttpFault;
  /** Go duration string, at least `'1s'`. */
  duration: string;
}

/** One thing wrong with a fault, naming the field as the user wrote it. */
export interface FaultProblem {
  field: string;
  message: string;
}

export const HTTP_FAULT_FIELDS = [
  'port',
  'averageDelay',
  'delayVariation',
  'errorRate',
  'errorCode',
  'errorBody',
  'exclude',
] as const;

/** The fault agent's own fields, on top of xk6-disruptor's. */
export const AGENT_ONLY_FAULT_FIELDS = ['blackhole', 'reset'] as const;

export const FAULT_REQUEST_FIELDS = ['fault', 'duration'] as const;

/** The shortest fault xk6-disruptor accepts. */
export const MIN_FAULT_DURATION_MS = 1000;
/**
 * The longest fault: 24 h. Far below Node's timer limit (2^31-1 ms, about 24.8 days, above which a
 * timer fires at once), and longer than any outage a load run needs.
 */
export const MAX_FAULT_DURATION_MS = 24 * 3_600_000;
/** The longest `averageDelay` and `delayVariation`: 1 min, past any client's request timeout. */
export const MAX_FAULT_DELAY_MS = 60_000;
/** `errorCode` is a failure: 4xx or 5xx. A 2xx/3xx "fault" would let the agent serve content. */
export const MIN_FAULT_ERROR_CODE = 400;
export const MAX_FAULT_ERROR_CODE = 599;
/** The longest `errorBody` and `exclude` list, in characters. */
export const MAX_FAULT_TEXT_CHARS = 4096;

/** Thrown by the `assert*` functions; carries every problem found, not just the first. */
export class FaultValidationError extends Error {
  readonly code = 'ERR_INVALID_FAULT';
  readonly problems: FaultProblem[];

  constructor(problems: FaultProblem[]) {
    super(`invalid fault: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'FaultValidationError';
    this.problems = problems;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function checkDurationField(problems: FaultProblem[], field: string, value: unknown, maxMs = MAX_FAULT_DELAY_MS): void {
  if (typeof value !== 'string') {
    problems.push({
      field,
      message: `must be a duration string such as '100ms' or '1s' (got ${describe(value)})`,
    });
    return;
  }
  const ms = parseGoDuration(value);
  if (ms === undefined) {
    problems.push({ field, message: `'${value.slice(0, 64)}' is not a duration (use units ms, s, m or h, e.g. '250ms')` });
  } else if (ms < 0) {
    problems.push({ field, message: `must not be negative (got '${value.slice(0, 64)}')` });
  } else if (ms > maxMs) {
    problems.push({ field, message: `must be at most ${formatLimit(maxMs)} (got '${value.slice(0, 32)}')` });
  }
}

function formatLimit(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.slice(0, 64)}'`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/**
 * Validates an HTTP fault with xk6-disruptor's strictness and returns every problem found
 * (an empty list means valid). `prefix` is prepended to field names (`'fault.'` for the agent's
 * request body).
 */
export function validateHttpFault(input: unknown, prefix = '', options: FaultFieldOptions = {}): FaultProblem[] {
  const problems: FaultProblem[] = [];
  if (!isPlainObject(input)) {
    problems.push({ field: prefix ? prefix.slice(0, -1) : 'fault', message: `must be an object (got ${describe(input)})` });
    return problems;
  }
  const allowed: readonly string[] = options.agentFields ? [...HTTP_FAULT_FIELDS, ...AGENT_ONLY_FAULT_FIELDS] : HTTP_FAULT_FIELDS;
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) {
      const agentOnly = (AGENT_ONLY_FAULT_FIELDS as readonly string[]).includes(key);
      problems.push({
        field: prefix + key.slice(0, 64),
        message: agentOnly
          ? `is a fault agent field that xk6-disruptor does not have; use the fault agent (tenant-load-agent.js) for it`
          : `unknown field; allowed fields are ${allowed.join(', ')}`,
      });
    }
  }
  const f = input as Record<string, unknown>;
  for (const key of AGENT_ONLY_FAULT_FIELDS) {
    if (options.agentFields && f[key] !== undefined && typeof f[key] !== 'boolean') {
      problems.push({ field: `${prefix}${key}`, message: `must be true or false (got ${describe(f[key])})` });
    }
  }
  if (f.blackhole === true || f.reset === true) {
    // A request is either held forever, or cut, or handled by the xk6 fields: never two at once.
    const shape = f.blackhole === true ? 'blackhole' : 'reset';
    const clash = ['blackhole', 'reset', 'errorRate', 'errorCode', 'errorBody', 'averageDelay', 'delayVariation'].filter((k) => k !== shape && f[k] !== undefined && f[k] !== false);
    if (clash.length > 0) {
      problems.push({ field: `${prefix}${shape}`, message: `cannot be combined with ${clash.join(', ')}: a ${shape} fault answers nothing` });
    }
  }
  if (f.port !== undefined) {
    const ok =
      (typeof f.port === 'number' && Number.isInteger(f.port) && f.port >= 1 && f.port <= 65535) ||
      (typeof f.port === 'string' && /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(f.port) && /[a-z]/.test(f.port));
    if (!ok) {
      problems.push({
        field: `${prefix}port`,
        message: `must be a port number 1-65535 or a named port such as 'http' (got ${describe(f.port)})`,
      });
    }
  }
  if (f.averageDelay !== undefined) checkDurationField(problems, `${prefix}averageDelay`, f.averageDelay);
  if (f.delayVariation !== undefined) checkDurationField(problems, `${prefix}delayVariation`, f.delayVariation);
  if (f.errorRate !== undefined) {
    if (typeof f.errorRate !== 'number' || !Number.isFinite(f.errorRate) || f.errorRate < 0 || f.errorRate > 1) {
      problems.push({
        field: `${prefix}errorRate`,
        message: `must be a number from 0.0 to 1.0 (got ${describe(f.errorRate)})`,
      });
    }
  }
  if (f.errorCode !== undefined) {
    if (typeof f.errorCode !== 'number' || !Number.isInteger(f.errorCode) || f.errorCode < MIN_FAULT_ERROR_CODE || f.errorCode > MAX_FAULT_ERROR_CODE) {
      problems.push({
        field: `${prefix}errorCode`,
        message: `must be an HTTP error status 400-599: a fault answers with a failure, never with content (got ${describe(f.errorCode)})`,
      });
    }
  }
  if (typeof f.errorRate === 'number' && f.errorRate > 0 && f.errorCode === undefined) {
    problems.push({ field: `${prefix}errorCode`, message: 'is required when errorRate is greater than 0' });
  }
  if (f.errorBody !== undefined && typeof f.errorBody !== 'string') {
    problems.push({ field: `${prefix}errorBody`, message: `must be a string (got ${describe(f.errorBody)})` });
  } else if (typeof f.errorBody === 'string' && f.errorBody.length > MAX_FAULT_TEXT_CHARS) {
    problems.push({ field: `${prefix}errorBody`, message: `must be at most ${MAX_FAULT_TEXT_CHARS} characters (got ${f.errorBody.length})` });
  }
  if (f.exclude !== undefined) {
    if (typeof f.exclude !== 'string') {
      problems.push({
        field: `${prefix}exclude`,
        message: `must be a comma-separated string of URL paths such as '/healthz,/readyz' (got ${describe(f.exclude)})`,
      });
    } else if (f.exclude.length > MAX_FAULT_TEXT_CHARS) {
      problems.push({ field: `${prefix}exclude`, message: `must be at most ${MAX_FAULT_TEXT_CHARS} characters (got ${f.exclude.length})` });
    } else {
      const bad = splitExclude(f.exclude).filter((p) => !p.startsWith('/'));
      if (bad.length > 0) {
        problems.push({ field: `${prefix}exclude`, message: `paths must start with '/' (got ${bad.map((p) => `'${p}'`).join(', ')})` });
      }
    }
  }
  return problems;
}

/** Validates a fault duration: a Go duration string from 1s to 24h. */
export function validateFaultDuration(input: unknown, field = 'duration'): FaultProblem[] {
  const problems: FaultProblem[] = [];
  checkDurationField(problems, field, input, MAX_FAULT_DURATION_MS);
  if (problems.length === 0) {
    const ms = parseGoDuration(input as string) as number;
    if (ms < MIN_FAULT_DURATION_MS) {
      problems.push({ field, message: `must be at least 1s (got '${(input as string).slice(0, 32)}')` });
    }
  }
  return problems;
}

/** Validates the fault agent's `POST /v1/faults/http` body `{fault, duration}`. */
export function validateFaultRequest(input: unknown): FaultProblem[] {
  if (!isPlainObject(input)) {
    return [{ field: 'body', message: `must be a JSON object with fields fault and duration (got ${describe(input)})` }];
  }
  const problems: FaultProblem[] = [];
  for (const key of Object.keys(input)) {
    if (!(FAULT_REQUEST_FIELDS as readonly string[]).includes(key)) {
      problems.push({ field: key, message: `unknown field; allowed fields are ${FAULT_REQUEST_FIELDS.join(', ')}` });
    }
  }
  if (input.fault === undefined) problems.push({ field: 'fault', message: 'is required' });
  // The request body is the fault agent's API: its own fields are allowed.
  else problems.push(...validateHttpFault(input.fault, 'fault.', { agentFields: true }));
  if (input.duration === undefined) problems.push({ field: 'duration', message: "is required (e.g. '5m')" });
  else problems.push(...validateFaultDuration(input.duration));
  return problems;
}

/** Throws a {@link FaultValidationError} listing every problem, or returns the fault typed. */
export function assertHttpFault(input: unknown, options: FaultFieldOptions = {}): HttpFault {
  const problems = validateHttpFault(input, '', options);
  if (problems.length > 0) throw new FaultValidationError(problems);
  return input as HttpFault;
}

/** Throws a {@link FaultValidationError} listing every problem, or returns the request typed. */
export function assertFaultRequest(input: unknown): FaultRequest {
  const problems = validateFaultRequest(input);
  if (problems.length > 0) throw new FaultValidationError(problems);
  return input as FaultRequest;
}

/** The paths of an `exclude` list, trimmed, empty entries dropped. */
export function splitExclude(exclude: string | undefined): string[] {
  if (!exclude) return [];
  return exclude
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/**
 * Whether a request path is excluded from the fault: exact match of the path (query string
 * ignored), as the xk6-disruptor agent compares `exclude` entries with the request URL path.
 */
export function isExcludedPath(fault: HttpFault, path: string): boolean {
  const bare = path.split('?')[0] as string;
  return splitExclude(fault.exclude).includes(bare);
}
