/**
 * The run as tenant-verdict sees it: every sample of every instance folded, as it streams past,
 * into mergeable cells — the whole run, each phase, each tenant, and one cell per second of the
 * run (for sliding windows and charts). Nothing keeps raw samples, so memory depends on the run's
 * length in seconds and its tenant count, never on its request count.
 *
 * Latency digests are log histograms (contracts/log-histogram.ts): merging instances, seconds or
 * phases adds bucket counts, so the merged p(95) is the percentile of the merged samples within
 * the histogram's relative error — never a maximum or mean of per-instance percentiles. Errors:
 * whole run, phases and tenants ≤ 0.05 % (RUN_ACCURACY); windows ≤ 0.5 % (SLICE_ACCURACY);
 * per-tenant sparklines ≤ 2 %.
 */
import { histogramPercentile, LogHistogram } from '../contracts/log-histogram';
import type { Sample } from './k6-json';

export const RUN_ACCURACY = 0.0005;
export const SLICE_ACCURACY = 0.005;
export const SPARK_ACCURACY = 0.02;
/** Width of a per-tenant sparkline point at first; it doubles past SPARK_MAX_POINTS. */
export const SPARK_SLICE_MS = 10_000;
/** Points per tenant sparkline at most: memory per tenant stays bounded for any run length. */
export const SPARK_MAX_POINTS = 120;
/** Tenants tracked one by one; further tenant tags are pooled (a bound on memory). */
export const MAX_TENANTS = 1000;
/** Above this many one-second cells (4 hours), cells widen (2 s, 4 s, …) to keep memory bounded. */
export const MAX_SLICES = 14_400;

/** The load scenario whose iterations and dropped iterations make the scheduled rate. */
export const LOAD_SCENARIO = 'tenant_load';
/** Phases in which the JWKS outage (or its edges, or the stated recovery time) is under way. */
export const OUTAGE_PHASES: ReadonlySet<string> = new Set(['chaos', 'transition', 'settling']);

/** Metrics the verdict reads; every other line of the output is skipped unparsed. */
export const VERDICT_METRICS: ReadonlySet<string> = new Set([
  'http_req_duration',
  'http_req_failed',
  'checks',
  'iterations',
  'dropped_iterations',
  'tenant_server_errors',
  'tenant_fail_closed',
  'tenant_rate_limited',
  'chaos_fault_witness',
  'chaos_auth_degraded_events',
]);

export class Digest {
  readonly h: LogHistogram;
  count = 0;
  min = Infinity;
  max = -Infinity;
  sum = 0;

  constructor(accuracy: number) {
    this.h = new LogHistogram(accuracy);
  }

  add(v: number, n = 1): void {
    this.h.add(v, n);
    this.count += n;
    this.sum += v * n;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  merge(o: Digest): void {
    if (o.count === 0) return;
    this.h.merge(o.h);
    this.count += o.count;
    this.sum += o.sum;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
  }

  /** k6's percentile (pct in [0, 1]); null without samples. */
  p(pct: number): number | null {
    return this.count === 0 ? null : histogramPercentile(this.h, pct, this.min, this.max);
  }
}

/** Counts and latencies of one scope. */
export class Cell {
  readonly read: Digest;
  readonly write: Digest;
  /** http_req_failed{traffic:api}: samples and failures. */
  api = 0;
  failed = 0;
  status401 = 0;
  status5xx = 0;
  checks = 0;
  checksPassed = 0;
  /** tenant_server_errors (Rate): samples and non-zero samples. */
  serverErrorSamples = 0;
  serverErrors = 0;
  failClosed = 0;
  /** tenant_rate_limited: 429s counted. */
  rateLimited = 0;
  /** iterations / dropped_iterations of the load scenario. */
  iterations = 0;
  dropped = 0;

  constructor(readonly accuracy: number) {
    this.read = new Digest(accuracy);
    this.write = new Digest(accuracy);
  }

