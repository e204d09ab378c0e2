/**
 * The generated Grafana dashboard (ops/grafana/dashboards/tenant-audit.json) and its provisioning:
 * the committed JSON is what the generator produces now, every panel query is valid PromQL
 * (promtool 2.42), reads only metrics the platform exports (sim/metrics), and the dashboard follows
 * grafana/dashboard-linter's rules (https://github.com/grafana/dashboard-linter), re-implemented here since the linter is a Go
 * binary without an npm package.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { buildTenantAuditDashboard, renderDashboardJson, TENANCY_FOLDER, TENANT_AUDIT_UID } from '../../../ops/grafana/tenant-audit-dashboard';
import { SimMetrics } from '../../../sim/metrics/sim-metrics';
import { checkPromqlExpressions } from '../prometheus/promtool';
import { dashboardAnnotationExprs, dashboardTargets, substituteGrafanaVariables } from './dashboard-queries';
import { BUILTIN_METRICS } from '../../../contracts/k6-metrics';
import { K6_CHAOS_WINDOW_EXPR } from '../../../ops/grafana/tenant-audit-dashboard';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FILE = join(ROOT, 'ops/grafana/dashboards/tenant-audit.json');

interface PanelJson {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type: string; uid: string };
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: { refId?: string; expr?: string; datasource?: { uid: string } }[];
}
interface DashboardJson {
  uid: string;
  title: string;
  panels: PanelJson[];
  templating: { list: { type: string; name: string; label?: string; refresh?: number; multi?: boolean; includeAll?: boolean; allValue?: string; query?: unknown; definition?: string }[] };
}

const generate = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'ops/grafana/generate.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

const committed = JSON.parse(readFileSync(FILE, 'utf8')) as DashboardJson;
const panels = committed.panels.filter((p) => p.type !== 'row');
const targets = dashboardTargets(committed);

/** Metric names the platform registers (what /metrics can expose), histogram series included. */
const platformMetricNames = (): Set<string> => {
  const metrics = new SimMetrics({ tenantLabelCap: 10, defaultMetrics: false });
  const names = new Set<string>();
  for (const m of (metrics.registry as unknown as { getMetricsAsArray(): { name: string; type: string }[] }).getMetricsAsArray()) {
    names.add(m.name);
    if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
  }
  return names;
};

