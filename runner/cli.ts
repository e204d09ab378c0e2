/**
 * `k6-offline` entry point (built to build/k6-offline.js). Parses the command line, runs the
 * test, and is the one place where errors become an exit code and a message without a stack
 * trace (docs/architecture.md#conventions).
 */
import { EXIT_CODES } from './constants';
import { RunnerError } from './errors';
import { runTest } from './engine/run-test';
import { parseArgs, USAGE } from './options/cli-args';
import { OFFLINE_VERSION } from './options/consolidate';
import { redact } from './progress/logger';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { workerMain, type WorkerInit } from './engine/worker';
import { realThreadIo } from './engine/thread-priority';

export async function main(argv: readonly string[]): Promise<number> {
  // Script promises rejected after the run has finished (e.g. requests of an interrupted
  // iteration) must not turn into a crash with exit code 1; during the run they are logged.
  process.on('unhandledRejection', () => undefined);
  try {
    const cmd = parseArgs(argv);
    if (cmd.kind === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (cmd.kind === 'version') {
      process.stdout.write(`k6-offline v${OFFLINE_VERSION} (k6-compatible offline runner; k6 API subset of v1.x/v2.x; node ${process.version})\n`);
      return 0;
    }
    const result = await runTest(
      cmd.script,
      cmd.flags,
      {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        isStdOutTTY: Boolean(process.stdout.isTTY),
        isStdErrTTY: Boolean(process.stderr.isTTY),
        env: process.env,
        cwd: process.cwd(),
        // Worker threads start this same file (the bundle, or runner/cli.ts under tsx).
        workerEntry: new URL(import.meta.url),
        threads: realThreadIo,
      },
      (onSignal) => {
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        return () => {
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
        };
      },
    );
    return result.exitCode;
  } catch (err) {
    const e = err as { exitCode?: unknown; message?: unknown };
    if (err instanceof RunnerError || typeof e.exitCode === 'number') {
      if ((err as { reported?: unknown }).reported === true) return e.exitCode as number;
      process.stderr.write(`ERRO[0000] ${redact(String(e.message))}\n`);
      return e.exitCode as number;
    }
    process.stderr.write(`ERRO[0000] unexpected error: ${redact(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`);
    return EXIT_CODES.UNKNOWN;
  }
}

const asWorker = !isMainThread && (workerData as Partial<WorkerInit> | null)?.k6OfflineWorker === true;
if (asWorker) void workerMain(workerData as WorkerInit, parentPort!);

const invokedDirectly = isMainThread && process.argv[1] !== undefined && /k6-offline(\.m?js)?$|runner\/cli\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  void main(process.argv.slice(2)).then((code) => {
    // Let stdout drain before exiting.
    process.stdout.write('', () => process.exit(code));
  });
}