  /** One sample, or `n` equal ones (Prometheus increments); a counter's value is its increment. */
  add(s: Sample, n = 1): void {
    const t = s.tags;
    switch (s.metric) {
      case 'http_req_duration':
        // Latency SLOs judge expected responses (contracts/slo-table.ts EXPECTED_RESPONSE_TAG):
        // a fail-closed 401 or a throttled 429 answered in a millisecond must not lower the p95.
        if (t.expected_response === 'false') return;
        if (t.kind === 'read') this.read.add(s.value, n);
        else if (t.kind === 'write') this.write.add(s.value, n);
        return;
      case 'http_req_failed':
        if (t.traffic !== 'api') return;
        this.api += n;
        if (s.value !== 0) this.failed += n;
        if (t.status === '401') this.status401 += n;
        else if (t.status !== undefined && t.status.charCodeAt(0) === 53 /* 5 */ && t.status.length === 3) this.status5xx += n;
        return;
      case 'checks':
        // The noisy neighbour's checks fail by design (429s); the bundle then judges checks{traffic:api}.
        if (t.traffic === 'noisy') return;
        this.checks += n;
        if (s.value !== 0) this.checksPassed += n;
        return;
      case 'tenant_server_errors':
        this.serverErrorSamples += n;
        if (s.value !== 0) this.serverErrors += n;
        return;
      case 'tenant_fail_closed':
        this.failClosed += s.value;
        return;
      case 'tenant_rate_limited':
        this.rateLimited += s.value;
        return;
      case 'iterations':
        if (t.scenario === LOAD_SCENARIO) this.iterations += s.value;
        return;
      case 'dropped_iterations':
        if (t.scenario === LOAD_SCENARIO) this.dropped += s.value;
        return;
    }
  }

  merge(o: Cell): void {
    this.read.merge(o.read);
    this.write.merge(o.write);
    this.api += o.api;
    this.failed += o.failed;
    this.status401 += o.status401;
    this.status5xx += o.status5xx;
    this.checks += o.checks;
    this.checksPassed += o.checksPassed;
    this.serverErrorSamples += o.serverErrorSamples;
    this.serverErrors += o.serverErrors;
    this.failClosed += o.failClosed;
    this.rateLimited += o.rateLimited;
    this.iterations += o.iterations;
    this.dropped += o.dropped;
  }
}

/** One second (or wider, see MAX_SLICES) of the run: its cell and the phases its samples carried. */
export interface Slice {
  cell: Cell;
  phases: Map<string, number>;
}

export interface TenantData {
  cell: Cell;
  /** The noisy neighbour (its requests carry traffic:noisy): judged on "throttled, never 5xx". */
  noisy: boolean;
  /** API samples of the baseline phase: the tenant error rate of expiry mode (TENANT_SLOS expiryOnly). */
  apiBaseline: number;
  failedBaseline: number;
  /** p95 sparkline cells (all API latencies), `sparkMs` wide, keyed by epoch slice. */
  spark: Map<number, Digest>;
  sparkMs: number;
}

/** Halves a tenant sparkline's resolution: neighbouring cells merge. */
function widenSpark(td: TenantData): void {
  const width = td.sparkMs * 2;
  const next = new Map<number, Digest>();
  for (const [k, d] of td.spark) {
    const nk = Math.floor((k * td.sparkMs) / width);
    const into = next.get(nk);
    if (into) into.merge(d);
    else next.set(nk, d);
  }
  td.spark = next;
  td.sparkMs = width;
}

const TENANT_METRICS = new Set(['http_req_duration', 'http_req_failed', 'tenant_server_errors', 'tenant_rate_limited']);

export class RunData {
  readonly run = new Cell(RUN_ACCURACY);
  readonly phases = new Map<string, Cell>();
  readonly tenants = new Map<string, TenantData>();
  /** Tenant tags beyond MAX_TENANTS, pooled. */
  pooledTenants = 0;
  readonly slices = new Map<number, Slice>();
  sliceMs = 1000;
  firstMs = Infinity;
  lastMs = -Infinity;
  faultWitness = 0;
  faultWitnessTimes: number[] = [];
  authDegradedEvents = 0;
  samples = 0;
  files: string[] = [];
  /** SLOs the source cannot measure (name -> why), listed as not judged instead of failing. */
  readonly unavailable = new Map<string, string>();
  /** Facts about the input worth a line in the verdict (e.g. where no series were found). */
  readonly notes: string[] = [];

