/**
 * Errors of the metrics registry. Same shape as the engine's RunnerError (a stable `code` plus
 * the k6 exit code), so the CLI maps them at its one boundary (docs/architecture.md#conventions).
 */
import { EXIT_CODES } from '../constants';

export type MetricsErrorCode = 'ERR_INVALID_METRIC_NAME' | 'ERR_METRIC_REDEFINED' | 'ERR_INVALID_METRIC_KEY' | 'ERR_UNKNOWN_METRIC';

/**
 * A metric that cannot be defined: bad name, a redefinition with another type or value type,
 * or a sub-metric key that does not parse. Thrown into the script by `new Trend(...)` etc. in
 * init, where k6 turns it into a script exception (exit 107).
 */
export class MetricDefinitionError extends Error {
  readonly code: MetricsErrorCode;
  readonly exitCode: number = EXIT_CODES.SCRIPT_EXCEPTION;

  constructor(code: MetricsErrorCode, message: string) {
    super(message);
    this.name = 'MetricDefinitionError';
    this.code = code;
  }
}
