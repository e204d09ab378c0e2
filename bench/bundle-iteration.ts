/**
 * Per-iteration CPU cost of the `tenant_load` exec function, measured on the real bundle through
 * the real offline runner against the reference platform (all on loopback), CHAOS=off.
 *
 *   npx tsx bench/bundle-iteration.ts [--rate 2000] [--duration 15s] [--runs 2] [--top 25]
 *                                     [--bundle dist/tenant-load.js] [--bundle /tmp/other.js ...]
 *                                     [--modes w0,w2,i2] [--no-baseline]
 *
 * Every run also measures the baseline, bench/scripts/minimal-request.js (one authenticated read
 * per iteration and nothing else), interleaved with the bundles, and states each bundle's CPU per
 * iteration as a multiple of it: the bundle's own cost (`--no-baseline` skips it). Each variant
 * runs at DURATION/2 and at DURATION, and the figure is the difference (CPU and profile self
 * times alike): the steady state, without start-up, VU init, setup, teardown and summary. As
 * `npm run bench -- bundle-cost` it runs w0 (one thread, so the CPU profile covers every VU) and
 * writes the section to bench/reports/.
 *
 * `--modes` compares engine layouts side by side (interleaved): `wN` = one runner command with
 * K6_OFFLINE_WORKERS=N (w0: VUs on the main thread), `iN` = N runner processes, each one
 * execution segment (what `npm start --instances N` runs). Without it, the runner's default.
 *
 * Needs `npm run build` first (build/tenant-sim.js, build/k6-offline.js, dist/*.js). For each run
 * and each bundle (interleaved, so a noisy shared machine hits both alike) it runs the runner under
 * `node --cpu-prof` and reports:
 * - runner process CPU seconds (user + system, from bash `times` after the child exits) per
 *   iteration, and iterations / dropped_iterations / p95 http_req_duration from the summary JSON;
 * - the CPU profile's self time: the bundle's share (frames whose script is the bundle), GC, and
 *   the top functions by self time.
 * Wall latency is not compared: the machine is shared; CPU per iteration is the figure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { isDirectRun, writeReport, type BenchSection } from './report';

interface Args {
  baseline: boolean;
  modes: string[];
  rate: number;
  duration: string;
  runs: number;
  top: number;
  bundles: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { baseline: true, modes: [''], rate: 2000, duration: '15s', runs: 2, top: 25, bundles: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--no-baseline') {
      a.baseline = false;
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--rate') a.rate = Number(value);
    else if (flag === '--duration') a.duration = value;
    else if (flag === '--runs') a.runs = Number(value);
    else if (flag === '--top') a.top = Number(value);
    else if (flag === '--bundle') a.bundles.push(resolve(value));
    else if (flag === '--modes') {
      a.modes = value.split(',');
      for (const m of a.modes) if (!/^(w([0-9]|[1-5][0-9]|6[0-4])|i[1-4])$/.test(m)) throw new Error(`--modes: each mode is wN (K6_OFFLINE_WORKERS=N, 0-64) or iN (N processes, 1-4); got '${m}'`);
    } else throw new Error(`unknown flag ${flag}; allowed: --rate, --duration, --runs, --top, --bundle, --modes, --no-baseline`);
    i++;
  }
  if (a.bundles.length === 0) a.bundles.push(resolve('dist/tenant-load.js'));
  if (!Number.isFinite(a.rate) || a.rate < 1 || a.rate > 20_000) throw new Error(`--rate: iterations per second, 1-20000; got ${a.rate}`);
  if (!Number.isInteger(a.runs) || a.runs < 1 || a.runs > 20) throw new Error(`--runs: 1-20; got ${a.runs}`);
  // Even: the steady state is measured as the difference between DURATION/2 and DURATION.
  if (!/^\d+s$/.test(a.duration) || seconds(a.duration) < 4 || seconds(a.duration) % 2 !== 0) throw new Error(`--duration: an even number of whole seconds, at least 4s, such as 20s; got '${a.duration}'`);
  return a;
}

interface Ready {
  api: string;
  authorityViaAgent: string;
}

function startPlatform(dir: string): Promise<{ ready: Ready; stop: () => void }> {
  const child = spawn(
    process.execPath,
    ['build/tenant-sim.js', '--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--audit-log', join(dir, 'audit.log')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((res, rej) => {
    let buf = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      for (const line of buf.split('\n')) {
        if (!line.includes('"ready":true')) continue;
        const ready = JSON.parse(line) as Ready;
        res({ ready, stop: () => child.kill('SIGTERM') });
      }
    });
    child.on('exit', (code) => rej(new Error(`tenant-sim exited with ${code} before its ready line`)));
  });
}

interface RunResult {
  /** The runner's exit code (99 when a threshold failed, e.g. dropped_iterations on a busy machine). */
  exitCode: number | null;
  cpuS: number;
  iterations: number;
  dropped: number;
  p95Ms: number;
  profile: ProfileSummary;
}

