/**
 * k6's vocabulary, defined once (docs/architecture.md#conventions). Every built-in metric name, system tag, executor
 * type, scenario option key, threshold config key, summary setting and exit code the offline runner
 * uses comes from here; the engine, the metrics core and the tests import these names instead of
 * retyping the strings. Spellings are k6's exactly (docs/k6-semantics.md#builtin-metrics, #scenarios, #threshold-grammar, #option-defaults;
 * grafana/k6 `metrics/builtin.go`, `errext/exitcodes/codes.go`, `lib/executor/*.go`).
 *
 * Contract: pure data plus two tiny pure helpers; imports only types.
 */


// Built-in metrics, metric names and threshold aggregations are k6's vocabulary shared with the
// bundle: their one home is contracts/k6-metrics.ts.
export * from '../contracts/k6-metrics';

// ---------------------------------------------------------------------------------------------
// Tags (docs/k6-semantics.md#system-tags, k6 `metrics/system_tag.go`)
// ---------------------------------------------------------------------------------------------

export const TAG_PROTO = 'proto';
export const TAG_SUBPROTO = 'subproto';
export const TAG_STATUS = 'status';
export const TAG_METHOD = 'method';
export const TAG_URL = 'url';
export const TAG_NAME = 'name';
export const TAG_GROUP = 'group';
export const TAG_CHECK = 'check';
export const TAG_ERROR = 'error';
export const TAG_ERROR_CODE = 'error_code';
export const TAG_TLS_VERSION = 'tls_version';
export const TAG_SCENARIO = 'scenario';
export const TAG_SERVICE = 'service';
export const TAG_EXPECTED_RESPONSE = 'expected_response';
export const TAG_VU = 'vu';
export const TAG_ITER = 'iter';
export const TAG_IP = 'ip';
export const TAG_OCSP_STATUS = 'ocsp_status';

/** `systemTags` default: the tags k6 attaches unless told otherwise. */
export const DEFAULT_SYSTEM_TAGS: readonly string[] = [
  TAG_PROTO,
  TAG_SUBPROTO,
  TAG_STATUS,
  TAG_METHOD,
  TAG_URL,
  TAG_NAME,
  TAG_GROUP,
  TAG_CHECK,
  TAG_ERROR,
  TAG_ERROR_CODE,
  TAG_TLS_VERSION,
  TAG_SCENARIO,
  TAG_SERVICE,
  TAG_EXPECTED_RESPONSE,
];

/** Every system tag k6 knows (default set plus opt-in). */
export const ALL_SYSTEM_TAGS: readonly string[] = [...DEFAULT_SYSTEM_TAGS, TAG_VU, TAG_ITER, TAG_IP, TAG_OCSP_STATUS];

/**
 * Metadata, not tags, since k6 v0.41: a threshold selector on them logs a warning and never
 * matches (docs/k6-semantics.md#threshold-grammar).
 */
export const NON_INDEXABLE_TAGS: readonly string[] = [TAG_VU, TAG_ITER];

/** Group path separator and the group paths of setup/teardown samples (docs/k6-semantics.md#lifecycle). */
export const GROUP_SEPARATOR = '::';
export const SETUP_GROUP = '::setup';
export const TEARDOWN_GROUP = '::teardown';

/** k6 warns once a run has this many distinct time series (docs/k6-semantics.md#system-tags). */
export const TIME_SERIES_WARNING_LIMIT = 100_000;

// ---------------------------------------------------------------------------------------------
// Executors and scenario options (docs/k6-semantics.md#scenarios, #executors)
// ---------------------------------------------------------------------------------------------

export const SHARED_ITERATIONS = 'shared-iterations';
export const PER_VU_ITERATIONS = 'per-vu-iterations';
export const CONSTANT_VUS = 'constant-vus';
export const RAMPING_VUS = 'ramping-vus';
export const CONSTANT_ARRIVAL_RATE = 'constant-arrival-rate';
export const RAMPING_ARRIVAL_RATE = 'ramping-arrival-rate';
/** Removed in k6 v2.0.0; named so the runner can refuse it with a clear message. */
export const EXTERNALLY_CONTROLLED = 'externally-controlled';

export const EXECUTOR_TYPES = [
  SHARED_ITERATIONS,
  PER_VU_ITERATIONS,
  CONSTANT_VUS,
  RAMPING_VUS,
  CONSTANT_ARRIVAL_RATE,
  RAMPING_ARRIVAL_RATE,
] as const;
export type ExecutorType = (typeof EXECUTOR_TYPES)[number];

/** The scenario the shortcut options (`vus`/`duration`/`iterations`/`stages`) become. */
export const DEFAULT_SCENARIO_NAME = 'default';
/** The exec function a scenario runs unless `exec` says otherwise. */
export const DEFAULT_EXEC = 'default';
export const SCENARIO_NAME_PATTERN = /^[0-9a-zA-Z_-]+$/;

