/**
 * `k6/crypto` on node:crypto, as k6 defines it (internal/js/modules/k6/crypto/crypto.go at
 * v2.2.0): the shorthand digests (`sha256(input, encoding)`, …), `hmac(algorithm, key, input,
 * encoding)`, `createHash`/`createHMAC` returning a hasher whose `update` appends and whose
 * `digest` can be called again (Go's `hash.Sum(nil)` does not reset the state), `randomBytes`
 * and `hexEncode`.
 *
 * Inputs and keys are what k6's `common.ToBytes` takes: a string (as UTF-8), an ArrayBuffer, or
 * a Uint8Array (Sobek exports it as Go bytes). Encodings: hex, base64, base64url (padded),
 * base64rawurl, binary (an ArrayBuffer). MD4, which k6 keeps for old scripts, is not in the
 * OpenSSL 3 default provider Node uses: reaching it stops the run (exit 107) instead of
 * pretending.
 */
import { createHash as nodeCreateHash, createHmac, getHashes, randomBytes as nodeRandomBytes } from 'node:crypto';
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';

/** k6's algorithm names and node:crypto's. */
const NODE_NAME: Readonly<Record<string, string>> = {
  md4: 'md4',
  md5: 'md5',
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  sha512_224: 'sha512-224',
  sha512_256: 'sha512-256',
  ripemd160: 'ripemd160',
};
const ENCODINGS = ['hex', 'base64', 'base64url', 'base64rawurl', 'binary'] as const;
/** randomBytes allocates what the script asks for: bounded like the rest of the script's inputs. */
export const MAX_RANDOM_BYTES = 64 * 1024 * 1024;

function toBytes(data: unknown, what: string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer || Object.prototype.toString.call(data) === '[object ArrayBuffer]') return Buffer.from(data as ArrayBuffer);
  if (data instanceof Uint8Array || Object.prototype.toString.call(data) === '[object Uint8Array]') {
    const v = data as Uint8Array;
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  }
  throw new TypeError(`${what}: invalid type ${data === null ? 'null' : typeof data}, expected string, Uint8Array or ArrayBuffer`);
}

function encode(sum: Buffer, encoding: unknown): string | ArrayBuffer {
  switch (encoding) {
    case 'hex':
      return sum.toString('hex');
    case 'base64':
      return sum.toString('base64');
    case 'base64url':
      return sum.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    case 'base64rawurl':
      return sum.toString('base64url');
    case 'binary':
      return sum.buffer.slice(sum.byteOffset, sum.byteOffset + sum.byteLength) as ArrayBuffer;
    default:
      throw new TypeError(`invalid output encoding: ${String(encoding)} (allowed: ${ENCODINGS.join(', ')})`);
  }
}

export function createCryptoModule(vu: Pick<VuApi, 'engine'>): Record<string, unknown> {
  const nodeName = (algorithm: unknown): string => {
    const name = typeof algorithm === 'string' ? NODE_NAME[algorithm] : undefined;
    if (name === undefined) throw new TypeError(`invalid algorithm: ${String(algorithm)} (allowed: ${Object.keys(NODE_NAME).join(', ')})`);
    if (!getHashes().includes(name)) throw vu.engine.notImplemented(`k6/crypto ${String(algorithm)} (the OpenSSL of this Node.js does not provide it)`);
    return name;
  };

  // A k6 Hasher: `digest` can be repeated and followed by `update` (Go's Sum(nil) keeps the state).
  const createHash = (algorithm: unknown): Record<string, unknown> => {
    const h = nodeCreateHash(nodeName(algorithm));
    return {
      update(input: unknown): void {
        h.update(toBytes(input, 'update'));
      },
      digest: (encoding: unknown): string | ArrayBuffer => encode(h.copy().digest(), encoding),
    };
  };
  // node:crypto's Hmac has no copy(): the input is kept (copied, as Go hashes it at once) until digest.
  const createHMAC = (algorithm: unknown, key: unknown): Record<string, unknown> => {
    const name = nodeName(algorithm);
    const k = Buffer.from(toBytes(key, 'createHMAC key'));
    const chunks: Buffer[] = [];
    return {
      update(input: unknown): void {
        chunks.push(Buffer.from(toBytes(input, 'update')));
      },
      digest(encoding: unknown): string | ArrayBuffer {
        const h = createHmac(name, k);
        for (const c of chunks) h.update(c);
        return encode(h.digest(), encoding);
      },
    };
  };
  const digest =
    (algorithm: string) =>
    (input: unknown, encoding: unknown): string | ArrayBuffer => {
      const h = createHash(algorithm);
      (h.update as (i: unknown) => void)(input);
      return (h.digest as (e: unknown) => string | ArrayBuffer)(encoding);
    };

  return esModule({
    createHash,
    createHMAC,
    hmac(algorithm: unknown, key: unknown, input: unknown, encoding: unknown): string | ArrayBuffer {
      const h = createHMAC(algorithm, key);
      (h.update as (i: unknown) => void)(input);
      return (h.digest as (e: unknown) => string | ArrayBuffer)(encoding);
    },
    md4: digest('md4'),
    md5: digest('md5'),
    sha1: digest('sha1'),
    sha256: digest('sha256'),
    sha384: digest('sha384'),
    sha512: digest('sha512'),
    sha512_224: digest('sha512_224'),
    sha512_256: digest('sha512_256'),
    ripemd160: digest('ripemd160'),
    randomBytes(size: unknown): ArrayBuffer {
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new TypeError('invalid size');
      if (size > MAX_RANDOM_BYTES) throw new RangeError(`randomBytes: size ${size} is over the limit of ${MAX_RANDOM_BYTES} bytes`);
      const b = nodeRandomBytes(size);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
    hexEncode(data: unknown): string {
      return toBytes(data, 'hexEncode').toString('hex');
    },
  });
}
