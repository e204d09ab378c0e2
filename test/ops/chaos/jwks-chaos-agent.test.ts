/**
 * jwks-chaos.sh agent mode against the reference platform (sim/, started in process with the fault
 * agent in front of its Authority): the script waits for the load, makes the JWKS an outage through
 * the control API (docs/platform-api.md), the platform's JWKS cache sees it, and the script
 * restores — after the duration, and at once when it is killed mid-fault.
 *
 * Real time, real processes: waits are polls with generous deadlines (seconds), never exact timing.
 * "The load is running" comes from a stand-in for k6's REST API (`GET /v1/status`, the shape `k6
 * run` serves on :6565), because k6 cannot be installed here.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type Sim } from '../../../sim/index';
import { REPO_ROOT, eventually, startScript, type ScriptRun } from './script-process';

const TOKEN = 'local-admin-token';

let sim: Sim;
let k6: Server;
let k6Addr: string;
const k6State = { running: false, paused: false, status: 7 };
const runs: ScriptRun[] = [];

beforeAll(async () => {
  sim = await startSim({
    apiPort: 0,
    authorityPort: 0,
    agentPort: 0,
    agentControlPort: 0,
    // Refresh the JWKS every 200 ms so the cache notices the outage within the test's seconds;
    // a long TTL keeps the cached keys usable (the fallback story).
    jwksRefreshMs: 200,
    jwksFetchTimeoutMs: 500,
    defaultMetrics: false,
    auditSink: null,
  });
  k6 = createServer((req, res) => {
    if (req.url !== '/v1/status') {
      res.writeHead(404).end();
      return;
    }
    // k6 REST API status document (attributes as k6 serves them).
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ data: { type: 'status', id: 'default', attributes: { status: k6State.status, paused: k6State.paused, vus: 10, 'vus-max': 10, stopped: false, running: k6State.running, tainted: false } } }),
    );
  });
  await new Promise<void>((r) => k6.listen(0, '127.0.0.1', r));
  k6Addr = `127.0.0.1:${(k6.address() as AddressInfo).port}`;
});

afterEach(async () => {
  for (const r of runs.splice(0)) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  await fetch(`${sim.agentControl}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
  k6State.running = false;
  k6State.paused = false;
  k6State.status = 7;
});

afterAll(async () => {
  await sim?.close();
  await new Promise((r) => k6?.close(r));
});

const run = (args: string[], env: NodeJS.ProcessEnv = { FAULT_AGENT_TOKEN: TOKEN }): ScriptRun => {
  const r = startScript(args, { env });
  runs.push(r);
  return r;
};

const jwksViaAgent = async (): Promise<number> => (await fetch(`${sim.authorityViaAgent}/jwks`)).status;
const faults = async (): Promise<{ active: { id: string } | null; recent: { id: string; endedAt: string | null; requests: number; faulted: number; fault: Record<string, unknown>; duration: string }[] }> =>
  (await (await fetch(`${sim.agentControl}/v1/faults`)).json()) as never;

describe('jwks-chaos.sh agent mode against the reference platform', () => {
  it('waits for k6 to run, holds the JWKS outage for the duration, then restores it and reports', async () => {
    const before = (await faults()).recent.length;
    const r = run(['--yes', '--agent-url', sim.agentControl, '--wait-k6', k6Addr, '--duration', '2s', 'agent']);
    await r.line(/waiting for k6 at/);
    // Paused counts as not running (the operator starts runners paused), and so does setup()
    // (k6 execution status 6): the bundle's chaos window counts from the scenarios' start (7).
    k6State.paused = true;
    k6State.running = true;
    await new Promise((res) => setTimeout(res, 1200));
    k6State.paused = false;
    k6State.status = 6;
    await new Promise((res) => setTimeout(res, 1200));
    expect((await faults()).active).toBeNull();
    expect(await jwksViaAgent()).toBe(200);

    k6State.status = 7;
    const on = await r.line(/fault ON/);
    expect(on).toMatch(/agent fault \S+: every request through .* answers 503 for 2s/);
    expect(await jwksViaAgent()).toBe(503);
    // The platform's JWKS cache, which fetches through the agent, goes degraded (cached keys kept).
    expect(await eventually(() => sim.jwks.degraded, 3000)).toBe(true);

    expect(await r.exit()).toBe(0);
    expect(r.stderr()).toBe('');
    expect(await jwksViaAgent()).toBe(200);
    expect(await eventually(() => !sim.jwks.degraded, 3000)).toBe(true);
    const after = await faults();
    expect(after.active).toBeNull();
    expect(after.recent.length).toBe(before + 1);
    const record = after.recent[0];
    expect(record?.fault).toEqual({ errorRate: 1, errorCode: 503, errorBody: 'jwks-chaos: JWKS outage' });
    expect(record?.duration).toBe('2s');
    expect(record?.endedAt).not.toBeNull();
    expect(record?.faulted).toBeGreaterThan(0);
    expect(r.stdout()).toMatch(new RegExp(`fault OFF .* agent fault ${record?.id} ended at \\S+: ${record?.requests} requests seen, ${record?.faulted} faulted`));
    expect(r.stdout()).toMatch(/done: outage held \ds of 2s/);
  });

  it.each<[NodeJS.Signals, number]>([
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
  ])('ends the fault at once when killed mid-fault with %s (exit %i)', async (signal, code) => {
    const r = run(['--yes', '--agent-url', sim.agentControl, '--no-wait', '--duration', '60s', 'agent']);
    await r.line(/fault ON/);
    expect(await jwksViaAgent()).toBe(503);
    r.child.kill(signal);
    expect(await r.exit(10_000)).toBe(code);
    // Restored by the trap, long before the agent's own 60 s timer.
    expect((await faults()).active).toBeNull();
    expect(await jwksViaAgent()).toBe(200);
    expect(r.stdout()).toMatch(/fault OFF .* requests seen, \d+ faulted/);
  });

  it.each([
    ['blackhole', { blackhole: true }, /is held unanswered \(blackhole\)/],
    ['reset', { reset: true }, /has its connection closed \(reset\)/],
  ])('--fault %s injects the agent\'s own shape: the JWKS gets no answer until the fault ends', async (shape, fault, effect) => {
    const r = run(['-y', '--agent-url', sim.agentControl, '--no-wait', '--duration', '30s', '--fault', shape, '--exclude', '/healthz', 'agent']);
    const on = await r.line(/fault ON/);
    expect(on).toMatch(effect);
    expect((await faults()).recent[0]?.fault).toEqual({ ...fault, exclude: '/healthz' });
    const answer = await fetch(`${sim.authorityViaAgent}/jwks`, { signal: AbortSignal.timeout(1000) }).then(
      (res) => res.status,
      () => 'no answer',
    );
    expect(answer).toBe('no answer');
    r.child.kill('SIGTERM');
    expect(await r.exit()).toBe(143);
    expect(await jwksViaAgent()).toBe(200);
  });

  it('passes the fault options through to the agent and leaves excluded paths alone', async () => {
    const r = run(['-y', '--agent-url', sim.agentControl, '--no-wait', '--duration', '30s', '--error-code', '500', '--error-body', 'down "hard"', '--exclude', '/.well-known/openid-configuration', 'agent']);
    await r.line(/fault ON/);
    expect((await faults()).recent[0]?.fault).toEqual({ errorRate: 1, errorCode: 500, errorBody: 'down "hard"', exclude: '/.well-known/openid-configuration' });
    const jwks = await fetch(`${sim.authorityViaAgent}/jwks`);
    expect([jwks.status, await jwks.text()]).toEqual([500, 'down "hard"']);
    expect((await fetch(`${sim.authorityViaAgent}/.well-known/openid-configuration`)).status).toBe(200);
    r.child.kill('SIGTERM');
    expect(await r.exit()).toBe(143);
  });

  it('waits for a URL instead of k6 with --wait-url', async () => {
    const r = run(['-y', '--agent-url', sim.agentControl, '--wait-url', `${sim.api}/readyz`, '--duration', '1s', 'agent']);
    expect(await r.line(/load is running \(http:\/\/.*\/readyz answered\)/)).toBeTruthy();
    expect(await r.exit()).toBe(0);
  });

  it('gives up with exit 3 and changes nothing when the load never starts', async () => {
    const before = (await faults()).recent.length;
    const r = run(['-y', '--agent-url', sim.agentControl, '--wait-k6', k6Addr, '--wait-timeout', '2s', '--duration', '5s', 'agent']);
    expect(await r.exit()).toBe(3);
    expect(r.stderr()).toMatch(/the load did not start within 2s; nothing was changed/);
    expect((await faults()).recent.length).toBe(before);
  });

  it('fails with exit 1 when the agent refuses the token, without printing the token', async () => {
    const r = run(['-y', '--agent-url', sim.agentControl, '--no-wait', '--duration', '5s', 'agent'], { FAULT_AGENT_TOKEN: 'not-the-admin-token' });
    expect(await r.exit()).toBe(1);
    expect(r.stderr()).toMatch(/the fault agent refused the token \(HTTP 401\): check FAULT_AGENT_TOKEN/);
    expect(r.stdout() + r.stderr()).not.toContain('not-the-admin-token');
    expect((await faults()).active).toBeNull();
  });

  it('reads the token from --token-file and never puts it in the output', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'chaos-token-'));
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    try {
      const r = run(['-y', '--agent-url', sim.agentControl, '--no-wait', '--duration', '1s', '--token-file', join(dir, 'token'), 'agent'], {});
      expect(await r.exit()).toBe(0);
      expect(r.stdout() + r.stderr()).not.toContain(TOKEN);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails with exit 1 when the agent is unreachable', async () => {
    const r = run(['-y', '--agent-url', 'http://127.0.0.1:1', '--no-wait', '--duration', '5s', 'agent']);
    expect(await r.exit()).toBe(1);
    expect(r.stderr()).toMatch(/cannot reach the fault agent at http:\/\/127\.0\.0\.1:1/);
  });

  it('drives the standalone fault-agent CLI in front of any JWKS server the same way', async () => {
    // The deployment shape outside the reference platform: `fault-agent --upstream <Authority>`.
    const upstream = createServer((req, res) => {
      res.writeHead(req.url === '/jwks' ? 200 : 404, { 'content-type': 'application/json' }).end('{"keys":[]}');
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const agent = spawn(process.execPath, ['--import', 'tsx', 'sim/fault-agent/cli.ts', '--upstream', `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, '--port', '0', '--control-port', '0', '--admin-token', 'standalone-token', '--quiet'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const ready = await new Promise<{ proxy: string; control: string }>((resolve, reject) => {
        let out = '';
        agent.stdout?.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const line = out.split('\n').find((l) => l.includes('"ready":true'));
          if (line) resolve(JSON.parse(line) as { proxy: string; control: string });
        });
        agent.on('exit', (code) => reject(new Error(`fault-agent exited ${code}`)));
      });
      const r = run(['-y', '--agent-url', ready.control, '--no-wait', '--duration', '60s', 'agent'], { FAULT_AGENT_TOKEN: 'standalone-token' });
      await r.line(/fault ON/);
      expect((await fetch(`${ready.proxy}/jwks`)).status).toBe(503);
      r.child.kill('SIGTERM');
      expect(await r.exit()).toBe(143);
      expect((await fetch(`${ready.proxy}/jwks`)).status).toBe(200);
      expect(r.stdout()).toMatch(/fault OFF .* [1-9]\d* requests seen, [1-9]\d* faulted/);

      // Nothing fetched through the agent during this one: the script says so and exits 1.
      const idle = run(['-y', '--agent-url', ready.control, '--no-wait', '--duration', '1s', 'agent'], { FAULT_AGENT_TOKEN: 'standalone-token' });
      expect(await idle.exit()).toBe(1);
      expect(idle.stdout()).toMatch(/fault OFF .* 0 requests seen, 0 faulted/);
      expect(idle.stderr()).toMatch(/the fault agent saw no request during the outage: does the platform fetch its JWKS through the agent's proxy/);
    } finally {
      if (agent.exitCode === null && agent.signalCode === null) {
        const exited = new Promise((res) => agent.once('exit', res));
        agent.kill('SIGTERM');
        await exited;
      }
      await new Promise((res) => upstream.close(res));
    }
  });

  it('contacts nothing on --dry-run and shows the request with the token masked', async () => {
    const before = (await faults()).recent.length;
    const r = run(['--dry-run', '--agent-url', sim.agentControl, '--duration', '10s', 'agent']);
    expect(await r.exit()).toBe(0);
    expect(r.stdout()).toContain(`would POST ${sim.agentControl}/v1/faults/http {"fault":{"errorRate":1,"errorCode":503,"errorBody":"jwks-chaos: JWKS outage"},"duration":"10s"} (Authorization: Bearer ***)`);
    expect(r.stdout()).not.toContain(TOKEN);
    expect((await faults()).recent.length).toBe(before);
  });
});
