/**
 * The verdict over synthetic k6 JSON outputs: each case is a run written as k6 writes it, and the
 * SLO evaluations (scope, value, ok) the verdict must reach, through the real CLI (main).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../verdict/main';
import { K6JsonWriter, T0, writeRun, type SynthPlan } from './synthetic-run';

const dir = mkdtempSync(join(tmpdir(), 'verdict-cases-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonSlo {
  name: string;
  scope: { tenant?: string; phase?: string; window?: { start: string; end: string } };
  value: number | null;
  limit: number;
  ok: boolean;
  samples: number;
}
interface JsonVerdict {
  ok: boolean;
  slos: JsonSlo[];
}

async function verdictOf(files: string[], env: Record<string, string> = {}, extra: string[] = []): Promise<{ code: number; json: JsonVerdict; stdout: string }> {
  const out = join(dir, `v-${Math.random().toString(36).slice(2)}.json`);
  let stdout = '';
  const code = await main([...files, '--json', out, ...extra], env, { stdout: (t) => (stdout += t), stderr: (t) => (stdout += t) });
  return { code, json: JSON.parse(readFileSync(out, 'utf8')) as JsonVerdict, stdout };
}

const find = (v: JsonVerdict, name: string, scope: 'run' | 'window' | `phase:${string}` | `tenant:${string}`): JsonSlo | undefined =>
  v.slos.find((s) => {
    if (s.name !== name) return false;
    if (scope === 'run') return !s.scope.tenant && !s.scope.phase && !s.scope.window;
    if (scope === 'window') return s.scope.window !== undefined;
    const [k, val] = scope.split(':');
    return (s.scope as Record<string, unknown>)[k as string] === val;
  });

const fast = (_t: number, _tenant: string, kind: 'read' | 'write', rand: () => number): number => (kind === 'read' ? 8 : 15) + rand() * 10;
const ok200 = (): number => 200;

async function run(name: string, plan: SynthPlan, extraLines?: (w: K6JsonWriter) => Promise<void>): Promise<string> {
  const path = join(dir, name);
  const w = new K6JsonWriter(path);
  await writeRun(w, plan);
  if (extraLines) await extraLines(w);
  await w.close();
  return path;
}

/** The evidence a chaos run's teardown adds (fault witness, audit events). */
const evidence = async (w: K6JsonWriter): Promise<void> => {
  await w.sample('chaos_fault_witness', T0 + 95_000, 1, { scenario: 'jwks_chaos' });
  await w.sample('chaos_auth_degraded_events', T0 + 99_000, 3, {});
};

