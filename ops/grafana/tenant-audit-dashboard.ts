/**
 * The "Tenant audit" dashboard: per-tenant SLO, capacity and auth views of the platform's metrics
 * (sim/README.md), built with @grafana/grafana-foundation-sdk. `npm run dashboards` writes it to
 * ops/grafana/dashboards/tenant-audit.json; a test fails when that file is stale.
 *
 * Contracts the tests hold this file to (the rules of grafana/dashboard-linter, https://github.com/grafana/dashboard-linter):
 * - one datasource variable named `datasource`; every panel and target uses `${datasource}`;
 * - every rate() uses `$__rate_interval`; every `*_total` counter is wrapped in rate();
 * - every panel has a title, a description and a unit; ids and refIds are set for stable diffs;
 * - uid = file stem (`tenant-audit`); every expr is valid PromQL and returns data on a live
 *   Prometheus scraping the platform (test/e2e/observability-live.test.ts).
 * Panels query the raw platform metrics, not the recording rules, so they follow the dashboard's
 * time range and work before the rules are installed; the rules serve the alerts.
 */
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode, LegendDisplayMode, LegendPlacement, ReduceDataOptionsBuilder, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';

export const TENANT_AUDIT_UID = 'tenant-audit';
/** Where the provisioning file puts the dashboard (ops/grafana/provisioning/dashboards/). */
export const TENANCY_FOLDER = { title: 'StellaOps / Tenancy', uid: 'stellaops-tenancy' } as const;

const DS = { type: 'prometheus', uid: '${datasource}' };
const T = 'tenant=~"$tenant"';
const READ_ROUTES = 'route=~"(GET|HEAD) .*"';
const WRITE_ROUTES = 'route=~"(POST|PUT|PATCH|DELETE) .*"';

/** One panel query: PromQL plus its legend. */
export interface PanelQuery {
  readonly expr: string;
  readonly legend: string;
}

const query = (q: PanelQuery, refId: string): DataqueryBuilder =>
  new DataqueryBuilder().datasource(DS).expr(q.expr).legendFormat(q.legend).range().refId(refId);

const thresholds = (steps: readonly [number | null, string][]): ThresholdsConfigBuilder =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map(([value, color]) => ({ value, color })));

const legend = (): VizLegendOptionsBuilder =>
  new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.Table).placement(LegendPlacement.Right).calcs(['lastNotNull', 'max']);

interface SeriesPanel {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly PanelQuery[];
  /** SLO line drawn as a dashed threshold. */
  readonly slo?: number;
  readonly span?: number;
}

const timeseries = (p: SeriesPanel): TimeseriesBuilder => {
  const panel = new TimeseriesBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(DS)
    .unit(p.unit)
    .min(0)
    .span(p.span ?? 12)
    .height(8)
    .legend(legend())
    .fillOpacity(10)
    .lineWidth(1);
  p.queries.forEach((q, i) => panel.withTarget(query(q, String.fromCharCode(65 + i))));
  if (p.slo !== undefined) {
    panel
      .thresholds(thresholds([[null, 'green'], [p.slo, 'red']]))
      .thresholdsStyle(new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed));
  }
  return panel;
};

const stat = (p: SeriesPanel & { steps: readonly [number | null, string][] }): StatBuilder => {
  const panel = new StatBuilder()
    .title(p.title)
    .description(p.description)
    .datasource(DS)
    .unit(p.unit)
    .span(p.span ?? 6)
    .height(4)
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .thresholds(thresholds(p.steps));
  p.queries.forEach((q, i) => panel.withTarget(query(q, String.fromCharCode(65 + i))));
  return panel;
};

/** p95 of one request kind per tenant, from the classic histogram (le kept through the sum). */
const p95 = (routes: string): string =>
  `histogram_quantile(0.95, sum by (tenant, le) (rate(tenant_request_duration_seconds_bucket{${T}, ${routes}}[$__rate_interval])))`;

