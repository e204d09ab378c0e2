/**
 * Listener hardening shared by every server of the platform: limits for slow clients and huge
 * headers, and JSON answers for the errors Node's HTTP parser raises before any handler runs
 * (by default Node answers those with a bare status line).
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export const MAX_HEADER_BYTES = 16 * 1024;

/** Limits: headers must arrive within 10 s, a whole request within 30 s (slow-client guard). */
export function hardenServer(server: Server): void {
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;
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
