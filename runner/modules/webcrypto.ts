/**
 * k6's global `crypto` (docs/k6-semantics.md#sobek) for the VUs: `getRandomValues`, `randomUUID`
 * and `subtle`, Node's WebCrypto behind a thin facade.
 *
 * Why a facade: Node runs HMAC, AES and digest jobs on the libuv thread pool and resolves the
 * promise on a later turn of the event loop. In k6 every VU has an event loop of its own, so a
 * VU waits only for its own job; here all VUs share one loop, and under load each round trip
 * waits for a whole loop turn. Measured at 2,500 iterations/s per process: a VU's first
 * iteration, which unseals its setup tokens (HKDF over HMAC, then AES-GCM: three thread-pool
 * round trips), took 370–1,000 ms, and nearly every dropped iteration of a run fell in that
 * first second. The common secret-key operations — `importKey('raw')` for HMAC and AES-GCM,
 * `sign`/`verify` with HMAC, `encrypt`/`decrypt` with AES-GCM, `digest` — are therefore computed
 * at once with node:crypto; their promises still settle asynchronously (a `then` callback runs
 * as a microtask, as the WebCrypto spec requires). Anything else (other formats, algorithms,
 * `exportKey`, `deriveBits`, `wrapKey`, …) and any input the fast path does not recognise as well
 * formed goes to Node's `crypto.subtle` unchanged but for a view over any ArrayBuffer from a VU's
 * realm (which Node would refuse), so values and errors are Node's WebCrypto's
 * (test/runner/modules/webcrypto.test.ts compares the two case by case).
 *
 * Key material of a fast key is held in a WeakMap, not on the key object: `console.log(key)` or
 * `JSON.stringify(key)` in a script shows the algorithm and usages, never the secret.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomFillSync, randomUUID, timingSafeEqual, webcrypto } from 'node:crypto';
import { types } from 'node:util';

type Bytes = Buffer;

interface FastSecret {
  readonly name: 'HMAC' | 'AES-GCM';
  readonly bytes: Bytes;
  /** node:crypto digest name for HMAC, e.g. `sha256`. */
  readonly hash?: string;
}

const HASHES: Record<string, string> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const HMAC_USAGES = new Set(['sign', 'verify']);
const AES_USAGES = new Set(['encrypt', 'decrypt', 'wrapKey', 'unwrapKey']);
const GCM_TAG_BITS = new Set([32, 64, 96, 104, 112, 120, 128]);
/** The GCM IV lengths Node's subtle accepts (measured on Node 20; webcrypto.test.ts compares). */
const GCM_IV_MIN_BYTES = 12;
const GCM_IV_MAX_BYTES = 128;

/** A secret key made by the fast path; shaped like a CryptoKey. */
export class FastCryptoKey {
  readonly type = 'secret';
  constructor(
    readonly algorithm: Readonly<Record<string, unknown>>,
    readonly extractable: boolean,
    readonly usages: readonly string[],
  ) {
    Object.freeze(this);
  }
}

const secrets = new WeakMap<object, FastSecret>();
const realKeys = new WeakMap<object, Promise<webcrypto.CryptoKey>>();
const subtle = webcrypto.subtle;

/**
 * The bytes of any BufferSource, from any realm (`instanceof` fails across VU contexts). Shared
 * memory is not a BufferSource: Node's subtle refuses it with a TypeError, so it is left to Node.
 */
function bytesOf(data: unknown): Bytes | undefined {
  if (ArrayBuffer.isView(data)) return types.isSharedArrayBuffer(data.buffer) ? undefined : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (types.isArrayBuffer(data)) return Buffer.from(data);
  return undefined;
}

/**
 * A view the host realm accepts over an ArrayBuffer made in a VU's realm: Node's subtle accepts
 * typed arrays from any realm but refuses another realm's ArrayBuffer with a TypeError (k6 takes
 * the script's own ArrayBuffers, of course). The view shares the memory; nothing is copied.
 */
