/**
 * Custom metric names of the bundle, written once: lib/metrics.ts declares them, the thresholds
 * and the summary read them. Prefixed so they never collide with k6's built-ins.
 */
import { BUILTIN_METRICS, type MetricType } from '../contracts/k6-metrics';

export const METRIC = {
  /** Counter: token refreshes that failed (Authority unreachable or refusing). */
  tokenRefreshFailures: 'tenant_token_refresh_failures',
  /** Counter: token refreshes that succeeded. */
  tokenRefreshes: 'tenant_token_refreshes',
  /** Counter: setup() requests the platform could not answer (tags `stage: token|discovery`, `reason`). */
  setupFailures: 'tenant_setup_failures',
  /** Counter: API requests sent without a bearer token because the VU has none for the tenant yet. */
  requestsWithoutToken: 'tenant_requests_without_token',
  /** Counter: API requests refused with 401 invalid_token (fail closed). */
  failClosed: 'tenant_fail_closed',
  /** Counter: API requests answered 429 (a tenant over its rate limit; tags `tenant`, `phase`, `kind`, `service`). */
  rateLimited: 'tenant_rate_limited',
  /** Rate: share of API responses with a 5xx status. */
  serverErrors: 'tenant_server_errors',
  /** Counter: proof the fault happened (disruptor returned without "did not receive any request", or agent counters show faulted requests). */
  faultWitness: 'chaos_fault_witness',
  /** Counter: `auth.degraded` audit events found in the outage window (teardown). */
  authDegradedEvents: 'chaos_auth_degraded_events',
  /** Counter: expected alerts seen firing (teardown, expiry mode with PROMETHEUS_URL). */
  alertsFired: 'chaos_alerts_fired',
  /** Counter: signing-key rotations the bundle triggered mid-outage (CHAOS_ROTATE=on). */
  keyRotations: 'chaos_key_rotations',
  /** Counter: requests with a token of the rotated-in key refused 401 (expected while the JWKS is unreachable). */
  newKidRejected: 'chaos_new_kid_rejected',
  /** Counter: requests with a token of the rotated-in key accepted once the JWKS was back. */
  newKidAccepted: 'chaos_new_kid_accepted',
} as const;

/** Types of the metrics thresholds select (built-in and custom), for grammar checks. */
export const METRIC_TYPES: Readonly<Record<string, MetricType>> = {
  ...Object.fromEntries(BUILTIN_METRICS.map((m) => [m.name, m.type])),
  [METRIC.tokenRefreshFailures]: 'counter',
  [METRIC.tokenRefreshes]: 'counter',
  [METRIC.setupFailures]: 'counter',
  [METRIC.requestsWithoutToken]: 'counter',
  [METRIC.failClosed]: 'counter',
  [METRIC.serverErrors]: 'rate',
  [METRIC.rateLimited]: 'counter',
  [METRIC.faultWitness]: 'counter',
  [METRIC.authDegradedEvents]: 'counter',
  [METRIC.alertsFired]: 'counter',
  [METRIC.keyRotations]: 'counter',
  [METRIC.newKidRejected]: 'counter',
  [METRIC.newKidAccepted]: 'counter',
};

/** Alerts that prove the cache expired (ops/ Prometheus rules). */
export const EXPIRY_ALERTS = ['jwks_cache_miss_spike', 'tenant_auth_failures_spike'] as const;