describe('the committed dashboard is the generated one', () => {
  it('tenant-audit.json equals what buildTenantAuditDashboard() renders now', () => {
    expect(readFileSync(FILE, 'utf8')).toBe(renderDashboardJson(buildTenantAuditDashboard()));
  });

  it('npm run dashboards -- --check exits 0 on the committed file', () => {
    const run = generate(['--check']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('--check exits 1 naming a stale file, and a plain run rewrites it to the committed text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dashboards-'));
    try {
      writeFileSync(join(dir, 'tenant-audit.json'), readFileSync(FILE, 'utf8').replace('"Tenant audit"', '"Tenant audit (edited by hand)"'));
      const check = generate(['--check', '--out-dir', dir]);
      expect(check.status).toBe(1);
      expect(check.stderr).toContain(`stale: ${join(dir, 'tenant-audit.json')}`);
      const write = generate(['--out-dir', dir]);
      expect(write.status).toBe(0);
      expect(readFileSync(join(dir, 'tenant-audit.json'), 'utf8')).toBe(readFileSync(FILE, 'utf8'));
      expect(generate(['--check', '--out-dir', dir]).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the generator rejects an unknown argument with its usage', () => {
    const run = generate(['--force']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown argument(s) --force');
    expect(run.stderr).toContain('usage: npm run dashboards');
  });

  it('the uid is the file stem', () => {
    expect(committed.uid).toBe(basename(FILE, '.json'));
    expect(committed.uid).toBe(TENANT_AUDIT_UID);
  });
});

describe('the dashboard shows what the tenancy plan asks for', () => {
  it.each([
    ['p95 latency, reads', /histogram_quantile\(0\.95, .*tenant_request_duration_seconds_bucket\{.*GET/],
    ['p95 latency, writes', /histogram_quantile\(0\.95, .*tenant_request_duration_seconds_bucket\{.*POST\|PUT/],
    ['Error rate (5xx share)', /status=~"5\.\."/],
    ['Rate-limit hits', /tenant_rate_limit_hits_total/],
    ['JWKS cache hit rate', /auth_jwks_cache_hits_total/],
    ['Auth failures (401/403 share)', /status=~"401\|403"/],
    ['Queue depth', /tenant_queue_depth\{.*queue!="audit_timeline"/],
    ['Audit timeline backlog', /tenant_queue_depth\{.*queue="audit_timeline"/],
    ['Data volume', /tenant_data_volume_bytes_total/],
  ])('has the panel "%s" querying the right series', (title, pattern) => {
    const panel = panels.find((p) => p.title === title);
    expect(panel, `no panel titled ${title}`).toBeDefined();
    expect(panel?.targets?.map((t) => t.expr).join('\n')).toMatch(pattern);
  });

  it('has one datasource variable named datasource and a multi-select tenant variable', () => {
    const vars = committed.templating.list;
    expect(vars.filter((v) => v.type === 'datasource')).toEqual([expect.objectContaining({ name: 'datasource', label: 'Data source', query: 'prometheus' })]);
    const tenant = vars.find((v) => v.name === 'tenant');
    expect(tenant).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.*', refresh: 2 });
    expect(tenant?.definition).toBe('label_values(tenant_requests_total, tenant)');
    // The variable's metric and label are the platform's.
    expect(platformMetricNames()).toContain('tenant_requests_total');
    const run = checkPromqlExpressions([{ name: 'tenant_variable', expr: 'count by (tenant) (tenant_requests_total)' }]);
    expect(run.status, run.output).toBe(0);
  });
});

describe('the load generator row reads k6’s remote-write series', () => {
  /** What k6's experimental-prometheus-rw output names each built-in (runner/output/prometheus-rw). */
  const k6SeriesNames = (): Set<string> => {
    const names = new Set<string>();
    for (const m of BUILTIN_METRICS) {
      if (m.type === 'counter') names.add(`k6_${m.name}_total`);
      else if (m.type === 'gauge') names.add(`k6_${m.name}`);
      else if (m.type === 'rate') names.add(`k6_${m.name}_rate`);
      else for (const stat of ['p95', 'p99', 'avg', 'max']) names.add(`k6_${m.name}_${stat}`);
    }
    return names;
  };

  it.each([
    ['k6: achieved vs scheduled rate', /k6_iterations_total\{.*scenario="tenant_load".*k6_dropped_iterations_total/s],
    ['k6: client p95, reads and writes', /max by \(kind\) \(k6_http_req_duration_p95\{.*traffic="api".*expected_response="true"/],
    ['k6: client p95 per tenant, reads', /max by \(tenant\) \(k6_http_req_duration_p95\{.*kind="read".*tenant=~"\$tenant"/],
    ['k6: client p95 per tenant, writes', /max by \(tenant\) \(k6_http_req_duration_p95\{.*kind="write".*tenant=~"\$tenant"/],
    ['k6: error rate by status', /sum by \(status\) \(rate\(k6_http_reqs_total\{.*expected_response="false"/],
    ['k6: dropped iterations', /k6_dropped_iterations_total/],
    ['k6: VUs', /k6_vus\{.*k6_vus_max\{/s],
  ])('has the panel "%s" over the testid variable', (title, pattern) => {
    const panel = panels.find((p) => p.title === title);
    expect(panel, `no panel titled ${title}`).toBeDefined();
    const exprs = panel!.targets!.map((t) => t.expr).join('\n');
    expect(exprs).toMatch(pattern);
    expect(exprs).toContain('testid=~"$testid"');
  });

  it('every k6 series a panel or the annotation reads is one k6’s remote-write output writes', () => {
    const known = k6SeriesNames();
    const exprs = [...targets.map((t) => t.expr), ...dashboardAnnotationExprs(committed as never).map((a) => a.expr)];
    const used = exprs.flatMap((e) => e.match(/\bk6_[a-z_0-9]+\b/g) ?? []);
    expect(used.length).toBeGreaterThan(10);
    for (const name of used) expect(known, name).toContain(name);
  });

  it('marks the chaos window with an annotation from the k6 phase tag, and offers a testid variable', () => {
    expect(dashboardAnnotationExprs(committed as never)).toEqual([{ name: 'JWKS outage (k6 phase=chaos)', expr: K6_CHAOS_WINDOW_EXPR }]);
    expect(K6_CHAOS_WINDOW_EXPR).toContain('phase="chaos"');
    const testid = committed.templating.list.find((v) => v.name === 'testid');
    expect(testid).toMatchObject({ type: 'query', multi: true, includeAll: true, allValue: '.*', definition: 'label_values(k6_vus, testid)' });
    const run = checkPromqlExpressions(dashboardAnnotationExprs(committed as never).map((a, i) => ({ name: `annotation_${i}`, expr: substituteGrafanaVariables(a.expr) })));
    expect(run.status, run.output).toBe(0);
  });
});

describe('every panel follows the dashboard-linter rules', () => {
  it.each(panels.map((p) => [p.title, p] as const))('"%s" has a description, a unit and uses the datasource variable', (_title, panel) => {
    expect(panel.description?.length ?? 0).toBeGreaterThan(20);
    expect(panel.fieldConfig?.defaults?.unit).toMatch(/^(s|percentunit|reqps|short|Bps|bool_on_off)$/);
    expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
    expect(panel.targets?.length ?? 0).toBeGreaterThan(0);
    for (const t of panel.targets ?? []) {
      expect(t.datasource?.uid).toBe('${datasource}');
      expect(t.refId).toMatch(/^[A-Z]$/);
    }
  });

  it('panels fit the 24-column grid and do not overlap', () => {
    const boxes = committed.panels.map((p) => ({ title: p.title, ...(p as unknown as { gridPos: { x: number; y: number; w: number; h: number } }).gridPos }));
    for (const b of boxes) expect(b.x + b.w, b.title).toBeLessThanOrEqual(24);
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it('panel ids are unique and set', () => {
    const ids = committed.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => Number.isInteger(id) && id > 0)).toBe(true);
  });

  it.each(targets.map((t) => [`${t.panelTitle} ${t.refId}`, t.expr] as const))('%s uses $__rate_interval in every rate() and rates every counter', (_name, expr) => {
    for (const m of expr.matchAll(/\b(rate|irate|increase)\(([^[]*)\[([^\]]+)\]/g)) {
      expect(m[3]).toBe('$__rate_interval');
    }
    for (const m of expr.matchAll(/\b([a-z_:]+_total)\b/g)) {
      const before = expr.slice(0, m.index);
      expect(before, `${m[1]} is not inside rate()`).toMatch(/\b(rate|irate|increase)\($/);
    }
  });
});

describe('every panel query is valid PromQL over the platform\'s metrics', () => {
  it('promtool parses every expression once the Grafana variables are substituted', () => {
    const run = checkPromqlExpressions(targets.map((t) => ({ name: `panel_${t.panelId}_${t.refId}`, expr: substituteGrafanaVariables(t.expr) })));
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain(`SUCCESS: ${targets.length} rules found`);
  });

  it('the PromQL check rejects a broken expression, so it can fail', () => {
    const run = checkPromqlExpressions([{ name: 'broken', expr: 'sum(rate(tenant_requests_total[1m])' }]);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/unclosed left parenthesis/);
  });

  it('the variable substitution refuses a variable it has no value for', () => {
    expect(() => substituteGrafanaVariables('rate(x[$__unknown])')).toThrow(/\$__unknown/);
    expect(substituteGrafanaVariables('rate(x{tenant=~"$tenant"}[$__rate_interval])')).toBe('rate(x{tenant=~".*"}[1m])');
  });

  it('every metric a panel reads is one the platform registers', () => {
    const known = platformMetricNames();
    for (const t of targets) {
      // Quoted label values (queue="audit_timeline", alertname=~"…") are not metric names.
      const used = substituteGrafanaVariables(t.expr).replace(/"[^"]*"/g, '""').match(/\b(tenant|auth|audit)_[a-z_]+\b/g) ?? [];
      for (const name of used) expect(known, `${t.panelTitle}: ${name}`).toContain(name);
    }
  });
});

describe('the provisioning files place the dashboard and its datasource', () => {
  it('the dashboard provider loads the dashboards into the folder StellaOps / Tenancy', () => {
    const file = parse(readFileSync(join(ROOT, 'ops/grafana/provisioning/dashboards/stellaops-tenancy.yaml'), 'utf8')) as {
      apiVersion: number;
      providers: { name: string; folder: string; folderUid: string; type: string; options: { path: string } }[];
    };
    expect(file.apiVersion).toBe(1);
    expect(file.providers).toHaveLength(1);
    expect(file.providers[0]).toMatchObject({ folder: 'StellaOps / Tenancy', folderUid: TENANCY_FOLDER.uid, type: 'file' });
    expect(TENANCY_FOLDER.title).toBe('StellaOps / Tenancy');
    expect(file.providers[0]?.options.path).toMatch(/^\//);
  });

  it('the datasource file provisions a Prometheus with a fixed uid', () => {
    const file = parse(readFileSync(join(ROOT, 'ops/grafana/provisioning/datasources/prometheus.yaml'), 'utf8')) as {
      datasources: { type: string; uid: string; url: string }[];
    };
    expect(file.datasources).toEqual([expect.objectContaining({ type: 'prometheus', uid: 'prometheus' })]);
  });
});
