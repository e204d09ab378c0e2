/**
 * Listener hardening shared by every server of the platform: limits for slow clients and huge
 * headers, and JSON answers for the errors Node's HTTP parser raises before any handler runs
 * (by default Node answers those with a bare status line).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export const MAX_HEADER_BYTES = 16 * 1024;


export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** Headers must arrive within 10 s, a whole request within 30 s (slow-client guard). */
export const DEFAULT_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/**
 * Options for `http.createServer`: the header size cap, and a 1 s timeout-check period (Node
 * checks headersTimeout/requestTimeout only every `connectionsCheckingInterval`, 30 s by default,
 * which would let a slow client hold a socket for up to 40 s).
 */
export const SERVER_OPTIONS = { maxHeaderSize: MAX_HEADER_BYTES, connectionsCheckingInterval: 1_000 } as const;

export function hardenServer(server: Server, limits: ServerLimits = DEFAULT_LIMITS): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // Keep idle keep-alive connections for 65 s, above the 60 s idle timeout of common load
  // balancers (so a proxy in front closes first, never the platform under it) — and so a load
  // generator's pool does not churn through reconnects: with Node's default of 5 s a client drops
  // every connection idle for 4 s and reopens it in the next burst.
  server.keepAliveTimeout = 65_000;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    let status = 400;
    let code = 'bad_request';
    let message = 'the request could not be parsed as HTTP/1.1';
    if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = 431;
      code = 'request_header_too_large';
      message = `request headers exceed ${MAX_HEADER_BYTES} bytes`;
    } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      status = 408;
      code = 'request_timeout';
      message = 'the request did not arrive in time';
    } else if (err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const body = JSON.stringify({ error: code, message });
    const reason = status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function urlOf(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