export const OPT_EXECUTOR = 'executor';
export const OPT_START_TIME = 'startTime';
export const OPT_GRACEFUL_STOP = 'gracefulStop';
export const OPT_EXEC = 'exec';
export const OPT_ENV = 'env';
export const OPT_TAGS = 'tags';
export const OPT_OPTIONS = 'options';
export const OPT_VUS = 'vus';
export const OPT_ITERATIONS = 'iterations';
export const OPT_MAX_DURATION = 'maxDuration';
export const OPT_DURATION = 'duration';
export const OPT_START_VUS = 'startVUs';
export const OPT_STAGES = 'stages';
export const OPT_GRACEFUL_RAMP_DOWN = 'gracefulRampDown';
export const OPT_RATE = 'rate';
export const OPT_START_RATE = 'startRate';
export const OPT_TIME_UNIT = 'timeUnit';
export const OPT_PRE_ALLOCATED_VUS = 'preAllocatedVUs';
export const OPT_MAX_VUS = 'maxVUs';
/** Keys of one `stages` entry. */
export const STAGE_KEYS = ['duration', 'target'] as const;

/** Keys every scenario accepts, whatever its executor (k6 `lib/executor/base_config.go`). */
export const COMMON_SCENARIO_KEYS: readonly string[] = [
  OPT_EXECUTOR,
  OPT_START_TIME,
  OPT_GRACEFUL_STOP,
  OPT_EXEC,
  OPT_ENV,
  OPT_TAGS,
  OPT_OPTIONS,
];

/** Executor-specific keys; anything not here or in COMMON_SCENARIO_KEYS is an error (strict JSON). */
export const EXECUTOR_KEYS: Readonly<Record<ExecutorType, readonly string[]>> = {
  [SHARED_ITERATIONS]: [OPT_VUS, OPT_ITERATIONS, OPT_MAX_DURATION],
  [PER_VU_ITERATIONS]: [OPT_VUS, OPT_ITERATIONS, OPT_MAX_DURATION],
  [CONSTANT_VUS]: [OPT_VUS, OPT_DURATION],
  [RAMPING_VUS]: [OPT_START_VUS, OPT_STAGES, OPT_GRACEFUL_RAMP_DOWN],
  [CONSTANT_ARRIVAL_RATE]: [OPT_RATE, OPT_TIME_UNIT, OPT_DURATION, OPT_PRE_ALLOCATED_VUS, OPT_MAX_VUS],
  [RAMPING_ARRIVAL_RATE]: [OPT_START_RATE, OPT_TIME_UNIT, OPT_STAGES, OPT_PRE_ALLOCATED_VUS, OPT_MAX_VUS],
};

/** Defaults of the scenario options (docs/k6-semantics.md#durations, #executors); durations as k6 writes them. */
export const SCENARIO_DEFAULTS = {
  startTime: '0s',
  gracefulStop: '30s',
  exec: DEFAULT_EXEC,
  vus: 1,
  iterations: 1,
  maxDuration: '10m',
  startVUs: 1,
  gracefulRampDown: '30s',
  timeUnit: '1s',
  startRate: 0,
} as const;

/** `duration`/`maxDuration` shorter than this is rejected (k6 `constant_vus.go` `minDuration`). */
export const MIN_SCENARIO_DURATION_MS = 1000;

/** Warning logged once per arrival-rate scenario when all `maxVUs` are busy (docs/k6-semantics.md#dropped-iterations). */
/** How k6's "Insufficient VUs" warning starts (worker-fleet.ts logs it once per scenario). */
export const INSUFFICIENT_VUS = 'Insufficient VUs, ';
export const insufficientVusMessage = (maxVUs: number): string =>
  `${INSUFFICIENT_VUS}reached ${maxVUs} active VUs and cannot initialize more`;

/** Warning at the end of a run without any full iteration (docs/k6-semantics.md#lifecycle). */
export const NO_ITERATIONS_WARNING = 'No script iterations fully finished, consider making the test duration longer';

// ---------------------------------------------------------------------------------------------
// Test-wide option keys and defaults (docs/k6-semantics.md#option-defaults)
// ---------------------------------------------------------------------------------------------

export const OPT_SCENARIOS = 'scenarios';
export const OPT_THRESHOLDS = 'thresholds';
export const OPT_SUMMARY_TREND_STATS = 'summaryTrendStats';
export const OPT_SUMMARY_TIME_UNIT = 'summaryTimeUnit';
export const OPT_SYSTEM_TAGS = 'systemTags';
export const OPT_SETUP_TIMEOUT = 'setupTimeout';
export const OPT_TEARDOWN_TIMEOUT = 'teardownTimeout';
export const OPT_HANDLE_SUMMARY_TIMEOUT = 'handleSummaryTimeout';
export const OPT_EXECUTION_SEGMENT = 'executionSegment';
export const OPT_EXECUTION_SEGMENT_SEQUENCE = 'executionSegmentSequence';

export const DEFAULT_SETUP_TIMEOUT = '60s';
export const DEFAULT_TEARDOWN_TIMEOUT = '60s';
export const DEFAULT_HANDLE_SUMMARY_TIMEOUT = '120s';

