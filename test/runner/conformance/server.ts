/**
 * The loopback HTTP server the conformance scripts call: `/` (200 ok), `/status/<code>`,
 * `/delay/<ms>`, `/json`, `/redirect` (302 to `/`). Binds 127.0.0.1 on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startServer(): Promise<{ base: string; server: Server; closedUrl: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, first, arg] = url.pathname.split('/');
    req.resume();
    req.on('end', () => {
      if (first === 'status') {
        res.statusCode = Number(arg);
        res.end();
      } else if (first === 'delay') {
        setTimeout(() => res.end('late'), Number(arg));
      } else if (first === 'json') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ a: { b: [1, 2] } }));
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
