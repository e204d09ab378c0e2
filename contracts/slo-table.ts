/**
 * The SLOs, written once: each with its default target and the environment variable that
 * overrides it. thresholds/build-thresholds.ts turns them into k6 thresholds; the summary's
 * verdict block reads them back by id. Pure and import-free, so the Node side (a verdict tool
 * reading k6 outputs) can evaluate the same table: the per-tenant SLOs, the responses each SLO
 * judges and the minimum-sample rule live here too.
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
  /** Per-tenant p95 of reads, ms (default: readP95Ms). */
  tenantReadP95Ms: number;
  /** Per-tenant p95 of writes, ms (default: writeP95Ms). */
  tenantWriteP95Ms: number;
  /** Per-tenant API error rate, 0..1 (default: errorRate). */
  tenantErrorRate: number;
}

export interface SloSpec {
  key: keyof SloValues;
  env: string;
  /** A number, a rule on the run, or the (already read) value of another SLO of this table. */
  default: number | ((ctx: { durationMs: number }) => number) | { from: keyof SloValues };
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
  // After the globals they default to: readSlo reads the table in order.
  { key: 'tenantReadP95Ms', env: 'SLO_TENANT_READ_P95_MS', default: { from: 'readP95Ms' }, kind: 'ms', describe: 'p95 latency of one tenant\'s reads (ms)' },
  { key: 'tenantWriteP95Ms', env: 'SLO_TENANT_WRITE_P95_MS', default: { from: 'writeP95Ms' }, kind: 'ms', describe: 'p95 latency of one tenant\'s writes (ms)' },
  { key: 'tenantErrorRate', env: 'SLO_TENANT_ERROR_RATE', default: { from: 'errorRate' }, kind: 'fraction', describe: 'one tenant\'s API error rate' },
];

/** A spec's default for a run, given the values already read (table order). */
export function sloDefault(spec: SloSpec, durationMs: number, read: Partial<SloValues>): number {
  const d = spec.default;
  if (typeof d === 'number') return d;
  if (typeof d === 'function') return d({ durationMs });
  const v = read[d.from];
  if (v === undefined) throw new Error(`SLO_TABLE: ${spec.key} defaults to ${d.from}, which must come first`);
  return v;
}

// ---------------------------------------------------------------- which responses an SLO judges
//
// - Latency SLOs (global and per tenant) judge the responses that count: k6's
//   `expected_response:true` (status 200-399 under k6's default response callback). A fail-closed
//   401 of the JWKS outage or a 429 of a throttled tenant is answered in a millisecond; counted,
//   it would lower the p95 exactly when the platform is failing. Those answers are judged by the
//   error-rate SLOs instead.
// - Error-rate SLOs judge every API response (`http_req_failed{traffic:api}`): 401, 429 and 5xx
//   all fail. Outside that rule: in expiry mode the outage's fail-closed 401s are expected, so
//   the error rate is judged before the outage (and, globally, after recovery); a noisy tenant's
//   429s are expected, so it has no error-rate gate but "throttled, never 5xx".

/** The tag every latency SLO adds to its selector. */
export const EXPECTED_RESPONSE_TAG = 'expected_response:true';

// ---------------------------------------------------------------- minimum samples per tenant

/**
 * The fewest samples a per-tenant SLO is judged on. With 100 samples, k6's p(95) (linear
 * interpolation between order statistics) lies below the 5 slowest: one slow outlier cannot break
 * a tenant's latency SLO, and one fast answer cannot hide a slow tenant. Fewer samples are "not
 * enough samples": no verdict either way.
 */
export const MIN_TENANT_SAMPLES = 100;

/**
 * The minimum for a rate SLO `rate < target`: also enough that one failed request alone stays
 * under the target (n > 1 / target; 201 at the default 0.5 %), so a single error cannot fail a
 * small tenant. Capped at 100,000 (a target of 0.001 % needs that many).
 */
export function minSamplesForRate(target: number): number {
  if (!(target > 0)) return MIN_TENANT_SAMPLES;
  return Math.min(100_000, Math.max(MIN_TENANT_SAMPLES, Math.floor(1 / target) + 1));
}

