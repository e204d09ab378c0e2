/**
 * Setup file of `npm run test:unit`: the unit tier is pure — no listening socket, no network
 * connection, no child process (except `git`, to list tracked files). Instead of trusting a list,
 * this makes any such call throw, so a test file that needs more fails in the unit tier with a
 * message saying where it belongs. `npm test` runs without this guard.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function refuse(what: string): never {
  throw new Error(
    `unit tier: ${what} is not allowed in \`npm run test:unit\`; list this test file in INTEGRATION_TESTS in vitest.config.ts`,
  );
}

net.Server.prototype.listen = function listen(): never {
  refuse('listening on a socket');
};
net.Socket.prototype.connect = function connect(): never {
  refuse('opening a network connection');
};

const cp = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  const original = cp[name] as (...args: unknown[]) => unknown;
  cp[name] = function guarded(this: unknown, file: unknown, ...rest: unknown[]): unknown {
    if ((name === 'execFile' || name === 'execFileSync') && file === 'git') return original.call(this, file, ...rest);
    return refuse(`starting a process (${String(file)})`);
  };
}
syncBuiltinESMExports();
