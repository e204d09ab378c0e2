/**
 * The plain SLO verdict: each SLO row with its target, the measured value and pass/fail, plus the
 * chaos evidence (fault witness, audit events, alerts). "no data" fails: a threshold k6 would
 * pass on an empty selector is never reported as met here (docs/k6-semantics.md#threshold-evaluation).
 */
import type { SloRow } from '../../thresholds/build-thresholds';
import { METRIC } from '../metric-names';
import type { SummaryData } from './summary-data';
import { formatStat } from './summary-data';

export interface VerdictRow {
  id: string;
  title: string;
  threshold: string;
  target: string;
  measured: string;
  ok: boolean;
  role: SloRow['role'];
  tenant?: string;
}

export interface Verdict {
  pass: boolean;
  rows: VerdictRow[];
  chaos: { witness: number | null; auditDegradedEvents: number | null; alertsFired: number | null; failClosed: number | null };
}

function counterValue(data: SummaryData, name: string): number | null {
  const m = data.metrics[name];
  return m ? (m.values.count ?? 0) : null;
}

export function buildVerdict(data: SummaryData, rows: readonly SloRow[]): Verdict {
  const out: VerdictRow[] = rows.map((row) => {
    const metric = data.metrics[row.key];
    const result = metric?.thresholds?.[row.expression];
    const measured = formatStat(metric, row.stat);
    // No metric or no threshold result = k6 never saw a sample or thresholds were disabled.
    const ok = result !== undefined && result.ok && measured !== 'no data';
    return { id: row.id, title: row.title, threshold: row.key, target: row.expression, measured, ok, role: row.role, ...(row.tenant !== undefined ? { tenant: row.tenant } : {}) };
  });
  return {
    pass: out.every((r) => r.ok),
    rows: out,
    chaos: {
      witness: counterValue(data, METRIC.faultWitness),
      auditDegradedEvents: counterValue(data, METRIC.authDegradedEvents),
      alertsFired: counterValue(data, METRIC.alertsFired),
      failClosed: counterValue(data, METRIC.failClosed),
    },
  };
}

const pad = (s: string, n: number): string => (s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length));

export function renderVerdict(v: Verdict, chaosEnabled: boolean): string {
  const failed = v.rows.filter((r) => !r.ok).length;
  const lines = [`  █ SLO VERDICT: ${v.pass ? 'PASS' : `FAIL (${failed} of ${v.rows.length} not met)`}`, ''];
  const global = v.rows.filter((r) => r.tenant === undefined);
  const w = Math.max(...global.map((r) => r.title.length), 10) + 2;
  for (const r of global) {
    lines.push(`    ${r.ok ? '✓' : '✗'} ${pad(r.title, w)}target ${pad(r.target, 16)}measured ${r.measured}`);
  }
  // Per-tenant rows are many: one line here, the detail in the per-tenant table.
  const perTenant = v.rows.filter((r) => r.tenant !== undefined);
  if (perTenant.length > 0) {
    const tenants = [...new Set(perTenant.map((r) => r.tenant as string))];
    const failing = tenants.filter((t) => perTenant.some((r) => r.tenant === t && !r.ok));
    lines.push(
      failing.length === 0
        ? `    ✓ ${pad('per-tenant SLOs', w)}${tenants.length} gated tenant${tenants.length === 1 ? '' : 's'} within SLO (${perTenant.length} thresholds)`
        : `    ✗ ${pad('per-tenant SLOs', w)}${failing.length} of ${tenants.length} gated tenants not within SLO: ${failing.slice(0, 10).join(', ')}${failing.length > 10 ? ', ...' : ''} (see PER TENANT)`,
    );
  }
  if (chaosEnabled) {
    const show = (n: number | null): string => (n === null ? 'none recorded' : String(n));
    lines.push('');
    lines.push(`    chaos evidence: fault witness ${show(v.chaos.witness)} · auth.degraded audit events ${show(v.chaos.auditDegradedEvents)} · fail-closed 401s ${show(v.chaos.failClosed)} · alerts fired ${show(v.chaos.alertsFired)}`);
  }
  return lines.join('\n');
}
