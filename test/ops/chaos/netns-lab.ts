/**
 * A two-namespace network lab for the iptables-mode tests: a JWKS server in one network namespace,
 * the client (where jwks-chaos.sh runs) in another, joined by a veth pair. Everything the lab
 * creates lives inside namespaces it created itself; `destroy()` deletes them (which also deletes
 * the veth pair and every iptables rule inside). The host's own firewall is never touched.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A JWKS server (real RSA key, RFC 7517 document) on 0.0.0.0:<free port>, printing its port. */
const JWKS_SERVER = `
const { createServer } = require('node:http');
const { generateKeyPairSync } = require('node:crypto');
const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'lab-key-1', use: 'sig', alg: 'RS256' };
const server = createServer((req, res) => {
  if (req.url !== '/jwks') { res.writeHead(404).end(); return; }
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=30' });
  res.end(JSON.stringify({ keys: [jwk] }));
});
server.listen(0, '0.0.0.0', () => console.log(JSON.stringify({ port: server.address().port })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export interface Probe {
  /** curl's exit code: 0 answered, 7 refused/reset, 28 timed out. */
  curlExit: number;
  /** HTTP status, '000' when there was no answer. */
  status: string;
}

export class NetnsLab {
  readonly tag = `${process.pid % 100000}${randomInt(100, 999)}`;
  readonly serverNs = `jwkschaos-srv-${this.tag}`;
  readonly clientNs = `jwkschaos-cli-${this.tag}`;
  // Interface names are limited to 15 characters.
  private readonly serverIf = `jcs${this.tag}`.slice(0, 15);
  private readonly clientIf = `jcc${this.tag}`.slice(0, 15);
  private readonly subnet = `10.${randomInt(200, 250)}.${randomInt(1, 254)}`;
  readonly serverIp = `${this.subnet}.1`;
  readonly clientIp = `${this.subnet}.2`;
  port = 0;
  private server: ChildProcess | null = null;
  private created: string[] = [];

  /** Command prefix that runs something in the client namespace. */
  get inClient(): string[] {
    return ['ip', 'netns', 'exec', this.clientNs];
  }

  get jwksTarget(): string {
    return `${this.serverIp}:${this.port}`;
  }

  async create(): Promise<void> {
    for (const ns of [this.serverNs, this.clientNs]) {
      await run('ip', ['netns', 'add', ns]);
      this.created.push(ns);
      await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await run('ip', ['link', 'add', this.serverIf, 'netns', this.serverNs, 'type', 'veth', 'peer', 'name', this.clientIf, 'netns', this.clientNs]);
    await run('ip', ['-n', this.serverNs, 'addr', 'add', `${this.serverIp}/24`, 'dev', this.serverIf]);
    await run('ip', ['-n', this.clientNs, 'addr', 'add', `${this.clientIp}/24`, 'dev', this.clientIf]);
    await run('ip', ['-n', this.serverNs, 'link', 'set', this.serverIf, 'up']);
    await run('ip', ['-n', this.clientNs, 'link', 'set', this.clientIf, 'up']);
    this.server = spawn('ip', ['netns', 'exec', this.serverNs, process.execPath, '-e', JWKS_SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    this.port = await new Promise<number>((resolve, reject) => {
      let out = '';
      this.server?.stdout?.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve((JSON.parse(line) as { port: number }).port);
      });
      this.server?.on('exit', (code) => reject(new Error(`JWKS server exited ${code}`)));
    });
  }

  /** One request from the client namespace to the JWKS; `timeoutS` bounds a dropped attempt. */
  async probe(timeoutS = 1): Promise<Probe> {
    try {
      const { stdout } = await run('ip', ['netns', 'exec', this.clientNs, 'curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--connect-timeout', String(timeoutS), '-m', String(timeoutS + 1), `http://${this.jwksTarget}/jwks`]);
      return { curlExit: 0, status: stdout.trim() };
    } catch (err) {
      const e = err as { code?: number; stdout?: string };
      return { curlExit: typeof e.code === 'number' ? e.code : -1, status: (e.stdout ?? '').trim() || '000' };
    }
  }

  async reachable(): Promise<boolean> {
    const p = await this.probe();
    return p.curlExit === 0 && p.status === '200';
  }

  /** The client namespace's rules, as `<tool>-save` prints them, for leftover checks. */
  async clientRules(tool = 'iptables'): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', this.clientNs, `${tool}-save`]);
    return stdout;
  }

  /** Deletes everything the lab made; safe to call twice and after a failed create(). */
  async destroy(): Promise<void> {
    if (this.server && this.server.exitCode === null) {
      const exited = new Promise((r) => this.server?.once('exit', r));
      this.server.kill('SIGKILL');
      await exited;
    }
    this.server = null;
    for (const ns of this.created.splice(0).reverse()) {
      await run('ip', ['netns', 'del', ns]).catch(() => undefined);
    }
  }
}

/** The host's own firewall, read-only, to prove the tests never changed it. */
export async function hostFirewall(): Promise<string> {
  const read = async (tool: string): Promise<string> => {
    try {
      const { stdout } = await run(tool, []);
      return stdout.replace(/^#.*$/gm, ''); // drop the "Generated by ... on <date>" comments
    } catch (err) {
      return `${tool} failed: ${(err as Error).message}`;
    }
  };
  return [await read('iptables-save'), await read('ip6tables-save'), await read('iptables-legacy-save')].join('\n---\n');
}
