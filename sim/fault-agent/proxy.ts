/**
 * The fault agent's reverse proxy. Without a fault it streams requests and responses through
 * untouched (headers kept, hop-by-hop headers dropped per RFC 9110 §7.6.1). Under a fault it
 * applies `decideFault`. An unreachable upstream answers 502 JSON.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Clock } from '../clock';
import { hardenServer, SERVER_OPTIONS } from '../http/harden';
import { sendJson } from '../http/respond';
import { decideFault } from './fault-decision';
import type { FaultController } from './fault-controller';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function forwardHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  const listed = new Set(String(headers.connection ?? '').toLowerCase().split(',').map((s) => s.trim()));
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || listed.has(k)) continue;
    out[k] = v;
  }
  return out;
}

export interface ProxyOptions {
  upstream: URL;
  controller: FaultController;
  clock: Clock;
  random?: () => number;
}

export function createProxyServer(o: ProxyOptions): Server {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const random = o.random ?? Math.random;

  const forward = (req: IncomingMessage, res: ServerResponse): void => {
    const upstreamReq = httpRequest(
      {
        protocol: o.upstream.protocol,
        hostname: o.upstream.hostname,
        port: o.upstream.port,
        method: req.method,
        path: req.url,
        // Host stays as the client sent it, so the upstream builds URLs that point at the proxy.
        headers: forwardHeaders(req.headers),
        agent,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, forwardHeaders(upstreamRes.headers));
        upstreamRes.on('error', () => res.destroy());
        upstreamRes.pipe(res);
      },
    );
    // A client that goes away must not leave the upstream request (and its socket) hanging.
    res.on('close', () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.on('error', (err) => {
      if (!res.headersSent) sendJson(res, 502, { error: 'bad_gateway', message: `upstream ${o.upstream.origin} is unreachable: ${(err as NodeJS.ErrnoException).code ?? err.message}` });
      else res.destroy();
    });
    req.pipe(upstreamReq);
  };

  const server = createServer(SERVER_OPTIONS, (req, res) => {
    const record = o.controller.active();
    if (!record) return forward(req, res);
    record.requests++;
    const path = (req.url ?? '/').split('?')[0] as string;
    const decision = decideFault(record.fault, path, random);
    if (decision.kind === 'pass') return forward(req, res);
    record.faulted++;
    const cut = (): void => {
      // Close without an answer; RST where the platform supports it (a peer that crashed).
      const socket = req.socket as typeof req.socket & { resetAndDestroy?: () => void };
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
    };
    if (decision.kind === 'reset') return cut();
    if (decision.kind === 'blackhole') {
      // Accept and never answer, as a firewall DROP does once the connection exists. When the
      // fault ends the request is released without an answer: its connection is closed.
      req.resume();
      let released = false;
      const unhold = o.controller.hold(() => {
        released = true;
        req.socket.destroy();
      });
      if (!unhold) return cut();
      res.on('close', () => {
        if (!released) unhold();
      });
      return;
    }
    const act = (): void => {
      if (decision.kind === 'error') {
        req.resume();
        const body = decision.body;
        res.writeHead(decision.status, { 'content-length': Buffer.byteLength(body), 'content-type': 'text/plain; charset=utf-8' });
        res.end(body);
      } else forward(req, res);
    };
    if (decision.delayMs > 0) {
      req.pause();
      // Held until the delay passes, or released (forwarded untouched) when the fault ends first.
      let done = false;
      const finish = (fn: () => void): void => {
        if (done) return;
        done = true;
        timer.cancel();
        unhold();
        fn();
      };
      const unhold = o.controller.hold(() => finish(() => forward(req, res))) ?? (() => undefined);
      const timer = o.clock.setTimeout(() => finish(act), decision.delayMs);
      res.on('close', () => finish(() => undefined));
    } else act();
  });
  hardenServer(server);
  server.on('close', () => agent.destroy());
  return server;
}
