/**
 * `--prometheus URL --testid ID` against a real Prometheus (Debian prometheus, remote-write
 * receiver, native histograms): one k6-offline run writes both --out json and
 * -o experimental-prometheus-rw (native histograms), and the verdict read back from Prometheus
 * agrees with the verdict of the JSON output: the same request and failure counts per scope,
 * p95 within the native histograms' ±4.5 %.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../verdict/main';
import { startPrometheus, type LivePrometheus } from '../ops/prometheus/live-prometheus';
import { ROOT, buildCli, cliPath } from '../runner/conformance/run-cli';
import { startServer } from '../runner/conformance/server';

interface Slo {
  name: string;
  scope: { tenant?: string; phase?: string; window?: unknown };
  value: number | null;
  ok: boolean;
  samples: number;
}

const dir = mkdtempSync(join(tmpdir(), 'verdict-prom-'));
let prom: LivePrometheus;
let app: { base: string; server: Server };
let runLog = '';

async function verdict(args: string[]): Promise<{ code: number; slos: Slo[]; out: string }> {
  const file = join(dir, `v-${Math.random().toString(36).slice(2)}.json`);
  let out = '';
  const code = await main([...args, '--json', file], { CHAOS: 'off' }, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
  return { code, slos: code === 2 ? [] : (JSON.parse(readFileSync(file, 'utf8')).slos as Slo[]), out };
}

beforeAll(async () => {
  [, prom, app] = await Promise.all([
    buildCli('verdict-prometheus'),
    startPrometheus({ ruleFiles: [], targets: [], interval: '1s', extraFlags: ['--web.enable-remote-write-receiver', '--enable-feature=native-histograms'] }),
    startServer(),
  ]);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [cliPath(), 'run', '--quiet', '--tag', 'testid=verdict-1', '-e', `BASE=${app.base}`, '--out', `json=${join(dir, 'run.json.gz')}`, '-o', 'experimental-prometheus-rw', join(ROOT, 'test/verdict/scripts/tenant-run.js')],
      {
        env: { ...process.env, K6_PROMETHEUS_RW_SERVER_URL: `${prom.url}/api/v1/write`, K6_PROMETHEUS_RW_PUSH_INTERVAL: '1s', K6_PROMETHEUS_RW_TREND_AS_NATIVE_HISTOGRAM: 'true' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (b: Buffer) => (runLog += b));
    child.stderr.on('data', (b: Buffer) => (runLog += b));
    child.on('exit', (c) => resolve(c ?? -1));
  });
  expect(code, runLog).toBe(0);
}, 90_000);

afterAll(async () => {
  await Promise.all([prom?.stop(), new Promise<void>((r) => (app ? app.server.close(() => r()) : r()))]);
  rmSync(dir, { recursive: true, force: true });
});

const pick = (slos: Slo[], name: string, scope: 'run' | `phase:${string}` | `tenant:${string}`): Slo | undefined =>
  slos.find((s) => {
    if (s.name !== name || s.scope.window) return false;
    if (scope === 'run') return !s.scope.phase && !s.scope.tenant;
    const [k, v] = scope.split(':');
    return (s.scope as Record<string, unknown>)[k!] === v;
  });

describe('tenant-verdict --prometheus', () => {
  it('agrees with the verdict of the same run\'s JSON output: counts exact, p95 within 4.5 %', async () => {
    const fromJson = await verdict([join(dir, 'run.json.gz')]);
    const fromProm = await verdict(['--prometheus', prom.url, '--testid', 'verdict-1']);
    expect(fromProm.code, fromProm.out).not.toBe(2);
    for (const scope of ['run', 'phase:baseline', 'phase:chaos', 'phase:recovery'] as const) {
      const a = pick(fromJson.slos, 'error rate', scope);
      const b = pick(fromProm.slos, 'error rate', scope);
      if (scope === 'run') expect(a, `${scope} in JSON`).toBeDefined();
      if (!a) continue;
      expect(b, scope).toBeDefined();
      expect(b!.samples, scope).toBe(a.samples);
      expect(b!.value!, scope).toBeCloseTo(a.value!, 9);
    }
    expect(pick(fromJson.slos, 'error rate', 'run')!.value!).toBeGreaterThan(0);
    for (const name of ['read p(95)', 'write p(95)']) {
      const a = pick(fromJson.slos, name, 'run')!;
      const b = pick(fromProm.slos, name, 'run')!;
      expect(b.samples).toBe(a.samples);
      expect(Math.abs(b.value! - a.value!) / a.value!, `${name}: ${b.value} vs ${a.value}`).toBeLessThanOrEqual(0.045);
    }
    const tenantA = pick(fromJson.slos, 'read p(95)', 'tenant:tenant-01')!;
    const tenantB = pick(fromProm.slos, 'read p(95)', 'tenant:tenant-01')!;
    expect(tenantB.samples).toBe(tenantA.samples);
    expect(Math.abs(tenantB.value! - tenantA.value!) / tenantA.value!).toBeLessThanOrEqual(0.045);
    expect(pick(fromProm.slos, 'dropped ratio', 'run')!.samples).toBe(pick(fromJson.slos, 'dropped ratio', 'run')!.samples);
    // Checks have no counts in remote write: listed, not judged.
    expect(fromProm.out).toMatch(/not measured by this source:\n\s+- checks rate: k6's remote write has no check counts/);
  });

  it('fails with "no evidence" when no series carry the testid, and says where it looked', async () => {
    const r = await verdict(['--prometheus', prom.url, '--testid', 'no-such-run']);
    expect(r.code).toBe(99);
    expect(r.out).toContain('no k6_http_reqs_total series with testid="no-such-run"');
    expect(pick(r.slos, 'error rate', 'run')).toMatchObject({ value: null, ok: false, samples: 0 });
  });

  it('exits 2 naming the URL when Prometheus cannot be reached', async () => {
    const r = await verdict(['--prometheus', 'http://127.0.0.1:9', '--testid', 'x']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('--prometheus http://127.0.0.1:9: cannot reach it');
  });
});
