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

/** A JWKS server (real RSA key, RFC 7517 document) on [::]:<free port> (IPv4 too), printing its port. */
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
server.listen({ port: 0, host: '::', ipv6Only: false }, () => console.log(JSON.stringify({ port: server.address().port })));
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
  /** Only with `routed`: the namespace between client and server, forwarding IPv4. */
  readonly routerNs = `jwkschaos-rtr-${this.tag}`;
  // Interface names are limited to 15 characters.
  private readonly serverIf = `jcs${this.tag}`.slice(0, 15);
  private readonly clientIf = `jcc${this.tag}`.slice(0, 15);
  private readonly routerServerIf = `jrs${this.tag}`.slice(0, 15);
  private readonly routerClientIf = `jrc${this.tag}`.slice(0, 15);
  private readonly net = `10.${randomInt(200, 250)}`;
  private readonly third = randomInt(1, 120);
  readonly serverIp: string;
  readonly clientIp: string;
  /** IPv6 addresses of the direct (non-routed) lab, a ULA prefix private to the namespaces. */
  readonly serverIp6 = `fd00:77:${randomInt(1, 0xffff).toString(16)}::1`;
  readonly clientIp6 = this.serverIp6.replace(/::1$/, '::2');
  port = 0;
  private server: ChildProcess | null = null;
  private created: string[] = [];

  /**
   * `routed: false` (default): client and server joined by one veth pair, one subnet.
   * `routed: true`: client - router - server, two subnets, the router forwarding between them
   * (for the FORWARD chain).
   */
  constructor(readonly options: { routed?: boolean } = {}) {
    this.serverIp = `${this.net}.${this.third}.1`;
    this.clientIp = options.routed ? `${this.net}.${this.third + 1}.1` : `${this.net}.${this.third}.2`;
  }

  /** Command prefix that runs something in the client namespace. */
  get inClient(): string[] {
    return ['ip', 'netns', 'exec', this.clientNs];
  }

  /** Command prefix that runs something in the router namespace (routed labs only). */
  get inRouter(): string[] {
    return ['ip', 'netns', 'exec', this.routerNs];
  }

  get jwksTarget(): string {
    return `${this.serverIp}:${this.port}`;
  }

  private async addNs(ns: string): Promise<void> {
    await run('ip', ['netns', 'add', ns]);
    this.created.push(ns);
    await run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }

  private async link(a: [ns: string, ifname: string, cidr: string], b: [ns: string, ifname: string, cidr: string]): Promise<void> {
    await run('ip', ['link', 'add', a[1], 'netns', a[0], 'type', 'veth', 'peer', 'name', b[1], 'netns', b[0]]);
    for (const [ns, ifname, cidr] of [a, b]) {
      await run('ip', ['-n', ns, 'addr', 'add', cidr, 'dev', ifname]);
      await run('ip', ['-n', ns, 'link', 'set', ifname, 'up']);
    }
  }

  async create(): Promise<void> {
    await this.addNs(this.serverNs);
    await this.addNs(this.clientNs);
    if (this.options.routed) {
      await this.addNs(this.routerNs);
      const sNet = `${this.net}.${this.third}`;
      const cNet = `${this.net}.${this.third + 1}`;
      await this.link([this.serverNs, this.serverIf, `${sNet}.1/24`], [this.routerNs, this.routerServerIf, `${sNet}.2/24`]);
      await this.link([this.clientNs, this.clientIf, `${cNet}.1/24`], [this.routerNs, this.routerClientIf, `${cNet}.2/24`]);
      await run('ip', ['-n', this.serverNs, 'route', 'add', 'default', 'via', `${sNet}.2`]);
      await run('ip', ['-n', this.clientNs, 'route', 'add', 'default', 'via', `${cNet}.2`]);
      // ip_forward is per network namespace: this touches the router namespace only.
      await run('ip', ['netns', 'exec', this.routerNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    } else {
      await this.link([this.serverNs, this.serverIf, `${this.serverIp}/24`], [this.clientNs, this.clientIf, `${this.clientIp}/24`]);
      // nodad: usable at once, without waiting for duplicate address detection.
      await run('ip', ['-n', this.serverNs, '-6', 'addr', 'add', `${this.serverIp6}/64`, 'dev', this.serverIf, 'nodad']);
      await run('ip', ['-n', this.clientNs, '-6', 'addr', 'add', `${this.clientIp6}/64`, 'dev', this.clientIf, 'nodad']);
    }
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
  async probe(timeoutS = 1, family: 4 | 6 = 4): Promise<Probe> {
    const url = family === 6 ? `http://[${this.serverIp6}]:${this.port}/jwks` : `http://${this.jwksTarget}/jwks`;
    try {
      const { stdout } = await run('ip', ['netns', 'exec', this.clientNs, 'curl', '-g', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '--connect-timeout', String(timeoutS), '-m', String(timeoutS + 1), url]);
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

  /** A namespace's rules (the client's by default), as `<tool>-save` prints them. */
  async clientRules(tool = 'iptables', ns = this.clientNs): Promise<string> {
    const { stdout } = await run('ip', ['netns', 'exec', ns, `${tool}-save`]);
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
