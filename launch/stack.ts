/**
 * One whole run on one machine: start the reference platform on loopback, run the bundle through
 * the offline runner (or k6), read the platform's evidence, stop everything. `npm start` and the
 * end-to-end tests both go through here, so what CI proves is what a newcomer sees.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { collectEvidence, type PlatformEvidence } from './evidence';
import type { StartOptions } from './options';
import { MAX_INSTANCES, instanceHeader, instancePrefix, outputArgs, planInstances, remoteWriteEnv, resolveInstances, runExitCode, segmentEnv, type InstancePlan } from './instances';
import { bundleEnv, bundleFor, runnerEnv, simArgs, simEnv, type PlatformEndpoints, type RunSecrets } from './plan';
import { startProcess, stopAll, waitForReadyLine, type Exit, type ManagedProcess } from './processes';

/** The repository root, both from launch/*.ts (tests) and from build/start.js (npm start). */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * V8 flags for the runner: a larger young generation, since every request allocates short-lived
 * objects (responses, promises, samples) and the default 16 MiB semi-space makes scavenges run
 * hundreds of times a second at 5,000 requests/s (measured: fewer dropped iterations at 5k/s).
 */
export const RUNNER_NODE_FLAGS = ['--max-semi-space-size=32'];

export interface StackOverrides {
  /** Extra `tenant-sim` flags after the planned ones (later flags win). */
  simArgs?: string[];
  /** Extra bundle environment after the planned one. */
  env?: Record<string, string>;
  /** Do not start the platform; point the bundle at these URLs instead (e.g. a dead port). */
  platform?: PlatformEndpoints;
  /** `inherit`: the runner's summary and progress go to this terminal. */
  stdio?: 'inherit' | 'pipe';
  secrets?: RunSecrets;
  /** Called with each process started (benchmarks sample its CPU and memory). */
  onProcess?: (name: string, pid: number) => void;
}

export interface StackResult {
  /** The run's exit code: 0 when every instance exited 0, else the first non-zero in instance order. */
  exitCode: number;
  /** Each runner instance's exit code, instance 1 first. */
  exitCodes: number[];
  engine: 'offline' | 'k6';
  urls: PlatformEndpoints;
  /** Instance 1's summary.json / junit.xml (the only ones for a single instance). */
  summaryJson: string;
  junitXml: string;
  /** Every instance's summary.json path, instance 1 first. */
  summaries: string[];
  /** Every instance's junit.xml path, instance 1 first. */
  junits: string[];
  /** k6's JSON output of each instance (results.json.gz / results-<i>.json.gz). */
  results: string[];
  /** The `testid` tag of the remote-write series (`--prometheus`). */
  testid: string;
  evidence?: PlatformEvidence;
  /**
   * The runners' stdout and stderr as captured (always for several instances, each under its
   * header line; for one instance only when `stdio` is `pipe`).
   */
  output: string;
  /** The platform (still running until `stop`) for further queries by tests. */
  stop(): Promise<void>;
}

/** Whether a working `k6` binary is on PATH. */
export function k6Available(): boolean {
  const r = spawnSync('k6', ['version'], { stdio: 'ignore', timeout: 5000 });
  return r.status === 0;
}

export function newSecrets(): RunSecrets {
  return { adminToken: randomBytes(18).toString('base64url'), clientSecret: randomBytes(18).toString('base64url') };
}

