/**
 * The engine's error classes. Each carries a stable `code` and the k6 exit code it maps to; the
 * CLI (runner/cli.ts) is the one place that turns them into a process exit code and a message
 * without a stack trace (docs/architecture.md#conventions). Exit code values come from runner/constants.ts.
 */
import { EXIT_CODES } from './constants';

export type RunnerErrorCode =
  | 'ERR_USAGE'
  | 'ERR_INVALID_OPTIONS'
  | 'ERR_SCRIPT_LOAD'
  | 'ERR_SCRIPT_EXCEPTION'
  | 'ERR_SETUP_DATA'
  | 'ERR_NOT_IMPLEMENTED'
  | 'ERR_SETUP_TIMEOUT'
  | 'ERR_TEARDOWN_TIMEOUT'
  | 'ERR_SCRIPT_ABORTED'
  | 'ERR_EXTERNAL_ABORT';

export class RunnerError extends Error {
  readonly code: RunnerErrorCode;
  readonly exitCode: number;

  constructor(code: RunnerErrorCode, exitCode: number, message: string) {
    super(message);
    this.name = 'RunnerError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** Bad command line (unknown flag, missing script): k6 exits -1 (255) for cobra errors. */
export class UsageError extends RunnerError {
  constructor(message: string) {
    super('ERR_USAGE', EXIT_CODES.UNKNOWN, message);
    this.name = 'UsageError';
  }
}

/** Invalid options or scenarios: exit 104; lists every problem, each naming its key. */
export class InvalidOptionsError extends RunnerError {
  readonly problems: string[];

  constructor(problems: string[]) {
    super('ERR_INVALID_OPTIONS', EXIT_CODES.INVALID_CONFIG, problems.length === 1 ? problems[0]! : `invalid options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidOptionsError';
    this.problems = problems;
  }
}

/** The script could not be read or transformed (bad syntax, a refused import): exit 107. */
export class ScriptLoadError extends RunnerError {
  constructor(message: string) {
    super('ERR_SCRIPT_LOAD', EXIT_CODES.SCRIPT_EXCEPTION, message);
    this.name = 'ScriptLoadError';
  }
}

/** An uncaught exception in init, setup, teardown or handleSummary: exit 107. */
export class ScriptExceptionError extends RunnerError {
  constructor(message: string) {
    super('ERR_SCRIPT_EXCEPTION', EXIT_CODES.SCRIPT_EXCEPTION, message);
    this.name = 'ScriptExceptionError';
  }
}

export class SetupTimeoutError extends RunnerError {
  constructor(ms: number) {
    super('ERR_SETUP_TIMEOUT', EXIT_CODES.SETUP_TIMEOUT, `setup() execution timed out after ${ms / 1000} seconds`);
    this.name = 'SetupTimeoutError';
  }
}

export class TeardownTimeoutError extends RunnerError {
  constructor(ms: number) {
    super('ERR_TEARDOWN_TIMEOUT', EXIT_CODES.TEARDOWN_TIMEOUT, `teardown() execution timed out after ${ms / 1000} seconds`);
    this.name = 'TeardownTimeoutError';
  }
}

/**
 * Thrown into script code by `exec.test.abort()`: the engine stops the test (exit 108). It is a
 * marker the VU recognises even when a script catches and rethrows it.
 */
export class TestAbortedError extends RunnerError {
  constructor(reason: string) {
    super('ERR_SCRIPT_ABORTED', EXIT_CODES.SCRIPT_ABORTED, reason ? `test aborted: ${reason}` : 'test aborted');
    this.name = 'TestAbortedError';
  }
}

/**
 * A script reached something k6-offline does not implement (a k6 API, an option's behaviour). The
 * run stops with 107 — the code k6 gives a script error that ends the run, and the one the runner
 * already gives a k6 module it does not implement at init — so a run that could not do what the
 * script asks never exits 0 (issue 16 §5). Thrown into the script; the engine has already logged
 * it and stopped the run when the script sees it, so catching it changes nothing.
 */
export class NotImplementedError extends RunnerError {
  /** Set once the engine has logged the message (the CLI does not print it twice). */
  reported = false;

  constructor(what: string) {
    super('ERR_NOT_IMPLEMENTED', EXIT_CODES.SCRIPT_EXCEPTION, `${what} — k6-offline does not implement it, so the run stops (exit ${EXIT_CODES.SCRIPT_EXCEPTION}) rather than pass without doing it`);
    this.name = 'NotImplementedError';
  }
}

/** Turns anything thrown by script code into a one-line message (no host stack trace). */
export function describeThrown(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { name?: unknown; message?: unknown; stack?: unknown };
    if (typeof e.stack === 'string' && e.stack.length > 0) {
      // Keep the script's own frames (file names of the script), drop host frames.
      const lines = e.stack.split('\n');
      const kept = [lines[0], ...lines.slice(1).filter((l) => !l.includes('node:') && !l.includes('/runner/') && !l.includes('k6-offline.js'))];
      return kept.slice(0, 6).join('\n');
    }
    if (typeof e.message === 'string') return `${typeof e.name === 'string' ? e.name : 'Error'}: ${e.message}`;
  }
  return String(err);
}
