/**
 * The per-tenant table: for each broken-down tenant its requests, error rate, read and write p95
 * and its verdict: which SLO it broke (✗), which it could not be judged on for lack of samples
 * (?), or within SLO (✓); the noisy neighbour shows its 429s and 5xx. Broken tenants first (the
 * most broken SLOs, then the furthest over target), then those without enough samples, then the
 * rest by error rate and p95. Built from the tenant plan (thresholds/build-thresholds.ts) and
 * k6's own threshold results, so the table and the exit code never disagree.
 */
import type { TenantGatePlan, TenantPlan } from '../../thresholds/build-thresholds';
import { gateableFrom } from '../../contracts/slo-table';
import type { SummaryData, SummaryMetric } from './summary-data';
import { formatMs, formatPercent } from './summary-data';

export type TenantSloState = 'ok' | 'broken' | 'not_enough_samples';

export interface TenantSloResult {
  slo: string;
  state: TenantSloState;
  /** Whether the SLO was a threshold (else only shown: too few samples were expected). */
  gated: boolean;
  measured: number | undefined;
  target: number;
  samples: number | undefined;
  minSamples: number;
  expected: number;
}

export interface TenantRow {
  tenant: string;
  requests: number;
  errorRate: number;
  readP95Ms: number | undefined;
  writeP95Ms: number | undefined;
  noisy: boolean;
  /** The noisy tenant: requests answered 429, and the share answered 5xx. */
  throttled?: number;
  serverErrorRate?: number;
  state: 'broken' | 'not_enough_samples' | 'ok';
  slos: TenantSloResult[];
  /** One line: `✗ read p95 412ms > 300ms`, `? write p95: 42 samples < 100`, `✓ within SLO`. */
  verdict: string;
}

const thresholdOk = (m: SummaryMetric | undefined, expr: string): boolean | undefined => m?.thresholds?.[expr]?.ok;

function formatValue(unit: 'ms' | 'ratio', v: number): string {
  return unit === 'ms' ? formatMs(v) : formatPercent(v);
}

function sloResult(data: SummaryData, g: TenantGatePlan): TenantSloResult {
  const metric = data.metrics[g.key];
  const measured = metric?.values[g.stat];
  const samplesMetric = data.metrics[g.samplesKey];
  const samples = samplesMetric ? (samplesMetric.values.count ?? 0) : metric?.type === 'rate' ? (metric.values.passes ?? 0) + (metric.values.fails ?? 0) : undefined;
  const base = { slo: g.title, gated: g.gated, measured, target: g.target, samples, minSamples: g.minSamples, expected: g.expected };
  if (!g.gated) return { ...base, state: 'not_enough_samples' };
  // k6's own results: the SLO threshold and the minimum-sample threshold on the same samples.
  const enough = thresholdOk(samplesMetric, `count>=${g.minSamples}`) === true && (samples ?? 0) >= g.minSamples;
  if (!enough) return { ...base, state: 'not_enough_samples' };
  return { ...base, state: thresholdOk(metric, g.expression) === true && measured !== undefined ? 'ok' : 'broken' };
}

function describe(r: TenantSloResult, unit: 'ms' | 'ratio'): string {
  if (r.state === 'broken') return `✗ ${r.slo} ${r.measured === undefined ? 'no data' : formatValue(unit, r.measured)} > ${formatValue(unit, r.target)}`;
  if (r.gated) return `? ${r.slo}: ${r.samples ?? 0} samples < ${r.minSamples}`;
  return `? ${r.slo}: ~${r.expected} samples expected, a gate needs ${gateableFrom(r.minSamples)} (minimum ${r.minSamples})`;
}

/** How far over target the worst broken SLO is (measured / target), for the order. */
function overshoot(row: TenantRow): number {
  let worst = 0;
  for (const s of row.slos) {
    if (s.state !== 'broken') continue;
    worst = Math.max(worst, s.measured === undefined ? Infinity : s.target > 0 ? s.measured / s.target : Infinity);
  }
  return worst;
}