  add(s: Sample, n = 1): void {
    this.samples += n;
    if (s.time < this.firstMs) this.firstMs = s.time;
    if (s.time > this.lastMs) this.lastMs = s.time;
    if (s.metric === 'chaos_fault_witness') {
      this.faultWitness += s.value;
      if (this.faultWitnessTimes.length < 100) this.faultWitnessTimes.push(s.time);
      return;
    }
    if (s.metric === 'chaos_auth_degraded_events') {
      this.authDegradedEvents += s.value;
      return;
    }
    this.run.add(s, n);
    const phase = s.tags.phase;
    if (phase !== undefined) {
      let pc = this.phases.get(phase);
      if (!pc) this.phases.set(phase, (pc = new Cell(RUN_ACCURACY)));
      pc.add(s, n);
    }
    if (this.slices.size >= MAX_SLICES && !this.slices.has(Math.floor(s.time / this.sliceMs))) this.widenSlices();
    this.addToSlice(s, phase, n);
  }

  private addToSlice(s: Sample, phase: string | undefined, n: number): void {
    const key = Math.floor(s.time / this.sliceMs);
    let slice = this.slices.get(key);
    if (!slice) this.slices.set(key, (slice = { cell: new Cell(SLICE_ACCURACY), phases: new Map() }));
    slice.cell.add(s, n);
    if (phase !== undefined && s.metric === 'http_req_failed') slice.phases.set(phase, (slice.phases.get(phase) ?? 0) + n);
    const tenant = s.tags.tenant;
    if (tenant !== undefined && TENANT_METRICS.has(s.metric)) this.addTenant(tenant, s, phase, n);
  }

  /** Doubles the slice width, merging neighbours: memory stays bounded for any run length. */
  private widenSlices(): void {
    const old = this.slices;
    const width = this.sliceMs * 2;
    const next = new Map<number, Slice>();
    for (const [k, sl] of old) {
      const nk = Math.floor((k * this.sliceMs) / width);
      const into = next.get(nk);
      if (!into) next.set(nk, sl);
      else {
        into.cell.merge(sl.cell);
        for (const [p, n] of sl.phases) into.phases.set(p, (into.phases.get(p) ?? 0) + n);
      }
    }
    this.sliceMs = width;
    old.clear();
    for (const [k, v] of next) old.set(k, v);
  }

  private addTenant(tenant: string, s: Sample, phase: string | undefined, n: number): void {
    let td = this.tenants.get(tenant);
    if (!td) {
      if (this.tenants.size >= MAX_TENANTS) {
        if (this.pooledTenants++ === 0) this.notes.push(`more than ${MAX_TENANTS} tenant tags: tenants past the first ${MAX_TENANTS} seen are judged only in the aggregate`);
        return;
      }
      this.tenants.set(tenant, (td = { cell: new Cell(RUN_ACCURACY), noisy: false, apiBaseline: 0, failedBaseline: 0, spark: new Map(), sparkMs: SPARK_SLICE_MS }));
    }
    if (s.tags.traffic === 'noisy') td.noisy = true;
    td.cell.add(s, n);
    if (s.metric === 'http_req_failed') {
      if (s.tags.traffic === 'api' && phase === 'baseline') {
        td.apiBaseline += n;
        if (s.value !== 0) td.failedBaseline += n;
      }
    } else if (s.metric === 'http_req_duration' && s.tags.expected_response !== 'false' && (s.tags.kind === 'read' || s.tags.kind === 'write')) {
      let k = Math.floor(s.time / td.sparkMs);
      let d = td.spark.get(k);
      if (!d && td.spark.size >= SPARK_MAX_POINTS) {
        widenSpark(td);
        k = Math.floor(s.time / td.sparkMs);
        d = td.spark.get(k);
      }
      if (!d) td.spark.set(k, (d = new Digest(SPARK_ACCURACY)));
      d.add(s.value, n);
    }
  }
}