function hostBuffer(value: unknown): unknown {
  return types.isArrayBuffer(value) && !(value instanceof ArrayBuffer) ? new Uint8Array(value) : value;
}

/**
 * An argument for Node's subtle with another realm's ArrayBuffers viewed, at the top level and
 * one level into an algorithm dictionary (`iv`, `additionalData`, `salt`, `info`, `label`, …).
 * A dictionary is copied (same prototype) only when one of its members needs a view.
 */
function hostBuffers(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null) return arg;
  const direct = hostBuffer(arg);
  if (direct !== arg || ArrayBuffer.isView(arg) || Array.isArray(arg) || secrets.has(arg)) return direct;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(arg)) {
    const viewed = hostBuffer(v);
    if (viewed !== v) (copy ??= Object.assign(Object.create(Object.getPrototypeOf(arg)) as Record<string, unknown>, arg))[k] = viewed;
  }
  return copy ?? arg;
}

/** The normalised algorithm name (case-insensitive, as WebCrypto normalises it). */
function algorithmName(alg: unknown): string | undefined {
  const name = typeof alg === 'string' ? alg : typeof alg === 'object' && alg !== null ? (alg as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name.toUpperCase() : undefined;
}

function hashOf(alg: unknown): string | undefined {
  const hash = (alg as { hash?: unknown }).hash;
  const name = algorithmName(hash);
  return name === undefined ? undefined : HASHES[name];
}

function toArrayBuffer(buf: Bytes): ArrayBuffer {
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

function operationError(message: string): DOMException {
  return new DOMException(message, 'OperationError');
}

function secretOf(key: unknown, name: FastSecret['name'], usage: string): FastSecret | undefined {
  if (typeof key !== 'object' || key === null) return undefined;
  const secret = secrets.get(key);
  if (secret?.name !== name || !(key as FastCryptoKey).usages.includes(usage)) return undefined;
  return secret;
}

/** The Node CryptoKey for a fast key (made once), for the operations the fast path leaves to Node. */
function realKey(key: unknown): unknown {
  if (typeof key !== 'object' || key === null) return key;
  const secret = secrets.get(key);
  if (!secret) return key;
  let real = realKeys.get(key);
  if (!real) {
    const k = key as FastCryptoKey;
    real = subtle.importKey('raw', secret.bytes, k.algorithm as unknown as webcrypto.AlgorithmIdentifier, k.extractable, [...k.usages] as webcrypto.KeyUsage[]);
    realKeys.set(key, real);
  }
  return real;
}

/** Calls Node's subtle with every fast key replaced by its Node CryptoKey (and foreign ArrayBuffers viewed). */
async function delegate(method: string, args: unknown[]): Promise<unknown> {
  const resolved = await Promise.all(args.map((arg) => realKey(hostBuffers(arg))));
  return (subtle as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!.apply(subtle, resolved);
}

/** Runs the fast path when it applies (returns a value), else Node's subtle (returns undefined). */
function fastOr(method: string, args: unknown[], fast: () => unknown): Promise<unknown> {
  let value: unknown;
  try {
    value = fast();
  } catch (err) {
    return Promise.reject(err);
  }
  return value === undefined ? delegate(method, args) : Promise.resolve(value);
}

function importRaw(keyData: unknown, algorithm: unknown, extractable: unknown, usages: unknown): FastCryptoKey | undefined {
  const name = algorithmName(algorithm);
  const bytes = bytesOf(keyData);
  if (!bytes || bytes.length === 0 || !Array.isArray(usages) || usages.length === 0 || typeof extractable !== 'boolean') return undefined;
  // A repeated usage goes to Node, whose keys keep usages as given (Node 20 keeps the repeats too).
  if (new Set(usages).size !== usages.length) return undefined;
  if (name === 'HMAC') {
    const hash = hashOf(algorithm);
    const length = (algorithm as { length?: unknown }).length;
    if (!hash || length !== undefined || !usages.every((u) => HMAC_USAGES.has(u as string))) return undefined;
    const hashName = algorithmName((algorithm as { hash?: unknown }).hash)!;
    const key = new FastCryptoKey(Object.freeze({ name: 'HMAC', hash: Object.freeze({ name: hashName }), length: bytes.length * 8 }), extractable, Object.freeze([...(usages as string[])]));
    secrets.set(key, { name: 'HMAC', bytes: Buffer.from(bytes), hash });
    return key;
  }
  if (name === 'AES-GCM') {
    if (![16, 24, 32].includes(bytes.length) || !usages.every((u) => AES_USAGES.has(u as string))) return undefined;
    const key = new FastCryptoKey(Object.freeze({ name: 'AES-GCM', length: bytes.length * 8 }), extractable, Object.freeze([...(usages as string[])]));
    secrets.set(key, { name: 'AES-GCM', bytes: Buffer.from(bytes) });
    return key;
  }
  return undefined;
}

interface GcmParams {
  iv: Bytes;
  aad: Bytes | undefined;
  tagBytes: number;
}

function gcmParams(algorithm: unknown): GcmParams | undefined {
  if (algorithmName(algorithm) !== 'AES-GCM') return undefined;
  const a = algorithm as { iv?: unknown; additionalData?: unknown; tagLength?: unknown };
  const iv = bytesOf(a.iv);
  // node:crypto takes any non-empty GCM IV, but Node's subtle rejects one outside 12–128 bytes
  // with an OperationError: such an IV goes to Node's subtle so that the outcome stays Node's.
  if (!iv || iv.length < GCM_IV_MIN_BYTES || iv.length > GCM_IV_MAX_BYTES) return undefined;
  const aad = a.additionalData === undefined ? undefined : bytesOf(a.additionalData);
  if (a.additionalData !== undefined && !aad) return undefined;
  const tagBits = a.tagLength === undefined ? 128 : a.tagLength;
  if (typeof tagBits !== 'number' || !GCM_TAG_BITS.has(tagBits)) return undefined;
  return { iv, aad, tagBytes: tagBits / 8 };
}

function gcmCipher(bits: number): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  return bits === 128 ? 'aes-128-gcm' : bits === 192 ? 'aes-192-gcm' : 'aes-256-gcm';
}

/** JWK members k6's importers do not read (Node's subtle checks them against the call). */
const JWK_UNREAD = ['alg', 'ext', 'key_ops', 'use'];

/**
 * `importKey('jwk', …)` as k6 v2.2 reads the key (`internal/js/modules/k6/webcrypto/jwk.go`): the
 * EC importers take the curve from the JWK's `crv` and ignore the algorithm's `namedCurve`
 * (`importECDSAJWK(_ EllipticCurveKind, …)`), and no importer reads `alg`, `ext`, `key_ops` or
 * `use`. Node's subtle refuses a mismatch in any of them with a DataError, so they are dropped and
 * the curve taken from `crv` before the call goes to Node.
 */
function jwkAsK6Reads(args: unknown[]): unknown[] {
  const [, jwk, algorithm] = args;
  if (jwk === null || typeof jwk !== 'object') return args;
  const key: Record<string, unknown> = { ...(jwk as Record<string, unknown>) };
  for (const k of JWK_UNREAD) delete key[k];
  const out = [...args];
  out[1] = key;
  const name = algorithmName(algorithm);
  if ((name === 'ECDSA' || name === 'ECDH') && key.kty === 'EC' && typeof key.crv === 'string' && algorithm !== null && typeof algorithm === 'object') {
    out[2] = { ...(algorithm as Record<string, unknown>), namedCurve: key.crv };
  }
  return out;
}

/** `crypto.subtle` for the VUs: the fast path described above, Node's subtle for the rest. */
export function createSubtle(): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const methods: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    importKey: (...given) => {
      const args = given[0] === 'jwk' ? jwkAsK6Reads(given) : given;
      return fastOr('importKey', args, () => (args[0] === 'raw' ? importRaw(args[1], args[2], args[3], args[4]) : undefined));
    },
    sign: (...args) =>
      fastOr('sign', args, () => {
        const secret = algorithmName(args[0]) === 'HMAC' ? secretOf(args[1], 'HMAC', 'sign') : undefined;
        const data = bytesOf(args[2]);
        if (!secret || !data) return undefined;
        return toArrayBuffer(createHmac(secret.hash!, secret.bytes).update(data).digest());
      }),
    verify: (...args) =>
      fastOr('verify', args, () => {
        const secret = algorithmName(args[0]) === 'HMAC' ? secretOf(args[1], 'HMAC', 'verify') : undefined;
        const signature = bytesOf(args[2]);
        const data = bytesOf(args[3]);
        if (!secret || !signature || !data) return undefined;
        const mac = createHmac(secret.hash!, secret.bytes).update(data).digest();
        return mac.length === signature.length && timingSafeEqual(mac, signature);
      }),
    encrypt: (...args) =>
      fastOr('encrypt', args, () => {
        const params = gcmParams(args[0]);
        const secret = params ? secretOf(args[1], 'AES-GCM', 'encrypt') : undefined;
        const data = bytesOf(args[2]);
        if (!params || !secret || !data) return undefined;
        const cipher = createCipheriv(gcmCipher(secret.bytes.length * 8), secret.bytes, params.iv, { authTagLength: params.tagBytes });
        if (params.aad) cipher.setAAD(params.aad);
        return toArrayBuffer(Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]));
      }),
    decrypt: (...args) =>
      fastOr('decrypt', args, () => {
        const params = gcmParams(args[0]);
        const secret = params ? secretOf(args[1], 'AES-GCM', 'decrypt') : undefined;
        const data = bytesOf(args[2]);
        if (!params || !secret || !data) return undefined;
        if (data.length < params.tagBytes) throw operationError('The provided data is too small.');
        const body = data.subarray(0, data.length - params.tagBytes);
        const decipher = createDecipheriv(gcmCipher(secret.bytes.length * 8), secret.bytes, params.iv, { authTagLength: params.tagBytes });
        decipher.setAuthTag(data.subarray(data.length - params.tagBytes));
        if (params.aad) decipher.setAAD(params.aad);
        try {
          return toArrayBuffer(Buffer.concat([decipher.update(body), decipher.final()]));
        } catch {
          throw operationError('The operation failed for an operation-specific reason');
        }
      }),
    digest: (...args) =>
      fastOr('digest', args, () => {
        const name = algorithmName(args[0]);
        const hash = name === undefined ? undefined : HASHES[name];
        const data = bytesOf(args[1]);
        if (!hash || !data) return undefined;
        return toArrayBuffer(createHash(hash).update(data).digest());
      }),
  };
  for (const method of ['exportKey', 'generateKey', 'deriveKey', 'deriveBits', 'wrapKey', 'unwrapKey']) {
    methods[method] = (...args) => delegate(method, args);
  }
  return methods;
}

let sharedSubtle: Record<string, (...args: unknown[]) => Promise<unknown>> | undefined;

/**
 * The `crypto` global of a VU (or of the realm the VUs share). `subtle` holds no per-VU state,
 * so every VU gets the same one, as every VU had Node's `webcrypto.subtle` before.
 */
export function createCryptoGlobal(): Record<string, unknown> {
  return {
    getRandomValues<T extends ArrayBufferView>(arr: T): T {
      randomFillSync(arr as unknown as Uint8Array);
      return arr;
    },
    randomUUID: () => randomUUID(),
    subtle: (sharedSubtle ??= createSubtle()),
  };
}
