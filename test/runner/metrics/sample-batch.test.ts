/**
 * Samples crossing from worker threads to the run's registry (runner/metrics/sample-batch.ts):
 * whatever the split over senders and batches, the registry ends with the values a direct run
 * gives, and definitions are checked where the script makes them.
 */
import { describe, expect, it } from 'vitest';
import { VUS } from '../../../runner/constants';
import { defineBuiltinMetrics } from '../../../runner/metrics/builtin';
import { MetricDefinitionError } from '../../../runner/metrics/errors';
import { createMetricRegistry } from '../../../runner/metrics/registry';
import { SampleForwarder, SampleMerger, type SampleBatch } from '../../../runner/metrics/sample-batch';
import { internTags } from '../../../runner/metrics/tag-intern';

/** A run's samples: deterministic values spread over tags, including a sub-metric selector. */
function samples(n: number): Array<{ metric: string; value: number; tags: Readonly<Record<string, string>> }> {
  const tagSets = [internTags({ kind: 'read', scenario: 's' }), internTags({ kind: 'write', scenario: 's' }), internTags({ scenario: 't' })];
  return Array.from({ length: n }, (_, i) => ({ metric: i % 4 === 0 ? 'hits' : 'latency', value: (i * 7919) % 1000 + 0.5, tags: tagSets[i % 3]! }));
}

function snapshot(r: ReturnType<typeof createMetricRegistry>): unknown {
  return ['latency', 'latency{kind:read}', 'hits'].map((m) => r.values(m, 1000, ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)']));
}

function direct(n: number): ReturnType<typeof createMetricRegistry> {
  const r = createMetricRegistry();
  r.define('latency', 'trend', 'time');
  r.define('hits', 'counter');
  r.defineSubmetric('latency{kind:read}');
  for (const s of samples(n)) r.addValue(s.metric, s.value, s.tags, 0);
  return r;
}

describe('SampleForwarder → SampleMerger', () => {
  it.each([
    [1, 10, 'one sender, one batch'],
    [2, 10, 'two senders'],
    [3, 7, 'three senders, batches of 7 samples'],
    [2, 250_000, 'two senders past the 100,000 raw-value cap (the histogram)'],
  ])('%i sender(s), %i samples: the registry holds the values of a direct run (%s)', (senders, n) => {
    // Each sender's batches (cut every 7 samples) are applied in order by its own merger.
    const perSender: SampleBatch[][] = Array.from({ length: senders }, () => []);
    const forwarders = perSender.map((batches) => {
      const f: SampleForwarder = new SampleForwarder(new Set(), 7, () => batches.push(f.take()));
      f.define('latency', 'trend', 'time');
      f.define('hits', 'counter');
      return f;
    });
    samples(n).forEach((s, i) => forwarders[i % senders]!.addValue(s.metric, s.value, s.tags, 0));
    forwarders.forEach((f, k) => f.pending && perSender[k]!.push(f.take()));
    const target = createMetricRegistry();
    target.define('latency', 'trend', 'time');
    target.define('hits', 'counter');
    target.defineSubmetric('latency{kind:read}');
    for (const batches of perSender) {
      const m = new SampleMerger(target);
      for (const b of batches) m.apply(b);
    }
    expect(snapshot(target)).toEqual(snapshot(direct(n)));
  });

  it('sends a custom metric definition to the main registry before its samples', () => {
    const f = new SampleForwarder();
    f.define('my_gauge', 'gauge');
    f.addValue('my_gauge', 3, internTags({}), 0);
    const target = createMetricRegistry();
    new SampleMerger(target).apply(f.take());
    expect(target.get('my_gauge')).toMatchObject({ type: 'gauge' });
    expect(target.values('my_gauge', 1000)).toMatchObject({ value: 3 });
  });

  it('checks definitions where the script makes them: a bad name or a conflicting type throws in the sender', () => {
    const f = new SampleForwarder();
    expect(() => f.define('x', 'counter')).toThrow(MetricDefinitionError);
    f.define('things', 'counter');
    expect(() => f.define('things', 'trend')).toThrow(MetricDefinitionError);
  });

  it('refuses a sample for a metric that was never defined, as the registry does', () => {
    expect(() => new SampleForwarder().addValue('nope', 1, internTags({}), 0)).toThrow(/never defined/);
  });

  it('drops the metrics it is told to skip (vus, vus_max are emitted once for the run by the main thread)', () => {
    const f = new SampleForwarder(new Set([VUS]));
    defineBuiltinMetrics(f);
    f.addValue(VUS, 5, internTags({}), 0);
    expect(f.pending).toBe(true); // the built-in definitions
    const b = f.take();
    expect(b.count).toBe(0);
  });
});