export async function runStack(opts: StartOptions, overrides: StackOverrides = {}): Promise<StackResult> {
  const engine: 'offline' | 'k6' = opts.engine === 'auto' ? (k6Available() ? 'k6' : 'offline') : opts.engine;
  const secrets = overrides.secrets ?? newSecrets();
  const outDir = resolve(REPO_ROOT, opts.outDir);
  mkdirSync(outDir, { recursive: true });
  const plans = planInstances(resolveInstances(opts.instances, engine, opts.rate), outDir);
  // The platform appends to its audit log (what a collector tails); a run's evidence must not mix
  // with an earlier run's, so every run starts its files anew — the single- and multi-instance
  // names alike, so no summary of an earlier run with another instance count is left to mislead.
  for (const f of [...planInstances(1, outDir), ...planInstances(MAX_INSTANCES, outDir)].flatMap((p) => [p.summaryJson, p.junitXml, p.resultsJson])) rmSync(f, { force: true });
  rmSync(join(outDir, 'audit.log'), { force: true });

  let platform: ManagedProcess | undefined;
  let urls: PlatformEndpoints;
  try {
    if (overrides.platform) {
      urls = overrides.platform;
    } else {
      platform = startProcess(
        'tenant-sim',
        process.execPath,
        [join(REPO_ROOT, 'build/tenant-sim.js'), ...simArgs(opts, join(outDir, 'audit.log')), ...(overrides.simArgs ?? [])],
        { env: simEnv(secrets), stdio: 'pipe', cwd: REPO_ROOT },
      );
      if (platform.child.pid) overrides.onProcess?.('tenant-sim', platform.child.pid);
      const ready = await waitForReadyLine(platform, 30_000);
      urls = {
        api: String(ready.api),
        authority: String(ready.authority),
        authorityViaAgent: String(ready.authorityViaAgent),
        agentControl: String(ready.agentControl),
      };
    }

    const script = join(REPO_ROOT, bundleFor(engine, opts.chaosFault));
    const quiet = opts.quiet ? ['--quiet'] : [];
    const stdio = overrides.stdio ?? 'inherit';
    const startedAt = new Date(Date.now() - 1000);
    const testid = `npm-start-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
    const runs = plans.map((plan) => startInstance(plan, { engine, script, quiet, stdio, opts, urls, secrets, overrides, testid }));
    const exits = await Promise.all(runs.map((r) => r.exited));
    const exitCodes = exits.map((exit) => exit.code ?? (exit.signal === 'SIGINT' ? 105 : 1));
    // Several instances: their summaries would interleave, so each one's stdout is held back and
    // printed whole, one after another, once all have exited.
    if (plans.length > 1 && stdio === 'inherit') {
      for (const r of runs) process.stdout.write(`\n${instanceHeader(r.plan)}\n${r.stdout.join('')}`);
    }
    const exitCode = runExitCode(exitCodes);

    let evidence: PlatformEvidence | undefined;
    if (platform) evidence = await collectEvidence(urls.api, secrets.adminToken, startedAt).catch(() => undefined);

    const proc = platform;
    const first = plans[0] as InstancePlan;
    return {
      exitCode,
      exitCodes,
      engine,
      urls,
      summaryJson: first.summaryJson,
      junitXml: first.junitXml,
      summaries: plans.map((p) => p.summaryJson),
      junits: plans.map((p) => p.junitXml),
      results: plans.map((p) => p.resultsJson),
      testid,
      evidence,
      output: runs.map((r) => (plans.length > 1 ? `${instanceHeader(r.plan)}\n${r.output.join('')}` : r.output.join(''))).join('\n'),
      stop: async () => {
        await proc?.stop();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

interface InstanceRun {
  plan: InstancePlan;
  exited: Promise<Exit>;
  /** Held-back stdout (several instances) — the summary, printed whole after all have exited. */
  stdout: string[];
  /** stdout and stderr as captured, for `StackResult.output`. */
  output: string[];
}

interface InstanceContext {
  engine: 'offline' | 'k6';
  script: string;
  quiet: string[];
  stdio: 'inherit' | 'pipe';
  opts: StartOptions;
  urls: PlatformEndpoints;
  secrets: RunSecrets;
  overrides: StackOverrides;
  /** The `testid` tag of this run's remote-write series. */
  testid: string;
}

/**
 * Starts one runner instance. A single instance keeps the terminal (`inherit`) as before; with
 * several, stdout is captured and stderr (live progress; the child sees no TTY, so it writes whole
 * lines) is passed through line by line with an `[i/N] ` prefix.
 */
function startInstance(plan: InstancePlan, c: InstanceContext): InstanceRun {
  const env = { ...bundleEnv(c.opts, c.urls, c.secrets, plan), ...segmentEnv(plan), ...remoteWriteEnv(c.opts.prometheus), ...(c.overrides.env ?? {}) };
  const args = ['run', ...c.quiet, ...outputArgs(plan, c.opts.prometheus, c.testid), c.script];
  const several = plan.count > 1;
  const stdio = several ? 'pipe' : c.stdio;
  const name = several ? `${c.engine === 'offline' ? 'k6-offline' : 'k6'}#${plan.index}` : c.engine === 'offline' ? 'k6-offline' : 'k6';
  const runner =
    c.engine === 'offline'
      ? startProcess(name, process.execPath, [...RUNNER_NODE_FLAGS, join(REPO_ROOT, 'build/k6-offline.js'), ...args], {
          env: { ...env, ...runnerEnv(c.urls, c.secrets) },
          stdio,
          cwd: REPO_ROOT,
        })
      : startProcess(name, 'k6', args, { env, stdio, cwd: REPO_ROOT });
  if (runner.child.pid) c.overrides.onProcess?.(runner.name, runner.child.pid);

  const run: InstanceRun = { plan, exited: runner.exited, stdout: [], output: [] };
  runner.child.stdout?.on('data', (b: Buffer) => {
    const text = b.toString();
    run.output.push(text);
    if (several) run.stdout.push(text);
  });
  if (runner.child.stderr) {
    if (several) {
      const prefix = instancePrefix(plan);
      const stderrDone = new Promise<void>((done) => {
        createInterface({ input: runner.child.stderr as NodeJS.ReadableStream })
          .on('line', (line) => {
            run.output.push(`${prefix}${line}\n`);
            if (c.stdio === 'inherit') process.stderr.write(`${prefix}${line}\n`);
          })
          .on('close', done);
      });
      // The exit is reported once the last progress line is out, so nothing trails the summaries.
      run.exited = Promise.all([runner.exited, stderrDone]).then(([exit]) => exit);
    } else {
      runner.child.stderr.on('data', (b: Buffer) => run.output.push(b.toString()));
    }
  }
  return run;
}
