/**
 * Sealing the bearer tokens that `setup()` hands to the VUs, so setup data carries no usable
 * credential.
 *
 * Why: k6 copies setup()'s return value into places operators publish or expose — the
 * `--summary-export` file (`setup_data`), handleSummary's `data.setup_data`, k6's REST API
 * (`GET /v1/setup`), Grafana Cloud's copy for its instances. One token per tenant must still be
 * fetched once in setup() (VUs starting with a token each would storm the Authority), so the tokens
 * travel, but sealed.
 *
 * Design: AES-256-GCM (WebCrypto). The key is HKDF-SHA256 (RFC 5869, built on WebCrypto HMAC,
 * lib/web-crypto.ts says why) of the client secret the token was obtained with — AUTH_CLIENT_SECRET,
 * or the tenant's own secret from TENANTS_FILE: every VU already has it in `__ENV` — with a random
 * 16-byte salt per setup() run (in setup data) and `info` naming this purpose, the format version
 * and the client id. setup() seals one group per client — `{tenant id: token}` as JSON, so the
 * multi-tenant load client's group holds every tenant and a VU derives one key and decrypts once —
 * each with a fresh 12-byte IV and the run id and client id as additional data: a group cannot be
 * moved to another run or client, and the tenant ids are inside the ciphertext. A VU unseals a
 * group on its first use of one of its tenants; keys are cached per client for the VU's lifetime.
 *
 * Threat model — a reader of setup data (an artefact, the REST API) without the client secret
 * learns tenant ids, discovered resource ids, token issue times and lifetimes, the salt, and
 * ciphertexts (whose length reveals the total length of a client's tokens): nothing usable. With the client secret
 * they learn the tokens — but with the secret they could mint tokens at the Authority anyway, so
 * sealing grants nothing beyond what the secret already does. Limits: HKDF does no key
 * stretching, so a guessable client secret can be guessed offline against a ciphertext (the GCM
 * tag confirms a guess) — use generated high-entropy client secrets, as OAuth2 servers issue (the
 * public demo default is refused beyond loopback by the reference platform). Tokens are in clear in
 * each VU's memory (they must be, to be sent) and are never logged. Tampered or foreign setup data
 * fails authentication and stops the run with a clear error (TokenSealError).
 */
import { fromB64url, randomBytes, toB64url, utf8Bytes, utf8Text, webCrypto } from './web-crypto';
import type { CryptoKeyLike } from './web-crypto';

export const SEAL_VERSION = 1;
const SALT_BYTES = 16;
const IV_BYTES = 12;
const INFO_LABEL = 'tenant-load-chaos/setup-token/v1';

/** What setup data says about how its tokens are sealed (no secret in it). */
export interface SealParams {
  v: typeof SEAL_VERSION;
  alg: 'A256GCM';
  kdf: 'HKDF-SHA256';
  /** base64url of the random per-run salt. */
  salt: string;
}

/** The credential a tenant's token was obtained with: the sealing key derives from it. */
export interface SealCredential {
  clientId: string;
  clientSecret: string;
}

/** A sealed token that cannot be opened: wrong secret, other run, or tampered setup data. */
export class TokenSealError extends Error {
  readonly code = 'ERR_SETUP_TOKEN_SEAL';

  constructor(message: string) {
    super(message);
    this.name = 'TokenSealError';
  }
}

export function newSealParams(): SealParams {
  return { v: SEAL_VERSION, alg: 'A256GCM', kdf: 'HKDF-SHA256', salt: toB64url(randomBytes(SALT_BYTES)) };
}

async function hmacSha256(key: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const subtle = webCrypto().subtle;
  const k = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle.sign('HMAC', k, data));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** HKDF-SHA256 (RFC 5869): extract with `salt`, expand `info` to `length` bytes (<= 255 x 32). */
export async function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array> {
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) throw new RangeError(`HKDF length must be 1-${255 * 32} bytes (got ${length})`);
  // RFC 5869 §2.2: an absent salt is HashLen zero bytes (WebCrypto refuses a zero-length HMAC key).
  const prk = await hmacSha256(salt.length > 0 ? salt : new Uint8Array(32), ikm);
  const blocks: Uint8Array[] = [];
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1; blocks.length * 32 < length; i++) {
    previous = await hmacSha256(prk, concat(previous, info, new Uint8Array([i])));
    blocks.push(previous);
  }
  return concat(...blocks).slice(0, length);
}

function checkParams(params: SealParams | undefined): Uint8Array {
  if (!params || params.v !== SEAL_VERSION || params.alg !== 'A256GCM' || params.kdf !== 'HKDF-SHA256' || typeof params.salt !== 'string') {
    throw new TokenSealError(`setup data has no token sealing parameters of version ${SEAL_VERSION}: it was not produced by this bundle's setup()`);
  }
  const salt = fromB64url(params.salt);
  if (salt.length !== SALT_BYTES) throw new TokenSealError('setup data has a malformed token sealing salt');
  return salt;
}

/** Derives and caches AES-GCM keys per client for one set of seal parameters (one per VU). */
export class TokenSealer {
  private readonly keys = new Map<string, Promise<CryptoKeyLike>>();
  private readonly salt: Uint8Array;

  constructor(readonly params: SealParams) {
    this.salt = checkParams(params);
  }

  private key(cred: SealCredential): Promise<CryptoKeyLike> {
    // Keyed by client id and secret: TENANTS_FILE may give every tenant its own client.
    const id = `${cred.clientId}\n${cred.clientSecret}`;
    let key = this.keys.get(id);
    if (!key) {
      key = hkdfSha256(utf8Bytes(cred.clientSecret), this.salt, utf8Bytes(`${INFO_LABEL}\n${cred.clientId}`), 32).then((raw) =>
        webCrypto().subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']),
      );
      this.keys.set(id, key);
    }
    return key;
  }

  /** `iv.ciphertext` (base64url), bound to `binding` (run id and client id). */
  async seal(cred: SealCredential, binding: string, token: string): Promise<string> {
    const iv = randomBytes(IV_BYTES);
    const ct = await webCrypto().subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: utf8Bytes(binding), tagLength: 128 },
      await this.key(cred),
      utf8Bytes(token),
    );
    return `${toB64url(iv)}.${toB64url(ct)}`;
  }

  /** The token; a TokenSealError (never the secret, never the token) when it cannot be opened. */
  async unseal(cred: SealCredential, binding: string, sealed: string, what: string): Promise<string> {
    const [ivText, ctText, extra] = typeof sealed === 'string' ? sealed.split('.') : [];
    const iv = ivText ? fromB64url(ivText) : new Uint8Array(0);
    if (iv.length !== IV_BYTES || !ctText || extra !== undefined) throw new TokenSealError(`the sealed token for ${what} in setup data is malformed`);
    let plain: ArrayBuffer;
    try {
      plain = await webCrypto().subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: utf8Bytes(binding), tagLength: 128 },
        await this.key(cred),
        fromB64url(ctText),
      );
    } catch {
      throw new TokenSealError(
        `cannot unseal the setup token for ${what} with client '${cred.clientId}': this VU's client secret differs from the one setup() used ` +
          '(AUTH_CLIENT_SECRET or TENANTS_FILE must be the same for setup and every VU/instance), or the setup data was altered',
      );
    }
    return utf8Text(plain);
  }
}
