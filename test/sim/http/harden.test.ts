/** sim/http/harden.ts: listener hardening (slow clients, garbage) on a bare server on loopback. */
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { closeServer, hardenServer, listen, SERVER_OPTIONS } from '../../../sim/http/harden';

describe('listener hardening', () => {
  const raw = (port: number, data: string, waitMs: number): Promise<string> =>
    new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(data));
      let text = '';
      socket.on('data', (c) => (text += c));
      socket.on('close', () => resolve(text));
      setTimeout(() => socket.destroy(), waitMs);
    });

  it('answers 408 JSON to a client that never finishes its headers (real time: 500 ms limit, checked every 1 s; tolerance 4 s)', async () => {
    const server = createServer(SERVER_OPTIONS, (_req, res) => res.end('handler ran'));
    hardenServer(server, { headersTimeoutMs: 500, requestTimeoutMs: 500 });
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const text = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ', 4000);
      expect(text).toMatch(/^HTTP\/1.1 408 Request Timeout/);
      expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'request_timeout', message: 'the request did not arrive in time' });
      expect(text).not.toContain('handler ran');
    } finally {
      await closeServer(server);
    }
  });

  it('answers 400 JSON to bytes that are not HTTP', async () => {
    const server = createServer(SERVER_OPTIONS, (_req, res) => res.end('handler ran'));
    hardenServer(server);
    const port = await listen(server, 0, '127.0.0.1');
    try {
      const text = await raw(port, 'HELLO THERE\r\n\r\n', 2000);
      expect(text).toMatch(/^HTTP\/1.1 400 Bad Request/);
      expect(text).toContain('"error":"bad_request"');
    } finally {
      await closeServer(server);
    }
  });
});
