/**
 * `insecureSkipTLSVerify` from its three sources with k6's precedence (script options <
 * K6_INSECURE_SKIP_TLS_VERIFY < --insecure-skip-tls-verify; k6 lib/options.go and
 * internal/cmd/options.go), against a real HTTPS server on loopback whose self-signed certificate
 * (made by openssl for this run) no CA vouches for: the real CLI in its default layout.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../conformance/run-cli';

let server: Server;
let url = '';

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tls-verify-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
  server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  await buildCli('tls');
}, 60_000);

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('insecureSkipTLSVerify', () => {
  const cases: Array<{ name: string; args?: string[]; env?: Record<string, string>; verified: boolean }> = [
    { name: 'verifies certificates by default', verified: true },
    { name: 'is read from the script options', env: { SCRIPT_INSECURE: 'true' }, verified: false },
    { name: 'is read from K6_INSECURE_SKIP_TLS_VERIFY', env: { K6_INSECURE_SKIP_TLS_VERIFY: 'true' }, verified: false },
    { name: 'is read from --insecure-skip-tls-verify', args: ['--insecure-skip-tls-verify'], verified: false },
    { name: 'takes the environment over the script options', env: { SCRIPT_INSECURE: 'true', K6_INSECURE_SKIP_TLS_VERIFY: 'false' }, verified: true },
    { name: 'takes the flag over the environment', args: ['--insecure-skip-tls-verify=false'], env: { K6_INSECURE_SKIP_TLS_VERIFY: 'true' }, verified: true },
  ];
  it.each(cases)('$name', async ({ args = [], env = {}, verified }) => {
    const r = await runCli('tls-verify.js', args, { TLS_URL: url, ...env });
    expect(r.code).toBe(0);
    if (verified) expect(r.stderr).toMatch(/status=0 error_code=\d+ error=.*certificate/);
    else expect(r.stderr).toContain('status=200 error_code=0');
  });

  it('refuses a K6_INSECURE_SKIP_TLS_VERIFY that is not a boolean, naming it (exit 104)', async () => {
    const r = await runCli('tls-verify.js', [], { TLS_URL: url, K6_INSECURE_SKIP_TLS_VERIFY: 'yes' });
    expect(r.code).toBe(104);
    expect(r.stderr).toContain('K6_INSECURE_SKIP_TLS_VERIFY: expected true or false, got "yes"');
  });
});
