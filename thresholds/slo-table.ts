/**
 * The SLOs, written once (DESIGN.md §1): each with its default target and the environment
 * variable that overrides it. thresholds/build-thresholds.ts turns them into k6 thresholds;
 * the summary's verdict block reads them back by id.
 */
export interface SloValues {
  /** p95 of reads, ms. */
  readP95Ms: number;
  /** p95 of writes, ms. */
  writeP95Ms: number;
  /** API error rate outside the outage (whole run in fallback mode), 0..1. */
  errorRate: number;
  /** API error rate during the outage (fallback mode), 0..1. */
  chaosErrorRate: number;
  /** dropped_iterations as a fraction of the scheduled iterations. */
  droppedRatio: number;
  /** checks pass rate, 0..1. */
  checksRate: number;
  /** Share of 5xx answers allowed during the outage in expiry mode (fail closed = 401, never 5xx). */
  expiryServerErrorRate: number;
  /** Expiry mode: time after the outage within which the error rate must be back under `errorRate`. */
  recoveryMs: number;
  /** `delayAbortEval` of the abort gates. */
  abortDelayMs: number;
}

export interface SloSpec {
  key: keyof SloValues;
  env: string;
  default: number | ((ctx: { durationMs: number }) => number);
  kind: 'ms' | 'fraction' | 'duration';
  describe: string;
}

export const SLO_TABLE: readonly SloSpec[] = [
  { key: 'readP95Ms', env: 'SLO_READ_P95_MS', default: 300, kind: 'ms', describe: 'p95 latency of reads (ms)' },
  { key: 'writeP95Ms', env: 'SLO_WRITE_P95_MS', default: 600, kind: 'ms', describe: 'p95 latency of writes (ms)' },
  { key: 'errorRate', env: 'SLO_ERROR_RATE', default: 0.005, kind: 'fraction', describe: 'API error rate' },
  { key: 'chaosErrorRate', env: 'SLO_CHAOS_ERROR_RATE', default: 0.01, kind: 'fraction', describe: 'API error rate during the outage (fallback)' },
  { key: 'droppedRatio', env: 'SLO_DROPPED_RATIO', default: 0.01, kind: 'fraction', describe: 'dropped iterations / scheduled iterations' },
  { key: 'checksRate', env: 'SLO_CHECKS_RATE', default: 0.99, kind: 'fraction', describe: 'checks pass rate' },
  { key: 'expiryServerErrorRate', env: 'SLO_EXPIRY_5XX_RATE', default: 0, kind: 'fraction', describe: '5xx share during the outage (expiry)' },
  { key: 'recoveryMs', env: 'SLO_RECOVERY_TIME', default: 30_000, kind: 'duration', describe: 'time to recover after the outage (expiry)' },
  {
    key: 'abortDelayMs',
    env: 'SLO_ABORT_DELAY',
    // A tenth of the run, 5-60 s: long enough for a few samples, short enough to stop a broken run early.
    default: ({ durationMs }) => Math.min(60_000, Math.max(5_000, Math.round(durationMs / 10))),
    kind: 'duration',
    describe: 'delayAbortEval of the abort gates',
  },
];
