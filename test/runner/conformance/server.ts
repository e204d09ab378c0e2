/**
 * The loopback HTTP server the conformance scripts call: `/` (200 ok), `/status/<code>`,
 * `/delay/<ms>`, `/json`, `/redirect` (302 to `/`), `/cookies` (sets `a=1` on `/` and an HttpOnly
 * `b=2` on `/cookies`), `/cookie-redirect` (302 to `/echo` setting `r=1`), `/echo` (the request's
 * method, body and headers as JSON). Binds 127.0.0.1 on port 0.
 */
import { createServer, type Server } from 'node:http';
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
