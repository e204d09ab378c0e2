/**
 * Splitting a run over several runner processes the k6 Operator's way (docs/k6-semantics.md#execution-segments).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  instanceHeader,
  instancePrefix,
  outputArgs,
  planInstances,
  remoteWriteEnv,
  resolveInstances,
  runExitCode,
  segmentEnv,
  segmentOf,
  segmentSequence,
} from '../../launch/instances';

describe('segments (docs/k6-semantics.md#execution-segments: runner i of N gets (i-1)/N:i/N and the full sequence)', () => {
  it.each([
    [2, '0,1/2,1', ['0:1/2', '1/2:1']],
    [3, '0,1/3,2/3,1', ['0:1/3', '1/3:2/3', '2/3:1']],
    [4, '0,1/4,2/4,3/4,1', ['0:1/4', '1/4:2/4', '2/4:3/4', '3/4:1']],
  ])('for %i instances the sequence is %s and the segments tile it', (n, sequence, segments) => {
    expect(segmentSequence(n)).toBe(sequence);
    expect(Array.from({ length: n }, (_, k) => segmentOf(k + 1, n))).toEqual(segments);
  });

  it('gives instance 1 the segment starting at 0, the one that runs the 1-VU fault scenario', () => {
    for (const n of [2, 3, 4]) expect(planInstances(n, '/o')[0]?.segment?.startsWith('0:')).toBe(true);
  });

  it('passes the segment and sequence variables to every instance of a split run and none to a single instance', () => {
    const [a, b] = planInstances(2, '/o');
    expect(segmentEnv(a!)).toEqual({ K6_EXECUTION_SEGMENT: '0:1/2', K6_EXECUTION_SEGMENT_SEQUENCE: '0,1/2,1' });
    expect(segmentEnv(b!)).toEqual({ K6_EXECUTION_SEGMENT: '1/2:1', K6_EXECUTION_SEGMENT_SEQUENCE: '0,1/2,1' });
    expect(segmentEnv(planInstances(1, '/o')[0]!)).toEqual({});
  });
});

describe('output files', () => {
  it('keeps summary.json and junit.xml for a single instance', () => {
    expect(planInstances(1, '/out')).toEqual([{ index: 1, count: 1, summaryJson: join('/out', 'summary.json'), junitXml: join('/out', 'junit.xml'), resultsJson: join('/out', 'results.json.gz') }]);
  });

  it.each([2, 3, 4])('numbers them summary-<i>.json and junit-<i>.xml for %i instances', (n) => {
    const plans = planInstances(n, '/out');
    expect(plans.map((p) => p.summaryJson)).toEqual(Array.from({ length: n }, (_, k) => join('/out', `summary-${k + 1}.json`)));
    expect(plans.map((p) => p.junitXml)).toEqual(Array.from({ length: n }, (_, k) => join('/out', `junit-${k + 1}.xml`)));
    expect(new Set(plans.map((p) => p.summaryJson)).size).toBe(n);
    expect(plans.map((p) => p.resultsJson)).toEqual(Array.from({ length: n }, (_, k) => join('/out', `results-${k + 1}.json.gz`)));
  });

  it.each([0, 5, 1.5])('refuses %s instances', (n) => {
    expect(() => planInstances(n, '/out')).toThrow(/instances must be 1 to 4/);
  });
});

describe('time-series outputs of each instance', () => {
  it('writes k6’s JSON output into the instance’s results file, and nothing else without --prometheus', () => {
    const [one] = planInstances(1, '/out');
    expect(outputArgs(one!, undefined, 't')).toEqual(['--out', `json=${join('/out', 'results.json.gz')}`]);
    expect(remoteWriteEnv(undefined)).toEqual({});
  });

  it('with --prometheus also pushes remote write, tagged testid, and instance_id when there are several (as the k6 Operator)', () => {
    const url = 'http://127.0.0.1:9090/api/v1/write';
    expect(outputArgs(planInstances(1, '/o')[0]!, url, 'run-1')).toEqual(['--out', `json=${join('/o', 'results.json.gz')}`, '--out', 'experimental-prometheus-rw', '--tag', 'testid=run-1']);
    expect(outputArgs(planInstances(2, '/o')[1]!, url, 'run-1')).toEqual(['--out', `json=${join('/o', 'results-2.json.gz')}`, '--out', 'experimental-prometheus-rw', '--tag', 'testid=run-1', '--tag', 'instance_id=2']);
    expect(remoteWriteEnv(url)).toEqual({ K6_PROMETHEUS_RW_SERVER_URL: url, K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s', K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),avg,max', K6_PROMETHEUS_RW_STALE_MARKERS: 'true' });
  });
});

describe('the run exit code', () => {
  it.each<[string, number[], number]>([
    ['0 when the only instance passed', [0], 0],
    ['0 when every instance passed', [0, 0, 0, 0], 0],
    ['the failing instance code when one failed', [0, 99], 99],
    ['the first non-zero code in instance order, not the largest', [0, 99, 108], 99],
    ['instance 1 first when it failed', [107, 99], 107],
    ['an interrupt (105) like any other code', [105, 105], 105],
  ])('is %s', (_name, codes, expected) => {
    expect(runExitCode(codes)).toBe(expected);
  });
});

describe('auto instance count', () => {
  it.each<[string, 'offline' | 'k6', number]>([
    ['the offline runner at 5,000/s (its worker threads use every core)', 'offline', 5000],
    ['the offline runner at CI scale (600/s)', 'offline', 600],
    ['k6, which is multi-threaded, at 5,000/s', 'k6', 5000],
  ])('is one runner command for %s', (_name, engine, rate) => {
    expect(resolveInstances('auto', engine, rate)).toBe(1);
  });

  it.each([1, 3, 4])('is overridden by an explicit --instances %i whatever the engine and rate', (n) => {
    expect(resolveInstances(n, 'k6', 100)).toBe(n);
    expect(resolveInstances(n, 'offline', 5000)).toBe(n);
  });
});

describe('instance labels', () => {
  it('names the instance and its segment above its summary', () => {
    expect(instanceHeader(planInstances(2, '/o')[1]!)).toMatch(/instance 2\/2 \(execution segment 1\/2:1\)/);
    expect(instanceHeader(planInstances(1, '/o')[0]!)).toMatch(/instance 1\/1 \(execution segment 0:1\)/);
  });

  it('prefixes live progress lines only when several instances run', () => {
    expect(instancePrefix(planInstances(3, '/o')[2]!)).toBe('[3/3] ');
    expect(instancePrefix(planInstances(1, '/o')[0]!)).toBe('');
  });
});
