/**
 * handleSummary data and the legacy --summary-export shape (docs/k6-semantics.md#summary-data).
 */
import { describe, expect, it } from 'vitest';
import { buildSummaryData } from '../../../runner/summary/summary-data';
import { legacyExport, legacyExportJson } from '../../../runner/summary/legacy-export';
import { summaryFixture } from './fixture';

const fixtureData = () => {
  const { registry, thresholds, state } = summaryFixture();
  return buildSummaryData(registry, thresholds, state);
};

describe('buildSummaryData (docs/k6-semantics.md#summary-data handleSummary data)', () => {
  it('has exactly k6 top-level keys, options and state', () => {
    const { registry, thresholds, state } = summaryFixture();
    const data = buildSummaryData(registry, thresholds, { ...state, noColor: true });
    expect(Object.keys(data).sort()).toEqual(['metrics', 'options', 'root_group', 'state']);
    expect(data.options).toEqual({ summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: true });
    expect(data.state).toEqual({ isStdOutTTY: false, isStdErrTTY: true, testRunDurationMs: 6858 });
  });

  it('shows each metric type with k6 values keys and contains', () => {
    const { metrics } = fixtureData();
    expect(metrics['http_reqs']).toEqual({ type: 'counter', contains: 'default', values: { count: 45, rate: 45 / 6.858 } });
    expect(metrics['vus']).toEqual({ type: 'gauge', contains: 'default', values: { value: 1, min: 1, max: 1 } });
    expect(metrics['http_req_failed']).toMatchObject({ type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 45 } });
    expect(metrics['data_received']).toMatchObject({ type: 'counter', contains: 'data' });
    expect(metrics['iteration_duration']).toMatchObject({ type: 'trend', contains: 'time' });
    expect(Object.keys(metrics['iteration_duration']!.values)).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
    expect(metrics['custom_waiting_time']!.values).toMatchObject({ min: 120, max: 164, med: 142, avg: 142 });
  });

  it('lists sub-metrics under their k6 names, including the expected_response auto sub-metric', () => {
    const { metrics } = fixtureData();
    expect(metrics['http_req_duration{expected_response:true}']!.values['max']).toBe(144);
    expect(metrics['http_req_duration{kind:read}']!.type).toBe('trend');
  });

  it('attaches thresholds as {expression: {ok}} only to thresholded metrics', () => {
    const { metrics } = fixtureData();
    expect(metrics['http_req_duration']!.thresholds).toEqual({ 'p(95)<1500': { ok: true }, 'p(90)<2000': { ok: true } });
    expect(metrics['http_req_duration{kind:read}']!.thresholds).toEqual({ 'p(95)<100': { ok: false } });
    expect(metrics['checks']!.thresholds).toEqual({ 'rate>0.9': { ok: true } });
    expect(metrics['http_reqs']!.thresholds).toBeUndefined();
  });

  it('shows a thresholded metric that never received samples (k6 marks it observed)', () => {
    const { metrics } = fixtureData();
    expect(metrics['errors_total']).toEqual({ type: 'counter', contains: 'default', values: { count: 0, rate: 0 }, thresholds: { 'count<1': { ok: true } } });
  });

  it('uses summaryTrendStats and summaryTimeUnit from the options', () => {
    const { registry, thresholds, state } = summaryFixture({ options: { summaryTrendStats: ['count', 'p(99)'], summaryTimeUnit: 'ms' } });
    const data = buildSummaryData(registry, thresholds, state);
    expect(Object.keys(data.metrics['http_req_duration']!.values)).toEqual(['count', 'p(99)']);
    expect(data.options).toMatchObject({ summaryTrendStats: ['count', 'p(99)'], summaryTimeUnit: 'ms' });
  });

  it('includes setup_data when setup returned something', () => {
    const { registry, state } = summaryFixture();
    expect(buildSummaryData(registry, undefined, { ...state, setupData: { token: 'x' } }).setup_data).toEqual({ token: 'x' });
    expect('setup_data' in buildSummaryData(registry, undefined, state)).toBe(false);
  });

  it('builds root_group with checks per group', () => {
    const { root_group } = fixtureData();
    expect(root_group.checks.map((c) => [c.name, c.path, c.passes, c.fails])).toEqual([
      ['status is 200', '::status is 200', 27, 3],
      ['body ok', '::body ok', 30, 0],
    ]);
    expect(root_group.groups.map((g) => g.name)).toEqual(['crocodiles']);
  });

  it('is plain JSON (handleSummary receives it through JSON in the VU)', () => {
    const data = fixtureData();
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });
});

describe('legacyExport (docs/k6-semantics.md#summary-data --summary-export)', () => {
  const data = () => fixtureData();

  it('drops options and state and keeps root_group and metrics', () => {
    expect(Object.keys(legacyExport(data())).sort()).toEqual(['metrics', 'root_group']);
  });

  it('flattens values and renames a Rate rate to value', () => {
    const m = legacyExport(data()).metrics;
    expect(m['http_reqs']).toEqual({ count: 45, rate: 45 / 6.858 });
    expect(m['http_req_failed']).toEqual({ passes: 0, fails: 45, value: 0, thresholds: { 'rate<0.01': false } });
    expect('rate' in m['http_req_failed']!).toBe(false);
    expect(m['vus']).toEqual({ value: 1, min: 1, max: 1 });
  });

  it('writes thresholds as {expression: true-if-FAILED}', () => {
    const m = legacyExport(data()).metrics;
    expect(m['http_req_duration{kind:read}']!['thresholds']).toEqual({ 'p(95)<100': true });
    expect(m['http_req_duration']!['thresholds']).toEqual({ 'p(95)<1500': false, 'p(90)<2000': false });
    expect(m['data_sent']!['thresholds']).toBeUndefined();
  });

  it('turns groups and checks into objects keyed by name', () => {
    const g = legacyExport(data()).root_group;
    expect(Object.keys(g.groups)).toEqual(['crocodiles']);
    expect(g.checks['status is 200']).toMatchObject({ name: 'status is 200', path: '::status is 200', passes: 27, fails: 3 });
    expect(g.groups['crocodiles']!.checks['body ok']).toMatchObject({ passes: 15, fails: 0 });
  });

  it('does not modify the handleSummary data it was given', () => {
    const d = data();
    const before = JSON.stringify(d);
    legacyExport(d);
    expect(JSON.stringify(d)).toBe(before);
  });

  it('is written with a four-space indent', () => {
    const text = legacyExportJson(data());
    expect(text.startsWith('{\n    "root_group": {\n        "name": ""')).toBe(true);
    expect(JSON.parse(text)).toEqual(legacyExport(data()));
  });
});
