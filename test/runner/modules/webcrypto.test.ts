/**
 * The VUs' `crypto.subtle` (runner/modules/webcrypto.ts, runner/DIFFERENCES.md "WebCrypto"):
 * what it computes at once with node:crypto — raw HMAC and AES-GCM keys, HMAC sign/verify,
 * AES-GCM encrypt/decrypt, digest — gives exactly what Node's WebCrypto gives, and every other
 * call, including any input the fast path does not take, has Node's outcome (value or error name).
 */
import { createCipheriv, webcrypto } from 'node:crypto';
import { inspect } from 'node:util';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createSubtle, FastCryptoKey } from '../../../runner/modules/webcrypto';

type Subtle = Record<string, (...args: unknown[]) => Promise<unknown>>;

const fast: Subtle = createSubtle();
const node = webcrypto.subtle as unknown as Subtle;
const SUBTLES: Array<[string, Subtle]> = [
  ['the facade', fast],
  ["Node's subtle", node],
];

const HASHES = ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const;

/** `n` deterministic bytes (different seeds give different bytes). */
function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 17 + 7) & 0xff;
  return out;
}

function hex(data: unknown): string {
  return Buffer.from(data as ArrayBuffer).toString('hex');
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A settled value made comparable across the two implementations (keys by their visible fields). */
function comparable(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return { bytes: hex(value) };
  if (typeof value === 'object' && value !== null && 'usages' in value && 'algorithm' in value) {
    const k = value as webcrypto.CryptoKey;
    return { key: { type: k.type, extractable: k.extractable, algorithm: JSON.parse(JSON.stringify(k.algorithm)), usages: [...k.usages] } };
  }
  return value;
}

type Outcome = { value: unknown } | { error: string };

/** What a call settles to: its value, or the name of the error it rejects with (thrown synchronously counts too). */
async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { value: comparable(await call()) };
  } catch (err) {
    return { error: (err as Error).name };
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

function hmacKey(subtle: Subtle, hash: string, raw: Uint8Array, usages = ['sign', 'verify'], extractable = true): Promise<unknown> {
  return subtle.importKey!('raw', raw, { name: 'HMAC', hash }, extractable, usages);
}

function aesKey(subtle: Subtle, raw: Uint8Array, usages = ['encrypt', 'decrypt'], extractable = true): Promise<unknown> {
  return subtle.importKey!('raw', raw, { name: 'AES-GCM' }, extractable, usages);
}

describe('raw key import makes keys that look like Node’s', () => {
  it.each([
    ['an HMAC key', { name: 'HMAC', hash: 'SHA-256' }, bytes(32), ['sign', 'verify']],
    ['an HMAC key named in lower case with a hash object', { name: 'hmac', hash: { name: 'sha-384' } }, bytes(48), ['verify']],
    ['a 128-bit AES-GCM key', { name: 'AES-GCM' }, bytes(16), ['encrypt', 'decrypt']],
    ['a 192-bit AES-GCM key given as a string name', 'AES-GCM', bytes(24), ['decrypt']],
    ['a 256-bit AES-GCM key for wrapping', { name: 'aes-gcm' }, bytes(32), ['wrapKey', 'unwrapKey', 'encrypt']],
  ])('%s has the type, algorithm, extractability and usages Node gives it', async (_title, algorithm, raw, usages) => {
    for (const extractable of [true, false]) {
      const mine = await fast.importKey!('raw', raw, algorithm, extractable, usages);
      expect(mine).toBeInstanceOf(FastCryptoKey);
      expect(comparable(mine)).toEqual(comparable(await node.importKey!('raw', raw, algorithm, extractable, usages)));
    }
  });
});

describe('HMAC sign and verify give the bytes and verdicts of Node’s subtle', () => {
  const messages: Array<[string, Uint8Array]> = [
    ['an empty message', new Uint8Array(0)],
    ['a short message', text('tenant-42')],
    ['a 10 kB message', bytes(10_000, 3)],
  ];
  const cases = HASHES.flatMap((hash) => [16, 64, 200].flatMap((keyLen) => messages.map(([what, data]) => [hash, keyLen, what, data] as const)));

  it.each(cases)('%s with a %i-byte key over %s', async (hash, keyLen, _what, data) => {
    const raw = bytes(keyLen, keyLen);
    const mine = await hmacKey(fast, hash, raw);
    const theirs = await hmacKey(node, hash, raw);
    const signature = (await fast.sign!('HMAC', mine, data)) as ArrayBuffer;
    expect(hex(signature)).toBe(hex(await node.sign!('HMAC', theirs, data)));
    expect(await fast.verify!('HMAC', mine, signature, data)).toBe(true);
    expect(await node.verify!('HMAC', theirs, signature, data)).toBe(true);

    const tampered = new Uint8Array(signature);
    tampered[0]! ^= 1;
    const truncated = new Uint8Array(signature).subarray(1);
    for (const wrong of [tampered, truncated]) {
      expect(await fast.verify!('HMAC', mine, wrong, data)).toBe(false);
      expect(await node.verify!('HMAC', theirs, wrong, data)).toBe(false);
    }
  });
});

describe('AES-GCM encrypt and decrypt give the bytes of Node’s subtle', () => {
  const aads: Array<[string, Uint8Array | undefined]> = [
    ['no additional data', undefined],
    ['additional data', text('run-1|client-7')],
    ['empty additional data', new Uint8Array(0)],
  ];
  const tagLengths = [undefined, 32, 64, 96, 104, 112, 120, 128];
  const cases = [128, 192, 256].flatMap((bits) => aads.flatMap(([what, aad]) => tagLengths.map((tagLength) => [bits, what, tagLength, aad] as const)));

  it.each(cases)('a %i-bit key with %s and tagLength %s', async (bits, _what, tagLength, additionalData) => {
    const raw = bytes(bits / 8, bits);
    const mine = await aesKey(fast, raw);
    const theirs = await aesKey(node, raw);
    const params = { name: 'AES-GCM', iv: bytes(12, 9), ...(additionalData ? { additionalData } : {}), ...(tagLength ? { tagLength } : {}) };
    for (const plain of [new Uint8Array(0), text('a sealed token'), bytes(4099, 5)]) {
      const sealed = (await fast.encrypt!(params, mine, plain)) as ArrayBuffer;
      expect(hex(sealed)).toBe(hex(await node.encrypt!(params, theirs, plain)));
      expect(hex(await fast.decrypt!(params, mine, sealed))).toBe(hex(plain));
      expect(hex(await node.decrypt!(params, theirs, sealed))).toBe(hex(plain));
    }
  });

  it.each([12, 16, 60, 128])('a %i-byte IV gives Node’s bytes', async (ivLength) => {
    const params = { name: 'AES-GCM', iv: bytes(ivLength, 4) };
    const sealed = await fast.encrypt!(params, await aesKey(fast, bytes(16)), text('x'));
    expect(hex(sealed)).toBe(hex(await node.encrypt!(params, await aesKey(node, bytes(16)), text('x'))));
  });
});

describe('digest gives the bytes of Node’s subtle', () => {
  const names = [...HASHES, 'sha-256', { name: 'SHA-512' }];
  const data: Array<[string, Uint8Array | ArrayBuffer]> = [
    ['nothing', new Uint8Array(0)],
    ['a Uint8Array', text('hello')],
    ['an ArrayBuffer', bytes(1000, 2).buffer as ArrayBuffer],
    ['a view into the middle of a buffer', bytes(64, 6).subarray(5, 40)],
  ];
  it.each(names.flatMap((name) => data.map(([what, d]) => [JSON.stringify(name), what, name, d] as const)))('%s of %s', async (_n, _what, name, d) => {
    expect(hex(await fast.digest!(name, d))).toBe(hex(await node.digest!(name, d)));
  });
});

describe('a failed authentication rejects with a DOMException named OperationError, as in Node', () => {
  const iv = bytes(12, 8);
  const aad = text('binding');
  const cases: Array<[string, (sealed: Uint8Array, keys: { right: unknown; wrong: unknown }) => [unknown, unknown, Uint8Array]]> = [
    ['a flipped ciphertext byte', (s, k) => [{ name: 'AES-GCM', iv, additionalData: aad }, k.right, flip(s, 0)]],
    ['a flipped tag byte', (s, k) => [{ name: 'AES-GCM', iv, additionalData: aad }, k.right, flip(s, s.length - 1)]],
    ['the wrong additional data', (s, k) => [{ name: 'AES-GCM', iv, additionalData: text('bindinG') }, k.right, s]],
    ['missing additional data', (s, k) => [{ name: 'AES-GCM', iv }, k.right, s]],
    ['the wrong key', (s, k) => [{ name: 'AES-GCM', iv, additionalData: aad }, k.wrong, s]],
    ['the wrong IV', (s, k) => [{ name: 'AES-GCM', iv: bytes(12, 80), additionalData: aad }, k.right, s]],
    ['a shorter tagLength than the one sealed with', (s, k) => [{ name: 'AES-GCM', iv, additionalData: aad, tagLength: 96 }, k.right, s]],
    ['data shorter than the tag', (s, k) => [{ name: 'AES-GCM', iv, additionalData: aad }, k.right, s.subarray(0, 15)]],
    ['no data at all', (s, k) => [{ name: 'AES-GCM', iv, additionalData: aad }, k.right, new Uint8Array(0)]],
  ];

  function flip(data: Uint8Array, at: number): Uint8Array {
    const copy = new Uint8Array(data);
    copy[at]! ^= 0x80;
    return copy;
  }

  it.each(cases)('decrypting with %s', async (_title, make) => {
    for (const [, subtle] of SUBTLES) {
      const right = await aesKey(subtle, bytes(32, 1));
      const wrong = await aesKey(subtle, bytes(32, 2));
      const sealed = new Uint8Array((await subtle.encrypt!({ name: 'AES-GCM', iv, additionalData: aad }, right, text('secret payload'))) as ArrayBuffer);
      const err = await rejection(subtle.decrypt!(...make(sealed, { right, wrong })));
      expect(err).toBeInstanceOf(DOMException);
      expect((err as DOMException).name).toBe('OperationError');
    }
  });
});

describe('a fast key works with the operations left to Node’s subtle', () => {
  it.each([
    ['an HMAC key', bytes(32, 11), (s: Subtle, raw: Uint8Array) => hmacKey(s, 'SHA-256', raw, ['sign'])],
    ['an AES-GCM key', bytes(16, 12), (s: Subtle, raw: Uint8Array) => aesKey(s, raw, ['encrypt'])],
  ])('exportKey("raw") of an extractable %s returns the imported bytes', async (_what, raw, make) => {
    expect(hex(await fast.exportKey!('raw', await make(fast, raw)))).toBe(hex(raw));
  });

  it.each([
    ['HMAC raw', 'raw', (s: Subtle, ex: boolean) => hmacKey(s, 'SHA-512', bytes(64, 13), ['sign'], ex)],
    ['HMAC jwk', 'jwk', (s: Subtle, ex: boolean) => hmacKey(s, 'SHA-512', bytes(64, 13), ['sign'], ex)],
    ['AES-GCM raw', 'raw', (s: Subtle, ex: boolean) => aesKey(s, bytes(24, 14), ['decrypt'], ex)],
    ['AES-GCM jwk', 'jwk', (s: Subtle, ex: boolean) => aesKey(s, bytes(24, 14), ['decrypt'], ex)],
  ])('exportKey of a %s key, extractable or not, has Node’s outcome', async (_what, format, make) => {
    for (const extractable of [true, false]) {
      const mine = await outcome(async () => fast.exportKey!(format, await make(fast, extractable)));
      expect(mine).toEqual(await outcome(async () => node.exportKey!(format, await make(node, extractable))));
      if (!extractable) expect(mine).toHaveProperty('error');
    }
  });

  it('wrapKey with two fast keys gives Node’s bytes, and unwrapKey turns them back into the key', async () => {
    const wrap = { name: 'AES-GCM', iv: bytes(12, 15) };
    const raw = bytes(32, 16);
    const mine = await fast.wrapKey!('raw', await hmacKey(fast, 'SHA-256', raw), await aesKey(fast, bytes(16, 17), ['wrapKey', 'unwrapKey']), wrap);
    const theirs = await node.wrapKey!('raw', await hmacKey(node, 'SHA-256', raw), await aesKey(node, bytes(16, 17), ['wrapKey', 'unwrapKey']), wrap);
    expect(hex(mine)).toBe(hex(theirs));
    const back = await fast.unwrapKey!('raw', mine, await aesKey(fast, bytes(16, 17), ['unwrapKey']), wrap, { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
    expect(hex(await fast.exportKey!('raw', back))).toBe(hex(raw));
  });

  it('HKDF through the facade derives Node’s bits, and a fast HMAC key made of them signs as Node’s does', async () => {
    const base = await fast.importKey!('raw', bytes(32, 18), 'HKDF', false, ['deriveBits']);
    const params = { name: 'HKDF', hash: 'SHA-256', salt: bytes(16, 19), info: text('seal') };
    const derived = new Uint8Array((await fast.deriveBits!(params, base, 256)) as ArrayBuffer);
    const viaNode = new Uint8Array((await node.deriveBits!(params, await node.importKey!('raw', bytes(32, 18), 'HKDF', false, ['deriveBits']), 256)) as ArrayBuffer);
    expect(hex(derived)).toBe(hex(viaNode));
    const signature = await fast.sign!('HMAC', await hmacKey(fast, 'SHA-256', derived, ['sign']), text('m'));
    expect(hex(signature)).toBe(hex(await node.sign!('HMAC', await hmacKey(node, 'SHA-256', derived, ['sign']), text('m'))));
  });
});

describe('inputs the fast path does not take have the outcome of Node’s subtle', () => {
  const data = text('payload');
  const cases: Array<[string, (s: Subtle) => Promise<unknown>]> = [
    ['a jwk AES-GCM key', (s) => s.importKey!('jwk', { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw', alg: 'A128GCM', ext: true }, { name: 'AES-GCM' }, true, ['encrypt'])],
    ['a jwk HMAC key', (s) => s.importKey!('jwk', { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw', alg: 'HS256' }, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])],
    ['an HMAC key with a matching length', (s) => s.importKey!('raw', bytes(16), { name: 'HMAC', hash: 'SHA-256', length: 128 }, true, ['sign'])],
    ['an HMAC key with a shorter length', (s) => s.importKey!('raw', bytes(16), { name: 'HMAC', hash: 'SHA-256', length: 100 }, true, ['sign'])],
    ['an HMAC key with a repeated usage', (s) => s.importKey!('raw', bytes(16), { name: 'HMAC', hash: 'SHA-1' }, true, ['sign', 'verify', 'sign'])],
    ['an HMAC key with no usages', (s) => s.importKey!('raw', bytes(16), { name: 'HMAC', hash: 'SHA-256' }, true, [])],
    ['an AES-GCM key with no usages', (s) => s.importKey!('raw', bytes(16), { name: 'AES-GCM' }, true, [])],
    ['an AES key of 20 bytes', (s) => s.importKey!('raw', bytes(20), { name: 'AES-GCM' }, true, ['encrypt'])],
    ['an empty HMAC key', (s) => s.importKey!('raw', new Uint8Array(0), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])],
    ['an HMAC key without a hash', (s) => s.importKey!('raw', bytes(16), { name: 'HMAC' }, true, ['sign'])],
    ['an HMAC key with SHA-224', (s) => s.importKey!('raw', bytes(16), { name: 'HMAC', hash: 'SHA-224' }, true, ['sign'])],
    ['an HMAC key for encryption', (s) => s.importKey!('raw', bytes(16), { name: 'HMAC', hash: 'SHA-256' }, true, ['encrypt'])],
    ['an AES-GCM key for signing', (s) => s.importKey!('raw', bytes(16), { name: 'AES-GCM' }, true, ['sign'])],
    ['an unknown algorithm', (s) => s.importKey!('raw', bytes(16), { name: 'ROT13' }, true, ['encrypt'])],
    ['key data given as a string', (s) => s.importKey!('raw', 'secret', { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])],
    ['extractable given as a number', (s) => s.importKey!('raw', bytes(16), { name: 'AES-GCM' }, 1, ['encrypt'])],
    ['an unknown key format', (s) => s.importKey!('hex', bytes(16), { name: 'AES-GCM' }, true, ['encrypt'])],
    ['a digest of an unknown hash', (s) => s.digest!('SHA-224', data)],
    ['a digest of a string', (s) => s.digest!('SHA-256', 'payload')],
    ['a signature over a string', async (s) => s.sign!('HMAC', await hmacKey(s, 'SHA-256', bytes(16)), 'payload')],
    ['a signature with an algorithm other than the key’s', async (s) => s.sign!({ name: 'RSASSA-PKCS1-v1_5' }, await hmacKey(s, 'SHA-256', bytes(16)), data)],
    ['a signature with an AES key', async (s) => s.sign!('HMAC', await aesKey(s, bytes(16)), data)],
    ['a signature with no key', (s) => s.sign!('HMAC', undefined, data)],
    ['a signature with a look-alike plain object as the key', async (s) => s.sign!('HMAC', { ...((await hmacKey(s, 'SHA-256', bytes(16))) as object) }, data)],
    ['a verification of a string signature', async (s) => s.verify!('HMAC', await hmacKey(s, 'SHA-256', bytes(16)), 'sig', data)],
    ['encryption with an unsupported tagLength', async (s) => s.encrypt!({ name: 'AES-GCM', iv: bytes(12), tagLength: 100 }, await aesKey(s, bytes(16)), data)],
    ['encryption with a tagLength of 0', async (s) => s.encrypt!({ name: 'AES-GCM', iv: bytes(12), tagLength: 0 }, await aesKey(s, bytes(16)), data)],
    ['encryption without an IV', async (s) => s.encrypt!({ name: 'AES-GCM' }, await aesKey(s, bytes(16)), data)],
    ...[0, 1, 8, 11, 129, 256].map((n): [string, (s: Subtle) => Promise<unknown>] => [`encryption with a ${n}-byte IV`, async (s) => s.encrypt!({ name: 'AES-GCM', iv: new Uint8Array(n) }, await aesKey(s, bytes(16)), data)]),
    ['decryption with a 129-byte IV', async (s) => s.decrypt!({ name: 'AES-GCM', iv: new Uint8Array(129) }, await aesKey(s, bytes(16)), bytes(32))],
    ...[1, 8, 11].map((n): [string, (s: Subtle) => Promise<unknown>] => [`decryption with a ${n}-byte IV of what node:crypto sealed with it`, async (s) => s.decrypt!({ name: 'AES-GCM', iv: new Uint8Array(n) }, await aesKey(s, bytes(16)), gcmSealed(bytes(16), new Uint8Array(n), data))]),
    ['encryption with additional data given as a string', async (s) => s.encrypt!({ name: 'AES-GCM', iv: bytes(12), additionalData: 'aad' }, await aesKey(s, bytes(16)), data)],
    ['AES-GCM parameters given as a bare name', async (s) => s.encrypt!('AES-GCM', await aesKey(s, bytes(16)), data)],
    ['a digest of shared memory', (s) => s.digest!('SHA-256', new SharedArrayBuffer(4))],
    ['a digest of a view on shared memory', (s) => s.digest!('SHA-256', new Uint8Array(new SharedArrayBuffer(4)))],
    ['an HMAC key in shared memory', (s) => s.importKey!('raw', new Uint8Array(new SharedArrayBuffer(16)), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign'])],
    ['AES-CBC parameters with an AES-GCM key', async (s) => s.encrypt!({ name: 'AES-CBC', iv: bytes(16) }, await aesKey(s, bytes(16)), data)],
  ];

  /** What node:crypto seals with an IV Node's subtle may not take. */
  function gcmSealed(key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array {
    const cipher = createCipheriv('aes-128-gcm', key, iv, { authTagLength: 16 });
    return Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }

  it.each(cases)('%s', async (_title, call) => {
    expect(await outcome(() => call(fast))).toEqual(await outcome(() => call(node)));
  });
});

describe('a usage the key was not granted is refused as Node refuses it', () => {
  const cases: Array<[string, (s: Subtle) => Promise<unknown>]> = [
    ['signing with a verify-only HMAC key', async (s) => s.sign!('HMAC', await hmacKey(s, 'SHA-256', bytes(32), ['verify']), text('m'))],
    ['verifying with a sign-only HMAC key', async (s) => s.verify!('HMAC', await hmacKey(s, 'SHA-256', bytes(32), ['sign']), new Uint8Array(32), text('m'))],
    ['encrypting with a decrypt-only AES-GCM key', async (s) => s.encrypt!({ name: 'AES-GCM', iv: bytes(12) }, await aesKey(s, bytes(16), ['decrypt']), text('m'))],
    ['decrypting with an encrypt-only AES-GCM key', async (s) => s.decrypt!({ name: 'AES-GCM', iv: bytes(12) }, await aesKey(s, bytes(16), ['encrypt']), bytes(32))],
    ['wrapping with an encrypt-only AES-GCM key', async (s) => s.wrapKey!('raw', await aesKey(s, bytes(16)), await aesKey(s, bytes(16), ['encrypt']), { name: 'AES-GCM', iv: bytes(12) })],
  ];

  it.each(cases)('%s', async (_title, call) => {
    const mine = await outcome(() => call(fast));
    expect(mine).toEqual(await outcome(() => call(node)));
    expect(mine).toEqual({ error: 'InvalidAccessError' });
  });

  it('a fast key cannot be given more usages after import', async () => {
    const key = (await hmacKey(fast, 'SHA-256', bytes(32), ['verify'])) as { usages: string[] };
    expect(() => key.usages.push('sign')).toThrow(TypeError);
    expect(() => Object.assign(key, { usages: ['sign'] })).toThrow(TypeError);
    expect(await outcome(() => fast.sign!('HMAC', key, text('m')))).toEqual({ error: 'InvalidAccessError' });
  });
});

describe('buffers from another realm (a VU’s context) are accepted', () => {
  /**
   * Each case builds its buffers with `make(code)`: for the facade in a new realm, for Node's
   * subtle in this one (Node's subtle itself refuses another realm's ArrayBuffer with a TypeError).
   */
  type Make = <T = unknown>(code: string) => T;
  const foreign: Make = (code) => vm.runInNewContext(code);
  const local: Make = (code) => vm.runInThisContext(code);
  const cases: Array<[string, (s: Subtle, make: Make) => Promise<unknown>]> = [
    ['a digest of a Uint8Array', (s, make) => s.digest!('SHA-256', make('new Uint8Array([1, 2, 3])'))],
    ['a digest of an ArrayBuffer', (s, make) => s.digest!('SHA-256', make('new Uint8Array([1, 2, 3]).buffer'))],
    ['a digest of a DataView over part of a buffer', (s, make) => s.digest!('SHA-1', make('new DataView(new Uint8Array([9, 1, 2, 3, 9]).buffer, 1, 3)'))],
    ['a digest of a subarray', (s, make) => s.digest!('SHA-512', make('new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4)'))],
    ['HMAC key bytes and data', async (s, make) => s.sign!('HMAC', await hmacKey(s, 'SHA-256', make('new Uint8Array(32).fill(5)')), make('new Uint16Array([1, 2, 3])'))],
    ['HMAC key bytes as an ArrayBuffer and a signature to verify', async (s, make) => {
      const key = await s.importKey!('raw', make('new Uint8Array(16).fill(6).buffer'), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign', 'verify']);
      const signature = (await s.sign!('HMAC', key, text('m'))) as ArrayBuffer;
      return s.verify!('HMAC', key, make<(b: number[]) => ArrayBuffer>('(b) => new Uint8Array(b).buffer')([...new Uint8Array(signature)]), text('m'));
    }],
    ['an AES-GCM key, IV, additional data and plaintext', async (s, make) => {
      const key = await aesKey(s, make('new Uint8Array(32).fill(7)'));
      return s.encrypt!({ name: 'AES-GCM', iv: make('new Uint8Array(12).fill(8)'), additionalData: make('new Uint8Array([4, 5]).buffer') }, key, make('new Uint8Array([1, 2, 3]).buffer'));
    }],
    ['an AES-GCM ciphertext to decrypt', async (s, make) => {
      const key = await aesKey(s, bytes(16));
      const sealed = [...new Uint8Array((await s.encrypt!({ name: 'AES-GCM', iv: bytes(12) }, key, text('m'))) as ArrayBuffer)];
      return s.decrypt!({ name: 'AES-GCM', iv: bytes(12) }, key, make<(b: number[]) => ArrayBuffer>('(b) => new Uint8Array(b).buffer')(sealed));
    }],
    ['HKDF key bytes, salt and info for an operation left to Node', async (s, make) => {
      const base = await s.importKey!('raw', make('new Uint8Array(32).fill(9).buffer'), 'HKDF', false, ['deriveBits']);
      return s.deriveBits!({ name: 'HKDF', hash: 'SHA-256', salt: make('new Uint8Array(16).fill(1).buffer'), info: make('new Uint8Array([1, 2]).buffer') }, base, 256);
    }],
    ['AES-CBC (left to Node) with an IV and plaintext as ArrayBuffers', async (s, make) => {
      const key = await s.importKey!('raw', bytes(16), 'AES-CBC', false, ['encrypt']);
      return s.encrypt!({ name: 'AES-CBC', iv: make('new Uint8Array(16).fill(2).buffer') }, key, make('new Uint8Array([1, 2, 3]).buffer'));
    }],
  ];

  it.each(cases)('%s', async (_title, call) => {
    const mine = await outcome(() => call(fast, foreign));
    expect(mine).toHaveProperty('value');
    expect(mine).toEqual(await outcome(() => call(node, local)));
  });

  it('also when they are given to the facade from this realm', async () => {
    for (const [, call] of cases) expect(await outcome(() => call(fast, local))).toEqual(await outcome(() => call(node, local)));
  });
});

describe('the secret of a fast key is not visible on the key', () => {
  const secret = text('TOP-SECRET-KEY-0123456789abcdef!');
  const forms = [Buffer.from(secret).toString('hex'), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url'), 'TOP-SECRET'];

  it.each([
    ['an HMAC key', () => hmacKey(fast, 'SHA-256', secret)],
    ['an AES-GCM key', () => aesKey(fast, secret)],
  ])('%s shows its algorithm and usages, never its bytes', async (_what, make) => {
    const key = (await make()) as object;
    const shown = [JSON.stringify(key), inspect(key), inspect(key, { showHidden: true, depth: Infinity, getters: true }), String(Object.keys(key)), String(Reflect.ownKeys(key).map(String))];
    expect(Reflect.ownKeys(key).map(String).sort()).toEqual(['algorithm', 'extractable', 'type', 'usages']);
    for (const s of shown) for (const f of forms) expect(s).not.toContain(f);
    expect(JSON.parse(JSON.stringify(key))).toEqual({ type: 'secret', extractable: true, algorithm: expect.any(Object), usages: expect.any(Array) });
  });
});

describe('promises settle asynchronously, as WebCrypto requires', () => {
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['importKey', () => fast.importKey!('raw', bytes(16), 'AES-GCM', false, ['encrypt'])],
    ['digest', () => fast.digest!('SHA-256', bytes(3))],
  ];

  it.each(cases)('a then callback of %s has not run when the call returns', async (_what, call) => {
    let ran = false;
    const settled = call().then(() => (ran = true));
    expect(ran).toBe(false);
    await settled;
    expect(ran).toBe(true);
  });

  it('nor has one of sign, verify, encrypt or decrypt, nor a catch callback of a failed decrypt', async () => {
    const hmac = await hmacKey(fast, 'SHA-256', bytes(32));
    const aes = await aesKey(fast, bytes(16));
    const gcm = { name: 'AES-GCM', iv: bytes(12) };
    const sealed = (await fast.encrypt!(gcm, aes, text('m'))) as ArrayBuffer;
    const calls: Array<() => Promise<unknown>> = [
      () => fast.sign!('HMAC', hmac, text('m')),
      () => fast.verify!('HMAC', hmac, new Uint8Array(32), text('m')),
      () => fast.encrypt!(gcm, aes, text('m')),
      () => fast.decrypt!(gcm, aes, sealed),
      () => fast.decrypt!(gcm, aes, new Uint8Array(sealed).reverse()),
    ];
    for (const call of calls) {
      let ran = false;
      const settled = call().then(
        () => (ran = true),
        () => (ran = true),
      );
      expect(ran).toBe(false);
      await settled;
      expect(ran).toBe(true);
    }
  });
});

// k6 v2.2 internal/js/modules/k6/webcrypto/jwk.go: importECDSAJWK/importECDHJWK take the curve from
// `crv` and ignore the algorithm's namedCurve; no JWK importer reads alg, ext, key_ops or use.
describe('JWK import reads what k6 reads', () => {
  it.each([
    ['ECDSA with a namedCurve other than crv', { name: 'ECDSA', namedCurve: 'P-384' }, ['verify'], 'ECDSA'],
    ['ECDH with a namedCurve other than crv', { name: 'ECDH', namedCurve: 'P-521' }, [], 'ECDH'],
  ])('%s imports the key on the JWK’s curve (Node refuses it)', async (_t, algorithm, usages, name) => {
    const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const jwk = await webcrypto.subtle.exportKey('jwk', pair.publicKey);
    const key = (await fast.importKey!('jwk', jwk, algorithm, true, usages)) as webcrypto.CryptoKey;
    expect(key.algorithm).toMatchObject({ name, namedCurve: 'P-256' });
    await expect(node.importKey!('jwk', jwk, algorithm, true, usages)).rejects.toMatchObject({ name: 'DataError' });
  });

  it.each([
    ['an alg that does not match the hash', { alg: 'HS512' }, true],
    ['ext false with extractable true', { ext: false }, true],
    ['key_ops without the usage asked for', { key_ops: ['verify'] }, false],
    ['a use of enc', { use: 'enc' }, false],
  ])('an oct key with %s imports (Node refuses it)', async (_t, extra, extractable) => {
    const jwk = { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODw', ...extra };
    const algorithm = { name: 'HMAC', hash: 'SHA-256' };
    const key = (await fast.importKey!('jwk', jwk, algorithm, extractable, ['sign'])) as webcrypto.CryptoKey;
    expect(key.algorithm).toMatchObject({ name: 'HMAC', hash: { name: 'SHA-256' } });
    await expect(node.importKey!('jwk', jwk, algorithm, extractable, ['sign'])).rejects.toMatchObject({ name: 'DataError' });
  });

  it('a malformed JWK is still refused with Node’s error', async () => {
    await expect(fast.importKey!('jwk', { kty: 'EC', crv: 'P-256' }, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify'])).rejects.toMatchObject({ name: 'DataError' });
  });
});
