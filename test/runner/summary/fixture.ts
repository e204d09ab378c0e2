/**
 * A small run fed through the real registry and threshold set, shared by the summary tests:
 * 45 iterations, HTTP timings, checks (one failing), a custom trend, a group and two scenarios.
 */
import type { Sample } from '../../../runner/contract';
import { defineBuiltinMetrics } from '../../../runner/metrics/builtin';
import { createMetricRegistry, type MetricsRegistry } from '../../../runner/metrics/registry';
import type { SummaryRunState } from '../../../runner/summary/summary-data';
import { createThresholdSet, type MetricThresholds } from '../../../runner/thresholds/threshold-set';

export interface Fixture {
  registry: MetricsRegistry;
  thresholds: MetricThresholds;
  state: SummaryRunState;
}

export function summaryFixture(opts: { breakdown?: boolean; options?: Record<string, unknown> } = {}): Fixture {
  const registry = createMetricRegistry({ breakdown: opts.breakdown ?? false });
  defineBuiltinMetrics(registry);
  registry.define('custom_waiting_time', 'trend');
  registry.define('errors_total', 'counter');
  const thresholds = createThresholdSet(
    {
      http_req_duration: ['p(95)<1500', 'p(90)<2000'],
      'http_req_duration{kind:read}': ['p(95)<100'],
      http_req_failed: ['rate<0.01'],
      checks: [{ threshold: 'rate>0.9', abortOnFail: true }],
      errors_total: ['count<1'],
    },
    registry,
  );
  const add = (metric: string, value: number, tags: Record<string, string>): void => registry.add({ metric, value, tags, time: 0 } satisfies Sample);
  for (let i = 0; i < 45; i++) {
    const tags = { scenario: i % 2 ? 'left' : 'default', group: i % 3 ? '' : '::crocodiles', expected_response: 'true', kind: i % 4 ? 'read' : 'write', status: '200' };
    add('http_req_duration', 100 + i, tags);
    add('http_req_waiting', 90 + i, tags);
    add('http_req_failed', 0, tags);
    add('http_reqs', 1, tags);
    add('checks', i % 10 ? 1 : 0, { ...tags, check: 'status is 200' });
    add('checks', 1, { ...tags, check: 'body ok' });
    add('data_received', 11_533, tags);
    add('data_sent', 108, tags);
    add('iterations', 1, tags);
    add('iteration_duration', 152 + i * 3, tags);
    add('custom_waiting_time', 120 + i, tags);
    add('vus', 1, {});
    add('vus_max', 1, {});
  }
  thresholds.evaluate({ final: true, elapsedMs: 6858 });
  const state: SummaryRunState = {
    testRunDurationMs: 6858,
    isStdOutTTY: false,
    isStdErrTTY: true,
    options: opts.options ?? {},
    scenarios: [
      { name: 'default', executor: 'constant-vus' },
      { name: 'left', executor: 'per-vu-iterations' },
    ],
  };
  return { registry, thresholds, state };
}
