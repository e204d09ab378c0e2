/**
 * The loopback HTTP server the conformance scripts call: `/` (200 ok), `/status/<code>`,
 * `/delay/<ms>`, `/json`, `/redirect` (302 to `/`), `/cookies` (sets `a=1` on `/` and an HttpOnly
 * `b=2` on `/cookies`), `/cookie-redirect` (302 to `/echo` setting `r=1`), `/echo` (the request's
 * method, body and headers as JSON), `/digest-auth/<user>/<password>`. Binds 127.0.0.1 on port 0.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startServer(): Promise<{ base: string; server: Server; closedUrl: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, first, arg] = url.pathname.split('/');
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (first === 'status') {
        res.statusCode = Number(arg);
        res.end();
      } else if (first === 'delay') {
        setTimeout(() => res.end('late'), Number(arg));
      } else if (first === 'json') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ a: { b: [1, 2] } }));
      } else if (first === 'cookies') {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; Path=/cookies; HttpOnly; Max-Age=60']);
        res.end('ok');
      } else if (first === 'cookie-redirect') {
        res.statusCode = 302;
        res.setHeader('set-cookie', 'r=1; Path=/');
        res.setHeader('location', '/echo');
        res.end();
      } else if (first === 'echo') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ method: req.method, body, headers: req.headers }));
      } else if (first === 'digest-auth') {
        digestAuth(req, res, arg ?? '', url.pathname.split('/')[3] ?? '', url.pathname + url.search);
      } else if (first === 'redirect') {
        res.statusCode = 302;
        res.setHeader('location', '/');
        res.end();
      } else {
        res.end('ok');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  // A port that was free a moment ago and is now closed: connection refused.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return { base: `http://127.0.0.1:${port}`, server, closedUrl: `http://127.0.0.1:${closedPort}/` };
}

/**
 * `/digest-auth/<user>/<password>` (as httpbin's): a 401 with an RFC 7616 MD5 challenge, then 200
 * for an Authorization whose response matches, computed here from the RFC's definitions.
 */
function digestAuth(req: IncomingMessage, res: ServerResponse, user: string, password: string, uri: string): void {
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const auth = req.headers.authorization ?? '';
  const f = Object.fromEntries([...auth.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)].map((m) => [m[1]!, m[2] ?? m[3]!]));
  const ha1 = md5(`${user}:conformance:${password}`);
  const ha2 = md5(`${req.method}:${uri}`);
  const ok = auth.startsWith('Digest ') && f.username === user && f.uri === uri && f.nonce === DIGEST_NONCE && f.response === md5(`${ha1}:${f.nonce}:${f.nc}:${f.cnonce}:${f.qop}:${ha2}`);
  if (!ok) {
    res.statusCode = 401;
    res.setHeader('www-authenticate', `Digest realm="conformance", qop="auth", nonce="${DIGEST_NONCE}", opaque="opq", algorithm=MD5`);
    res.end('unauthorized');
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ authenticated: true, user }));
}
const DIGEST_NONCE = 'dcd98b7102dd2f0e8b11d0f600bfb0c093';
