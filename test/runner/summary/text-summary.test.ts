/**
 * The end-of-test text summary, k6 v1+ layout (docs/k6-semantics.md#text-summary; k6 docs
 * `results-output/end-of-test/_index.md`).
 */
import { describe, expect, it } from 'vitest';
import { defineBuiltinMetrics } from '../../../runner/metrics/builtin';
import { createMetricRegistry } from '../../../runner/metrics/registry';
import { defaultSummaryStdout, metricCategory, renderTextSummary, sortMetricNames } from '../../../runner/summary/text-summary';
import { createThresholdSet } from '../../../runner/thresholds/threshold-set';
import { summaryFixture } from './fixture';

function smallRun() {
  const registry = createMetricRegistry();
  defineBuiltinMetrics(registry);
  const thresholds = createThresholdSet({ http_req_duration: ['p(95)<1500'], http_req_failed: ['rate<0.01'] }, registry);
  const add = (metric: string, value: number, tags: Record<string, string> = {}): void => registry.add({ metric, value, tags, time: 0 });
  [120, 140, 160, 180].forEach((d, i) => {
    const tags = { expected_response: 'true', group: '' };
    add('http_req_duration', d, tags);
    add('http_req_waiting', d - 10, tags);
    add('http_req_failed', 0, tags);
    add('http_reqs', 1, tags);
    add('checks', 1, { ...tags, check: 'status is 200' });
    add('iterations', 1, tags);
    add('iteration_duration', d + 1000, tags);
    add('data_received', 2500, tags);
    add('vus', i + 1, {});
  });
  thresholds.evaluate({ final: true, elapsedMs: 2000 });
  const state = { testRunDurationMs: 2000, isStdOutTTY: false, isStdErrTTY: false, options: {}, scenarios: [] };
  return { registry, thresholds, state };
}

