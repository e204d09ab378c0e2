/**
 * The SLO table -> k6 `options.thresholds` (docs/k6-semantics.md#threshold-grammar). Pure: the same config
 * always gives the same thresholds, and the summary rebuilds the rows to print the verdict.
 *
 * Rules:
 * - API traffic carries `traffic:api`; token and control traffic (`traffic:token|control`) is
 *   never selected, so refreshes and fault-agent calls cannot move an API SLO.
 * - k6 passes a threshold on zero samples; every SLO whose selector could be empty is paired with
 *   a `count>0` guard on the same selector (reads, writes, chaos phase, recovery phase).
 * - Abort gates (`abortOnFail` + `delayAbortEval`) sit on the baseline error rate and on dropped
 *   iterations: a broken target or a generator that cannot reach the rate stops early, exit 99.
 *   The dropped count never decreases, so aborting on it never changes the final verdict; the
 *   baseline error rate can recover, hence the `delayAbortEval` (SLO_ABORT_DELAY).
 * - Latency SLOs judge `expected_response:true` responses; error rates judge every API response
 *   (contracts/slo-table.ts says why, per SLO).
 * - Per-tenant gates: the first TENANT_BREAKDOWN tenants (k6 computes sub-metrics only for
 *   threshold keys, one set per tenant) get the per-tenant SLOs of TENANT_SLOS, each paired with
 *   a `count>=<minimum>` on the same samples, because k6 passes a p(95) threshold on an empty
 *   sub-metric. A tenant whose expected sample count cannot reach the minimum (isGateable) keeps
 *   an always-passing guard (`p(95)>=0`, `rate>=0`) instead, which only makes k6 keep the
 *   sub-metric for the table; the summary reports it "not enough samples".
 * - The noisy neighbour (NOISY_TENANT): all its requests are tagged `traffic:noisy`, so no
 *   `traffic:api` SLO sees its expected 429s; it is gated on "throttled, never 5xx" instead.
 */
import type { Threshold } from 'k6/options';
import type { Config } from '../lib/config';
import { EXPIRY_ALERTS, METRIC } from '../lib/metric-names';
import { formatDuration } from '../contracts/duration';
import { tenantTag } from '../lib/tenants';
import { tenantShares } from '../lib/tenant-weights';
import type { TenantSloId } from '../contracts/slo-table';
import { EXPECTED_RESPONSE_TAG, TENANT_SLOS, isGateable, tenantKey, tenantMinSamples } from '../contracts/slo-table';

export const LOAD_SCENARIO = 'tenant_load';
export const CHAOS_SCENARIO = 'jwks_chaos';
export const SMOKE_SCENARIO = 'tenant_smoke';
export const NOISY_SCENARIO = 'noisy_neighbour';
/** The `traffic` tag of every request of the noisy tenant (no `traffic:api` SLO selects it). */
export const NOISY_TRAFFIC = 'noisy';

/** One SLO row: a threshold with what the verdict block prints. */
export interface SloRow {
  id: string;
  title: string;
  key: string;
  expression: string;
  /** The `values` entry of the (sub-)metric the expression reads, e.g. `p(95)`, `rate`, `count`. */
  stat: string;
  unit: 'ms' | 'ratio' | 'count';
  abortOnFail?: boolean;
  /** `evidence` rows are the count>0 guards and witnesses: no evidence, no verdict. */
  role: 'slo' | 'evidence';
  /** Set on per-tenant rows (shown in the per-tenant table, summed up in the verdict block). */
  tenant?: string;
}

/** One per-tenant SLO of one tenant, as planned: gated, or kept for the table only. */
export interface TenantGatePlan {
  slo: TenantSloId;
  title: string;
  /** The measured sub-metric and the `values` entry read. */
  key: string;
  stat: string;
  /** The threshold on `key`: the SLO when gated, else the breakdown guard. */
  expression: string;
  target: number;
  unit: 'ms' | 'ratio';
  /** The sample counter and the minimum it must reach (its `count>=` threshold when gated). */
  samplesKey: string;
  minSamples: number;
  /** Samples this instance expects (scheduled iterations x tenant share x kind share). */
  expected: number;
  gated: boolean;
}

