/**
 * jwks-chaos.sh iptables mode, for real, inside network namespaces this test creates: a JWKS
 * server in one namespace, the script and a curl client in the other. The JWKS must be unreachable
 * from the client during the fault and reachable after — after the duration, after the script is
 * killed mid-fault (the trap restores), and after a SIGKILL once `--restore` has run.
 *
 * Needs root (netns, iptables); the default `iptables` here is iptables-nft (v1.8.9, nf_tables),
 * and the legacy backend is covered with --iptables iptables-legacy. Real time: probes use 1 s
 * connect timeouts and polls have deadlines of several seconds; no timing is asserted exactly.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NetnsLab, hostFirewall } from './netns-lab';
import { eventually, startScript, type ScriptRun } from './script-process';

const lab = new NetnsLab();
let hostBefore = '';
const runs: ScriptRun[] = [];

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the iptables-mode tests need root (network namespaces + iptables); run them as root');
  // Read twice: on a fresh boot the first legacy read may load the x_tables modules and make
  // (empty) tables appear; the second read is the state to preserve.
  await hostFirewall();
  hostBefore = await hostFirewall();
  try {
    await lab.create();
  } catch (err) {
    await lab.destroy();
    throw err;
  }
}, 30_000);

afterEach(async () => {
  for (const r of runs.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) {
      r.child.kill('SIGKILL');
      await r.exit().catch(() => undefined);
    }
  }
  // Leave the client namespace clean for the next case whatever happened in this one.
  const { execFile } = await import('node:child_process');
  for (const tool of ['iptables', 'iptables-legacy', 'ip6tables']) {
    await new Promise((r) => execFile('ip', ['netns', 'exec', lab.clientNs, tool, '-w', '-F', 'OUTPUT'], r));
  }
});

afterAll(async () => {
  await lab.destroy();
  // The host's firewall is exactly as it was: everything happened inside the lab's namespaces.
  expect(await hostFirewall()).toBe(hostBefore);
}, 30_000);

const chaos = (args: string[]): ScriptRun => {
  const r = startScript(['--yes', '--no-wait', ...args], { prefix: lab.inClient });
  runs.push(r);
  return r;
};

describe('jwks-chaos.sh iptables mode in network namespaces', () => {
  it('reaches the JWKS from the client namespace before any fault', async () => {
    expect(await lab.probe()).toEqual({ curlExit: 0, status: '200' });
  });

  it('makes the JWKS unreachable for the duration, then reachable again, leaving no rule behind', async () => {
    const r = chaos(['--target', lab.jwksTarget, '--duration', '4s', 'iptables']);
    const on = await r.line(/fault ON/);
    expect(on).toContain(`iptables -w -I OUTPUT -p tcp -d ${lab.serverIp} --dport ${lab.port} -m comment --comment jwks-chaos:`);
    const during = await lab.probe();
    expect(during.curlExit).toBe(28); // dropped: the connection attempt times out
    expect(during.status).toBe('000');
    expect(await r.exit(20_000)).toBe(0);
    expect(r.stderr()).toBe('');
    expect(await lab.probe()).toEqual({ curlExit: 0, status: '200' });
    expect(await lab.clientRules()).not.toContain('jwks-chaos');
    expect(r.stdout()).toMatch(new RegExp(`fault OFF .* removed the drop rule for ${lab.serverIp.replace(/\./g, '\\.')}:${lab.port} from OUTPUT`));
    expect(r.stdout()).toMatch(/done: outage held \ds of 4s/);
    // The probe's SYN and its retransmissions hit the rule.
    expect(Number(/\((\d+) packets hit the rules\)/.exec(r.stdout())?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('exits 1 when no packet hit the rule: an outage nothing ran into tested nothing', async () => {
    const r = chaos(['--target', lab.jwksTarget, '--duration', '2s', 'iptables']);
    expect(await r.exit(15_000)).toBe(1);
    expect(r.stdout()).toMatch(/\(0 packets hit the rules\)/);
    expect(r.stderr()).toMatch(new RegExp(`no packet to ${lab.serverIp.replace(/\./g, '\\.')} port ${lab.port} hit the rule: does this host fetch the JWKS from there`));
    expect(await lab.clientRules()).not.toContain('jwks-chaos');
    expect(await lab.reachable()).toBe(true);
  });

  it.each<[NodeJS.Signals, number]>([
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ])('restores the JWKS when killed mid-fault with %s (exit %i)', async (signal, code) => {
    const r = chaos(['--target', lab.jwksTarget, '--duration', '10m', 'iptables']);
    await r.line(/fault ON/);
    expect(await lab.reachable()).toBe(false);
    r.child.kill(signal);
    expect(await r.exit(10_000)).toBe(code);
    expect(await lab.probe()).toEqual({ curlExit: 0, status: '200' });
    expect(await lab.clientRules()).not.toContain('jwks-chaos');
    expect(r.stdout()).toMatch(/fault OFF .* removed the drop rule/);
  });

  it('leaves the rule after SIGKILL (it cannot be trapped) and --restore removes it', async () => {
    const r = chaos(['--target', lab.jwksTarget, '--duration', '10m', 'iptables']);
    await r.line(/fault ON/);
    r.child.kill('SIGKILL');
    await r.exit();
    expect(await lab.clientRules()).toContain('jwks-chaos');
    expect(await lab.reachable()).toBe(false);

    const restore = startScript(['--restore'], { prefix: lab.inClient });
    runs.push(restore);
    expect(await restore.exit()).toBe(0);
    expect(restore.stdout()).toMatch(/restore: removed 1 leftover jwks-chaos rule\(s\) from OUTPUT/);
    expect(await lab.clientRules()).not.toContain('jwks-chaos');
    expect(await lab.probe()).toEqual({ curlExit: 0, status: '200' });
  });

  it('resets connections at once with --action reject, so clients fail fast instead of timing out', async () => {
    const r = chaos(['--jwks-url', `http://${lab.jwksTarget}/jwks`, '--action', 'reject', '--duration', '10m', 'iptables']);
    await r.line(/fault ON/);
    const during = await lab.probe();
    expect(during.curlExit).toBe(7); // connection refused by the TCP reset
    r.child.kill('SIGTERM');
    expect(await r.exit()).toBe(143);
    expect(await lab.reachable()).toBe(true);
  });

  it('works the same on the legacy backend with --iptables iptables-legacy', async () => {
    const r = chaos(['--target', lab.jwksTarget, '--iptables', 'iptables-legacy', '--duration', '10m', 'iptables']);
    const on = await r.line(/fault ON/);
    expect(on).toContain('iptables-legacy -w -I OUTPUT');
    expect(await lab.clientRules('iptables-legacy')).toContain('jwks-chaos');
    expect(await lab.reachable()).toBe(false);
    r.child.kill('SIGTERM');
    expect(await r.exit()).toBe(143);
    expect(await lab.clientRules('iptables-legacy')).not.toContain('jwks-chaos');
    expect(await eventually(() => lab.reachable(), 5000)).toBe(true);
  });

  it('cuts an IPv6 JWKS with ip6tables, and only that family', async () => {
    expect(await lab.probe(1, 6)).toEqual({ curlExit: 0, status: '200' });
    const r = chaos(['--target', `[${lab.serverIp6}]:${lab.port}`, '--duration', '10m', 'iptables']);
    expect(await r.line(/fault ON/)).toContain(`ip6tables -w -I OUTPUT -p tcp -d ${lab.serverIp6} --dport ${lab.port}`);
    expect((await lab.probe(1, 6)).curlExit).toBe(28);
    expect(await lab.reachable()).toBe(true); // IPv4 to the same server is untouched
    r.child.kill('SIGTERM');
    expect(await r.exit()).toBe(143);
    expect(await lab.clientRules('ip6tables')).not.toContain('jwks-chaos');
    expect(await lab.probe(1, 6)).toEqual({ curlExit: 0, status: '200' });
  });

  it('changes nothing on --dry-run', async () => {
    const r = chaos(['--dry-run', '--target', lab.jwksTarget, '--duration', '10m', 'iptables']);
    expect(await r.exit()).toBe(0);
    expect(r.stdout()).toContain(`dry run: would run: iptables -w -I OUTPUT -p tcp -d ${lab.serverIp} --dport ${lab.port}`);
    expect(await lab.clientRules()).not.toContain('jwks-chaos');
    expect(await lab.reachable()).toBe(true);
  });

  it('refuses to run without root, before changing anything', async () => {
    const r = startScript(['--yes', '--no-wait', '--target', lab.jwksTarget, '--duration', '5s', 'iptables'], {
      prefix: [...lab.inClient, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'],
    });
    runs.push(r);
    expect(await r.exit()).toBe(1);
    expect(r.stderr()).toMatch(/iptables mode changes firewall rules: run it as root/);
    expect(await lab.clientRules()).not.toContain('jwks-chaos');
  });

  describe('on a router, with --chain FORWARD', () => {
    // client - router - server: the script runs on the router, the traffic only passes through it.
    const routed = new NetnsLab({ routed: true });

    beforeAll(async () => {
      try {
        await routed.create();
      } catch (err) {
        await routed.destroy();
        throw err;
      }
    }, 30_000);

    afterAll(async () => {
      await routed.destroy();
    }, 30_000);

    it('cuts the routed JWKS during the fault and restores it when killed', async () => {
      expect(await routed.probe()).toEqual({ curlExit: 0, status: '200' });
      const r = startScript(['--yes', '--no-wait', '--chain', 'FORWARD', '--target', routed.jwksTarget, '--duration', '10m', 'iptables'], { prefix: routed.inRouter });
      runs.push(r);
      expect(await r.line(/fault ON/)).toContain(`iptables -w -I FORWARD -p tcp -d ${routed.serverIp} --dport ${routed.port}`);
      expect((await routed.probe()).curlExit).toBe(28);
      // The rule sits on the router; the client itself has none.
      expect(await routed.clientRules('iptables', routed.routerNs)).toContain('jwks-chaos');
      expect(await routed.clientRules()).not.toContain('jwks-chaos');
      r.child.kill('SIGTERM');
      expect(await r.exit()).toBe(143);
      expect(r.stdout()).toMatch(/removed the drop rule .* from FORWARD \([1-9]\d* packets hit the rules\)/);
      expect(await routed.clientRules('iptables', routed.routerNs)).not.toContain('jwks-chaos');
      expect(await routed.probe()).toEqual({ curlExit: 0, status: '200' });
    });
  });
});

