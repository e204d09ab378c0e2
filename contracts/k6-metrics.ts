/**
 * k6's metric vocabulary, shared by the bundle, the offline runner and the launcher: the metric and
 * value types, every built-in metric k6 registers (name, type, what it holds), the rule for metric
 * names and the aggregations a threshold may use per metric type. Spellings are k6's exactly
 * (docs/k6-semantics.md#builtin-metrics; grafana/k6 `metrics/builtin.go`, `metrics/metric_type.go`).
 *
 * Pure data: imports nothing, ES2020 only.
 */

export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type ValueType = 'default' | 'time' | 'data';

export const VUS = 'vus';
export const VUS_MAX = 'vus_max';
export const ITERATIONS = 'iterations';
export const ITERATION_DURATION = 'iteration_duration';
export const DROPPED_ITERATIONS = 'dropped_iterations';
export const CHECKS = 'checks';
export const GROUP_DURATION = 'group_duration';
export const DATA_SENT = 'data_sent';
export const DATA_RECEIVED = 'data_received';
export const HTTP_REQS = 'http_reqs';
export const HTTP_REQ_FAILED = 'http_req_failed';
export const HTTP_REQ_DURATION = 'http_req_duration';
export const HTTP_REQ_BLOCKED = 'http_req_blocked';
export const HTTP_REQ_CONNECTING = 'http_req_connecting';
export const HTTP_REQ_TLS_HANDSHAKING = 'http_req_tls_handshaking';
export const HTTP_REQ_SENDING = 'http_req_sending';
export const HTTP_REQ_WAITING = 'http_req_waiting';
export const HTTP_REQ_RECEIVING = 'http_req_receiving';
export const WS_SESSIONS = 'ws_sessions';
export const WS_MSGS_SENT = 'ws_msgs_sent';
export const WS_MSGS_RECEIVED = 'ws_msgs_received';
export const WS_PING = 'ws_ping';
export const WS_SESSION_DURATION = 'ws_session_duration';
export const WS_CONNECTING = 'ws_connecting';
export const GRPC_REQ_DURATION = 'grpc_req_duration';

export interface BuiltinMetricDefinition {
  readonly name: string;
  readonly type: MetricType;
  readonly contains: ValueType;
}

/**
 * Every metric k6 registers at start (`RegisterBuiltinMetrics`), in k6's order. The engine defines
 * all of them before init so that a script's `new Trend('http_req_duration')` conflicts exactly as
 * in k6, and thresholds on built-ins validate even when no sample arrives.
 */
export const BUILTIN_METRICS: readonly BuiltinMetricDefinition[] = [
  { name: VUS, type: 'gauge', contains: 'default' },
  { name: VUS_MAX, type: 'gauge', contains: 'default' },
  { name: ITERATIONS, type: 'counter', contains: 'default' },
  { name: ITERATION_DURATION, type: 'trend', contains: 'time' },
  { name: DROPPED_ITERATIONS, type: 'counter', contains: 'default' },
  { name: CHECKS, type: 'rate', contains: 'default' },
  { name: GROUP_DURATION, type: 'trend', contains: 'time' },
  { name: HTTP_REQS, type: 'counter', contains: 'default' },
  { name: HTTP_REQ_FAILED, type: 'rate', contains: 'default' },
  { name: HTTP_REQ_DURATION, type: 'trend', contains: 'time' },
  { name: HTTP_REQ_BLOCKED, type: 'trend', contains: 'time' },
  { name: HTTP_REQ_CONNECTING, type: 'trend', contains: 'time' },
  { name: HTTP_REQ_TLS_HANDSHAKING, type: 'trend', contains: 'time' },
  { name: HTTP_REQ_SENDING, type: 'trend', contains: 'time' },
  { name: HTTP_REQ_WAITING, type: 'trend', contains: 'time' },
  { name: HTTP_REQ_RECEIVING, type: 'trend', contains: 'time' },
  { name: WS_SESSIONS, type: 'counter', contains: 'default' },
  { name: WS_MSGS_SENT, type: 'counter', contains: 'default' },
  { name: WS_MSGS_RECEIVED, type: 'counter', contains: 'default' },
  { name: WS_PING, type: 'trend', contains: 'time' },
  { name: WS_SESSION_DURATION, type: 'trend', contains: 'time' },
  { name: WS_CONNECTING, type: 'trend', contains: 'time' },
  { name: GRPC_REQ_DURATION, type: 'trend', contains: 'time' },
  { name: DATA_SENT, type: 'counter', contains: 'data' },
  { name: DATA_RECEIVED, type: 'counter', contains: 'data' },
];

/** Custom metric names: `^[a-zA-Z_][a-zA-Z0-9_]{1,128}$`, i.e. 2–129 chars (docs/k6-semantics.md#metrics-api). */
export const METRIC_NAME_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]{1,128}$/;

export const METRIC_TYPES: readonly MetricType[] = ['counter', 'gauge', 'rate', 'trend'];
export const VALUE_TYPES: readonly ValueType[] = ['default', 'time', 'data'];

/**
 * The sub-metric k6 registers by itself when the `expected_response` system tag is enabled, so it
 * always shows in the summary (docs/k6-semantics.md#builtin-metrics, k6 `internal/metrics/engine/engine.go`).
 */
export const EXPECTED_RESPONSE_SUBMETRIC = 'http_req_duration{expected_response:true}';

/** Summary-only lines of the v1+ text summary; not metrics, not usable in thresholds (k6-semantics.md#builtin-metrics). */
export const CHECKS_TOTAL = 'checks_total';
export const CHECKS_SUCCEEDED = 'checks_succeeded';
export const CHECKS_FAILED = 'checks_failed';


/** Aggregation methods allowed per metric type (k6 `metrics/metric_type.go`). */
export const THRESHOLD_AGGREGATIONS: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'med', 'max', 'p(N)'],
};