/** Runs the bundle in one engine layout (see `--modes`); iN sums its processes. */
async function runMode(args: Args, bundle: string, mode: string, ready: Ready, dir: string): Promise<RunResult> {
  if (!mode.startsWith('i')) return runOnce(args, bundle, ready, dir, mode === '' ? {} : { K6_OFFLINE_WORKERS: mode.slice(1) });
  const n = Number(mode.slice(1));
  const frac = (k: number): string => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`);
  const seq = Array.from({ length: n + 1 }, (_, k) => frac(k)).join(',');
  const parts = await Promise.all(
    Array.from({ length: n }, (_, k) => runOnce(args, bundle, ready, dir, {}, n === 1 ? [] : ['--execution-segment', `${frac(k)}:${frac(k + 1)}`, '--execution-segment-sequence', seq])),
  );
  return {
    exitCode: parts.find((p) => p.exitCode !== 0)?.exitCode ?? 0,
    cpuS: parts.reduce((a, p) => a + p.cpuS, 0),
    iterations: parts.reduce((a, p) => a + p.iterations, 0),
    dropped: parts.reduce((a, p) => a + p.dropped, 0),
    p95Ms: Math.max(...parts.map((p) => p.p95Ms)),
    profile: parts[0]!.profile,
  };
}

/** Runs the runner under bash so `times` reports the child's user + system CPU after it exits. */
function runOnce(args: Args, bundle: string, ready: Ready, dir: string, extraEnv: Record<string, string> = {}, extraArgs: string[] = []): Promise<RunResult> {
  const profDir = mkdtempSync(join(dir, 'prof-'));
  const summary = join(profDir, 'summary.json');
  const script = '"$@" >/dev/null; rc=$?; times >&2; exit $rc';
  // --summary-export: the one summary file every script writes, the bundles and the baseline alike.
  const child = spawn('bash', ['-c', script, 'bench', process.execPath, '--cpu-prof', `--cpu-prof-dir=${profDir}`, 'build/k6-offline.js', 'run', '--quiet', '--summary-export', summary, ...extraArgs, bundle], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      BASE_URL: ready.api,
      AUTH_URL: ready.authorityViaAgent,
      CHAOS: 'off',
      RATE: String(args.rate),
      DURATION: args.duration,
      SUMMARY_JSON: join(profDir, 'bundle-summary.json'),
      JUNIT_XML: 'off',
      SLO_ABORT_DELAY: '60s',
      ...extraEnv,
    },
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((res, rej) => {
    child.on('exit', (exitCode) => {
      // `times`: line 1 the shell's own user/sys, line 2 its children's, e.g. `0m12.340s 0m1.200s`.
      const lines = err.trim().split('\n');
      const childLine = lines[lines.length - 1] ?? '';
      const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s/.exec(childLine);
      if (!m) return rej(new Error(`no CPU times from the runner; stderr:\n${err.slice(-2000)}`));
      const cpuS = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
      const s = readSummary(summary);
      const prof = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
      if (!prof) return rej(new Error('no .cpuprofile written'));
      res({ exitCode, cpuS, ...s, profile: summarizeProfile(join(profDir, prof), bundle) });
    });
  });
}

function readSummary(path: string): { iterations: number; dropped: number; p95Ms: number } {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  // summary.json shapes differ between our handleSummary and k6's export; find the metrics.
  const metrics = findMetrics(doc);
  const val = (name: string, key: string): number => {
    const m = metrics?.[name] as Record<string, unknown> | undefined;
    const values = (m?.values ?? m) as Record<string, unknown> | undefined;
    const v = values?.[key];
    return typeof v === 'number' ? v : 0;
  };
  return { iterations: val('iterations', 'count'), dropped: val('dropped_iterations', 'count'), p95Ms: val('http_req_duration', 'p(95)') };
}

function findMetrics(doc: unknown): Record<string, unknown> | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const d = doc as Record<string, unknown>;
  if (typeof d.metrics === 'object' && d.metrics !== null && 'iterations' in (d.metrics as object)) return d.metrics as Record<string, unknown>;
  for (const v of Object.values(d)) {
    const found = findMetrics(v);
    if (found) return found;
  }
  return undefined;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface ProfileSummary {
  totalMs: number;
  bundleMs: number;
  gcMs: number;
  idleMs: number;
  top: Array<{ name: string; ms: number; bundle: boolean }>;
}

function summarizeProfile(path: string, bundle: string): ProfileSummary {
  const p = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  rmSync(path);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, { ms: number; bundle: boolean }>();
  let totalMs = 0;
  let bundleMs = 0;
  let gcMs = 0;
  let idleMs = 0;
  const bundleName = basename(bundle);
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    const n = byId.get(id);
    if (!n) return;
    const f = n.callFrame;
    if (f.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    totalMs += ms;
    const inBundle = f.url.endsWith(bundleName);
    if (inBundle) bundleMs += ms;
    if (f.functionName === '(garbage collector)') gcMs += ms;
    const key = `${f.functionName || '(anonymous)'} ${f.url ? `${basename(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
    const e = self.get(key) ?? { ms: 0, bundle: inBundle };
    e.ms += ms;
    self.set(key, e);
  });
  const top = [...self.entries()].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
  return { totalMs, bundleMs, gcMs, idleMs, top };
}

const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)} %`;

const BASELINE = resolve('bench/scripts/minimal-request.js');

/** One (bundle, mode) measured at DURATION/2 and at DURATION: the difference is the steady state. */
interface Pair {
  short: RunResult;
  long: RunResult;
}

interface Measured {
  args: Args;
  results: Map<string, { bundle: string; mode: string; runs: Pair[] }>;
}

const seconds = (d: string): number => Number(/^(\d+)s$/.exec(d)?.[1]);

/**
 * Runs every (bundle, mode) variant `runs` times, interleaved, against one platform; each time at
 * half the duration and at the whole, so that start-up, VU init, setup, teardown and the summary
 * (fixed costs, larger for a larger bundle) cancel out of the per-iteration figure.
 */
async function measure(args: Args, log: (line: string) => void): Promise<Measured> {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-iteration-'));
  const platform = await startPlatform(dir);
  const bundles = args.baseline ? [BASELINE, ...args.bundles] : args.bundles;
  const variants = bundles.flatMap((b) => args.modes.map((m) => ({ bundle: b, mode: m, key: m ? `${b} [${m}]` : b })));
  const results: Measured['results'] = new Map(variants.map((v) => [v.key, { bundle: v.bundle, mode: v.mode, runs: [] }]));
  const half = { ...args, duration: `${seconds(args.duration) / 2}s` };
  try {
    for (let r = 0; r < args.runs; r++) {
      for (const { bundle, mode, key } of variants) {
        const name = `${basename(bundle)}${mode ? ` [${mode}]` : ''}`;
        const short = await runMode(half, bundle, mode, platform.ready, dir);
        const long = await runMode(args, bundle, mode, platform.ready, dir);
        for (const res of [short, long]) {
          // No verdict without evidence: a script that completed nothing is an error, not a figure.
          if (res.iterations === 0) throw new Error(`${name} completed no iteration (exit ${res.exitCode}); run it alone with k6-offline to see why`);
        }
        results.get(key)?.runs.push({ short, long });
        const prof = steadyProfile(short.profile, long.profile);
        log(
          `run ${r + 1} ${name}: ${(long.iterations / seconds(args.duration)).toFixed(0)} it/s, ${dropPct(long)} dropped, exit ${long.exitCode}, p95 ${long.p95Ms.toFixed(1)} ms; ` +
            `CPU ${short.cpuS.toFixed(2)} s / ${long.cpuS.toFixed(2)} s for ${short.iterations} / ${long.iterations} iterations: steady ${steadyCpu({ short, long }).toFixed(1)} µs/iteration (whole run ${wholeCpu(long).toFixed(1)}); ` +
            `profile (steady): bundle ${pct(prof.bundleMs, prof.totalMs)}, GC ${pct(prof.gcMs, prof.totalMs)}`,
        );
      }
    }
  } finally {
    platform.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return { args, results };
}

const dropPct = (r: RunResult): string => `${((100 * r.dropped) / Math.max(1, r.iterations + r.dropped)).toFixed(2)} %`;

/** Runner CPU (every thread) per completed iteration, fixed costs included. */
const wholeCpu = (r: RunResult): number => (1e6 * r.cpuS) / r.iterations;

/** CPU per iteration of the steady state: (CPU long - CPU short) / (iterations long - short). */
const steadyCpu = (p: Pair): number => {
  const dIt = p.long.iterations - p.short.iterations;
  return dIt > 0 ? (1e6 * (p.long.cpuS - p.short.cpuS)) / dIt : NaN;
};

/** The long run's self times less the short run's: what the extra iterations cost, by function. */
function steadyProfile(short: ProfileSummary, long: ProfileSummary): ProfileSummary {
  const shortBy = new Map(short.top.map((t) => [t.name, t.ms]));
  const top = long.top.map((t) => ({ ...t, ms: t.ms - (shortBy.get(t.name) ?? 0) })).sort((a, b) => b.ms - a.ms);
  return { totalMs: long.totalMs - short.totalMs, bundleMs: long.bundleMs - short.bundleMs, gcMs: long.gcMs - short.gcMs, idleMs: long.idleMs - short.idleMs, top };
}

/** The median: one noisy run on a shared machine does not decide. */
function median(values: number[]): number {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return NaN;
  const mid = Math.floor(xs.length / 2);
  return xs.length % 2 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/** Rows and ratios: each bundle's steady CPU per iteration over the baseline's, per mode. */
function section(m: Measured): BenchSection {
  const rows: BenchSection['rows'] = [];
  const findings: string[] = [];
  const name = (bundle: string, mode: string): string => `${basename(bundle)}${mode ? ` [${mode}]` : ''}`;
  for (const { bundle, mode, runs } of m.results.values()) {
    const last = runs[runs.length - 1];
    if (!last) continue;
    const base = m.args.baseline ? m.results.get(mode ? `${BASELINE} [${mode}]` : BASELINE) : undefined;
    const cpu = median(runs.map(steadyCpu));
    const whole = median(runs.map((p) => wholeCpu(p.long)));
    const ratio = base && bundle !== BASELINE ? cpu / median(base.runs.map(steadyCpu)) : undefined;
    const wholeRatio = base && bundle !== BASELINE ? whole / median(base.runs.map((p) => wholeCpu(p.long))) : undefined;
    const prof = steadyProfile(last.short.profile, last.long.profile);
    const dIt = last.long.iterations - last.short.iterations;
    rows.push({
      script: name(bundle, mode),
      'steady CPU µs/iteration (median)': cpu.toFixed(1),
      // The spread over the runs: the difference of two runs amplifies a shared machine's noise.
      'steady range': `${Math.min(...runs.map(steadyCpu)).toFixed(0)}–${Math.max(...runs.map(steadyCpu)).toFixed(0)}`,
      'vs baseline': ratio === undefined ? (bundle === BASELINE ? '1.00× (baseline)' : '') : `${ratio.toFixed(2)}×`,
      'whole-run CPU µs/iteration': `${whole.toFixed(1)}${wholeRatio === undefined ? '' : ` (${wholeRatio.toFixed(2)}×)`}`,
      'bundle code (steady)': `${pct(prof.bundleMs, prof.totalMs)} = ${((1000 * prof.bundleMs) / Math.max(1, dIt)).toFixed(1)} µs/it`,
      'GC (steady)': pct(prof.gcMs, prof.totalMs),
      dropped: dropPct(last.long),
      runs: runs.length,
    });
    if (ratio !== undefined) {
      findings.push(`${name(bundle, mode)}: ${ratio.toFixed(2)}× the steady CPU per iteration of the one-request baseline (target ≤ 1.5×): ${ratio <= 1.5 ? 'met' : 'NOT met'} on this run.`);
    }
  }
  for (const { bundle, mode, runs } of m.results.values()) {
    const last = runs[runs.length - 1];
    if (!last) continue;
    const prof = steadyProfile(last.short.profile, last.long.profile);
    const top = prof.top.slice(0, 12).map((t) => `${pct(t.ms, prof.totalMs)} ${t.bundle ? '[bundle] ' : ''}${t.name}`);
    findings.push(`${name(bundle, mode)}, where the steady-state time goes (self time, last run): ${top.join('; ')}.`);
  }
  const a = m.args;
  return {
    title: 'Bundle cost: an iteration of the bundle vs a minimal one-request script, same runner',
    command: `npx tsx bench/bundle-iteration.ts --rate ${a.rate} --duration ${a.duration} --runs ${a.runs} --modes ${a.modes.join(',') || 'w0'} ${a.bundles.map((b) => `--bundle ${relative(process.cwd(), b)}`).join(' ')}`,
    rows,
    findings,
  };
}

/** `npm run bench -- bundle-cost`: the default bundle vs the baseline, one thread, 2,000/s. */
export async function run(): Promise<BenchSection> {
  const args = parseArgs(['--modes', 'w0', '--rate', '2000', '--duration', '20s', '--runs', '3']);
  return section(await measure(args, (line) => console.error(line)));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const m = await measure(args, (line) => console.log(line));
  const s = section(m);
  console.log('');
  for (const f of s.findings) console.log(`- ${f}`);
  console.log(`wrote ${writeReport(resolve('bench/reports/bundle-cost'), 'Bundle cost per iteration', [s])}`);
  if (args.modes.length > 1) return; // profiles cover one thread/process; compare them per mode alone
  for (const { bundle, runs } of m.results.values()) {
    const last = runs[runs.length - 1];
    if (!last) continue;
    const prof = steadyProfile(last.short.profile, last.long.profile);
    console.log(`\n${basename(bundle)}: top ${args.top} by steady-state self time (last run; * = bundle code)`);
    for (const t of prof.top.slice(0, args.top)) console.log(`  ${pct(t.ms, prof.totalMs).padStart(7)}  ${t.bundle ? '*' : ' '} ${t.name}`);
  }
}

if (isDirectRun('bench/bundle-iteration.ts')) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