/** Per-tenant share of requests matching `statusRe`; 0 (not "no data") for a tenant without any. */
const statusShare = (statusRe: string): string =>
  `(sum by (tenant) (rate(tenant_requests_total{${T}, status=~"${statusRe}"}[$__rate_interval])) or 0 * sum by (tenant) (rate(tenant_requests_total{${T}}[$__rate_interval])))\n/ sum by (tenant) (rate(tenant_requests_total{${T}}[$__rate_interval]))`;

const JWKS_MISSES = `sum by (job) (rate(auth_jwks_cache_misses_total[$__rate_interval])) + (sum by (job) (rate(auth_token_validation_failures_total{reason="jwks_unavailable"}[$__rate_interval])) or 0 * sum by (job) (rate(auth_jwks_cache_misses_total[$__rate_interval])))`;
const JWKS_HITS = 'sum by (job) (rate(auth_jwks_cache_hits_total[$__rate_interval]))';

/**
 * The load generator's view, from k6's Prometheus remote-write output (`-o
 * experimental-prometheus-rw`: the Operator TestRuns, `npm start --prometheus`; runner/README.md).
 * k6 names: counters `k6_<name>_total`, gauges `k6_<name>`, trends `k6_<name>_p95` (seconds) when
 * K6_PROMETHEUS_RW_TREND_STATS includes p(95) (ops/k8s sets p(95),p(99),avg,max). k6's trend
 * series are per tag set and cumulative since the run started, so a p95 panel shows the worst
 * series' p95 so far — percentiles do not add across series.
 */
const K = 'testid=~"$testid"';
const K6_API = `${K}, traffic="api"`;
const k6Rate = (metric: string, selector: string): string => `sum(rate(${metric}{${selector}}[$__rate_interval]))`;
/** While the runners push samples tagged phase="chaos" (the bundle's outage window, lib/phase.ts). */
export const K6_CHAOS_WINDOW_EXPR = `(time() - max(timestamp(k6_http_reqs_total{${K}, phase="chaos"}))) < 15`;

