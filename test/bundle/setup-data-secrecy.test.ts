/**
 * The built bundle against the real pieces: the reference platform (build/tenant-sim.js) and the
 * offline runner (build/k6-offline.js) running dist/tenant-smoke.js — same setup(), token sealing
 * and VU token store as the load bundles, small enough for the unit suite (20 tenants x 9
 * operations, a few seconds). What k6 would publish — `--summary-export` (with `setup_data`),
 * handleSummary's summary.json and junit.xml, stdout and stderr — must hold no bearer token (a JWT:
 * base64url of `{"` is `eyJ`) and no secret, while the VUs still authenticate (the smoke passes
 * only if every request succeeded). Run secrets are random per test run, so a hit is a leak.
 * `npm test` builds first (pretest); run `npm run build` before running this file alone.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const RUNNER = join(ROOT, 'build/k6-offline.js');
const SIM = join(ROOT, 'build/tenant-sim.js');
const SMOKE = join(ROOT, 'dist/tenant-smoke.js');
// A compact JWS: a JSON header and a JSON payload (both base64url of '{"…', hence 'eyJ') and a
// signature. Only `eyJ` + 8 characters matched random base64url ciphertext in about one run in
// twelve (a 20-tenant sealed group is ~20,000 characters; 'eyJ' occurs once per 64^3 = 262,144).
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/;

const clientSecret = `cs-${randomBytes(12).toString('hex')}`;
const adminToken = `adm-${randomBytes(12).toString('hex')}`;

interface Urls {
  api: string;
  authorityViaAgent: string;
}

let sim: ChildProcess | undefined;
let urls: Urls;
let dir: string;

beforeAll(async () => {
  for (const f of [RUNNER, SIM, SMOKE]) if (!existsSync(f)) throw new Error(`${f} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'setup-secrecy-'));
  const proc = spawn(process.execPath, [SIM, '--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet', '--audit-log', join(dir, 'audit.log')], {
    env: { ...process.env, SIM_CLIENT_SECRET: clientSecret, SIM_ADMIN_TOKEN: adminToken },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  sim = proc;
  urls = await new Promise<Urls>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('tenant-sim printed no ready line within 20 s')), 20_000);
    proc.once('exit', (code) => fail(new Error(`tenant-sim exited with ${code}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const doc = JSON.parse(line) as Urls & { ready?: boolean };
      if (doc.ready) {
        clearTimeout(timer);
        ok(doc);
      }
    });
  });
}, 30_000);

afterAll(() => {
  sim?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSmoke(env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((ok) => {
    const p = spawn(process.execPath, [RUNNER, 'run', '--quiet', ...args, SMOKE], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', TENANTS: '20', SUMMARY_JSON: join(dir, 'summary.json'), JUNIT_XML: join(dir, 'junit.xml'), ...env },
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('exit', (code) => ok({ code, stdout, stderr }));
  });
}

function expectNoCredential(label: string, text: string): void {
  expect(JWT.exec(text)?.[0], `${label} holds a JWT`).toBeUndefined();
  expect(text.includes(clientSecret), `${label} holds the client secret`).toBe(false);
  expect(text.includes(adminToken), `${label} holds the admin token`).toBe(false);
}

describe('setup data and outputs of a real run (reference platform + offline runner)', () => {
  it('recognises a token the Authority issues as a JWT (the pattern the checks below rely on)', async () => {
    const res = await fetch(`${urls.authorityViaAgent}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: clientSecret, tenant: 'tenant-01' }),
    });
    expect(res.status).toBe(200);
    const { access_token: token } = (await res.json()) as { access_token: string };
    expect(JWT.exec(`{"x":"${token}"}`)?.[0]).toBe(token);
  });

  it('authenticates every VU request with the unsealed tokens while no artefact holds a token or a secret', async () => {
    const run = await runSmoke({ BASE_URL: urls.api, AUTH_URL: urls.authorityViaAgent, AUTH_CLIENT_SECRET: clientSecret }, ['--summary-export', join(dir, 'export.json')]);
    expect(run.code, run.stdout.slice(-3000) + run.stderr.slice(-2000)).toBe(0);
    const exported = readFileSync(join(dir, 'export.json'), 'utf8');
    const setupData = (JSON.parse(exported) as { setup_data: { seal: unknown; sealed: string[]; tenants: Array<{ sealedIn?: number }> } }).setup_data;
    expect(setupData.seal).toMatchObject({ v: 1, alg: 'A256GCM', kdf: 'HKDF-SHA256' });
    expect(setupData.sealed).toHaveLength(1);
    expect(setupData.tenants).toHaveLength(20);
    expect(setupData.tenants.every((t) => t.sealedIn === 0)).toBe(true);
    for (const [label, text] of [
      ['--summary-export', exported],
      ['summary.json', readFileSync(join(dir, 'summary.json'), 'utf8')],
      ['junit.xml', readFileSync(join(dir, 'junit.xml'), 'utf8')],
      ['stdout', run.stdout],
      ['stderr', run.stderr],
      ['the platform audit log', readFileSync(join(dir, 'audit.log'), 'utf8')],
    ] as const) {
      expectNoCredential(label, text);
    }
  }, 60_000);

  it('stops with exit 107 and a message naming the variables when the Authority refuses the client, without echoing the secret', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const run = await runSmoke({ BASE_URL: urls.api, AUTH_URL: urls.authorityViaAgent, AUTH_CLIENT_SECRET: wrong, SUMMARY_JSON: 'off', JUNIT_XML: 'off' });
    expect(run.code).toBe(107);
    expect(run.stderr).toContain("refused 20 of 20 token requests: tenant-01 via client 'tenant-load' (401 invalid_client)");
    expect(run.stderr).toContain('This is a configuration error, not an outage: check AUTH_URL, AUTH_TOKEN_PATH, AUTH_CLIENT_ID, AUTH_CLIENT_SECRET');
    expect(run.stdout + run.stderr).not.toContain(wrong);
  }, 60_000);

  it('runs against an unreachable platform and fails on its thresholds (exit 99), not in setup (107)', async () => {
    const run = await runSmoke({ BASE_URL: 'http://127.0.0.1:1', AUTH_URL: 'http://127.0.0.1:1', AUTH_CLIENT_SECRET: clientSecret, SUMMARY_JSON: 'off', JUNIT_XML: 'off' });
    expect(run.code, run.stderr.slice(-2000)).toBe(99);
    expect(run.stderr).toContain('setup: the platform is unavailable: no token for 20 of 20 tenants (Authority unreachable)');
    expectNoCredential('stdout', run.stdout);
    expectNoCredential('stderr', run.stderr);
  }, 60_000);
});
