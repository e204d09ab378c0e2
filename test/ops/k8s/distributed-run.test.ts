/**
 * What ops/k8s/README.md promises about a 4-runner operator run, checked on the bundle's real
 * options (built from the exact environment the TestRuns give it) with the project's own
 * implementation of k6's execution-segment striping (runner/options/execution-segment.ts,
 * docs/k6-semantics.md#execution-segments): runner i of N gets segment (i-1)/N:i/N inside 0,1/N,...,1 (docs/k6-semantics.md#k6-operator).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createLoadScenario } from '../../../lib/tenant-load-scenario';
import { noFaultInjector } from '../../../disruptor/no-fault-backend';
import { ExecutionTuple, parseSegment, parseSequence, resolveSequence, type Segment } from '../../../runner/options/execution-segment';
import { K8S_DIR, REPO_ROOT, readEnvFile, renderObjects, type K8sObject } from './k8s-tree';

let generated: string;
beforeAll(() => {
  const dist = mkdtempSync(join(tmpdir(), 'k8s-dist-'));
  generated = mkdtempSync(join(tmpdir(), 'k8s-generated-'));
  for (const f of ['tenant-load.js', 'tenant-load-agent.js']) writeFileSync(join(dist, f), 'export default function () {}\n');
  execFileSync(process.execPath, ['scripts/package-k8s.mjs', '--dist', dist, '--out', generated], { cwd: REPO_ROOT });
  rmSync(dist, { recursive: true, force: true });
});
afterAll(() => rmSync(generated, { recursive: true, force: true }));

type Scenario = { executor: string; vus?: number; iterations?: number; rate?: number; maxVUs?: number; preAllocatedVUs?: number };

function bundleScenarios(): { parallelism: number; scenarios: Record<string, Scenario> } {
  const objs = renderObjects(join(K8S_DIR, 'disruptor'), generated).map((o) => o.object);
  const run = objs.find((o) => o.kind === 'TestRun') as K8sObject;
  const spec = run.spec as { parallelism: number; runner: { env: { name: string; value: string }[] } };
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'tenant-load-env') as K8sObject;
  const env: Record<string, string> = {
    ...(cm.data as Record<string, string>),
    ...Object.fromEntries(readEnvFile(join(K8S_DIR, 'base/tenant-load-credentials.env.example'))),
    ...Object.fromEntries(spec.runner.env.map((e) => [e.name, e.value])),
  };
  const scenario = createLoadScenario({ bundle: 'tenant-load', backend: 'xk6-disruptor', injector: () => noFaultInjector(), env });
  return { parallelism: spec.parallelism, scenarios: scenario.options.scenarios as Record<string, Scenario> };
}

/** The tuple runner i (1-based) of n gets from the operator's arguments. */
function runnerTuple(i: number, n: number): ExecutionTuple {
  const seq = Array.from({ length: n + 1 }, (_, k) => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`)).join(',');
  const segment = parseSegment(`${i - 1}/${n}:${i}/${n}`) as Segment;
  const resolved = resolveSequence(segment, parseSequence(seq) as never) as { bounds: never; index: number };
  return ExecutionTuple.fromBounds(resolved.bounds, resolved.index);
}

describe('a 4-runner operator run of the bundle', () => {
  it('gives the 1-VU x 1-iteration fault scenario to runner 1 only: exactly one injection', () => {
    const { parallelism, scenarios } = bundleScenarios();
    expect(parallelism).toBe(4);
    const chaos = Object.values(scenarios).find((s) => s.executor === 'shared-iterations');
    expect(chaos).toMatchObject({ vus: 1, iterations: 1 });
    const vusPerRunner = [1, 2, 3, 4].map((i) => runnerTuple(i, parallelism).scale(chaos?.vus ?? 0));
    expect(vusPerRunner).toEqual([1, 0, 0, 0]);
  });

  it('splits the 5,000 req/s and the VUs evenly, because MAX_VUS divides by the parallelism', () => {
    const { parallelism, scenarios } = bundleScenarios();
    const load = Object.values(scenarios).find((s) => s.executor === 'ramping-arrival-rate') as Scenario & { startRate?: number; stages?: Array<{ duration: string; target: number }> };
    expect(load.startRate).toBe(500);
    expect(load.stages).toEqual([
      { duration: '30s', target: 5000 },
      { duration: '14m30s', target: 5000 },
    ]);
    const maxVUs = [1, 2, 3, 4].map((i) => runnerTuple(i, parallelism).scale(load.maxVUs ?? 0));
    const preAllocated = [1, 2, 3, 4].map((i) => runnerTuple(i, parallelism).scale(load.preAllocatedVUs ?? 0));
    expect(maxVUs).toEqual([500, 500, 500, 500]);
    expect(preAllocated).toEqual([100, 100, 100, 100]);
    // The arrival-rate schedule follows each runner's share of maxVUs (k6 constant_arrival_rate.go,
    // ramping_arrival_rate.go):
    // equal shares -> each runner starts 1 of every 4 iterations -> 1,250 req/s.
    const shares = [1, 2, 3, 4].map((i) => runnerTuple(i, parallelism).fromValue(load.maxVUs ?? 0));
    for (const tuple of shares) {
      expect(tuple).toBeDefined();
      expect(tuple?.mine.length).toBe(1);
      expect(tuple?.pattern.length).toBe(4);
    }
  });
});