export function buildTenantAuditDashboard(): Dashboard {
  const builder = new DashboardBuilder('Tenant audit')
    .uid(TENANT_AUDIT_UID)
    .description('Per-tenant SLOs (p95 latency, 5xx error rate), capacity (rate limits, queues, data volume) and authentication (JWKS cache, token failures) of the StellaOps tenant platform. Alerts and runbooks: ops/README.md.')
    .tags(['stellaops', 'tenancy', 'slo', 'jwks'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .timezone('utc')
    .withVariable(
      new DatasourceVariableBuilder('datasource').label('Data source').type('prometheus').regex(''),
    )
    .withVariable(
      new QueryVariableBuilder('tenant')
        .label('Tenant')
        .description('Tenants as labelled by the platform (capped; tenants past the cap share __overflow__).')
        .datasource(DS)
        .query({ query: 'label_values(tenant_requests_total, tenant)', refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
        .definition('label_values(tenant_requests_total, tenant)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .withVariable(
      new QueryVariableBuilder('testid')
        .label('k6 test run')
        .description('The testid tag of the k6 runs pushing remote write (the TestRun, the CI run, npm start --prometheus).')
        .datasource(DS)
        .query({ query: 'label_values(k6_vus, testid)', refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 })
        .definition('label_values(k6_vus, testid)')
        .refresh(VariableRefresh.OnTimeRangeChanged)
        .sort(VariableSort.AlphabeticalDesc)
        .multi(true)
        .includeAll(true)
        .allValue('.*'),
    )
    .annotation(
      new AnnotationQueryBuilder()
        .name('JWKS outage (k6 phase=chaos)')
        .datasource(DS)
        .enable(true)
        .iconColor('red')
        .expr(K6_CHAOS_WINDOW_EXPR)
        .step('5s')
        .titleFormat('JWKS outage')
        .textFormat('k6 samples tagged phase=chaos (the bundle\'s outage window)')
        .useValueForTime(false),
    )
    .withRow(new RowBuilder('Service level objectives'))
    .withPanel(timeseries({
      title: 'p95 latency, reads',
      description: 'p95 of GET requests per tenant. SLO: under 300 ms (dashed line). Alert: tenant_latency_p95_high.',
      unit: 's',
      slo: 0.3,
      queries: [{ expr: p95(READ_ROUTES), legend: '{{tenant}}' }],
    }))
    .withPanel(timeseries({
      title: 'p95 latency, writes',
      description: 'p95 of PUT/POST requests per tenant. SLO: under 600 ms (dashed line). Alert: tenant_latency_p95_high.',
      unit: 's',
      slo: 0.6,
      queries: [{ expr: p95(WRITE_ROUTES), legend: '{{tenant}}' }],
    }))
    .withPanel(timeseries({
      title: 'Error rate (5xx share)',
      description: 'Share of each tenant\'s requests answered 5xx. SLO: at most 0.5 % over 30 days (dashed line); the burn-rate alert tenant_error_rate_gt_0_5pct pages at 14.4x and 6x the budget.',
      unit: 'percentunit',
      slo: 0.005,
      queries: [{ expr: statusShare('5..'), legend: '{{tenant}}' }],
    }))
    .withPanel(timeseries({
      title: 'Requests per second',
      description: 'Request rate per tenant, all services and statuses.',
      unit: 'reqps',
      queries: [{ expr: `sum by (tenant) (rate(tenant_requests_total{${T}}[$__rate_interval]))`, legend: '{{tenant}}' }],
    }))
    .withPanel(timeseries({
      title: 'Tenancy alerts firing',
      description: 'Firing alerts of ops/prometheus/alerts.yaml by name and severity (needs the rules loaded in this Prometheus). Runbooks: ops/docs/runbooks/.',
      unit: 'short',
      span: 24,
      queries: [{ expr: 'count by (alertname, severity) (ALERTS{alertstate="firing", alertname=~"tenant_.+|jwks_.+|audit_timeline_.+"})', legend: '{{alertname}} ({{severity}})' }],
    }))
    .withRow(new RowBuilder('Capacity'))
    .withPanel(timeseries({
      title: 'Rate-limit hits',
      description: 'Requests refused with 429 by the per-tenant rate limit, per tenant and service. Alert: tenant_rate_limit_exceeded (over 5 % of a tenant\'s requests to a service).',
      unit: 'reqps',
      queries: [{ expr: `sum by (tenant, service) (rate(tenant_rate_limit_hits_total{${T}}[$__rate_interval]))`, legend: '{{tenant}} {{service}}' }],
    }))
    .withPanel(timeseries({
      title: 'Queue depth',
      description: 'Notify deliveries waiting in each tenant\'s queue.',
      unit: 'short',
      queries: [{ expr: `max by (tenant, service) (tenant_queue_depth{${T}, queue!="audit_timeline"})`, legend: '{{tenant}} {{service}}' }],
    }))
    .withPanel(timeseries({
      title: 'Audit timeline backlog',
      description: 'Audit events in the broker (Redis Streams / NATS JetStream, --timeline-transport) not yet acknowledged by the platform\'s ingester, per tenant and service (the recording rule tenant_service:audit_timeline_backlog:sum is the same sum). Empty with the in-process (memory) transport. Alert: audit_timeline_backlog_growing (growing for 10 minutes past 1,000).',
      unit: 'short',
      queries: [{ expr: `sum by (tenant, service) (tenant_queue_depth{${T}, queue="audit_timeline"})`, legend: '{{tenant}} {{service}}' }],
    }))
    .withPanel(timeseries({
      title: 'Data volume',
      description: 'Request and response body bytes per second, per tenant and direction.',
      unit: 'Bps',
      queries: [{ expr: `sum by (tenant, direction) (rate(tenant_data_volume_bytes_total{${T}}[$__rate_interval]))`, legend: '{{tenant}} {{direction}}' }],
    }))
    .withPanel(timeseries({
      title: 'Auth failures (401/403 share)',
      description: 'Share of each tenant\'s requests answered 401 (token refused, or no keys past the JWKS TTL) or 403 (tenant mismatch, scope). Alert: tenant_auth_failures_spike (over 5 %).',
      unit: 'percentunit',
      slo: 0.05,
      queries: [{ expr: statusShare('401|403'), legend: '{{tenant}}' }],
    }))
    .withRow(new RowBuilder('Authentication and JWKS cache'))
    .withPanel(timeseries({
      title: 'JWKS cache hit rate',
      description: 'Share of token checks answered from the cached signing keys. Misses are unknown kids plus checks refused because the keys expired past the TTL. Alert: jwks_cache_miss_spike (misses over 5 %).',
      unit: 'percentunit',
      queries: [{ expr: `${JWKS_HITS}\n/ (${JWKS_HITS} + ${JWKS_MISSES})`, legend: '{{job}}' }],
    }))
    .withPanel(timeseries({
      title: 'Token validation failures by reason',
      description: 'Bearer tokens refused per second by reason (jwks_unavailable = signing keys dropped past the JWKS TTL).',
      unit: 'reqps',
      queries: [{ expr: 'sum by (reason) (rate(auth_token_validation_failures_total[$__rate_interval]))', legend: '{{reason}}' }],
    }))
    .withPanel(timeseries({
      title: 'JWKS refreshes and stale serves',
      description: 'JWKS fetches per second by outcome, and requests served with last-known-good keys while refreshes fail inside the TTL.',
      unit: 'reqps',
      queries: [
        { expr: 'sum by (outcome) (rate(auth_jwks_refresh_total[$__rate_interval]))', legend: 'refresh {{outcome}}' },
        { expr: 'sum(rate(auth_jwks_stale_serves_total[$__rate_interval]))', legend: 'stale serves' },
      ],
    }))
    .withPanel(stat({
      title: 'JWKS cache degraded',
      description: '1 while the last JWKS refresh failed after keys had been loaded (serving last-known-good keys).',
      unit: 'bool_on_off',
      span: 4,
      steps: [[null, 'green'], [1, 'orange']],
      queries: [{ expr: 'max(auth_jwks_degraded)', legend: 'degraded' }],
    }))
    .withPanel(stat({
      title: 'JWKS cache age',
      description: 'Seconds since the last successful JWKS fetch; past the configured TTL the keys are dropped and requests fail closed.',
      unit: 's',
      span: 4,
      steps: [[null, 'green'], [300, 'orange']],
      queries: [{ expr: 'max(auth_jwks_cache_age_seconds)', legend: 'age' }],
    }))
    .withPanel(stat({
      title: 'Usable signing keys',
      description: 'Keys currently usable for token verification; 0 means the JWKS TTL has passed without a successful refresh.',
      unit: 'short',
      span: 4,
      steps: [[null, 'red'], [1, 'green']],
      queries: [{ expr: 'min(auth_jwks_keys)', legend: 'keys' }],
    }))
    .withRow(new RowBuilder('Load generator (k6)'))
    .withPanel(timeseries({
      title: 'k6: achieved vs scheduled rate',
      description: 'tenant_load iterations started per second (achieved) against the ones scheduled (achieved + dropped), and API requests sent, from k6 remote write. A gap means the load generator, not the platform, fell behind.',
      unit: 'reqps',
      queries: [
        { expr: k6Rate('k6_iterations_total', `${K}, scenario="tenant_load"`), legend: 'achieved' },
        { expr: `${k6Rate('k6_iterations_total', `${K}, scenario="tenant_load"`)}\n+ (${k6Rate('k6_dropped_iterations_total', `${K}, scenario="tenant_load"`)} or vector(0))`, legend: 'scheduled' },
        { expr: k6Rate('k6_http_reqs_total', K6_API), legend: 'API requests' },
      ],
    }))
    .withPanel(timeseries({
      title: 'k6: client p95, reads and writes',
      description: 'Client-side p95 of expected API responses as k6 measured them (worst tag set, cumulative since the run started: k6_http_req_duration_p95). SLO: reads under 300 ms (dashed), writes under 600 ms.',
      unit: 's',
      slo: 0.3,
      queries: [{ expr: `max by (kind) (k6_http_req_duration_p95{${K6_API}, expected_response="true"})`, legend: '{{kind}}' }],
    }))
    .withPanel(timeseries({
      title: 'k6: client p95 per tenant, reads',
      description: 'Client-side p95 of expected GET responses per tenant (the Tenant variable), k6 remote write; worst tag set, cumulative since the run started. SLO: under 300 ms (dashed).',
      unit: 's',
      slo: 0.3,
      queries: [{ expr: `max by (tenant) (k6_http_req_duration_p95{${K6_API}, kind="read", expected_response="true", ${T}})`, legend: '{{tenant}}' }],
    }))
    .withPanel(timeseries({
      title: 'k6: client p95 per tenant, writes',
      description: 'Client-side p95 of expected write responses per tenant (the Tenant variable), k6 remote write; worst tag set, cumulative since the run started. SLO: under 600 ms (dashed).',
      unit: 's',
      slo: 0.6,
      queries: [{ expr: `max by (tenant) (k6_http_req_duration_p95{${K6_API}, kind="write", expected_response="true", ${T}})`, legend: '{{tenant}}' }],
    }))
    .withPanel(timeseries({
      title: 'k6: error rate by status',
      description: 'Share of API requests k6 counted as failed (expected_response=false), by HTTP status (0 = no response; statuses that never failed show 0). During an expiry-mode outage 401s are the expected fail-closed answer.',
      unit: 'percentunit',
      // `or 0 * …`: 0 (not "no data") for the statuses seen while nothing failed.
      queries: [{ expr: `(sum by (status) (rate(k6_http_reqs_total{${K6_API}, expected_response="false"}[$__rate_interval])) or 0 * sum by (status) (rate(k6_http_reqs_total{${K6_API}}[$__rate_interval])))\n/ ignoring (status) group_left ()\n${k6Rate('k6_http_reqs_total', K6_API)}`, legend: '{{status}}' }],
    }))
    .withPanel(timeseries({
      title: 'k6: dropped iterations',
      description: 'Iterations the arrival-rate executors could not start per second (no free VU), by scenario; 0 when none. Above 1 % of scheduled the run fails its dropped-iterations gate.',
      unit: 'short',
      queries: [{ expr: `sum by (scenario) (rate(k6_dropped_iterations_total{${K}}[$__rate_interval])) or 0 * sum by (scenario) (rate(k6_iterations_total{${K}}[$__rate_interval]))`, legend: '{{scenario}}' }],
    }))
    .withPanel(timeseries({
      title: 'k6: VUs',
      description: 'Active and initialised VUs summed over the runner instances (k6_vus, k6_vus_max).',
      unit: 'short',
      span: 24,
      queries: [
        { expr: `sum(k6_vus{${K}})`, legend: 'active' },
        { expr: `sum(k6_vus_max{${K}})`, legend: 'initialised' },
      ],
    }));

  const dashboard = builder.build();
  // The SDK leaves panel ids unset; Grafana would assign them on load, which makes every save a
  // diff. Number them in layout order.
  (dashboard.panels ?? []).forEach((panel, i) => {
    (panel as { id?: number }).id = i + 1;
  });
  return dashboard;
}

/** The committed file's exact text: 2-space JSON and a trailing newline. */
export function renderDashboardJson(dashboard: Dashboard): string {
  return `${JSON.stringify(dashboard, null, 2)}\n`;
}