export interface TenantPlan {
  tenant: string;
  /** Share of the load's draws (TENANT_WEIGHTS). */
  share: number;
  noisy: boolean;
  gates: TenantGatePlan[];
  /** The noisy tenant's gates: 429s counted (witness) and its 5xx share. */
  throttledKey?: string;
  serverErrorsKey?: string;
}

export interface ThresholdPlan {
  rows: SloRow[];
  thresholds: Record<string, Threshold[]>;
  tenants: TenantPlan[];
}

const GUARD_EXPRESSIONS = ['p(95)>=0', 'rate>=0'];

/** Whether a threshold is a per-tenant breakdown guard (hidden from JUnit and the verdict). */
export function isBreakdownGuard(key: string, expression: string): boolean {
  return /[{,]tenant:/.test(key) && GUARD_EXPRESSIONS.includes(expression);
}

/** Whether a threshold key selects one tenant (its gates and guards: summed up in the text summary). */
export function isPerTenantThreshold(key: string): boolean {
  return /[{,]tenant:/.test(key);
}

const fmt = (n: number): string => String(Math.round(n * 1e6) / 1e6);

function toThresholds(rows: SloRow[], abortDelay: string): Record<string, Threshold[]> {
  const out: Record<string, Threshold[]> = {};
  for (const row of rows) {
    const list = (out[row.key] ??= []);
    list.push(row.abortOnFail ? { threshold: row.expression, abortOnFail: true, delayAbortEval: abortDelay } : row.expression);
  }
  return out;
}

/**
 * Iterations this instance schedules: the whole run's, times its execution-segment share. A
 * ramp-up schedules the area under its linear climb, (startRate + rate) / 2 per second.
 */
export function scheduledIterations(cfg: Pick<Config, 'rate' | 'durationMs'> & Partial<Pick<Config, 'instanceShare' | 'rampUpMs' | 'startRate'>>): number {
  const rampMs = cfg.rampUpMs ?? 0;
  const ramp = rampMs > 0 ? (((cfg.startRate ?? cfg.rate) + cfg.rate) / 2) * (rampMs / 1000) : 0;
  const hold = cfg.rate * ((cfg.durationMs - rampMs) / 1000);
  return Math.floor((ramp + hold) * (cfg.instanceShare ?? 1));
}

export function loadSloRows(cfg: Config): SloRow[] {
  const s = cfg.slo;
  const rows: SloRow[] = [
    { id: 'read_p95', title: 'read latency p95 (expected responses)', key: `http_req_duration{kind:read,${EXPECTED_RESPONSE_TAG}}`, expression: `p(95)<${fmt(s.readP95Ms)}`, stat: 'p(95)', unit: 'ms', role: 'slo' },
    { id: 'read_samples', title: 'reads measured (expected responses)', key: `http_reqs{kind:read,${EXPECTED_RESPONSE_TAG}}`, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
    { id: 'write_p95', title: 'write latency p95 (expected responses)', key: `http_req_duration{kind:write,${EXPECTED_RESPONSE_TAG}}`, expression: `p(95)<${fmt(s.writeP95Ms)}`, stat: 'p(95)', unit: 'ms', role: 'slo' },
    { id: 'write_samples', title: 'writes measured (expected responses)', key: `http_reqs{kind:write,${EXPECTED_RESPONSE_TAG}}`, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
  ];
  const dropBudget = scheduledIterations(cfg) * s.droppedRatio;
  const chaos = cfg.chaos;
  const expiry = chaos.enabled && chaos.expect === 'expiry';

  if (!chaos.enabled) {
    rows.push({ id: 'error_rate', title: 'API error rate', key: 'http_req_failed{traffic:api}', expression: `rate<${fmt(s.errorRate)}`, stat: 'rate', unit: 'ratio', abortOnFail: true, role: 'slo' });
  } else if (!expiry) {
    rows.push(
      { id: 'error_rate', title: 'API error rate (whole run)', key: 'http_req_failed{traffic:api}', expression: `rate<${fmt(s.errorRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' },
      { id: 'baseline_error_rate', title: 'API error rate before the outage (abort gate)', key: 'http_req_failed{traffic:api,phase:baseline}', expression: `rate<${fmt(s.errorRate)}`, stat: 'rate', unit: 'ratio', abortOnFail: true, role: 'slo' },
      { id: 'chaos_error_rate', title: 'API error rate during the outage', key: 'http_req_failed{traffic:api,phase:chaos}', expression: `rate<${fmt(s.chaosErrorRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' },
      { id: 'chaos_samples', title: 'requests measured during the outage', key: 'http_reqs{traffic:api,phase:chaos}', expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
    );
  } else {
    rows.push(
      { id: 'baseline_error_rate', title: 'API error rate before the outage (abort gate)', key: 'http_req_failed{traffic:api,phase:baseline}', expression: `rate<${fmt(s.errorRate)}`, stat: 'rate', unit: 'ratio', abortOnFail: true, role: 'slo' },
      { id: 'baseline_samples', title: 'requests measured before the outage', key: 'http_reqs{traffic:api,phase:baseline}', expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
      { id: 'recovery_error_rate', title: `API error rate after recovery (outage end + ${Math.round((chaos.marginMs + s.recoveryMs) / 1000)}s)`, key: 'http_req_failed{traffic:api,phase:recovery}', expression: `rate<${fmt(s.errorRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' },
      { id: 'recovery_samples', title: 'requests measured after recovery', key: 'http_reqs{traffic:api,phase:recovery}', expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
      { id: 'chaos_5xx', title: 'outage answers fail closed (no 5xx)', key: `${METRIC.serverErrors}{phase:chaos}`, expression: `rate<=${fmt(s.expiryServerErrorRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' },
      { id: 'chaos_samples', title: 'requests measured during the outage', key: 'http_reqs{traffic:api,phase:chaos}', expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
      { id: 'fail_closed', title: 'expired cache fails closed with 401', key: `${METRIC.failClosed}{phase:chaos}`, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
    );
    if (cfg.prometheusUrl) {
      rows.push({ id: 'alerts_fired', title: `alerts fired (${EXPIRY_ALERTS.join(' or ')})`, key: METRIC.alertsFired, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' });
    }
  }

  rows.push({
    id: 'dropped',
    title: `dropped iterations (< ${fmt(s.droppedRatio * 100)} % of ${scheduledIterations(cfg)} scheduled${cfg.instanceShare < 1 ? ' on this instance' : ''})`,
    key: `dropped_iterations{scenario:${LOAD_SCENARIO}}`,
    expression: `count<${fmt(Math.max(dropBudget, 1))}`,
    stat: 'count',
    unit: 'count',
    abortOnFail: true,
    role: 'slo',
  });
  if (expiry) {
    rows.push(
      { id: 'checks_baseline', title: 'checks before the outage', key: 'checks{phase:baseline}', expression: `rate>${fmt(s.checksRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' },
      { id: 'checks_recovery', title: 'checks after recovery', key: 'checks{phase:recovery}', expression: `rate>${fmt(s.checksRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' },
    );
  } else if (cfg.noisy) {
    // The noisy tenant's 429s fail its status checks by design: judge everyone else's.
    rows.push({ id: 'checks', title: 'checks (without the noisy tenant)', key: 'checks{traffic:api}', expression: `rate>${fmt(s.checksRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' });
  } else {
    rows.push({ id: 'checks', title: 'checks', key: 'checks', expression: `rate>${fmt(s.checksRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' });
  }
  if (chaos.enabled) {
    rows.push(
      { id: 'fault_witness', title: 'fault witnessed (the outage really happened)', key: METRIC.faultWitness, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
    );
    // A flaky JWKS still answers some refreshes: with error rate p and k refreshes in the window
    // the platform sees no failure with probability (1-p)^k (a quarter for p=0.5 and two 2 s
    // refreshes in 5 s), so requiring auth.degraded there would fail a healthy platform by chance.
    // The count stays in the summary's chaos evidence line.
    if (chaos.fault !== 'flaky') {
      rows.push({ id: 'audit_degraded', title: 'auth.degraded audit events in the outage window', key: METRIC.authDegradedEvents, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' });
    }
    if (chaos.rotate) {
      // CHAOS_ROTATE=on: the new-kid 401s are expected, counted on their own, never API errors.
      rows.push(
        { id: 'key_rotated', title: 'signing key rotated mid-outage', key: METRIC.keyRotations, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
        { id: 'new_kid_rejected', title: 'new-kid token refused 401 while the JWKS was unreachable (expected)', key: `${METRIC.newKidRejected}{phase:chaos}`, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
        { id: 'new_kid_accepted', title: 'new-kid token accepted after the outage (one refetch)', key: METRIC.newKidAccepted, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
      );
    }
  }
  return rows;
}

export function smokeSloRows(): SloRow[] {
  return [
    { id: 'smoke_checks', title: 'every smoke check passed', key: 'checks', expression: 'rate==1', stat: 'rate', unit: 'ratio', role: 'slo' },
    { id: 'smoke_errors', title: 'no API request failed', key: 'http_req_failed{traffic:api}', expression: 'rate==0', stat: 'rate', unit: 'ratio', role: 'slo' },
    { id: 'smoke_samples', title: 'API requests measured', key: 'http_reqs{traffic:api}', expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
  ];
}

/** Tenants with their own sub-metrics: the first TENANT_BREAKDOWN (within the tag cap), plus the noisy one. */
export function brokenDownTenants(cfg: Pick<Config, 'tenants' | 'tenantTagCap' | 'tenantBreakdown' | 'noisy'>): number[] {
  const n = Math.min(cfg.tenantBreakdown, cfg.tenants.length, cfg.tenantTagCap);
  const out = Array.from({ length: n }, (_v, i) => i);
  if (cfg.noisy && cfg.noisy.index >= n) out.push(cfg.noisy.index);
  return out;
}

/**
 * Samples of each kind this instance expects per unit of tenant share. In expiry mode only the
 * baseline before the outage is counted (the outage answers 401 and the recovery is judged
 * globally), which under-estimates: a tenant is never gated on samples it cannot get.
 */
function expectedIterations(cfg: Config): number {
  const c = cfg.chaos;
  if (!c.enabled || c.expect !== 'expiry') return scheduledIterations(cfg);
  const baselineMs = Math.max(0, c.startMs - c.marginMs);
  if (baselineMs === 0) return 0;
  return scheduledIterations({ ...cfg, durationMs: baselineMs, rampUpMs: Math.min(cfg.rampUpMs, baselineMs) });
}

/**
 * The per-tenant plan: for every broken-down tenant, each SLO of TENANT_SLOS gated (SLO threshold
 * + minimum-sample threshold) or kept as a table-only guard; the noisy tenant gated on
 * "throttled, never 5xx". `gate: false` (smoke) keeps guards only.
 */
export function planTenants(cfg: Config, gate = true): TenantPlan[] {
  const shares = tenantShares(cfg.tenants.length, cfg.tenantWeights);
  const iterations = expectedIterations(cfg);
  const expiry = cfg.chaos.enabled && cfg.chaos.expect === 'expiry';
  return brokenDownTenants(cfg).map((index) => {
    const tenant = tenantTag(cfg.tenants, index, cfg.tenantTagCap);
    const share = shares[index] as number;
    if (cfg.noisy && cfg.noisy.index === index) {
      return {
        tenant,
        share,
        noisy: true,
        gates: [],
        throttledKey: `${METRIC.rateLimited}{tenant:${tenant}}`,
        serverErrorsKey: `${METRIC.serverErrors}{tenant:${tenant}}`,
      };
    }
    const gates = TENANT_SLOS.map((spec): TenantGatePlan => {
      const selector = expiry && spec.expiryOnly ? [...spec.selector, ...spec.expiryOnly] : spec.selector;
      const samplesSelector = expiry && spec.expiryOnly ? [...spec.samples.selector, ...spec.expiryOnly] : spec.samples.selector;
      const target = cfg.slo[spec.target];
      const minSamples = tenantMinSamples(spec, target);
      const kindShare = spec.share === 'read' ? cfg.readRatio : spec.share === 'write' ? 1 - cfg.readRatio : 1;
      const expected = Math.floor(iterations * share * kindShare);
      const gated = gate && isGateable(expected, minSamples);
      return {
        slo: spec.id,
        title: spec.title,
        key: tenantKey(spec.metric, selector, tenant),
        stat: spec.stat,
        expression: gated ? `${spec.stat}<${fmt(target)}` : spec.stat === 'rate' ? 'rate>=0' : 'p(95)>=0',
        target,
        unit: spec.stat === 'rate' ? 'ratio' : 'ms',
        samplesKey: tenantKey(spec.samples.metric, samplesSelector, tenant),
        minSamples,
        expected,
        gated,
      };
    });
    return { tenant, share, noisy: false, gates };
  });
}

/** The SLO rows of the per-tenant plan: gated SLOs with their minimum-sample rows, the noisy gates. */
export function tenantSloRows(plan: readonly TenantPlan[]): SloRow[] {
  const rows: SloRow[] = [];
  for (const t of plan) {
    if (t.noisy) {
      rows.push(
        { id: `noisy_throttled:${t.tenant}`, title: `${t.tenant} (noisy) throttled: 429s counted`, key: t.throttledKey as string, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence', tenant: t.tenant },
        { id: `noisy_no_5xx:${t.tenant}`, title: `${t.tenant} (noisy) never 5xx`, key: t.serverErrorsKey as string, expression: 'rate<=0', stat: 'rate', unit: 'ratio', role: 'slo', tenant: t.tenant },
      );
      continue;
    }
    for (const g of t.gates) {
      if (!g.gated) continue;
      rows.push(
        { id: `tenant_${g.slo}:${t.tenant}`, title: `${t.tenant} ${g.title}`, key: g.key, expression: g.expression, stat: g.stat, unit: g.unit, role: 'slo', tenant: t.tenant },
        { id: `tenant_${g.slo}_samples:${t.tenant}`, title: `${t.tenant} ${g.title}: samples (at least ${g.minSamples})`, key: g.samplesKey, expression: `count>=${g.minSamples}`, stat: 'count', unit: 'count', role: 'evidence', tenant: t.tenant },
      );
    }
  }
  return rows;
}

/** The always-passing guards of the tenants' ungated SLOs (they make k6 keep the sub-metrics). */
export function breakdownGuards(plan: readonly TenantPlan[]): Record<string, Threshold[]> {
  const out: Record<string, Threshold[]> = {};
  for (const t of plan) for (const g of t.gates) if (!g.gated) (out[g.key] ??= []).push(g.expression);
  return out;
}

export function buildLoadThresholds(cfg: Config): ThresholdPlan {
  const tenants = planTenants(cfg);
  const rows = [...loadSloRows(cfg), ...tenantSloRows(tenants)];
  return { rows, tenants, thresholds: { ...toThresholds(rows, formatDuration(cfg.slo.abortDelayMs)), ...breakdownGuards(tenants) } };
}

export function buildSmokeThresholds(cfg: Config): ThresholdPlan {
  const rows = smokeSloRows();
  const tenants = planTenants(cfg, false);
  return { rows, tenants, thresholds: { ...toThresholds(rows, '10s'), ...breakdownGuards(tenants) } };
}
