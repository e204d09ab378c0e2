/**
 * The JWKS outage in each of its shapes (issue 15), end to end and short: the reference platform
 * and the offline runner on loopback, the agent bundle (dist/tenant-load-agent.js) for the shapes
 * only the fault agent can inject (blackhole, reset), the Kubernetes bundle with its
 * k6/x/disruptor mapped onto the agent for the others. The `error` shape is chaos-stories.test.ts.
 *
 * Scale: 200 requests/s, 10 tenants, a 5 s outage from 4 s in a 13 s run (expiry: 9 s in 20 s, so
 * the 3 s TTL expires inside it); about 75 s for the four stories on an idle 2-core machine. The
 * per-story figures are printed for the issue note.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combinedVerdict } from '../../launch/combined-verdict';
import { DEFAULT_START_OPTIONS, type StartOptions } from '../../launch/options';
import { bundleFor, chaosEnv } from '../../launch/plan';
import { runStack, type StackResult } from '../../launch/stack';

const FALLBACK: StartOptions = {
  ...DEFAULT_START_OPTIONS,
  rate: 200,
  duration: '13s',
  rampUp: '2s',
  tenants: 10,
  chaos: 'fallback',
  chaosStart: '4s',
  chaosDuration: '5s',
  engine: 'offline',
  quiet: true,
};
const EXPIRY: StartOptions = { ...FALLBACK, chaos: 'expiry', duration: '20s', chaosDuration: '9s' };

interface Summary {
  k6: { metrics: Record<string, { values: Record<string, number> }> };
}
interface VerdictSlo {
  name: string;
  scope: { phase?: string };
  value: number;
  samples: number;
}

const SLO_READ_P95_MS = 300;

const stories: Array<[string, StartOptions]> = [
  // With the key rotated mid-outage (CHAOS_ROTATE=on): new-kid tokens fail closed, then pass.
  ['blackhole, fallback, key rotated mid-outage', { ...FALLBACK, chaosFault: 'blackhole', chaosRotate: true, outDir: 'out/e2e/shape-blackhole' }],
  ['delay, fallback', { ...FALLBACK, chaosFault: 'delay', outDir: 'out/e2e/shape-delay' }],
  ['flaky, fallback', { ...FALLBACK, chaosFault: 'flaky', outDir: 'out/e2e/shape-flaky' }],
  ['reset, expiry', { ...EXPIRY, chaosFault: 'reset', outDir: 'out/e2e/shape-reset' }],
];

describe.each(stories)('a JWKS outage shaped %s', (_name, opts) => {
  let run: StackResult;
  let summary: Summary;
  let phases: VerdictSlo[];
  beforeAll(async () => {
    // These stories judge the platform under each shape, not the load generator: VUs sized for
    // 250 ms iterations and a 10 % dropped budget, so a CPU hiccup of the shared machine does not
    // abort the run before the outage is measured (bench/ and chaos-stories keep the 1 % gate).
    run = await runStack(opts, { stdio: 'pipe', env: { EXPECTED_ITERATION_MS: '250', SLO_DROPPED_RATIO: '0.1' } });
    summary = JSON.parse(readFileSync(run.summaryJson, 'utf8')) as Summary;
    const v = await combinedVerdict(run.results, { ...process.env, ...chaosEnv(opts) }, run.summaryJson);
    phases = v.json ? (JSON.parse(readFileSync(v.json, 'utf8')) as { slos: VerdictSlo[] }).slos.filter((s) => s.scope.phase !== undefined && Object.keys(s.scope).length === 1) : [];
    const m = (k: string, stat: string) => summary.k6.metrics[k]?.values[stat];
    const fig = (phase: string, name: string) => phases.find((s) => s.scope.phase === phase && s.name === name);
    // The figures of the issue note: error rate per phase, read p95 per phase, 401s, fault witness.
    console.log(
      `[${opts.chaosFault} x ${opts.chaos}] ${bundleFor('offline', opts.chaosFault)} exit ${run.exitCode}; ` +
        ['baseline', 'chaos', 'recovery']
          .map((p) => `${p}: error rate ${((fig(p, 'error rate')?.value ?? NaN) * 100).toFixed(2)} %, read p95 ${(fig(p, 'read p(95)')?.value ?? NaN).toFixed(1)} ms (${fig(p, 'read p(95)')?.samples ?? 0} reads)`)
          .join('; ') +
        `; 401s ${run.evidence?.status401}, 5xx ${run.evidence?.status5xx}; fault witness ${m('chaos_fault_witness', 'count')}; auth.degraded ${run.evidence?.degradedEvents}` +
        (opts.chaosRotate ? `; new-kid 401s during the outage ${m('chaos_new_kid_rejected{phase:chaos}', 'count')}, new-kid accepted after it ${m('chaos_new_kid_accepted', 'count')}` : ''),
    );
  });
  afterAll(async () => run?.stop());

  const phase = (p: string, name: string) => phases.find((s) => s.scope.phase === p && s.name === name);

  it('exits 0: the platform behaved as the shape and CHAOS_EXPECT demand', () => {
    expect(run.exitCode, run.output.slice(-4000)).toBe(0);
  });

  it('witnessed the fault and measured requests during it, never a 5xx', () => {
    expect(summary.k6.metrics['chaos_fault_witness']?.values.count).toBeGreaterThan(0);
    expect(summary.k6.metrics['http_reqs{traffic:api,phase:chaos}']?.values.count).toBeGreaterThan(0);
    expect(run.evidence?.status5xx).toBe(0);
  });

  if (opts.chaosRotate) {
    it('rotated the key mid-outage: new-kid tokens failed closed during it (an expected count of their own) and passed after it', () => {
      expect(summary.k6.metrics['chaos_key_rotations']?.values.count).toBe(1);
      expect(summary.k6.metrics['chaos_new_kid_rejected{phase:chaos}']?.values.count).toBeGreaterThan(0);
      expect(summary.k6.metrics['chaos_new_kid_accepted']?.values.count).toBe(1);
    });
  }

  if (opts.chaos === 'fallback') {
    it('keeps serving on cached keys: error rate under 1 % and read p95 within the SLO during the outage', () => {
      expect(phase('chaos', 'error rate')?.value).toBeLessThan(0.01);
      expect(phase('chaos', 'read p(95)')?.samples).toBeGreaterThan(0);
      expect(phase('chaos', 'read p(95)')?.value).toBeLessThan(SLO_READ_P95_MS);
    });
  } else {
    it('fails closed with 401 during the outage and recovers after it', () => {
      expect(run.evidence?.status401).toBeGreaterThan(0);
      expect(phase('recovery', 'error rate')?.value).toBeLessThan(0.005);
    });
  }
});
