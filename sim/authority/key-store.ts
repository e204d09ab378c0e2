/**
 * The Authority's signing keys: RS256 key pairs generated at start (jose), one current key that
 * signs, and rotated-out keys that stay published in the JWKS for a grace period (so tokens they
 * signed keep verifying until they expire — OIDC Core §10.1.1).
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Clock } from '../clock';

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export class KeyStore {
  private current!: SigningKey;
  private retired: Array<{ key: SigningKey; until: number }> = [];

  private constructor(
    private readonly clock: Clock,
    private readonly graceMs: number,
  ) {}

  static async create(clock: Clock, graceMs: number): Promise<KeyStore> {
    const store = new KeyStore(clock, graceMs);
    store.current = await newKey();
    return store;
  }

  get signing(): SigningKey {
    return this.current;
  }

  /** Makes a new key current; the old one stays published for the grace period. */
  async rotate(): Promise<{ kid: string; previousKid: string }> {
    const next = await newKey();
    const previous = this.current;
    this.retired.push({ key: previous, until: this.clock.now() + this.graceMs });
    this.current = next;
    return { kid: next.kid, previousKid: previous.kid };
  }

  /** RFC 7517 key set: the current key, then retired keys still inside their grace period. */
  jwks(): { keys: JWK[] } {
    const now = this.clock.now();
    this.retired = this.retired.filter((r) => r.until > now);
    return { keys: [this.current.publicJwk, ...this.retired.map((r) => r.key.publicJwk)] };
  }
}

async function newKey(): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const jwk = await exportJWK(publicKey);
  const kid = (await calculateJwkThumbprint(jwk)).slice(0, 16);
  return { kid, privateKey, publicJwk: { kty: 'RSA', kid, use: 'sig', alg: 'RS256', n: jwk.n, e: jwk.e } };
}
