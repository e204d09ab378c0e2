/**
 * Child processes for `npm start` and the end-to-end tests: start, wait for a ready line, stop.
 * Every process started here is stopped by `stopAll` — also on Ctrl+C and on failure — so a run
 * never leaves a listener behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  exited: Promise<Exit>;
  /** SIGTERM, then SIGKILL after `graceMs`. Resolves when the process is gone. */
  stop(graceMs?: number): Promise<Exit>;
}

export class ProcessError extends Error {
  readonly code = 'ERR_PROCESS';
  constructor(message: string) {
    super(message);
    this.name = 'ProcessError';
  }
}

const running = new Set<ManagedProcess>();

export interface StartProcessOptions {
  env?: Record<string, string>;
  /** `inherit` hands the terminal to the child (live progress); `pipe` lets the caller read it. */
  stdio?: 'inherit' | 'pipe';
  cwd?: string;
}

export function startProcess(name: string, command: string, args: string[], opts: StartProcessOptions = {}): ManagedProcess {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: opts.stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: 127, signal: null }));
  });
  const proc: ManagedProcess = {
    name,
    child,
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      }
      return exited;
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/**
 * Waits for the first stdout line that parses as JSON with `ready: true` (docs/architecture.md#platform) and
 * returns it. Other stdout lines go to `onLine`. Fails with the process's last stderr lines if it
 * exits or stays silent for `timeoutMs`.
 */
export function waitForReadyLine(proc: ManagedProcess, timeoutMs = 30_000, onLine?: (line: string) => void): Promise<Record<string, unknown>> {
  const { child } = proc;
  if (!child.stdout || !child.stderr) throw new ProcessError(`${proc.name}: stdout is not piped`);
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      reject(new ProcessError(`${proc.name} printed no ready line within ${timeoutMs / 1000}s${tail(stderrTail)}`));
    }, timeoutMs);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!ready && line.includes('"ready"')) {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed.ready === true) {
            ready = true;
            clearTimeout(timer);
            resolve(parsed);
            return;
          }
        } catch {
          // not the ready line
        }
      }
      onLine?.(line);
    });
    void proc.exited.then((exit) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new ProcessError(`${proc.name} exited (code ${exit.code}, signal ${exit.signal}) before it was ready${tail(stderrTail)}`));
    });
  });
}

function tail(lines: string[]): string {
  return lines.length ? `:\n  ${lines.slice(-10).join('\n  ')}` : '';
}

/** Stops every process started through this module, in parallel. */
export async function stopAll(graceMs = 5000): Promise<void> {
  await Promise.all([...running].map((p) => p.stop(graceMs)));
}
