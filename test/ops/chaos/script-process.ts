/**
 * Runs ops/chaos/jwks-chaos.sh as a real process for the chaos tests: collects its output, waits
 * for a line, sends signals, and waits for the exit. Test helper, no assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCRIPT = join(REPO_ROOT, 'ops/chaos/jwks-chaos.sh');

export interface ScriptRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout line matching `re`; rejects after `timeoutMs` or on exit. */
  line(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (128 + n for a signal death that the script did not trap). */
  exit(timeoutMs?: number): Promise<number>;
}

/**
 * Starts the script. `prefix` runs it under another command (e.g. `ip netns exec NS`); `ip netns
 * exec` execs into bash, so the child's pid is the script's own and signals reach its traps.
 */
export function startScript(args: string[], options: { env?: NodeJS.ProcessEnv; prefix?: string[] } = {}): ScriptRun {
  const prefix = options.prefix ?? [];
  const argv = [...prefix, 'bash', SCRIPT, ...args];
  const child = spawn(argv[0] as string, argv.slice(1), {
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    for (const w of [...waiters]) {
      const hit = out.split('\n').find((l) => w.re.test(l));
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exited = new Promise<number>((res) => {
    child.on('exit', (code, signal) => res(code ?? 128 + (signal ? osSignal(signal) : 0)));
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    line(re, timeoutMs = 15_000) {
      const hit = out.split('\n').find((l) => re.test(l));
      if (hit !== undefined) return Promise.resolve(hit);
      return new Promise<string>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no line matching ${re} within ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        waiters.push({ re, resolve: (l) => (clearTimeout(timer), res(l)) });
        void exited.then((code) => {
          clearTimeout(timer);
          rej(new Error(`script exited ${code} before a line matching ${re}\nstdout:\n${out}\nstderr:\n${err}`));
        });
      });
    },
    exit(timeoutMs = 30_000) {
      return new Promise<number>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`script still running after ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        void exited.then((code) => {
          clearTimeout(timer);
          res(code);
        });
      });
    },
  };
}

function osSignal(name: NodeJS.Signals): number {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[name as 'SIGHUP'] ?? 0;
}

/** Polls `probe` until it returns true or `timeoutMs` passes; returns the last result. */
export async function eventually(probe: () => Promise<boolean> | boolean, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