export function tenantRows(data: SummaryData, plan: readonly TenantPlan[]): TenantRow[] {
  const rows = plan.map((t): TenantRow => {
    const byId = (id: string): TenantGatePlan | undefined => t.gates.find((g) => g.slo === id);
    // An empty Trend sub-metric reports 0 for every stat: no latency is 0, so that is "no data".
    const stat = (g: TenantGatePlan | undefined): number | undefined => {
      const v = g ? data.metrics[g.key]?.values : undefined;
      return v && !(v.max === 0 && v[g!.stat] === 0) ? v[g!.stat] : undefined;
    };
    if (t.noisy) {
      const errors = data.metrics[t.serverErrorsKey as string];
      const requests = (errors?.values.passes ?? 0) + (errors?.values.fails ?? 0);
      const throttled = data.metrics[t.throttledKey as string]?.values.count ?? 0;
      const serverErrorRate = requests > 0 ? (errors?.values.passes ?? 0) / requests : 0;
      const throttledOk = thresholdOk(data.metrics[t.throttledKey as string], 'count>0') === true;
      const no5xx = thresholdOk(errors, 'rate<=0') === true && requests > 0;
      const broken = !throttledOk || !no5xx;
      const verdict = broken
        ? [!throttledOk ? '✗ never throttled (no 429)' : '', !no5xx ? `✗ 5xx ${formatPercent(serverErrorRate)}` : ''].filter(Boolean).join(', ')
        : `✓ noisy: throttled ${throttled} (429), no 5xx`;
      return { tenant: t.tenant, requests, errorRate: requests > 0 ? throttled / requests : 0, readP95Ms: undefined, writeP95Ms: undefined, noisy: true, throttled, serverErrorRate, state: broken ? 'broken' : 'ok', slos: [], verdict };
    }
    const slos = t.gates.map((g) => sloResult(data, g));
    const errorGate = byId('error_rate');
    const failed = errorGate ? data.metrics[errorGate.key] : undefined;
    const requests = (failed?.values.passes ?? 0) + (failed?.values.fails ?? 0);
    const broken = slos.filter((s) => s.state === 'broken');
    const short = slos.filter((s) => s.state === 'not_enough_samples');
    const unitOf = (i: number): 'ms' | 'ratio' => (t.gates[i] as TenantGatePlan).unit;
    const notes = slos.map((s, i) => (s.state === 'ok' ? '' : describe(s, unitOf(i)))).filter(Boolean);
    const brokenNotes = notes.filter((n) => n.startsWith('✗'));
    const shortNotes = notes.filter((n) => n.startsWith('?'));
    const verdict = [...brokenNotes, ...shortNotes].join(', ') || '✓ within SLO';
    return {
      tenant: t.tenant,
      requests,
      errorRate: requests > 0 ? (failed?.values.passes ?? 0) / requests : 0,
      readP95Ms: requests > 0 ? stat(byId('read_p95')) : undefined,
      writeP95Ms: requests > 0 ? stat(byId('write_p95')) : undefined,
      noisy: false,
      state: broken.length > 0 ? 'broken' : short.length > 0 ? 'not_enough_samples' : 'ok',
      slos,
      verdict,
    };
  });
  const rank = { broken: 0, not_enough_samples: 1, ok: 2 } as const;
  return rows.sort(
    (a, b) =>
      rank[a.state] - rank[b.state] ||
      b.slos.filter((s) => s.state === 'broken').length - a.slos.filter((s) => s.state === 'broken').length ||
      overshoot(b) - overshoot(a) ||
      b.errorRate - a.errorRate ||
      (b.readP95Ms ?? -1) - (a.readP95Ms ?? -1) ||
      (b.writeP95Ms ?? -1) - (a.writeP95Ms ?? -1) ||
      (a.tenant < b.tenant ? -1 : 1),
  );
}

const pad = (s: string, n: number): string => (s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length));

export function renderTenantTable(rows: TenantRow[], limit = 50): string {
  if (rows.length === 0) return '';
  const width = Math.max(8, ...rows.map((r) => r.tenant.length + (r.noisy ? 8 : 0))) + 2;
  const broken = rows.filter((r) => r.state === 'broken').length;
  const short = rows.filter((r) => r.state === 'not_enough_samples').length;
  const lines = [
    `  █ PER TENANT (${rows.length} tenant${rows.length === 1 ? '' : 's'} broken down, worst first: ${broken} broke an SLO, ${short} with an SLO not judged for lack of samples, ${rows.length - broken - short} within every SLO)`,
    '',
    `    ${pad('tenant', width)}${pad('requests', 10)}${pad('errors', 9)}${pad('read p95', 11)}${pad('write p95', 11)}verdict`,
  ];
  for (const r of rows.slice(0, limit)) {
    lines.push(
      `    ${pad(r.noisy ? `${r.tenant} (noisy)` : r.tenant, width)}${pad(String(r.requests), 10)}${pad(formatPercent(r.errorRate), 9)}${pad(r.readP95Ms === undefined ? '-' : formatMs(r.readP95Ms), 11)}${pad(r.writeP95Ms === undefined ? '-' : formatMs(r.writeP95Ms), 11)}${r.verdict}`,
    );
  }
  if (rows.length > limit) lines.push(`    ... ${rows.length - limit} more in summary.json`);
  return lines.join('\n');
}
