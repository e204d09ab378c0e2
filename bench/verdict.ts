/**
 * tenant-verdict's reading speed and memory: synthetic k6 JSON outputs of a 5,000 requests/s run
 * (every line k6 writes per request: http_reqs, the six timing trends, duration, failed, checks,
 * data sent/received, iterations, iteration duration; 20 tenants, a 60 s outage) for 1 minute and
 * for 5 minutes, gzip, each judged by `node build/tenant-verdict.js` in its own process, sampled
 * from /proc. Side by side: the 5-minute file must cost ~5× the CPU of the 1-minute one (linear)
 * and about the same peak memory (bounded).
 *
 *   npx tsx bench/verdict.ts            (npm run build first)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../launch/stack';
import { K6JsonWriter, T0, writeRun } from '../test/verdict/synthetic-run';
import { sampleProcess } from './proc-sampler';
import { isDirectRun, writeReport, type BenchSection } from './report';

const RATE = 5000;
const LINES_PER_REQUEST = 14;

async function generate(path: string, durationS: number): Promise<{ seconds: number; requests: number }> {
  const started = performance.now();
  const w = new K6JsonWriter(path);
  const outage = { start: Math.min(60_000, durationS * 200), end: Math.min(120_000, durationS * 400), margin: 3_000 };
  const requests = await writeRun(w, {
    rate: RATE,
    durationS,
    tenants: 20,
    outage,
    seed: 11,
    latency: (_t, _tenant, kind, rand) => (kind === 'read' ? 6 : 14) + rand() * rand() * 40,
    status: (_t, _tenant, phase, rand) => (phase === 'chaos' && rand() < 0.004 ? 401 : 200),
  });
  await w.sample('chaos_fault_witness', T0 + outage.start + 1000, 1, { scenario: 'jwks_chaos' });
  await w.close();
  return { seconds: (performance.now() - started) / 1000, requests };
}

async function judge(file: string): Promise<{ wallS: number; cpuS: number; peakMiB: number; exit: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'build/tenant-verdict.js'), file, '-q', '--json', `${file}.verdict.json`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const sampler = sampleProcess(child.pid!, 50);
  const exit = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  const usage = sampler.stop();
  return { wallS: (performance.now() - started) / 1000, cpuS: usage.cpuSeconds, peakMiB: usage.peakRssMiB, exit };
}

const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d;

export async function run(): Promise<BenchSection> {
  if (!existsSync(join(REPO_ROOT, 'build/tenant-verdict.js'))) throw new Error('build/tenant-verdict.js is missing: npm run build');
  const dir = join(REPO_ROOT, 'bench/out/verdict');
  mkdirSync(dir, { recursive: true });
  const rows: BenchSection['rows'] = [];
  const results: Array<{ minutes: number; requests: number; lines: number; cpuS: number; peakMiB: number; wallS: number }> = [];
  for (const minutes of [1, 5]) {
    const file = join(dir, `k6-${RATE}rps-${minutes}m.json.gz`);
    // The generator is deterministic (seeded): an existing file is the same output.
    const gen = existsSync(file) ? { seconds: 0, requests: RATE * minutes * 60 } : await generate(file, minutes * 60);
    const lines = gen.requests * LINES_PER_REQUEST;
    const j = await judge(file);
    if (j.exit !== 0 && j.exit !== 99) throw new Error(`tenant-verdict exited ${j.exit} on ${file}`);
    results.push({ minutes, requests: gen.requests, lines, cpuS: j.cpuS, peakMiB: j.peakMiB, wallS: j.wallS });
    rows.push({
      output: `${minutes} min at ${RATE.toLocaleString('en-US')}/s`,
      requests: gen.requests.toLocaleString('en-US'),
      'k6 JSON lines': lines.toLocaleString('en-US'),
      'gzip MiB': round(statSync(file).size / 2 ** 20),
      'verdict wall s': round(j.wallS),
      'verdict CPU s': round(j.cpuS),
      'lines/s (CPU)': Math.round(lines / j.cpuS).toLocaleString('en-US'),
      'requests/s (CPU)': Math.round(gen.requests / j.cpuS).toLocaleString('en-US'),
      'peak RSS MiB': round(j.peakMiB),
    });
  }
  const [one, five] = results as [(typeof results)[0], (typeof results)[0]];
  const tenMinuteS = five.cpuS * 2;
  return {
    title: 'tenant-verdict: reading k6 JSON outputs',
    command: 'npm run build && npx tsx bench/verdict.ts',
    rows,
    findings: [
      `A 5-minute 5,000 requests/s output (${five.lines.toLocaleString('en-US')} lines) is judged in ${round(five.cpuS)} CPU s: ${Math.round(five.lines / five.cpuS).toLocaleString('en-US')} k6 JSON lines/s, ${Math.round(five.requests / five.cpuS).toLocaleString('en-US')} requests/s on one core; a 10-minute 5k run would take about ${round(tenMinuteS)} s, ${round((600 / tenMinuteS))}× faster than the run itself.`,
      `CPU grows with the output (${round(five.cpuS / one.cpuS, 2)}× for 5× the lines) while peak memory stays flat (${round(one.peakMiB)} MiB for 1 minute, ${round(five.peakMiB)} MiB for 5: ${round(five.peakMiB / one.peakMiB, 2)}×): nothing keeps raw samples.`,
      'Measured on a machine shared with other work (2 cores, other agents running): absolute seconds are noisy, the ratios side by side less so.',
    ],
  };
}

if (isDirectRun('bench/verdict.ts')) {
  run().then(
    (section) => {
      const path = writeReport(join(REPO_ROOT, 'bench/reports/verdict'), 'tenant-verdict benchmark', [section]);
      process.stdout.write(`${section.rows.map((r) => JSON.stringify(r)).join('\n')}\n${section.findings.join('\n')}\nwrote ${path}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`bench/verdict: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
