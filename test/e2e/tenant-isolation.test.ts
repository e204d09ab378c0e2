/**
 * Per-tenant gates end to end (issue 12), scaled for CI: the reference platform and the offline
 * runner as real processes on loopback, two 15-second runs without chaos.
 * - One tenant slowed on the platform (`--degrade tenant-03:latency=400ms`) and weighted heavy
 *   enough to be gated: the run fails (exit 99) on that tenant's read p95 alone. The global read
 *   SLO is relaxed to 1 s (the tenant's stays at 300 ms) only because tenant-03 carries a third of
 *   the reads in so short a run; the npm start demo in the README keeps the defaults.
 * - A noisy neighbour over its rate limit: the run passes (exit 0) with that tenant throttled,
 *   never answered 5xx, and the platform counting 429s for it alone.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_START_OPTIONS, type StartOptions } from '../../launch/options';
import { runStack, type StackResult } from '../../launch/stack';

const SHORT: StartOptions = {
  ...DEFAULT_START_OPTIONS,
  rate: 100,
  duration: '15s',
  rampUp: '2s',
  tenants: 10,
  chaos: 'off',
  engine: 'offline',
  instances: 1,
  quiet: true,
};
// VU headroom for a slowed tenant and a busy CI machine: only the per-tenant gates are under test.
const HEADROOM = { EXPECTED_ITERATION_MS: '400' };

interface Summary {
  verdict: { pass: boolean; rows: Array<{ id: string; ok: boolean; tenant?: string }> };
  tenants: Array<{ tenant: string; state: string; verdict: string; noisy: boolean; throttled?: number }>;
}
const summaryOf = (r: StackResult): Summary => JSON.parse(readFileSync(r.summaryJson, 'utf8')) as Summary;
const explain = (r: StackResult): string => `exit ${r.exitCode}\n${r.output.slice(-4000)}`;

describe('a tenant slowed on the platform', () => {
  let run: StackResult;
  beforeAll(async () => {
    run = await runStack(
      { ...SHORT, degrade: ['tenant-03:latency=400ms'], tenantWeights: 'tenant-03=5', outDir: 'out/e2e/degraded-tenant' },
      { stdio: 'pipe', env: { ...HEADROOM, SLO_READ_P95_MS: '1000', SLO_TENANT_READ_P95_MS: '300' } },
    );
  });
  afterAll(async () => run?.stop());

  it('fails the run (exit 99) on that tenant\'s read p95 gate and nothing else', () => {
    expect(run.exitCode, explain(run)).toBe(99);
    const failed = summaryOf(run).verdict.rows.filter((r) => !r.ok).map((r) => r.id);
    expect(failed).toEqual(['tenant_read_p95:tenant-03']);
  });

  it('puts that tenant first in the per-tenant table, marked with the SLO it broke', () => {
    const first = summaryOf(run).tenants[0]!;
    expect(first).toMatchObject({ tenant: 'tenant-03', state: 'broken' });
    expect(first.verdict).toMatch(/^✗ read p95 4\d\d\.\d\dms > 300\.00ms/);
  });

  it('reports the light tenants as not judged for lack of samples, never as passed or failed', () => {
    const others = summaryOf(run).tenants.filter((t) => t.tenant !== 'tenant-03');
    expect(others).toHaveLength(9);
    for (const t of others) expect(t.state, t.verdict).toBe('not_enough_samples');
  });
});

describe('a noisy neighbour over its rate limit', () => {
  let run: StackResult;
  beforeAll(async () => {
    run = await runStack(
      { ...SHORT, rate: 50, noisy: { tenant: 'tenant-05', rate: 100, start: undefined, duration: undefined }, outDir: 'out/e2e/noisy-neighbour' },
      { stdio: 'pipe', env: HEADROOM },
    );
  });
  afterAll(async () => run?.stop());

  it('passes (exit 0): the noisy tenant is throttled and never answered 5xx, every global SLO holds', () => {
    expect(run.exitCode, explain(run)).toBe(0);
    const noisy = summaryOf(run).tenants.find((t) => t.noisy)!;
    expect(noisy).toMatchObject({ tenant: 'tenant-05', state: 'ok' });
    expect(noisy.throttled).toBeGreaterThan(0);
  });

  it('shows on the platform side 429s for that tenant only', () => {
    expect(Object.keys(run.evidence?.rateLimitHits ?? {})).toEqual(['tenant-05']);
    expect(run.evidence?.status5xx).toBe(0);
  });
});
