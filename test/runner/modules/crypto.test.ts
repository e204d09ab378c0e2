/**
 * `k6/crypto` (runner/modules/crypto.ts) against the digests k6's own module gives for the same
 * inputs (grafana/k6 internal/js/modules/k6/crypto), every encoding, and its errors.
 */
import { getHashes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCryptoModule, MAX_RANDOM_BYTES } from '../../../runner/modules/crypto';

class NotImplemented extends Error {}
const notImplemented: string[] = [];
const mod = createCryptoModule({ engine: { notImplemented: (what: string) => (notImplemented.push(what), new NotImplemented(what)) } } as never) as Record<string, (...args: unknown[]) => unknown>;
const hasher = (h: unknown) => h as { update(x: unknown): void; digest(e: string): unknown };

describe('k6/crypto digests', () => {
  it.each([
    ['md5', '5eb63bbbe01eeed093cb22bb8f5acdc3'],
    ['sha1', '2aae6c35c94fcfb415dbe95f408b9ce91ee846ed'],
    ['sha256', 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9'],
    ['sha384', 'fdbd8e75a67f29f701a4e040385e2e23986303ea10239211af907fcbb83578b3e417cb71ce646efd0819dd8c088de1bd'],
    ['sha512', '309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f'],
    ['sha512_224', '22e0d52336f64a998085078b05a6e37b26f8120f43bf4db4c43a64ee'],
    ['sha512_256', '0ac561fac838104e3f2e4ad107b4bee3e938bf15f2b15f009ccccd61a913f017'],
    ['ripemd160', '98c615784ccb5fe5936fbc0cbe9dfdb408d92f0f'],
  ])('%s("hello world", "hex") is the digest k6 gives', (alg, hex) => {
    expect(mod[alg]!('hello world', 'hex')).toBe(hex);
    const h = hasher(mod.createHash!(alg));
    h.update('hello ');
    h.update(new TextEncoder().encode('world'));
    expect(h.digest('hex')).toBe(hex);
  });

  it.each([
    ['md5', 'e04f2ec05c8b12e19e46936b171c9d03'],
    ['sha1', 'c113b62711ff5d8e8100bbb17b998591af81dc24'],
    ['sha256', '7fd04df92f636fd450bc841c9418e5825c17f33ad9c87c518115a45971f7f77e'],
    ['sha384', 'd331e169e2dcfc742e80a3bf4dcc76d0e6425ab3777a3ac217ac6b2552aad5529ed4d40135b06e53a495ac7425d1e462'],
    ['sha512', 'cd3146f96a3005024108ff56b025517552435589a4c218411f165da0a368b6f47228b20a1a4bf081e4aae6f07e2790f27194fc77f0addc890e98ce1951cacc9f'],
    ['sha512_224', 'bac4e6256bdbf81d029aec48af4fdd4b14001db6721f07c429a80817'],
    ['sha512_256', 'e3d0763ba92a4f40676c3d5b234d9842b71951e6e0767082cfb3f5e14c124b22'],
    ['ripemd160', '00bb4ce0d6afd4c7424c9d01b8a6caa3e749b08b'],
  ])('hmac(%s, "a secret", …) is the HMAC k6 gives, from a string or an ArrayBuffer', (alg, hex) => {
    expect(mod.hmac!(alg, 'a secret', 'some data to hash', 'hex')).toBe(hex);
    expect(mod.hmac!(alg, new TextEncoder().encode('a secret').buffer, new TextEncoder().encode('some data to hash').buffer, 'hex')).toBe(hex);
    const h = hasher(mod.createHMAC!(alg, 'a secret'));
    h.update('some data ');
    h.update('to hash');
    expect(h.digest('hex')).toBe(hex);
  });

  it('encodes a digest as hex, base64, padded base64url, base64rawurl or an ArrayBuffer', () => {
    const h = hasher(mod.createHash!('md5'));
    h.update('hello world');
    expect(h.digest('hex')).toBe('5eb63bbbe01eeed093cb22bb8f5acdc3');
    expect(h.digest('base64')).toBe('XrY7u+Ae7tCTyyK7j1rNww==');
    expect(h.digest('base64url')).toBe('XrY7u-Ae7tCTyyK7j1rNww==');
    expect(h.digest('base64rawurl')).toBe('XrY7u-Ae7tCTyyK7j1rNww');
    expect([...new Uint8Array(h.digest('binary') as ArrayBuffer)]).toEqual([94, 182, 59, 187, 224, 30, 238, 208, 147, 203, 34, 187, 143, 90, 205, 195]);
  });

  it('keeps the state after digest, as Go hash.Sum does: update goes on from the same input', () => {
    const h = hasher(mod.createHash!('sha256'));
    h.update('hello');
    h.digest('hex');
    h.update(' world');
    expect(h.digest('hex')).toBe('b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9');
    const m = hasher(mod.createHMAC!('md5', 'a secret'));
    m.update('some data ');
    m.digest('hex');
    m.update('to hash');
    expect(m.digest('hex')).toBe('e04f2ec05c8b12e19e46936b171c9d03');
  });

  it('hashes the input as it was at update: a buffer changed afterwards does not change the HMAC', () => {
    const data = new TextEncoder().encode('some data to hash');
    const m = hasher(mod.createHMAC!('md5', 'a secret'));
    m.update(data.buffer);
    data.fill(0);
    expect(m.digest('hex')).toBe('e04f2ec05c8b12e19e46936b171c9d03');
  });
});

describe('k6/crypto errors and limits', () => {
  it.each([
    ['an unknown algorithm', () => mod.createHash!('md6'), /invalid algorithm: md6 \(allowed: md4, md5, sha1/],
    ['an unknown HMAC algorithm', () => mod.hmac!('sha526', 'k', 'x', 'hex'), /invalid algorithm: sha526/],
    ['an unknown output encoding', () => mod.md5!('x', 'someInvalidEncoding'), /invalid output encoding: someInvalidEncoding \(allowed: hex, base64, base64url, base64rawurl, binary\)/],
    ['an input that is neither text nor bytes', () => mod.sha1!({ a: 1 }, 'hex'), /update: invalid type object, expected string, Uint8Array or ArrayBuffer/],
    ['a size under one byte', () => mod.randomBytes!(0), /invalid size/],
    ['a size that is not a whole number', () => mod.randomBytes!(1.5), /invalid size/],
    ['a size over the bound', () => mod.randomBytes!(MAX_RANDOM_BYTES + 1), /over the limit of 67108864 bytes/],
  ])('refuses %s with a clear error', (_what, call, message) => {
    expect(call).toThrow(message);
  });

  it('stops the run (not implemented) for MD4 where the OpenSSL of Node.js lacks it (OpenSSL 3 keeps it in its legacy provider)', () => {
    if (getHashes().includes('md4')) {
      expect(mod.md4!('hello world', 'hex')).toBe('aa010fbc1d14c795d86ef98c95479d17');
    } else {
      expect(() => mod.md4!('hello world', 'hex')).toThrow(NotImplemented);
      expect(notImplemented.at(-1)).toMatch(/k6\/crypto md4/);
    }
  });

  it('gives random bytes as an ArrayBuffer of the size asked, and hex-encodes bytes', () => {
    const a = mod.randomBytes!(32) as ArrayBuffer;
    const b = mod.randomBytes!(32) as ArrayBuffer;
    expect(a.byteLength).toBe(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(mod.hexEncode!(new Uint8Array([0, 15, 255]).buffer)).toBe('000fff');
    expect(mod.hexEncode!('hi')).toBe('6869');
  });
});
