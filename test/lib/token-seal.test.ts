/**
 * Sealing setup tokens (lib/token-seal.ts): HKDF-SHA256 against RFC 5869 and Node's own HKDF,
 * AES-256-GCM round trips, and every way a sealed token must refuse to open. Runs on Node's real
 * WebCrypto (the same `crypto.subtle` the offline runner hands to VUs).
 */
import { hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hkdfSha256, newSealParams, TokenSealError, TokenSealer } from '../../lib/token-seal';

const hex = (h: string): Uint8Array => new Uint8Array(Buffer.from(h, 'hex'));
const CRED = { clientId: 'tenant-load', clientSecret: 'Zq8v1kP3w9yT5mR2xL7cN4bH6jD0fG' };
const TOKEN = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ0ZW5hbnQtbG9hZCJ9.c2lnbmF0dXJl';

describe('HKDF-SHA256', () => {
  it('matches RFC 5869 test case 1', async () => {
    const okm = await hkdfSha256(hex('0b'.repeat(22)), hex('000102030405060708090a0b0c'), hex('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(Buffer.from(okm).toString('hex')).toBe('3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
  });

  it('matches RFC 5869 test case 3 (no salt, no info)', async () => {
    const okm = await hkdfSha256(hex('0b'.repeat(22)), new Uint8Array(0), new Uint8Array(0), 42);
    expect(Buffer.from(okm).toString('hex')).toBe('8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8');
  });

  it.each([1, 32, 33, 64, 100])('agrees with node:crypto hkdfSync for %i bytes', async (length) => {
    const ikm = hex('c0ffee'.repeat(7));
    const salt = hex('5a17'.repeat(8));
    const ours = await hkdfSha256(ikm, salt, new Uint8Array(Buffer.from('purpose')), length);
    expect(Buffer.from(ours)).toEqual(Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('purpose'), length)));
  });

  it.each([0, 255 * 32 + 1, 1.5])('refuses an output length of %s bytes', async (length) => {
    await expect(hkdfSha256(new Uint8Array(1), new Uint8Array(1), new Uint8Array(0), length)).rejects.toThrow(RangeError);
  });
});

describe('sealing a token', () => {
  it('round-trips, with a fresh IV per seal and no trace of the token or the secret', async () => {
    const params = newSealParams();
    const sealer = new TokenSealer(params);
    const a = await sealer.seal(CRED, 'run\ntenant-01', TOKEN);
    const b = await sealer.seal(CRED, 'run\ntenant-01', TOKEN);
    expect(a).not.toBe(b);
    for (const sealed of [a, b]) {
      expect(sealed).toMatch(/^[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
      for (let i = 0; i + 8 <= TOKEN.length; i++) expect(sealed).not.toContain(TOKEN.slice(i, i + 8));
      expect(sealed).not.toContain(CRED.clientSecret.slice(0, 8));
    }
    // Another VU: a new sealer from the same (JSON-copied) parameters opens it.
    const vu = new TokenSealer(JSON.parse(JSON.stringify(params)));
    expect(await vu.unseal(CRED, 'run\ntenant-01', a, 'tenant tenant-01')).toBe(TOKEN);
  });

  it('round-trips non-ASCII secrets and tokens (UTF-8 through k6/encoding)', async () => {
    const sealer = new TokenSealer(newSealParams());
    const cred = { clientId: 'mandant-ü', clientSecret: 'pässwörd-秘密-🔑' };
    const sealed = await sealer.seal(cred, 'r\nt', 'tøken-✓');
    expect(await new TokenSealer(sealer.params).unseal(cred, 'r\nt', sealed, 't')).toBe('tøken-✓');
  });

  it.each<[string, (s: string) => string, { clientId: string; clientSecret: string }, string]>([
    ['another client secret', (s) => s, { ...CRED, clientSecret: 'another-secret' }, 'run\ntenant-01'],
    ['another client id', (s) => s, { ...CRED, clientId: 'tenant-01-load' }, 'run\ntenant-01'],
    ['another tenant binding', (s) => s, CRED, 'run\ntenant-02'],
    ['another run binding', (s) => s, CRED, 'run2\ntenant-01'],
    // Middle characters carry 6 significant bits each (the last one may be padding bits).
    ['a flipped ciphertext character', (s) => `${s.slice(0, 24)}${s[24] === 'A' ? 'B' : 'A'}${s.slice(25)}`, CRED, 'run\ntenant-01'],
    ['a flipped IV character', (s) => `${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`, CRED, 'run\ntenant-01'],
    ['a truncated ciphertext', (s) => s.slice(0, -4), CRED, 'run\ntenant-01'],
  ])('refuses to open with %s, naming the variables and neither secret nor token', async (_name, alter, cred, binding) => {
    const sealer = new TokenSealer(newSealParams());
    const sealed = alter(await sealer.seal(CRED, 'run\ntenant-01', TOKEN));
    const err = (await sealer.unseal(cred, binding, sealed, 'tenant tenant-01').catch((e: Error) => e)) as TokenSealError;
    expect(err).toBeInstanceOf(TokenSealError);
    expect(err.code).toBe('ERR_SETUP_TOKEN_SEAL');
    expect(err.message).toMatch(/^cannot unseal the setup token for tenant tenant-01 with client '[^']+': .*AUTH_CLIENT_SECRET or TENANTS_FILE/);
    expect(err.message).not.toContain(CRED.clientSecret);
    expect(err.message).not.toContain('another-secret');
    expect(err.message).not.toContain(TOKEN);
  });

  it.each(['', 'no-dot', 'a.b.c', 'AAAA.BBBB', 42 as unknown as string])('calls %j a malformed sealed token', async (sealed) => {
    await expect(new TokenSealer(newSealParams()).unseal(CRED, 'r\nt', sealed, 'tenant t')).rejects.toThrow(/^the sealed token for tenant t in setup data is malformed$/);
  });

  it.each<[string, unknown]>([
    ['missing', undefined],
    ['another version', { v: 2, alg: 'A256GCM', kdf: 'HKDF-SHA256', salt: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['another algorithm', { v: 1, alg: 'A128CBC', kdf: 'HKDF-SHA256', salt: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    ['a short salt', { v: 1, alg: 'A256GCM', kdf: 'HKDF-SHA256', salt: 'AAAA' }],
  ])('refuses seal parameters that are %s', (_name, params) => {
    expect(() => new TokenSealer(params as never)).toThrow(TokenSealError);
  });

  it('draws a 16-byte random salt per setup() run', () => {
    const salts = new Set(Array.from({ length: 50 }, () => newSealParams().salt));
    expect(salts.size).toBe(50);
    expect(Buffer.from([...salts][0]!, 'base64url')).toHaveLength(16);
  });
});

describe('the WebCrypto global', () => {
  it('fails with a clear message where the engine has no global crypto', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      expect(() => newSealParams()).toThrow('this bundle needs the global WebCrypto `crypto` object (k6 v1.0 or newer)');
    } finally {
      Object.defineProperty(globalThis, 'crypto', saved!);
    }
  });
});