// ---------------------------------------------------------------------------------------------
// Thresholds (docs/k6-semantics.md#threshold-grammar–k6-semantics.md#threshold-evaluation)
// ---------------------------------------------------------------------------------------------

/** Keys of the object form `{threshold, abortOnFail, delayAbortEval}`. */
export const THRESHOLD_KEY = 'threshold';
export const ABORT_ON_FAIL_KEY = 'abortOnFail';
export const DELAY_ABORT_EVAL_KEY = 'delayAbortEval';
export const THRESHOLD_CONFIG_KEYS = [THRESHOLD_KEY, ABORT_ON_FAIL_KEY, DELAY_ABORT_EVAL_KEY] as const;

/** Periodic threshold evaluation interval (`thresholdsRate` in k6's metrics engine). */
export const THRESHOLD_EVALUATION_INTERVAL_MS = 2000;


// ---------------------------------------------------------------------------------------------
// Summary (docs/k6-semantics.md#text-summary, #summary-data)
// ---------------------------------------------------------------------------------------------

export const DEFAULT_SUMMARY_TREND_STATS: readonly string[] = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

export const SUMMARY_MODE_COMPACT = 'compact';
export const SUMMARY_MODE_FULL = 'full';
export const SUMMARY_MODE_DISABLED = 'disabled';
export const SUMMARY_MODES = [SUMMARY_MODE_COMPACT, SUMMARY_MODE_FULL, SUMMARY_MODE_DISABLED] as const;
export type SummaryMode = (typeof SUMMARY_MODES)[number];
export const DEFAULT_SUMMARY_MODE: SummaryMode = SUMMARY_MODE_COMPACT;

/** `summaryTimeUnit` values; unset (`''`) means k6's mixed units. */
export const SUMMARY_TIME_UNITS = ['s', 'ms', 'us'] as const;
export type SummaryTimeUnit = (typeof SUMMARY_TIME_UNITS)[number];

// ---------------------------------------------------------------------------------------------
// Exit codes (docs/k6-semantics.md#exit-codes, k6 `errext/exitcodes/codes.go`)
// ---------------------------------------------------------------------------------------------

export const EXIT_CODES = {
  SUCCESS: 0,
  CLOUD_TEST_RUN_FAILED: 97,
  CLOUD_FAILED_TO_GET_PROGRESS: 98,
  THRESHOLDS_HAVE_FAILED: 99,
  SETUP_TIMEOUT: 100,
  TEARDOWN_TIMEOUT: 101,
  GENERIC_TIMEOUT: 102,
  /** k6's `GenericEngine` (used for runs stopped through the REST API). */
  GENERIC_ENGINE: 103,
  INVALID_CONFIG: 104,
  EXTERNAL_ABORT: 105,
  CANNOT_START_REST_API: 106,
  SCRIPT_EXCEPTION: 107,
  SCRIPT_ABORTED: 108,
  GO_PANIC: 109,
  MARKED_AS_FAILED: 110,
  /** An error without a code: k6 exits with -1, which the shell sees as 255. */
  UNKNOWN: 255,
} as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** What the run ended with, for {@link resolveExitCode}. */
export interface RunOutcome {
  /**
   * The exit code of the error the run itself stopped with, if any: 107 (init/setup/teardown
   * exception), 108 (`exec.test.abort()`), 105 (SIGINT/SIGTERM), 99 (an `abortOnFail` threshold
   * stopped the run), 100/101 (setup/teardown timeout), 104 (bad config).
   */
  runErrorCode?: number;
  /** `exec.test.fail()` was called during the run. */
  markedAsFailed: boolean;
  /** The final threshold pass found a failed threshold. */
  thresholdsFailed: boolean;
}

/**
 * k6's precedence (`internal/cmd/run.go`): the error the run stopped with wins; otherwise a run
 * marked failed exits 110; otherwise crossed thresholds exit 99 ("Crossed thresholds, but test
 * already exited with another error" is only a debug line); otherwise 0. Failed checks and
 * exceptions inside iterations never change the code.
 */
export function resolveExitCode(outcome: RunOutcome): number {
  if (outcome.runErrorCode !== undefined && outcome.runErrorCode !== EXIT_CODES.SUCCESS) return outcome.runErrorCode;
  if (outcome.markedAsFailed) return EXIT_CODES.MARKED_AS_FAILED;
  if (outcome.thresholdsFailed) return EXIT_CODES.THRESHOLDS_HAVE_FAILED;
  return EXIT_CODES.SUCCESS;
}

/** k6's abort message when an `abortOnFail` threshold stops the run (docs/k6-semantics.md#threshold-abort). */
export const thresholdsAbortMessage = (metrics: readonly string[]): string =>
  `thresholds on metrics '${metrics.join(', ')}' were crossed; at least one has abortOnFail enabled, stopping test prematurely`;

/** k6's error when the final pass finds crossed thresholds. */
export const thresholdsCrossedMessage = (metrics: readonly string[]): string =>
  `thresholds on metrics '${metrics.join(', ')}' have been crossed`;
