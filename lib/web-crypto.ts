/**
 * The only place on the k6 side that touches k6's global WebCrypto (`crypto`,
 * docs/k6-semantics.md#sobek; the offline runner provides the same global). Typed here because the k6 side compiles
 * without DOM types, and limited to what every k6 build with the global has had since it
 * graduated from `k6/experimental/webcrypto`: HMAC and AES-GCM with raw keys, `getRandomValues`.
 * (k6 gained PBKDF2 only in 2026 and has no HKDF, so the xk6-disruptor image on k6 v1.x cannot
 * rely on them.)
 *
 * Bytes <-> UTF-8 text go through `k6/encoding`, not `TextEncoder`: that global only exists from
 * k6 v2.2.0 on and the bundle contract forbids it.
 */
import encoding from 'k6/encoding';

export interface CryptoKeyLike {
  readonly type: string;
}

/**
 * Byte inputs are always typed arrays, never bare ArrayBuffers: both are valid BufferSources, but
 * Node's WebCrypto (behind the offline runner) recognises an ArrayBuffer only from its own realm,
 * while a typed array from a VU's context passes everywhere.
 */
interface SubtleSubset {
  importKey(format: 'raw', keyData: Uint8Array, algorithm: { name: string; hash?: string }, extractable: boolean, usages: string[]): Promise<CryptoKeyLike>;
  sign(algorithm: string | { name: string }, key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
  encrypt(algorithm: { name: string; iv: Uint8Array; additionalData?: Uint8Array; tagLength?: number }, key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
  decrypt(algorithm: { name: string; iv: Uint8Array; additionalData?: Uint8Array; tagLength?: number }, key: CryptoKeyLike, data: Uint8Array): Promise<ArrayBuffer>;
}

interface CryptoSubset {
  subtle: SubtleSubset;
  getRandomValues<T extends Uint8Array>(array: T): T;
}

/** k6's global `crypto`; a clear error where an engine lacks it (k6 before the global existed). */
export function webCrypto(): CryptoSubset {
  const c = (globalThis as unknown as { crypto?: CryptoSubset }).crypto;
  if (!c || !c.subtle || typeof c.getRandomValues !== 'function') {
    throw new Error('this bundle needs the global WebCrypto `crypto` object (k6 v1.0 or newer)');
  }
  return c;
}

/** A standalone ArrayBuffer holding exactly the view's bytes (WebCrypto and k6 take ArrayBuffers). */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function utf8Bytes(text: string): Uint8Array {
  return new Uint8Array(encoding.b64decode(encoding.b64encode(text, 'rawstd'), 'rawstd'));
}

export function utf8Text(bytes: ArrayBuffer): string {
  return encoding.b64decode(encoding.b64encode(bytes, 'rawstd'), 'rawstd', 's');
}

/** base64url without padding: safe in JSON, URLs and logs. */
export function toB64url(bytes: ArrayBuffer | Uint8Array): string {
  return encoding.b64encode(bytes instanceof Uint8Array ? toArrayBuffer(bytes) : bytes, 'rawurl');
}

export function fromB64url(text: string): Uint8Array {
  return new Uint8Array(encoding.b64decode(text, 'rawurl'));
}

export function randomBytes(length: number): Uint8Array {
  return webCrypto().getRandomValues(new Uint8Array(length));
}
