/**
 * The Prometheus rule files in ops/prometheus/ are checked by the real promtool 2.42 (Debian 12):
 * `promtool check rules --lint=all` and `promtool test rules` over the promtool test files next to
 * this file (one per rule file), plus the structural conventions promtool cannot see
 * (ops/README.md). A mutation case proves the promtool tests can fail.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { SimMetrics } from '../../../sim/metrics/sim-metrics';
import { promtool } from './promtool';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const RULES_DIR = join(ROOT, 'ops/prometheus');
const RULE_FILES = ['recording-rules.yaml', 'alerts.yaml'] as const;
const TEST_FILE_OF: Record<(typeof RULE_FILES)[number], string> = {
  'recording-rules.yaml': 'recording-rules-test.yaml',
  'alerts.yaml': 'alerts-test.yaml',
};
const THE_FIVE_ALERTS = [
  'tenant_error_rate_gt_0_5pct',
  'jwks_cache_miss_spike',
  'tenant_rate_limit_exceeded',
  'tenant_latency_p95_high',
  'tenant_auth_failures_spike',
  'audit_timeline_backlog_growing',
] as const;

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; interval?: string; rules: Rule[] }[];
}
interface AlertTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}
interface TestGroup {
  name?: string;
  interval?: string;
  alert_rule_test?: AlertTest[];
  promql_expr_test?: { expr: string }[];
}
interface TestFile {
  rule_files: string[];
  group_eval_order?: string[];
  tests: TestGroup[];
}

const readYaml = <T>(path: string): T => parse(readFileSync(path, 'utf8')) as T;
const rulesOf = (file: string): Rule[] => readYaml<RuleFile>(join(RULES_DIR, file)).groups.flatMap((g) => g.rules);
const alerts = rulesOf('alerts.yaml').filter((r): r is Rule & { alert: string } => r.alert !== undefined);
const records = rulesOf('recording-rules.yaml').filter((r): r is Rule & { record: string } => r.record !== undefined);

describe('promtool accepts the rule files', () => {
  it.each(RULE_FILES)('%s passes promtool check rules with every lint enabled', (file) => {
    const run = promtool(['check', 'rules', '--lint=all', '--lint-fatal', join(RULES_DIR, file)]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status, run.output).toBe(0);
  });

  it.each(RULE_FILES)('%s has its own promtool test file and every case in it passes', (file) => {
    const testFile = TEST_FILE_OF[file];
    const run = promtool(['test', 'rules', testFile], HERE);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS');
    const loaded = readYaml<TestFile>(join(HERE, testFile)).rule_files.map((p) => resolve(HERE, p));
    expect(loaded).toContain(join(RULES_DIR, file));
  });
});

describe('the example Prometheus configuration', () => {
  it('prometheus.example.yml passes promtool check config and loads both rule files', () => {
    const run = promtool(['check', 'config', join(RULES_DIR, 'prometheus.example.yml')]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS: 2 rule files found');
    expect(run.output).toContain('SUCCESS: 31 rules found');
    expect(run.output).toContain('SUCCESS: 7 rules found');
  });
});

describe('the promtool tests can fail', () => {
  // Copies the rule files, breaks one thing, and runs the unchanged test file against the copy.
  const runAgainstMutatedRules = (testFile: string, mutate: (rules: Record<string, string>) => void): number | null => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-mutant-'));
    const sources: Record<string, string> = {};
    for (const f of RULE_FILES) sources[f] = readFileSync(join(RULES_DIR, f), 'utf8');
    mutate(sources);
    for (const [f, text] of Object.entries(sources)) writeFileSync(join(dir, f), text);
    const test = readYaml<TestFile>(join(HERE, testFile));
    test.rule_files = test.rule_files.map((p) => join(dir, p.split('/').at(-1) ?? p));
    writeFileSync(join(dir, testFile), stringify(test));
    return promtool(['test', 'rules', join(dir, testFile)]).status;
  };

  it.each([
    ['a page whose `for` is dropped', (s: Record<string, string>) => { s['alerts.yaml'] = s['alerts.yaml']!.replace('for: 2m', 'for: 0s'); }],
    ['a latency alert judging writes at 300 ms', (s: Record<string, string>) => { s['recording-rules.yaml'] = s['recording-rules.yaml']!.replace('kind="write", le="0.6"},', 'kind="write", le="0.3"},'); }],
    ['a JWKS miss alert that ignores its volume guard', (s: Record<string, string>) => { s['alerts.yaml'] = s['alerts.yaml']!.replace('job:auth_jwks_cache_misses:rate5m > 0.1', 'job:auth_jwks_cache_misses:rate5m >= 0'); }],
    ['a backlog alert that ignores its size guard', (s: Record<string, string>) => { s['alerts.yaml'] = s['alerts.yaml']!.replace('job:audit_timeline_backlog:sum > 1000', 'job:audit_timeline_backlog:sum >= 0'); }],
    ['a changed runbook link', (s: Record<string, string>) => { s['alerts.yaml'] = s['alerts.yaml']!.replace('runbooks/tenant-auth-failures-spike.md', 'runbooks/elsewhere.md'); }],
  ])('alerts-test.yaml fails for %s', (_what, mutate) => {
    const before: Record<string, string> = {};
    for (const f of RULE_FILES) before[f] = readFileSync(join(RULES_DIR, f), 'utf8');
    const probe = { ...before };
    mutate(probe);
    expect(probe, 'the mutation changed nothing').not.toEqual(before);
    expect(runAgainstMutatedRules('alerts-test.yaml', mutate)).not.toBe(0);
  });

  it.each([
    ['the error ratio also counts 4xx answers', (s: Record<string, string>) => { s['recording-rules.yaml'] = s['recording-rules.yaml']!.replaceAll('status=~"5.."', 'status=~"[45].."'); }],
    ['latency keeps the unmatched-route 404s', (s: Record<string, string>) => { s['recording-rules.yaml'] = s['recording-rules.yaml']!.replaceAll('{route!="unmatched"}', ''); }],
    ['stale serves are not counted as hits', (s: Record<string, string>) => { s['recording-rules.yaml'] = s['recording-rules.yaml']!.replace('expr: job:auth_jwks_cache_hits:rate5m + job:auth_jwks_cache_misses:rate5m', 'expr: job:auth_jwks_cache_hits:rate5m + job:auth_jwks_cache_misses:rate5m + job:auth_jwks_stale_serves:rate5m'); }],
    ['expired-key refusals are not counted as misses', (s: Record<string, string>) => { s['recording-rules.yaml'] = s['recording-rules.yaml']!.replace('reason="jwks_unavailable"', 'reason="never_happens"'); }],
  ])('recording-rules-test.yaml fails when %s', (_what, mutate) => {
    const before = readFileSync(join(RULES_DIR, 'recording-rules.yaml'), 'utf8');
    const probe: Record<string, string> = { 'recording-rules.yaml': before };
    mutate(probe);
    expect(probe['recording-rules.yaml'], 'the mutation changed nothing').not.toBe(before);
    expect(runAgainstMutatedRules('recording-rules-test.yaml', mutate)).not.toBe(0);
  });
});

describe('every alert follows the alert conventions', () => {
  it('the rule files define exactly the five tenancy alerts and the audit timeline alert', () => {
    expect(new Set(alerts.map((a) => a.alert))).toEqual(new Set(THE_FIVE_ALERTS));
  });

  it.each(alerts.map((a) => [`${a.alert} (${a.labels?.['severity'] ?? 'no severity'})`, a] as const))(
    '%s has a severity, a for, a summary, a description and a runbook that exists',
    (_name, alert) => {
      expect(['critical', 'warning']).toContain(alert.labels?.['severity']);
      expect(alert.for).toMatch(/^[1-9][0-9]*[smh]$/);
      expect(alert.annotations?.['summary']).toMatch(/^[A-Z].+\.$/);
      expect(alert.annotations?.['description']?.length ?? 0).toBeGreaterThan(40);
      const runbook = alert.annotations?.['runbook_url'] ?? '';
      expect(runbook).toMatch(/^ops\/docs\/runbooks\/[a-z0-9-]+\.md$/);
      expect(existsSync(join(ROOT, runbook)), `${runbook} is missing`).toBe(true);
      const text = readFileSync(join(ROOT, runbook), 'utf8');
      expect(text).toContain(alert.alert);
    },
  );

  it('the error-rate SLO pages on the 1h/5m and 6h/30m burn-rate windows and tickets on 1d/2h and 3d/6h', () => {
    const tiers = alerts.filter((a) => a.alert === 'tenant_error_rate_gt_0_5pct');
    const page = tiers.find((a) => a.labels?.['severity'] === 'critical');
    const ticket = tiers.find((a) => a.labels?.['severity'] === 'warning');
    for (const w of ['ratio_rate1h > (14.4 * 0.005)', 'ratio_rate5m > (14.4 * 0.005)', 'ratio_rate6h > (6 * 0.005)', 'ratio_rate30m > (6 * 0.005)']) {
      expect(page?.expr).toContain(w);
    }
    for (const w of ['ratio_rate1d > (3 * 0.005)', 'ratio_rate2h > (3 * 0.005)', 'ratio_rate3d > 0.005', 'ratio_rate6h > 0.005']) {
      expect(ticket?.expr).toContain(w);
    }
  });

  it('every series an alert reads is produced by a recording rule', () => {
    const recorded = new Set(records.map((r) => r.record));
    for (const alert of alerts) {
      const names = alert.expr.match(/[a-z_]+:[a-z0-9_]+:[a-z0-9_]+/g) ?? [];
      expect(names.length, alert.alert).toBeGreaterThan(0);
      for (const name of names) expect(recorded, `${alert.alert} reads ${name}`).toContain(name);
    }
  });
});

describe('the docs around the alerts', () => {
  const docs = ['ops/README.md', ...THE_FIVE_ALERTS.map((a) => `ops/docs/runbooks/${a.replaceAll('_', '-')}.md`)];

  it.each(docs)('every relative link in %s resolves', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)].map((m) => m[1] ?? '').filter((l) => !/^[a-z]+:/.test(l));
    if (doc === 'ops/README.md') expect(links.length).toBeGreaterThan(8);
    for (const link of links) expect(existsSync(join(ROOT, dirname(doc), link)), `${doc} links ${link}`).toBe(true);
  });

  it('ops/README.md lists every alert with its runbook', () => {
    const text = readFileSync(join(ROOT, 'ops/README.md'), 'utf8');
    for (const a of THE_FIVE_ALERTS) {
      expect(text).toContain(`| \`${a}\` |`);
      expect(text).toContain(`docs/runbooks/${a.replaceAll('_', '-')}.md`);
    }
  });
});

describe('the rules read the platform\'s real metrics', () => {
  it('every raw metric a recording rule selects is registered by sim/metrics', () => {
    const metrics = new SimMetrics({ tenantLabelCap: 10, defaultMetrics: false });
    const known = new Set<string>();
    for (const m of (metrics.registry as unknown as { getMetricsAsArray(): { name: string; type: string }[] }).getMetricsAsArray()) {
      known.add(m.name);
      if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) known.add(m.name + s);
    }
    const selected = new Set(records.flatMap((r) => [...r.expr.matchAll(/([a-zA-Z_][a-zA-Z0-9_:]*)(?=\{|\[)/g)].map((m) => m[1] ?? '')));
    const raw = [...selected].filter((n) => !n.includes(':') && !['by', 'without', 'on', 'ignoring'].includes(n));
    expect(raw.length).toBeGreaterThan(8);
    for (const name of raw) expect(known, `recording rules select ${name}`).toContain(name);
  });
});

describe('every promtool test case follows the test conventions', () => {
  const cases = Object.values(TEST_FILE_OF).flatMap((file) =>
    readYaml<TestFile>(join(HERE, file)).tests.map((t) => [file, t] as const),
  );

  it.each(cases.map(([file, t]) => [t.name ?? '(unnamed)', file, t] as const))(
    '"%s" in %s is named as a sentence and sets its interval',
    (name, _file, group) => {
      expect(name.split(' ').length).toBeGreaterThanOrEqual(6);
      // Prometheus 2.42 loads the series with a zero interval when it is missing (promtool unit-testing docs).
      expect(group.interval).toMatch(/^[0-9]+[smh]$/);
    },
  );

  it('recording-rules-test.yaml has a promql_expr_test for every recording rule', () => {
    const tested = new Set(
      readYaml<TestFile>(join(HERE, 'recording-rules-test.yaml')).tests.flatMap((t) =>
        (t.promql_expr_test ?? []).map((p) => p.expr.split('{')[0]),
      ),
    );
    for (const r of records) expect(tested, `${r.record} has no promql_expr_test`).toContain(r.record);
  });

  it('alerts-test.yaml evaluates every recording group before any alert group', () => {
    const order = readYaml<TestFile>(join(HERE, 'alerts-test.yaml')).group_eval_order ?? [];
    const recordingGroups = readYaml<RuleFile>(join(RULES_DIR, 'recording-rules.yaml')).groups.map((g) => g.name);
    const alertGroups = readYaml<RuleFile>(join(RULES_DIR, 'alerts.yaml')).groups.map((g) => g.name);
    expect(order).toEqual([...recordingGroups, ...alertGroups]);
  });

  it.each(THE_FIVE_ALERTS)('%s is tested before it fires, when it fires with exact labels and annotations, and where it must not fire', (name) => {
    const checks = readYaml<TestFile>(join(HERE, 'alerts-test.yaml')).tests.flatMap((t) =>
      (t.alert_rule_test ?? []).filter((a) => a.alertname === name).map((a) => ({ group: t.name ?? '', check: a })),
    );
    const firing = checks.filter((c) => (c.check.exp_alerts ?? []).length > 0);
    const quiet = checks.filter((c) => (c.check.exp_alerts ?? []).length === 0);
    expect(firing.length).toBeGreaterThan(0);
    expect(quiet.length).toBeGreaterThanOrEqual(2);
    expect(quiet.some((c) => /does not fire|not page/.test(c.group))).toBe(true);
    for (const { check } of firing) {
      for (const exp of check.exp_alerts ?? []) {
        expect(Object.keys(exp.exp_labels ?? {})).toContain('severity');
        expect(Object.keys(exp.exp_annotations ?? {}).sort()).toEqual(['description', 'runbook_url', 'summary']);
      }
    }
  });
});
