/**
 * The per-tenant table: p95 of reads and writes and the API error rate per tenant, worst first,
 * from the sub-metrics the breakdown guards make k6 keep (thresholds/build-thresholds.ts). A
 * noisy neighbour shows here even when the aggregate passes.
 */
import type { SummaryData } from './summary-data';
import { formatMs, formatPercent } from './summary-data';

export interface TenantRow {
  tenant: string;
  requests: number;
  errorRate: number;
  readP95Ms: number | undefined;
  writeP95Ms: number | undefined;
}

const KEY = /^http_req_failed\{traffic:api,tenant:([^,}]+)\}$/;

export function tenantRows(data: SummaryData): TenantRow[] {
  const rows: TenantRow[] = [];
  for (const [key, metric] of Object.entries(data.metrics)) {
    const m = KEY.exec(key);
    if (!m) continue;
    const tenant = m[1] as string;
    const failed = metric.values.passes ?? 0;
    const ok = metric.values.fails ?? 0;
    const requests = failed + ok;
    rows.push({
      tenant,
      requests,
      errorRate: requests > 0 ? failed / requests : 0,
      readP95Ms: requests > 0 ? data.metrics[`http_req_duration{kind:read,tenant:${tenant}}`]?.values['p(95)'] : undefined,
      writeP95Ms: requests > 0 ? data.metrics[`http_req_duration{kind:write,tenant:${tenant}}`]?.values['p(95)'] : undefined,
    });
  }
  // Worst first: error rate, then read p95, then write p95; ties by name for a stable order.
  return rows.sort(
    (a, b) =>
      b.errorRate - a.errorRate ||
      (b.readP95Ms ?? -1) - (a.readP95Ms ?? -1) ||
      (b.writeP95Ms ?? -1) - (a.writeP95Ms ?? -1) ||
      (a.tenant < b.tenant ? -1 : 1),
  );
}

const pad = (s: string, n: number): string => (s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length));

export function renderTenantTable(rows: TenantRow[], limit = 50): string {
  if (rows.length === 0) return '';
  const width = Math.max(8, ...rows.map((r) => r.tenant.length)) + 2;
  const lines = [
    `  █ PER TENANT (${rows.length} tenant${rows.length === 1 ? '' : 's'} broken down, worst first)`,
    '',
    `    ${pad('tenant', width)}${pad('requests', 10)}${pad('errors', 9)}${pad('read p95', 11)}write p95`,
  ];
  for (const r of rows.slice(0, limit)) {
    lines.push(
      `    ${pad(r.tenant, width)}${pad(String(r.requests), 10)}${pad(formatPercent(r.errorRate), 9)}${pad(r.readP95Ms === undefined ? '-' : formatMs(r.readP95Ms), 11)}${r.writeP95Ms === undefined ? '-' : formatMs(r.writeP95Ms)}`,
    );
  }
  if (rows.length > limit) lines.push(`    ... ${rows.length - limit} more in summary.json`);
  return lines.join('\n');
}
