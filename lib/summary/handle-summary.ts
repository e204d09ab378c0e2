/**
 * `handleSummary` for every bundle: the k6-style text summary, the per-tenant table and the SLO
 * verdict on stdout; `summary.json` and `junit.xml` at the configured paths (`SUMMARY_JSON`,
 * `JUNIT_XML`, `off` to skip). `setup_data` is dropped from summary.json: its tokens are sealed
 * (lib/token-seal.ts), but an artefact has no use for them at all — defence in depth.
 */
import type { SloRow, TenantPlan } from '../../thresholds/build-thresholds';
import { renderJunit } from './junit';
import { buildVerdict, renderVerdict } from './slo-verdict';
import type { SummaryData } from './summary-data';
import { renderTenantTable, tenantRows } from './tenant-table';
import { renderTextSummary } from './text-summary';

export interface SummaryContext {
  bundle: string;
  rows: readonly SloRow[];
  /** The broken-down tenants and their gates (per-tenant table). */
  tenants: readonly TenantPlan[];
  chaosEnabled: boolean;
  summaryJson: string | undefined;
  junitXml: string | undefined;
  /** Non-secret facts about the run for summary.json (rate, duration, tenants, backend...). */
  run: Record<string, unknown>;
}

export const SUMMARY_SCHEMA_VERSION = 1;

export function summaryOutputs(data: SummaryData, ctx: SummaryContext): Record<string, string> {
  const verdict = buildVerdict(data, ctx.rows);
  const tenants = tenantRows(data, ctx.tenants);
  const text = [renderTextSummary(data), renderTenantTable(tenants), '', renderVerdict(verdict, ctx.chaosEnabled), '', ''].filter((s, i, a) => !(s === '' && a[i - 1] === '')).join('\n');
  const out: Record<string, string> = { stdout: text };
  if (ctx.summaryJson) {
    const { setup_data: _dropped, ...rest } = data;
    out[ctx.summaryJson] = JSON.stringify(
      { version: SUMMARY_SCHEMA_VERSION, bundle: ctx.bundle, run: ctx.run, verdict, tenants, k6: rest },
      null,
      2,
    );
  }
  if (ctx.junitXml) out[ctx.junitXml] = renderJunit(data, ctx.bundle);
  return out;
}
