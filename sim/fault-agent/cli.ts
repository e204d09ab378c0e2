/**
 * `fault-agent`: xk6-disruptor's HTTP fault model as a reverse proxy in front of any HTTP upstream.
 *
 *   fault-agent --upstream http://127.0.0.1:8080 [--host 127.0.0.1] [--port 8441]
 *               [--control-port 8442] [--admin-token T] [--quiet]
 *
 * Env: FAULT_AGENT_UPSTREAM, FAULT_AGENT_HOST, FAULT_AGENT_PORT, FAULT_AGENT_CONTROL_PORT,
 * FAULT_AGENT_ADMIN_TOKEN (flags win). Prints {"ready":true,"proxy":…,"control":…} on stdout.
 * Refuses a non-loopback host with the local default admin token. Bad flag → exit 2.
 */
import { isLoopbackHost, LOCAL_ADMIN_TOKEN } from '../config';
import { stderrLogger } from '../logger';
import { startFaultAgent } from './agent';

const FLAGS = ['upstream', 'host', 'port', 'control-port', 'admin-token', 'quiet'] as const;
type Flag = (typeof FLAGS)[number];

const USAGE = `Usage: fault-agent --upstream URL [--host 127.0.0.1] [--port 8441] [--control-port 8442] [--admin-token TOKEN] [--quiet]
Env: FAULT_AGENT_UPSTREAM, FAULT_AGENT_HOST, FAULT_AGENT_PORT, FAULT_AGENT_CONTROL_PORT, FAULT_AGENT_ADMIN_TOKEN, FAULT_AGENT_QUIET
`;

function fail(message: string): never {
  process.stderr.write(`fault-agent: ${message}\n`);
  process.exit(2);
}

function parse(argv: string[], env: NodeJS.ProcessEnv): Record<Flag, string | undefined> {
  const out = {} as Record<Flag, string | undefined>;
  for (const f of FLAGS) out[f] = env[`FAULT_AGENT_${f.toUpperCase().replace(/-/g, '_')}`] || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    const eq = arg.indexOf('=');
    const name = (eq === -1 ? arg.slice(2) : arg.slice(2, eq)) as Flag;
    if (!arg.startsWith('--') || !FLAGS.includes(name)) fail(`unknown argument '${arg}'; allowed flags: ${FLAGS.map((f) => `--${f}`).join(', ')}`);
    if (name === 'quiet') out.quiet = 'true';
    else if (eq !== -1) out[name] = arg.slice(eq + 1);
    else {
      const v = argv[++i];
      if (v === undefined) fail(`flag --${name} needs a value`);
      out[name] = v;
    }
  }
  return out;
}

function port(flag: string, raw: string | undefined, def: number): number {
  if (raw === undefined) return def;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) fail(`invalid value '${raw}' for --${flag}: expected a port number 0-65535 (0 = any free port)`);
  return Number(raw);
}

async function main(): Promise<void> {
  const f = parse(process.argv.slice(2), process.env);
  if (!f.upstream) fail('--upstream is required: the base URL of the service to put faults in front of, e.g. http://127.0.0.1:8080');
  let upstream: URL;
  try {
    upstream = new URL(f.upstream);
    if (upstream.protocol !== 'http:') throw new Error('scheme');
  } catch {
    fail(`invalid value '${f.upstream}' for --upstream: expected an http:// URL such as http://127.0.0.1:8080`);
  }
  const host = f.host ?? '127.0.0.1';
  const adminToken = f['admin-token'] ?? LOCAL_ADMIN_TOKEN;
  if (!isLoopbackHost(host) && adminToken === LOCAL_ADMIN_TOKEN) {
    fail(`refusing to listen on non-loopback --host '${host}' with the local default --admin-token; set your own token`);
  }
  const logger = stderrLogger(f.quiet === 'true' || f.quiet === '1');
  // Handlers before listening (see sim/cli.ts): a signal during start-up closes once started.
  let agent: Awaited<ReturnType<typeof startFaultAgent>> | null = null;
  let stopRequested = false;
  const stop = (): void => {
    stopRequested = true;
    if (agent) agent.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  agent = await startFaultAgent({
    upstream: upstream.origin,
    host,
    proxyPort: port('port', f.port, 8441),
    controlPort: port('control-port', f['control-port'], 8442),
    adminToken,
    logger,
  }).catch((err: NodeJS.ErrnoException) => {
    process.stderr.write(`fault-agent: cannot start: ${err.code === 'EADDRINUSE' ? `address in use (${err.message})` : err.message}\n`);
    process.exit(1);
  });
  if (stopRequested) return stop();
  process.stdout.write(`${JSON.stringify({ ready: true, proxy: agent.proxy, control: agent.control, upstream: upstream.origin })}\n`);
}

void main();