/**
 * Whether a tenant expected to get `expected` samples of an SLO is gated on it: only when even a
 * count 4 standard deviations below the expectation (Poisson, sigma = sqrt(expected)) reaches the
 * minimum, so a gated tenant misses its minimum by chance less than once in 30,000 runs. A tenant
 * that is not gated is reported "not enough samples" with its expected count.
 */
export function isGateable(expected: number, minSamples: number): boolean {
  return expected - 4 * Math.sqrt(Math.max(0, expected)) >= minSamples;
}

/** The smallest expected sample count isGateable accepts for a minimum: (2 + sqrt(4 + min))^2. */
export function gateableFrom(minSamples: number): number {
  let x = Math.floor((2 + Math.sqrt(4 + minSamples)) ** 2) - 1;
  while (!isGateable(x, minSamples)) x++;
  return x;
}

export type TenantSloId = 'read_p95' | 'write_p95' | 'error_rate';

/** One per-tenant SLO: what it measures, the samples it needs, which responses it judges. */
export interface TenantSloSpec {
  id: TenantSloId;
  title: string;
  /** The metric and its selector without the tenant tag (added as `tenant:<id>`). */
  metric: 'http_req_duration' | 'http_req_failed';
  selector: readonly string[];
  stat: 'p(95)' | 'rate';
  /** The SloValues entry holding the target; the comparison is always `<`. */
  target: 'tenantReadP95Ms' | 'tenantWriteP95Ms' | 'tenantErrorRate';
  /** The counter whose `count` is the sample count (same selector plus the tenant). */
  samples: { metric: 'http_reqs'; selector: readonly string[] };
  /** The share of a tenant's requests this SLO samples: reads, writes or all. */
  share: 'read' | 'write' | 'all';
  /** Selector parts added in expiry mode (the outage's fail-closed 401s are expected there). */
  expiryOnly?: readonly string[];
  judges: string;
}

export const TENANT_SLOS: readonly TenantSloSpec[] = [
  {
    id: 'read_p95',
    title: 'read p95',
    metric: 'http_req_duration',
    selector: ['kind:read', EXPECTED_RESPONSE_TAG],
    stat: 'p(95)',
    target: 'tenantReadP95Ms',
    samples: { metric: 'http_reqs', selector: ['kind:read', EXPECTED_RESPONSE_TAG] },
    share: 'read',
    judges: 'reads answered 200-399 (expected_response:true)',
  },
  {
    id: 'write_p95',
    title: 'write p95',
    metric: 'http_req_duration',
    selector: ['kind:write', EXPECTED_RESPONSE_TAG],
    stat: 'p(95)',
    target: 'tenantWriteP95Ms',
    samples: { metric: 'http_reqs', selector: ['kind:write', EXPECTED_RESPONSE_TAG] },
    share: 'write',
    judges: 'writes answered 200-399 (expected_response:true)',
  },
  {
    id: 'error_rate',
    title: 'error rate',
    metric: 'http_req_failed',
    selector: ['traffic:api'],
    stat: 'rate',
    target: 'tenantErrorRate',
    samples: { metric: 'http_reqs', selector: ['traffic:api'] },
    share: 'all',
    expiryOnly: ['phase:baseline'],
    judges: 'every API response (expiry mode: before the outage only)',
  },
];

/**
 * `metric{tenant:<id>,a:b,...}`. The tenant tag comes first: k6 treats a selector as a tag set
 * (order is free), and the offline runner indexes sub-metrics by their first selector tag, so a
 * sample is checked against its own tenant's sub-metrics only instead of every tenant's.
 */
export function tenantKey(metric: string, selector: readonly string[], tenant: string): string {
  return `${metric}{${[`tenant:${tenant}`, ...selector].join(',')}}`;
}

/** The minimum samples of a per-tenant SLO at its target. */
export function tenantMinSamples(spec: TenantSloSpec, target: number): number {
  return spec.stat === 'rate' ? minSamplesForRate(target) : MIN_TENANT_SAMPLES;
}
