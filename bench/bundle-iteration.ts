/**
 * Per-iteration CPU cost of the `tenant_load` exec function, measured on the real bundle through
 * the real offline runner against the reference platform (all on loopback), CHAOS=off.
 *
 *   npx tsx bench/bundle-iteration.ts [--rate 2000] [--duration 15s] [--runs 2] [--top 25]
 *                                     [--bundle dist/tenant-load.js] [--bundle /tmp/other.js ...]
 *                                     [--modes w0,w2,i2]
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
import { basename, join, resolve } from 'node:path';

interface Args {
  modes: string[];
  rate: number;
  duration: string;
  runs: number;
  top: number;
  bundles: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { modes: [''], rate: 2000, duration: '15s', runs: 2, top: 25, bundles: [] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
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
    } else throw new Error(`unknown flag ${flag}; allowed: --rate, --duration, --runs, --top, --bundle, --modes`);
    i++;
  }
  if (a.bundles.length === 0) a.bundles.push(resolve('dist/tenant-load.js'));
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
  const child = spawn('bash', ['-c', script, 'bench', process.execPath, '--cpu-prof', `--cpu-prof-dir=${profDir}`, 'build/k6-offline.js', 'run', '--quiet', ...extraArgs, bundle], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      BASE_URL: ready.api,
      AUTH_URL: ready.authorityViaAgent,
      CHAOS: 'off',
      RATE: String(args.rate),
      DURATION: args.duration,
      SUMMARY_JSON: summary,
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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'bundle-iteration-'));
  const platform = await startPlatform(dir);
  const variants = args.bundles.flatMap((b) => args.modes.map((m) => ({ bundle: b, mode: m, key: m ? `${b} [${m}]` : b })));
  const results = new Map<string, RunResult[]>(variants.map((v) => [v.key, []]));
  try {
    for (let r = 0; r < args.runs; r++) {
      for (const { bundle, mode, key } of variants) {
        const res = await runMode(args, bundle, mode, platform.ready, dir);
        results.get(key)?.push(res);
        const prof = res.profile;
        const seconds = Number(/^(\d+)s$/.exec(args.duration)?.[1] ?? NaN);
        console.log(
          `run ${r + 1} ${basename(bundle)}${mode ? ` [${mode}]` : ''}: ${Number.isFinite(seconds) ? `${(res.iterations / seconds).toFixed(0)} it/s, ` : ''}${((100 * res.dropped) / Math.max(1, res.iterations + res.dropped)).toFixed(2)} % dropped, exit ${res.exitCode}, ${res.iterations} iterations, ${res.dropped} dropped, p95 ${res.p95Ms.toFixed(1)} ms; ` +
            `CPU ${res.cpuS.toFixed(2)} s = ${((1e6 * res.cpuS) / res.iterations).toFixed(1)} µs/iteration; ` +
            `profile: bundle ${pct(prof.bundleMs, prof.totalMs)} (${((1000 * prof.bundleMs) / res.iterations).toFixed(1)} µs/iteration), GC ${pct(prof.gcMs, prof.totalMs)}`,
        );
      }
    }
  } finally {
    platform.stop();
  }
  for (const [bundle, runs] of results) {
    if (args.modes.length > 1) continue; // profiles cover one thread/process; compare them per mode alone
    const last = runs[runs.length - 1];
    if (!last) continue;
    console.log(`\n${basename(bundle)}: top ${args.top} by self time (last run; * = bundle code)`);
    for (const t of last.profile.top.slice(0, args.top)) console.log(`  ${pct(t.ms, last.profile.totalMs).padStart(7)}  ${t.bundle ? '*' : ' '} ${t.name}`);
    console.log(`${basename(bundle)}: bundle functions by self time (last run)`);
    for (const t of last.profile.top.filter((x) => x.bundle).slice(0, 15)) console.log(`  ${pct(t.ms, last.profile.totalMs).padStart(7)}  ${t.name}`);
  }
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
