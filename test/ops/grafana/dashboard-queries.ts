/**
 * Reads the PromQL out of a Grafana dashboard JSON and turns Grafana's template variables into
 * values a plain Prometheus accepts, so every panel query can be checked by promtool and run
 * against a live Prometheus (test/e2e/observability-live.test.ts).
 */
export interface DashboardTarget {
  readonly panelId: number;
  readonly panelTitle: string;
  readonly refId: string;
  readonly expr: string;
}

interface PanelJson {
  id?: number;
  type?: string;
  title?: string;
  targets?: { refId?: string; expr?: string }[];
  panels?: PanelJson[];
}

/** Every target of every panel (rows' nested panels included), in layout order. */
export function dashboardTargets(dashboard: { panels?: PanelJson[] }): DashboardTarget[] {
  const out: DashboardTarget[] = [];
  const walk = (panels: PanelJson[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        out.push({ panelId: p.id ?? -1, panelTitle: p.title ?? '', refId: t.refId ?? '', expr: t.expr ?? '' });
      }
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels ?? []);
  return out;
}

/**
 * Grafana variables -> literal PromQL. `$tenant` becomes `.*` (the dashboard's "All" value, a
 * regex: it only ever appears after `=~`); the interval variables become `1m`, which covers four
 * scrapes of the live test's 1 s interval many times over and matches a 15 s production scrape.
 */
export const GRAFANA_VARIABLES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  __interval: '1m',
  __range: '1h',
  tenant: '.*',
  testid: '.*',
};

/** The PromQL of the dashboard's Prometheus annotations (the k6 chaos window). */
export function dashboardAnnotationExprs(dashboard: { annotations?: { list?: { name?: string; expr?: string }[] } }): { name: string; expr: string }[] {
  return (dashboard.annotations?.list ?? []).filter((a) => typeof a.expr === 'string').map((a) => ({ name: a.name ?? '', expr: a.expr as string }));
}

export function substituteGrafanaVariables(expr: string, values: Readonly<Record<string, string>> = GRAFANA_VARIABLES): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = values[name];
    if (value === undefined) throw new Error(`dashboard query uses the variable $${name}, which has no test value; add it to GRAFANA_VARIABLES`);
    return value;
  });
}
