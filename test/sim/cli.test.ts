/**
 * The tenant-sim and fault-agent CLIs as real processes (run through tsx): the ready line, audit
 * lines on stdout not breaking a ready-line reader, clean exit 0 on SIGTERM with the ports freed,
 * and exit 2 with one line for a bad flag. Real time: each process start is bounded by 20 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { freePort, startRedis } from './helpers/brokers';

const TSX = ['--import', 'tsx'];

function run(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [...TSX, script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function readyLine(child: ChildProcess): Promise<{ ready: Record<string, string>; later: string[] }> {
  return new Promise((resolve, reject) => {
    const later: string[] = [];
    let ready: Record<string, string> | null = null;
    const timer = setTimeout(() => reject(new Error('no ready line within 20 s')), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (ready) later.push(line);
      else if (line.includes('"ready":true')) {
        clearTimeout(timer);
        ready = JSON.parse(line) as Record<string, string>;
        resolve({ ready, later });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready`)));
  });
}

const exitOf = (child: ChildProcess): Promise<{ code: number | null; stderr: string }> =>
  new Promise((resolve) => {
    let stderr = '';
    child.stderr!.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stderr }));
  });

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });

describe('tenant-sim CLI', () => {
  it('prints one ready line with four URLs, serves, and exits 0 on SIGTERM with every port freed', async () => {
    const child = run('sim/cli.ts', ['--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet']);
    const exit = exitOf(child);
    const { ready, later } = await readyLine(child);
    expect(Object.keys(ready)).toEqual(['ready', 'api', 'authority', 'authorityViaAgent', 'agentControl']);
    for (const key of ['api', 'authority', 'authorityViaAgent', 'agentControl']) expect(ready[key]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // A token issuance writes an audit line to stdout: JSON, and never a second ready line.
    const res = await fetch(`${ready.authority}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_id=tenant-01-load&client_secret=local-dev-secret',
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${ready.api}/readyz`)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(later.length).toBeGreaterThanOrEqual(1);
    for (const line of later) {
      expect(JSON.parse(line).action).toBeDefined();
      expect(line).not.toContain('"ready":true');
    }
    child.kill('SIGTERM');
    const { code, stderr } = await exit;
    expect(code).toBe(0);
    expect(stderr).toBe('');
    for (const key of ['api', 'authority', 'authorityViaAgent', 'agentControl']) {
      expect(await portFree(Number(new URL(ready[key] as string).port))).toBe(true);
    }
  });

  it('keeps serving when the reader of stdout stops reading audit lines (no blocking pipe writes)', async () => {
    const child = run('sim/cli.ts', ['--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet']);
    const exit = exitOf(child);
    const { ready } = await readyLine(child);
    child.stdout!.pause(); // the pipe (64 KiB) fills up and stays full
    const form = 'grant_type=client_credentials&client_id=tenant-01-load&client_secret=local-dev-secret';
    const tokenRes = await fetch(`${ready.authority}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    const token = ((await tokenRes.json()) as { access_token: string }).access_token;
    const body = JSON.stringify({ name: 'n', description: 'd'.repeat(200), rules: [{ effect: 'allow', condition: 'c' }] });
    for (let i = 0; i < 600; i++) {
      // ~600 data.write lines of ~200 bytes: well past the pipe's 64 KiB.
      const res = await fetch(`${ready.api}/api/policy/policies/p-${i}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'x-stellaops-tenant': 'tenant-01', 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(201);
    }
    expect((await fetch(`${ready.api}/healthz`, { signal: AbortSignal.timeout(5000) })).status).toBe(200);
    child.stdout!.resume();
    child.kill('SIGTERM');
    expect((await exit).code).toBe(0);
  });

  it('exits 0 on SIGINT too', async () => {
    const child = run('sim/cli.ts', ['--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet']);
    const exit = exitOf(child);
    await readyLine(child);
    child.kill('SIGINT');
    expect((await exit).code).toBe(0);
  });

  it('prints usage with every flag for --help and exits 0', async () => {
    const child = run('sim/cli.ts', ['--help']);
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    const { code } = await exitOf(child);
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: tenant-sim \[flags\]/);
    expect(out).toContain('--jwks-ttl');
    expect(out).toContain('SIM_RATE_LIMIT');
  });

  it.each([
    [['--jwks-ttl', 'soon'], "tenant-sim: invalid value 'soon' for --jwks-ttl: expected a Go duration such as '500ms', '30s', '15m' or '1h' or 'never'\n", {}],
    [['--host', '0.0.0.0'], /^tenant-sim: refusing to listen on non-loopback --host '0.0.0.0'.*\n$/, {}],
    [[], "tenant-sim: invalid value 'x' for SIM_API_PORT: expected a port number 0-65535 (0 = any free port)\n", { SIM_API_PORT: 'x' }],
  ])('exits 2 with one clear line for %j', async (args, message, env) => {
    const child = run('sim/cli.ts', args, env);
    const { code, stderr } = await exitOf(child);
    expect(code).toBe(2);
    if (typeof message === 'string') expect(stderr).toBe(message);
    else expect(stderr).toMatch(message);
    expect(stderr).not.toContain('    at ');
  });
});

describe('tenant-sim CLI start failures', () => {
  it('exits 2 naming --audit-log when the file cannot be opened', async () => {
    const { code, stderr } = await exitOf(run('sim/cli.ts', ['--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--audit-log', '/nonexistent-dir/audit.jsonl']));
    expect(code).toBe(2);
    expect(stderr).toBe("tenant-sim: cannot open --audit-log '/nonexistent-dir/audit.jsonl' for appending: ENOENT\n");
  });

  it('with --timeline-transport redis carries audit events through a real Redis to /audit/events', async () => {
    const redis = await startRedis();
    const child = run('sim/cli.ts', ['--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet', '--audit-log', '/dev/null', '--timeline-transport', 'redis', '--redis-url', redis.url]);
    try {
      const { ready } = await readyLine(child);
      const token = await fetch(`${ready.authority}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: 'local-dev-secret', tenant: 'tenant-01' }),
      });
      expect(token.status).toBe(200);
      let events: Array<{ action: string; service: string }> = [];
      for (let i = 0; i < 100 && events.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        events = ((await (await fetch(`${ready.api}/audit/events`, { headers: { authorization: 'Bearer local-admin-token' } })).json()) as { events: typeof events }).events;
      }
      expect(events).toEqual([expect.objectContaining({ action: 'token.issued', service: 'authority' })]);
      expect(await (await fetch(`${ready.api}/metrics`)).text()).toMatch(/^audit_timeline_ingested_total\{outcome="stored"\} 1$/m);
      child.kill('SIGTERM');
      expect((await exitOf(child)).code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await redis.destroy();
    }
  });

  it('exits 1 with one line naming the broker, without its password, when --redis-url does not answer', async () => {
    const port = await freePort();
    const { code, stderr } = await exitOf(run('sim/cli.ts', ['--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--timeline-transport', 'redis', '--redis-url', `redis://:hunter2@127.0.0.1:${port}`]));
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^tenant-sim: cannot start: --timeline-transport redis: cannot reach Redis at redis://127\\.0\\.0\\.1:${port}: .*\\n$`));
    expect(stderr).not.toContain('hunter2');
  });

  it('exits 1 with one line when a port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stderr } = await exitOf(run('sim/cli.ts', ['--api-port', '0', '--authority-port', String(port), '--agent-port', '0', '--agent-control-port', '0']));
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`^tenant-sim: cannot start: address in use \\(.*${port}\\); choose another port or 0\\n$`));
    } finally {
      blocker.close();
    }
  });
});

describe('fault-agent CLI', () => {
  it('proxies to --upstream, prints its ready line and exits 0 on SIGTERM', async () => {
    const sim = run('sim/cli.ts', ['--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet']);
    const simExit = exitOf(sim);
    const { ready: simReady } = await readyLine(sim);
    const agent = run('sim/fault-agent/cli.ts', ['--upstream', simReady.api as string, '--port', '0', '--control-port', '0', '--quiet']);
    const agentExit = exitOf(agent);
    const { ready } = await readyLine(agent);
    expect(ready).toMatchObject({ ready: true, upstream: simReady.api });
    expect(((await (await fetch(`${ready.proxy}/healthz`)).json()) as { status: string }).status).toBe('ok');
    agent.kill('SIGTERM');
    sim.kill('SIGTERM');
    expect((await agentExit).code).toBe(0);
    expect((await simExit).code).toBe(0);
  });

  it('exits 2 naming --upstream when it is missing', async () => {
    const { code, stderr } = await exitOf(run('sim/fault-agent/cli.ts', []));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^fault-agent: --upstream is required/);
  });
});
