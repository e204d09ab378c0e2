/**
 * Builds the real CLI once per test file (runner/cli.ts → build/conformance/<suite>/k6-offline.js, the esbuild options
 * of the project's own build) and runs it as a child process, the way users and CI run it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

export const ROOT = resolve(import.meta.dirname, '../../..');
/** Per test file (vitest isolates modules per file), so parallel files never rebuild each other's CLI. */
let CLI = join(ROOT, 'build/conformance/default/k6-offline.js');
export const SCRIPTS = join(import.meta.dirname, 'scripts');

export function cliPath(): string {
  return CLI;
}

export async function buildCli(suite = 'default'): Promise<void> {
  CLI = join(ROOT, 'build/conformance', suite, 'k6-offline.js');
  await esbuild.build({
    entryPoints: [join(ROOT, 'runner/cli.ts')],
    outfile: CLI,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The parsed `--summary-export` file. */
  exported: LegacyExport | undefined;
  dir: string;
}

export interface LegacyExport {
  metrics: Record<string, Record<string, number | Record<string, boolean>>>;
  root_group: { checks: Record<string, { passes: number; fails: number }>; groups: Record<string, unknown> };
}

export function runCli(script: string, args: string[] = [], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliResult> {
  const dir = mkdtempSync(join(tmpdir(), 'k6-offline-conf-'));
  const exportFile = join(dir, 'export.json');
  const argv = [CLI, 'run', '--quiet', '--summary-export', exportFile, ...args, join(SCRIPTS, script)];
  return new Promise((resolvePromise, reject) => {
    // K6_OFFLINE_WORKERS from the test process runs the suite in another engine mode
    // (e.g. `K6_OFFLINE_WORKERS=0 npx vitest run test/runner/conformance`); a case's own env wins.
    const mode = process.env.K6_OFFLINE_WORKERS === undefined ? {} : { K6_OFFLINE_WORKERS: process.env.K6_OFFLINE_WORKERS };
    const child = spawn(process.execPath, argv, { cwd: dir, env: { PATH: process.env.PATH ?? '', ...mode, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const exported = existsSync(exportFile) ? (JSON.parse(readFileSync(exportFile, 'utf8')) as LegacyExport) : undefined;
      resolvePromise({ code: code ?? -1, stdout, stderr, exported, dir });
    });
  });
}
