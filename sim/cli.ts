/**
 * `tenant-sim` (npm run sim): starts the reference platform in the foreground and prints one JSON
 * ready line on stdout: {"ready":true,"api":…,"authority":…,"authorityViaAgent":…,"agentControl":…}.
 * Audit lines also go to stdout unless --audit-log is set (they never contain "ready":true); log
 * lines go to stderr. SIGINT/SIGTERM close every listener and exit 0. A bad flag prints one line
 * naming the flag and the allowed values and exits 2.
 */
import { ConfigError, parseSimArgs, usage } from './config';
import { startSim } from './index';
import { stderrLogger } from './logger';

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseSimArgs(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tenant-sim: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(usage());
    return;
  }
  const { config } = parsed;
  const logger = stderrLogger(config.quiet);
  // Signal handlers go in before anything listens: a reader may send SIGTERM the moment it sees
  // the ready line, and without a handler the default action would kill the process uncleanly.
  let sim: Awaited<ReturnType<typeof startSim>> | null = null;
  let stopping: string | null = null;
  // On Linux Node writes a stdout *pipe* synchronously, so a reader that stops reading audit lines
  // would block the event loop and with it every request. Switched to non-blocking, writes queue
  // in the stream instead; the audit log drops (and counts) lines once 8 MiB are queued.
  (process.stdout as unknown as { _handle?: { setBlocking?: (blocking: boolean) => void } })._handle?.setBlocking?.(false);
  const flushStdout = (): Promise<void> =>
    new Promise((resolve) => {
      // Give a reader a moment to take what is queued, but never hang on one that stopped.
      const timer = setTimeout(resolve, 2000);
      process.stdout.write('', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = signal;
    if (!sim) return; // still starting: closed as soon as start resolves
    logger.info(`${signal}: closing listeners`);
    sim.close().then(flushStdout).then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`tenant-sim: error while closing: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    sim = await startSim({ ...config, logger, ...(config.auditLog ? {} : { auditSink: process.stdout }) });
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`tenant-sim: ${err.message}\n`);
      process.exit(2);
    }
    const e = err as NodeJS.ErrnoException;
    const detail = e.code === 'EADDRINUSE' ? `address in use (${e.message.replace(/^listen /, '')}); choose another port or 0` : e.message;
    process.stderr.write(`tenant-sim: cannot start: ${detail}\n`);
    process.exit(1);
  }
  if (stopping) {
    const signal: string = stopping;
    stopping = null;
    stop(signal);
    return;
  }
  process.stdout.write(`${JSON.stringify({ ready: true, api: sim.api, authority: sim.authority, authorityViaAgent: sim.authorityViaAgent, agentControl: sim.agentControl })}\n`);
  logger.info(`API ${sim.api}, Authority ${sim.authority} (via fault agent ${sim.authorityViaAgent}), agent control ${sim.agentControl}; ${config.tenants} tenants`);
  for (const d of config.degrade) {
    logger.info(`degraded on purpose (--degrade): ${d.tenant}${d.latencyMs ? ` +${d.latencyMs} ms per answer` : ''}${d.errorRate ? `, ${d.errorRate * 100} % answered 503` : ''}`);
  }
}

void main();
