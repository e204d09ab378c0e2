/**
 * One whole run on one machine: start the reference platform on loopback, run the bundle through
 * the offline runner (or k6), read the platform's evidence, stop everything. `npm start` and the
 * end-to-end tests both go through here, so what CI proves is what a newcomer sees.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collectEvidence, type PlatformEvidence } from './evidence';
import type { StartOptions } from './options';
import { bundleEnv, bundleFor, runnerEnv, simArgs, simEnv, type PlatformEndpoints, type RunSecrets } from './plan';
import { startProcess, stopAll, waitForReadyLine, type ManagedProcess } from './processes';

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
  exitCode: number;
  engine: 'offline' | 'k6';
  urls: PlatformEndpoints;
  summaryJson: string;
  junitXml: string;
  evidence?: PlatformEvidence;
  /** The runner's stdout and stderr when `stdio` is `pipe`. */
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
  const files = { summaryJson: join(outDir, 'summary.json'), junitXml: join(outDir, 'junit.xml') };
  // The platform appends to its audit log (what a collector tails); a run's evidence must not mix
  // with an earlier run's, so every run starts its files anew.
  for (const f of [files.summaryJson, files.junitXml, join(outDir, 'audit.log')]) rmSync(f, { force: true });

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

    const env = { ...bundleEnv(opts, urls, secrets, files), ...(overrides.env ?? {}) };
    const script = join(REPO_ROOT, bundleFor(engine));
    const quiet = opts.quiet ? ['--quiet'] : [];
    const runner =
      engine === 'offline'
        ? startProcess('k6-offline', process.execPath, [...RUNNER_NODE_FLAGS, join(REPO_ROOT, 'build/k6-offline.js'), 'run', ...quiet, script], {
            env: { ...env, ...runnerEnv(urls, secrets) },
            stdio: overrides.stdio ?? 'inherit',
            cwd: REPO_ROOT,
          })
        : startProcess('k6', 'k6', ['run', ...quiet, script], { env, stdio: overrides.stdio ?? 'inherit', cwd: REPO_ROOT });

    if (runner.child.pid) overrides.onProcess?.(runner.name, runner.child.pid);
    const chunks: string[] = [];
    runner.child.stdout?.on('data', (b: Buffer) => chunks.push(b.toString()));
    runner.child.stderr?.on('data', (b: Buffer) => chunks.push(b.toString()));
    const startedAt = new Date(Date.now() - 1000);
    const exit = await runner.exited;
    const exitCode = exit.code ?? (exit.signal === 'SIGINT' ? 105 : 1);

    let evidence: PlatformEvidence | undefined;
    if (platform) evidence = await collectEvidence(urls.api, secrets.adminToken, startedAt).catch(() => undefined);

    const proc = platform;
    return {
      exitCode,
      engine,
      urls,
      ...files,
      evidence,
      output: chunks.join(''),
      stop: async () => {
        await proc?.stop();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