describe('compact summary (docs/k6-semantics.md#text-summary)', () => {
  it('renders thresholds, checks and metrics by category exactly', () => {
    const expected = [
      '',
      '  █ THRESHOLDS',
      '',
      '    http_req_duration',
      "    ✓ 'p(95)<1500' p(95)=177ms",
      '',
      '    http_req_failed',
      "    ✓ 'rate<0.01' rate=0.00%",
      '',
      '',
      '  █ TOTAL RESULTS',
      '',
      '    checks_total...................: 4       2/s',
      '    checks_succeeded...............: 100.00% 4 out of 4',
      '    checks_failed..................: 0.00%   0 out of 4',
      '',
      '    ✓ status is 200',
      '',
      '    HTTP',
      '    http_req_duration..............: avg=150ms min=120ms med=150ms max=180ms p(90)=174ms p(95)=177ms',
      '      { expected_response:true }...: avg=150ms min=120ms med=150ms max=180ms p(90)=174ms p(95)=177ms',
      '    http_req_failed................: 0.00%   0 out of 4',
      '    http_reqs......................: 4       2/s',
      '',
      '    EXECUTION',
      '    iteration_duration.............: avg=1.14s min=1.12s med=1.14s max=1.18s p(90)=1.17s p(95)=1.17s',
      '    iterations.....................: 4       2/s',
      '    vus............................: 4       min=1      max=4',
      '',
      '    NETWORK',
      '    data_received..................: 10 kB   5.0 kB/s',
      '',
      '',
      '',
    ].join('\n');
    expect(defaultSummaryStdout({ ...smallRun(), mode: 'compact' })).toBe(expected);
  });

  it('leaves out the detailed HTTP timings, checks and group_duration from metric lists', () => {
    const text = renderTextSummary({ ...smallRun(), mode: 'compact' });
    expect(text).not.toContain('http_req_waiting');
    expect(text).not.toMatch(/^\s+checks\.+:/m);
  });

  it('marks a failed threshold with ✗ and nests a sub-metric under its parent', () => {
    const text = renderTextSummary({ ...summaryFixture(), mode: 'compact' });
    expect(text).toContain(['    http_req_duration', "    ✓ 'p(95)<1500' p(95)=141.8ms", "    ✓ 'p(90)<2000' p(90)=139.6ms", '', '      {kind:read}', "      ✗ 'p(95)<100' p(95)=141.4ms"].join('\n'));
    expect(text).toContain("    ✓ 'count<1' count=0");
  });

  it('shows a failing check with its pass percentage and counts', () => {
    const text = renderTextSummary({ ...summaryFixture(), mode: 'compact' });
    expect(text).toContain('    ✗ status is 200\n      ↳  88% — ✓ 40 / ✗ 5\n    ✓ body ok');
    expect(text).toMatch(/checks_failed\.+: 5\.55% +5 out of 90/);
  });

  it('puts CUSTOM first, then HTTP, EXECUTION and NETWORK', () => {
    const text = renderTextSummary({ ...summaryFixture(), mode: 'compact' });
    const order = ['CUSTOM', 'HTTP', 'EXECUTION', 'NETWORK'].map((c) => text.indexOf(`\n    ${c}\n`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('has no GROUP or SCENARIO sections', () => {
    const text = renderTextSummary({ ...summaryFixture({ breakdown: true }), mode: 'compact' });
    expect(text).not.toMatch(/█ (GROUP|SCENARIO)/);
  });

  it('uses summaryTimeUnit and summaryTrendStats', () => {
    const text = renderTextSummary({ ...summaryFixture({ options: { summaryTimeUnit: 's', summaryTrendStats: ['count', 'p(99)'] } }), mode: 'compact' });
    expect(text).toMatch(/http_req_duration\.+: count=45 p\(99\)=0\.14s/);
  });
});

describe('full summary (docs/k6-semantics.md#text-summary)', () => {
  it('adds the detailed HTTP timings and per-group and per-scenario sections', () => {
    const text = renderTextSummary({ ...summaryFixture({ breakdown: true }), mode: 'full' });
    expect(text).toMatch(/\n    http_req_waiting\.+: avg=112ms/);
    expect(text).toContain('\n  █ GROUP: crocodiles\n');
    expect(text).toContain('\n  █ SCENARIO: left\n');
    expect(text.indexOf('█ GROUP: crocodiles')).toBeLessThan(text.indexOf('█ SCENARIO: left'));
    // The scenario's own group is nested with ↳ and indented one level deeper.
    expect(text).toMatch(/\n    ↳ GROUP: crocodiles\n\n      checks_total\.+: 14 /);
    // Scenario totals only count that scenario's samples (22 of 45 iterations are odd).
    const scenario = text.slice(text.indexOf('█ SCENARIO: left'));
    expect(scenario).toMatch(/\n    http_reqs\.+: 22 /);
  });
});

describe('disabled summary and colours', () => {
  it('prints nothing in disabled mode', () => {
    expect(defaultSummaryStdout({ ...smallRun(), mode: 'disabled' })).toBe('');
    expect(renderTextSummary({ ...smallRun(), mode: 'disabled' })).toBe('');
  });

  it('uses ANSI colours only on a TTY without noColor', () => {
    const run = smallRun();
    expect(renderTextSummary({ ...run, mode: 'compact' })).not.toContain('\x1b[');
    expect(renderTextSummary({ ...run, state: { ...run.state, isStdOutTTY: true }, mode: 'compact' })).toContain('\x1b[32m✓');
    expect(renderTextSummary({ ...run, state: { ...run.state, isStdOutTTY: true, noColor: true }, mode: 'compact' })).not.toContain('\x1b[');
  });
});

describe('categories and ordering (k6 internal/output/summary/data.go)', () => {
  it.each([
    ['http_req_duration', 'http'],
    ['http_req_duration{kind:read}', 'http'],
    ['http_reqs', 'http'],
    ['iterations', 'execution'],
    ['vus_max', 'execution'],
    ['dropped_iterations', 'execution'],
    ['data_sent', 'network'],
    ['ws_sessions', 'websocket'],
    ['grpc_req_duration', 'grpc'],
    ['browser_web_vital_lcp', 'web vitals'],
    ['tenant_errors', 'custom'],
  ])('%s is in %s', (name, category) => {
    expect(metricCategory(name)).toBe(category);
  });

  it('sorts by parent name, keeping sub-metrics right after their parent', () => {
    expect(sortMetricNames(['http_reqs', 'http_req_duration{kind:read}', 'http_req_duration', 'checks', 'http_req_duration{expected_response:true}'])).toEqual([
      'checks',
      'http_req_duration',
      'http_req_duration{expected_response:true}',
      'http_req_duration{kind:read}',
      'http_reqs',
    ]);
  });
});

describe('threshold lines by metric type (docs/k6-semantics.md#text-summary line format)', () => {
  it.each([
    ['a counter count', 'reqs', 'counter', 'default', [3, 4], 'count<10', "✓ 'count<10' count=7"],
    ['a counter rate per second', 'reqs', 'counter', 'default', [3, 4], 'rate>5', "✗ 'rate>5' rate=3.5/s"],
    ['a data counter in bytes', 'bytes_in', 'counter', 'data', [4000, 900], 'count<1000', "✗ 'count<1000' count=4.9 kB"],
    ['a gauge value', 'queue', 'gauge', 'default', [5, 2], 'value<3', "✓ 'value<3' value=2"],
    ['a rate as a percentage', 'ok_rate', 'rate', 'default', [1, 1, 0, 1], 'rate>0.9', "✗ 'rate>0.9' rate=75.00%"],
    ['a time trend percentile outside summaryTrendStats', 'lat', 'trend', 'time', [100, 200, 300], 'p(99)<250', "✗ 'p(99)<250' p(99)=298ms"],
    ['a plain trend average', 'score', 'trend', 'default', [1, 2], 'avg==1.5', "✓ 'avg==1.5' avg=1.5"],
  ] as const)('%s', (_name, metric, type, contains, values, expression, line) => {
    const registry = createMetricRegistry();
    registry.define(metric, type, contains);
    const thresholds = createThresholdSet({ [metric]: [expression] }, registry);
    for (const value of values) registry.add({ metric, value, tags: {}, time: 0 });
    thresholds.evaluate({ final: true, elapsedMs: 2000 });
    const text = renderTextSummary({ registry, thresholds, state: { testRunDurationMs: 2000, isStdOutTTY: false, isStdErrTTY: false, options: {}, scenarios: [] }, mode: 'compact' });
    expect(text).toContain(`    ${metric}\n    ${line}\n`);
  });
});
