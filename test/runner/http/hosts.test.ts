/**
 * k6's `hosts` option (runner/http/hosts.ts): the rules over tables of patterns, then real runs
 * of the CLI whose requests go to names no DNS knows, over HTTP and HTTPS (the certificate is
 * checked against the URL's name, not the address), in both engine layouts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupHost, MAX_HOSTS_ENTRIES, parseHosts } from '../../../runner/http/hosts';
import { buildCli, runCli } from '../conformance/run-cli';

describe('hosts lookup', () => {
  const { table } = parseHosts({
    'test.k6.io': '10.0.0.1',
    'TEST.k6.io:8443': '10.0.0.2:9443',
    '*.k6.io': '10.0.0.3',
    '*.api.k6.io': '10.0.0.4:8080',
    'v6.example': '[::1]:8443',
  });
  it.each([
    ['an exact name keeps the URL port', 'test.k6.io', 443, { ip: '10.0.0.1', port: 443 }],
    ['name:port is looked up before the name, case-insensitively', 'Test.K6.io', 8443, { ip: '10.0.0.2', port: 9443 }],
    ['a wildcard matches a subdomain', 'www.k6.io', 80, { ip: '10.0.0.3', port: 80 }],
    ['the longest wildcard wins and its port replaces the URL one', 'v1.api.k6.io', 443, { ip: '10.0.0.4', port: 8080 }],
    ['an IPv6 address with a port', 'v6.example', 80, { ip: '::1', port: 8443 }],
    ['a wildcard does not match the bare domain', 'k6.io', 443, undefined],
    ['an unknown name is left to DNS', 'grafana.com', 443, undefined],
  ] as const)('%s', (_what, host, port, want) => {
    expect(lookupHost(table!, host, port)).toEqual(want);
  });

  it.each([
    [{ 'a b': '1.2.3.4' }, "hosts: invalid host pattern 'a b'"],
    [{ 'ok.example': 'not-an-ip' }, `hosts['ok.example']: must be an IP address or IP:port, got "not-an-ip"`],
    [{ 'ok.example': '1.2.3.4:99999' }, `hosts['ok.example']: must be an IP address or IP:port, got "1.2.3.4:99999"`],
    [{ 'ok.example': 5 }, "hosts['ok.example']: must be an IP address or IP:port, got 5"],
    [['1.2.3.4'], 'hosts: must be an object'],
  ])('refuses %j naming the entry', (raw, message) => {
    const r = parseHosts(raw);
    expect(r.table).toBeUndefined();
    expect(r.problems.join('\n')).toContain(message);
  });

  it('refuses more entries than the bound', () => {
    const raw = Object.fromEntries(Array.from({ length: MAX_HOSTS_ENTRIES + 1 }, (_, i) => [`h${i}.example`, '127.0.0.1']));
    expect(parseHosts(raw).problems).toEqual([`hosts: at most ${MAX_HOSTS_ENTRIES} entries (got ${MAX_HOSTS_ENTRIES + 1})`]);
  });
});

describe('a run with hosts', () => {
  let http: HttpServer;
  let https: HttpsServer;
  let httpPort = 0;
  let httpsPort = 0;
  const seen: string[] = [];
  let caFile = '';

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hosts-'));
    // A certificate for the name the script uses, so verification passes only if the name is kept.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=api.tenant.invalid', '-addext', 'subjectAltName=DNS:api.tenant.invalid'], { stdio: 'ignore' });
    const handler = (req: { headers: { host?: string } }, res: { end(s: string): void }) => {
      seen.push(req.headers.host ?? '');
      res.end('ok');
    };
    http = createHttpServer(handler);
    https = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, handler);
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    httpPort = (http.address() as AddressInfo).port;
    httpsPort = (https.address() as AddressInfo).port;
    caFile = join(dir, 'cert.pem');
    await buildCli('hosts');
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((r) => http.close(() => r()));
    await new Promise<void>((r) => https.close(() => r()));
  });

  it.each(['0', '2'])('sends requests for names no DNS knows to the mapped addresses, keeping Host and the TLS name (K6_OFFLINE_WORKERS=%s)', async (workers) => {
    seen.length = 0;
    const r = await runCli('hosts.js', [], {
      HTTP_PORT: String(httpPort),
      HTTPS_PORT: String(httpsPort),
      K6_OFFLINE_WORKERS: workers,
      // The runner's Node trusts the test certificate (read at start-up).
      NODE_EXTRA_CA_CERTS: caFile,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('web=200 api=200 wild=200 unmapped=0');
    expect(seen).toEqual(expect.arrayContaining(['web.tenant.invalid', `api.tenant.invalid:${httpsPort}`, 'x.wild.invalid']));
  });

  it('refuses an invalid hosts option before the run (exit 104), naming the entry', async () => {
    const r = await runCli('hosts.js', [], { BAD_HOSTS: '1', HTTP_PORT: '1', HTTPS_PORT: '1' });
    expect(r.code).toBe(104);
    expect(r.stderr).toContain(`hosts['web.tenant.invalid']: must be an IP address or IP:port, got "localhost"`);
  });
});