describe('tenant-verdict over synthetic k6 outputs', () => {
  it('fails the worst window when a 15-second error burst is diluted below the limit in the whole run', async () => {
    const f = await run('burst.json', {
      rate: 50,
      durationS: 200,
      tenants: 10,
      latency: fast,
      status: (t, _tenant, _p, rand) => (t >= 100_000 && t < 115_000 && rand() < 0.05 ? 503 : 200),
    });
    const { code, json } = await verdictOf([f], { CHAOS: 'off' });
    const whole = find(json, 'error rate', 'run')!;
    const window = find(json, 'error rate', 'window')!;
    expect(whole.ok).toBe(true);
    expect(whole.value!).toBeLessThan(0.005);
    expect(window.ok).toBe(false);
    expect(window.value!).toBeGreaterThan(0.005);
    // The worst window holds the burst.
    const start = Date.parse(window.scope.window!.start) - T0;
    const end = Date.parse(window.scope.window!.end) - T0;
    expect(start).toBeLessThanOrEqual(100_000);
    expect(end).toBeGreaterThanOrEqual(115_000);
    expect(end - start).toBe(60_000);
    expect(code).toBe(99);
    // A shorter window sees the burst sharper; windows start on the step.
    const narrow = await verdictOf([f], { CHAOS: 'off' }, ['--window', '20s', '--step', '5s']);
    const w20 = find(narrow.json, 'error rate', 'window')!;
    expect(Date.parse(w20.scope.window!.end) - Date.parse(w20.scope.window!.start)).toBe(20_000);
    expect((Date.parse(w20.scope.window!.start) - T0) % 5_000).toBe(0);
    expect(w20.value!).toBeGreaterThan(window.value!);
  });

  it('judges the run\'s last seconds in a window of their own when the step does not reach them', async () => {
    // 105 s: windows start every 10 s up to 40 s ([40 s, 100 s)), and one more covers [45 s, 105 s).
    const f = await run('tail-burst.json', {
      rate: 50,
      durationS: 105,
      tenants: 10,
      latency: fast,
      status: (t, _tenant, _p, rand) => (t >= 100_000 && rand() < 0.2 ? 503 : 200),
    });
    const { json } = await verdictOf([f], { CHAOS: 'off' });
    const w = find(json, 'error rate', 'window')!;
    expect(Date.parse(w.scope.window!.end) - T0).toBe(105_000);
    expect(w.ok).toBe(false);
  });

  it('fails one slow tenant, by name and first, while the whole run and the other tenants pass', async () => {
    const f = await run('slow-tenant.json', {
      rate: 100,
      durationS: 60,
      tenants: 20,
      weight: (i) => (i === 2 ? 0.5 : 1),
      latency: (_t, tenant, kind, rand) => (tenant === 'tenant-03' ? 400 + rand() * 50 : fast(0, tenant, kind, rand)),
      status: ok200,
    });
    const { code, json, stdout } = await verdictOf([f], { CHAOS: 'off' });
    expect(find(json, 'read p(95)', 'run')!.ok).toBe(true);
    const slow = find(json, 'read p(95)', 'tenant:tenant-03')!;
    expect(slow.ok).toBe(false);
    expect(slow.value!).toBeGreaterThan(400);
    const failed = json.slos.filter((s) => !s.ok);
    expect(failed.every((s) => s.scope.tenant === 'tenant-03')).toBe(true);
    expect(json.slos.find((s) => s.scope.tenant)!.scope.tenant).toBe('tenant-03');
    expect(stdout).toMatch(/tenant tenant-03\n\s+✗ read p\(95\)/);
    expect(code).toBe(99);
  });

  it('fails the outage phase over the chaos limit while the whole-run error rate holds', async () => {
    const outage = { start: 60_000, end: 90_000, margin: 2_000 };
    const f = await run(
      'outage.json',
      {
        rate: 50,
        durationS: 200,
        tenants: 10,
        outage,
        latency: fast,
        status: (_t, _tenant, phase, rand) => (phase === 'chaos' && rand() < 0.03 ? 401 : 200),
      },
      evidence,
    );
    const { code, json } = await verdictOf([f], {});
    expect(find(json, 'error rate', 'run')!.ok).toBe(true);
    const chaos = find(json, 'error rate', 'phase:chaos')!;
    expect(chaos.ok).toBe(false);
    expect(chaos.limit).toBe(0.01);
    expect(chaos.value!).toBeGreaterThan(0.02);
    expect(find(json, 'error rate', 'phase:baseline')!.ok).toBe(true);
    expect(find(json, 'error rate', 'phase:recovery')!.ok).toBe(true);
    // Windows inside the outage are judged on the chaos limit.
    expect(find(json, 'error rate', 'window')!.limit).toBe(0.01);
    expect(code).toBe(99);
  });

  it('merges two instances exactly: the run p95 is the merged samples\', not the worst instance\'s', async () => {
    // Instance 1: 2,000 fast reads. Instance 2: 500 reads of which 8.4 % take 500 ms, so its own
    // p95 is 500 ms (over the 300 ms SLO); merged, 42 of 2,500 reads (1.7 %) are slow: p95 ~10 ms.
    const exact: number[] = [];
    const write = async (name: string, n: number, slowEvery: number): Promise<string> => {
      const path = join(dir, name);
      const w = new K6JsonWriter(path.endsWith('.gz') ? path : path, name.endsWith('2.json.gz') ? 'legacy' : 'current');
      for (let i = 0; i < n; i++) {
        const ms = slowEvery > 0 && i % slowEvery === 0 ? 500 : 10 + (i % 7) * 0.1;
        exact.push(ms);
        await w.request({ t: (i * 60_000) / n, kind: 'read', tenant: `tenant-0${(i % 5) + 1}`, phase: 'baseline', ms, status: 200 });
        if (i % 10 === 0) await w.request({ t: (i * 60_000) / n, kind: 'write', tenant: 'tenant-01', phase: 'baseline', ms: 20, status: 200 });
      }
      await w.close();
      return path;
    };
    const a = await write('instance-1.json', 2000, 0);
    const b = await write('instance-2.json.gz', 500, 12);
    const alone = await verdictOf([b], { CHAOS: 'off' });
    expect(find(alone.json, 'read p(95)', 'run')!.value!).toBeCloseTo(500, 0);
    const merged = await verdictOf([a, b], { CHAOS: 'off' });
    const p95 = find(merged.json, 'read p(95)', 'run')!;
    exact.sort((x, y) => x - y);
    const i = 0.95 * (exact.length - 1);
    const want = exact[Math.floor(i)]! + (exact[Math.ceil(i)]! - exact[Math.floor(i)]!) * (i - Math.floor(i));
    expect(Math.abs(p95.value! - want) / want).toBeLessThanOrEqual(0.001);
    expect(p95.samples).toBe(2500);
    expect(p95.ok).toBe(true);
    // File order does not matter.
    const reversed = await verdictOf([b, a], { CHAOS: 'off' });
    expect(find(reversed.json, 'read p(95)', 'run')!.value).toBe(p95.value);
  });

  it('fails every SLO with "no evidence" when the output has no samples', async () => {
    const path = join(dir, 'empty.json');
    const w = new K6JsonWriter(path);
    await w.close();
    const { code, json, stdout } = await verdictOf([path], { CHAOS: 'off' });
    expect(json.ok).toBe(false);
    expect(json.slos.length).toBeGreaterThan(0);
    expect(json.slos.every((s) => !s.ok)).toBe(true);
    expect(find(json, 'read p(95)', 'run')).toMatchObject({ value: null, samples: 0, ok: false });
    expect(stdout).toContain('no samples: no evidence');
    expect(code).toBe(99);
  });

  it('passes a healthy run split over two instances with its outage, and says so', async () => {
    const outage = { start: 60_000, end: 90_000, margin: 2_000 };
    const plan: SynthPlan = { rate: 60, durationS: 150, tenants: 20, outage, latency: fast, status: ok200 };
    const a = await run('healthy-1.json.gz', { ...plan, instance: [0, 2] }, evidence);
    const b = await run('healthy-2.json.gz', { ...plan, instance: [1, 2] });
    const { code, json, stdout } = await verdictOf([a, b], {});
    expect(json.slos.filter((s) => !s.ok)).toEqual([]);
    expect(json.ok).toBe(true);
    expect(find(json, 'error rate', 'run')!.samples).toBe(60 * 150);
    expect(json.slos.some((s) => s.scope.phase === 'chaos')).toBe(true);
    // ~400 reads and ~45 writes per tenant: reads and error rates are judged, writes fall under
    // the minimum-sample rule and are listed as not judged.
    expect(json.slos.filter((s) => s.scope.tenant).map((s) => s.name).sort()).toEqual([...Array(20).fill('error rate'), ...Array(20).fill('read p(95)')]);
    expect(Object.keys(json).sort()).toEqual(['ok', 'slos']);
    expect(stdout.match(/- tenant tenant-\d+: write p\(95\) \d+\/100/g)?.length).toBe(12); // 12 listed, then '… 8 more'
    expect(stdout).toMatch(/not judged \(samples\/minimum.*\):\n\s+- tenant tenant-\d+: write p\(95\) \d+\/100\n/);
    expect(stdout).toContain('every SLO held');
    expect(code).toBe(0);
  });
});
