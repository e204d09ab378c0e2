/**
 * The SLO table -> k6 `options.thresholds` (reference/k6-facts.md §5). Pure: the same config
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
 * - Per-tenant breakdown: k6 computes sub-metrics only for threshold keys, so the first
 *   TENANT_BREAKDOWN tenants get always-passing guards (`p(95)>=0`, `rate>=0`) whose only job is
 *   to make k6 keep those sub-metrics for the summary's per-tenant table.
 */
import type { Threshold } from 'k6/options';
import type { Config } from '../lib/config';
import { EXPIRY_ALERTS, METRIC } from '../lib/metric-names';
import { formatDuration } from '../lib/duration';
import { tenantTag } from '../lib/tenants';

export const LOAD_SCENARIO = 'tenant_load';
export const CHAOS_SCENARIO = 'jwks_chaos';
export const SMOKE_SCENARIO = 'tenant_smoke';

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
}

export interface ThresholdPlan {
  rows: SloRow[];
  thresholds: Record<string, Threshold[]>;
}

const GUARD_EXPRESSIONS = ['p(95)>=0', 'rate>=0'];

/** Whether a threshold is a per-tenant breakdown guard (hidden from JUnit and the verdict). */
export function isBreakdownGuard(key: string, expression: string): boolean {
  return /[{,]tenant:/.test(key) && GUARD_EXPRESSIONS.includes(expression);
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
    { id: 'read_p95', title: 'read latency p95', key: 'http_req_duration{kind:read}', expression: `p(95)<${fmt(s.readP95Ms)}`, stat: 'p(95)', unit: 'ms', role: 'slo' },
    { id: 'read_samples', title: 'reads measured', key: 'http_reqs{kind:read}', expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
    { id: 'write_p95', title: 'write latency p95', key: 'http_req_duration{kind:write}', expression: `p(95)<${fmt(s.writeP95Ms)}`, stat: 'p(95)', unit: 'ms', role: 'slo' },
    { id: 'write_samples', title: 'writes measured', key: 'http_reqs{kind:write}', expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
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
  } else {
    rows.push({ id: 'checks', title: 'checks', key: 'checks', expression: `rate>${fmt(s.checksRate)}`, stat: 'rate', unit: 'ratio', role: 'slo' });
  }
  if (chaos.enabled) {
    rows.push(
      { id: 'fault_witness', title: 'fault witnessed (the outage really happened)', key: METRIC.faultWitness, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
      { id: 'audit_degraded', title: 'auth.degraded audit events in the outage window', key: METRIC.authDegradedEvents, expression: 'count>0', stat: 'count', unit: 'count', role: 'evidence' },
    );
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

/** The always-passing per-tenant guards that make k6 keep per-tenant sub-metrics. */
export function breakdownGuards(cfg: Pick<Config, 'tenants' | 'tenantTagCap' | 'tenantBreakdown'>): Record<string, Threshold[]> {
  const out: Record<string, Threshold[]> = {};
  const n = Math.min(cfg.tenantBreakdown, cfg.tenants.length, cfg.tenantTagCap);
  for (let i = 0; i < n; i++) {
    const t = tenantTag(cfg.tenants, i, cfg.tenantTagCap);
    out[`http_req_duration{kind:read,tenant:${t}}`] = ['p(95)>=0'];
    out[`http_req_duration{kind:write,tenant:${t}}`] = ['p(95)>=0'];
    out[`http_req_failed{traffic:api,tenant:${t}}`] = ['rate>=0'];
  }
  return out;
}

export function buildLoadThresholds(cfg: Config): ThresholdPlan {
  const rows = loadSloRows(cfg);
  return { rows, thresholds: { ...toThresholds(rows, formatDuration(cfg.slo.abortDelayMs)), ...breakdownGuards(cfg) } };
}

export function buildSmokeThresholds(cfg: Config): ThresholdPlan {
  const rows = smokeSloRows();
  return { rows, thresholds: { ...toThresholds(rows, '10s'), ...breakdownGuards(cfg) } };
}
