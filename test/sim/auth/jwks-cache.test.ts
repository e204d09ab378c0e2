/** sim/auth/jwks-cache.ts: the guards of the JWKS fetch, against a real server on loopback. */
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { asKeySet, fetchJwksOverHttp, MAX_JWKS_BYTES, MAX_JWKS_KEYS } from '../../../sim/auth/jwks-cache';
import { closeServer, listen } from '../../../sim/http/harden';

describe('JWKS fetch guards', () => {
  it.each([
    ['a non-200 answer', (res: import('node:http').ServerResponse) => res.writeHead(503).end('down'), /answered 503/],
    ['a body that is not JSON', (res: import('node:http').ServerResponse) => res.end('<html>'), /not valid JSON/],
    ['a body over 1 MiB', (res: import('node:http').ServerResponse) => res.end(`{"keys":[],"pad":"${'x'.repeat(MAX_JWKS_BYTES)}"}`), /larger than 1048576 bytes/],
  ])('refuses %s', async (_name, answer, message) => {
    const server = createServer((_req, res) => answer(res));
    const port = await listen(server, 0, '127.0.0.1');
    try {
      await expect(fetchJwksOverHttp(`http://127.0.0.1:${port}/jwks`, 2000)).rejects.toThrow(message);
    } finally {
      await closeServer(server);
    }
  });

  it.each([
    ['no keys array', { nokeys: [] }, /no keys array/],
    ['an empty key list', { keys: [] }, /no keys array/],
    ['a key without kid', { keys: [{ kty: 'RSA' }] }, /without a kid/],
    ['too many keys', { keys: Array.from({ length: MAX_JWKS_KEYS + 1 }, (_, i) => ({ kid: `k${i}` })) }, /more than 100 keys/],
  ])('refuses a key set with %s', (_name, value, message) => {
    expect(() => asKeySet(value)).toThrow(message);
  });
});
