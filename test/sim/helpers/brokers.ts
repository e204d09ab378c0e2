/**
 * Real brokers for the timeline tests and the bench: Debian's redis-server and nats-server
 * (JetStream on, file storage), on a free loopback port in a temporary directory, stoppable and
 * restartable on the same port with the same data (what a broker restart in production keeps).
 * scripts/ensure-tools.sh installs both.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Broker {
  kind: 'redis' | 'nats';
  url: string;
  port: number;
  /** Stops the server gracefully (SIGTERM) and waits for the process to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
  /** The server's process id while it runs (benchmarks read its CPU time). */
  pid(): number | undefined;
}

function binary(name: string): string {
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin']) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${name} not found: run scripts/ensure-tools.sh (Debian package ${name})`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = createConnection({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`server did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

async function startBroker(kind: 'redis' | 'nats'): Promise<Broker> {
  const dir = mkdtempSync(join(tmpdir(), `tlc-${kind}-`));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let stderr = '';
  const args =
    kind === 'redis'
      ? // AOF so a graceful restart keeps the stream and the consumer group; no RDB snapshots.
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--protected-mode', 'yes', '--loglevel', 'warning']
      : ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir];
  const broker: Broker = {
    kind,
    port,
    url: `${kind}://127.0.0.1:${port}`,
    async start() {
      if (child && child.exitCode === null) return;
      const c = spawn(binary(kind === 'redis' ? 'redis-server' : 'nats-server'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
      c.stderr?.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-4000);
      });
      child = c;
      try {
        await waitForPort(port, c, 10_000);
      } catch (err) {
        c.kill('SIGKILL');
        throw new Error(`${kind} on port ${port}: ${(err as Error).message}\n${stderr}`);
      }
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
        c.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        c.kill('SIGTERM');
      });
    },
    pid: () => (child && child.exitCode === null ? child.pid : undefined),
    async destroy() {
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}

export const startRedis = (): Promise<Broker> => startBroker('redis');
export const startNats = (): Promise<Broker> => startBroker('nats');
