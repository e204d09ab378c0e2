/**
 * The reference platform as a real process (`node build/tenant-sim.js`), started on free loopback
 * ports; its JSON ready line (docs/architecture.md#platform) gives the URLs. Local-default secrets only (loopback).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PlatformUrls {
  api: string;
  authority: string;
  authorityViaAgent: string;
  agentControl: string;
}

export interface LivePlatform extends PlatformUrls {
  stop(): Promise<void>;
  log(): string;
}

export const LOCAL_ADMIN_TOKEN = 'local-admin-token';
export const LOCAL_CLIENT_SECRET = 'local-dev-secret';

/** Fails with the command to run when a build output the live tests need is missing. */
export function requireBuilt(root: string, files: readonly string[]): void {
  const missing = files.filter((f) => !existsSync(join(root, f)));
  if (missing.length > 0) throw new Error(`missing build output ${missing.join(', ')}: run npm run build (npm test does it first)`);
}

export async function startPlatform(root: string, flags: readonly string[]): Promise<LivePlatform> {
  requireBuilt(root, ['build/tenant-sim.js']);
  const child: ChildProcess = spawn(
    process.execPath,
    [join(root, 'build/tenant-sim.js'), '--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet', ...flags],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: root },
  );
  let out = '';
  let err = '';
  child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<PlatformUrls>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tenant-sim printed no ready line within 15 s; stderr:\n${err}`)), 15_000);
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString();
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      try {
        const line = JSON.parse(out.slice(0, nl)) as PlatformUrls & { ready?: boolean };
        if (line.ready !== true) throw new Error('ready is not true');
        resolve({ api: line.api, authority: line.authority, authorityViaAgent: line.authorityViaAgent, agentControl: line.agentControl });
      } catch (e) {
        reject(new Error(`tenant-sim's first stdout line is not its ready line (${(e as Error).message}): ${out.slice(0, nl)}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`tenant-sim exited with ${code} before it was ready; stderr:\n${err}`)));
  });
  return {
    ...ready,
    log: () => err,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
