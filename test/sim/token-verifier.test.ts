/**
 * The verified-token cache around jose, with a fake clock and a counting key resolver: one RSA
 * verification per token, cache hits until exp + skew, and nothing served once the key is gone.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JwksCache } from '../../sim/auth/jwks-cache';
import { TokenVerifier } from '../../sim/auth/token-verifier';
import { InvalidTokenError } from '../../sim/errors';
import { FakeClock } from './helpers/fake-clock';

const ISS = 'http://127.0.0.1:8440';
let privateKey: CryptoKey;
let resolver: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  resolver = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
});

function setup(clock: FakeClock, maxCachedTokens?: number) {
  const usable = new Set(['k1']);
  let resolves = 0;
  const cache = {
    hasUsableKid: (kid: string) => usable.has(kid),
    getKey: async (h: JWSHeaderParameters, t: FlattenedJWSInput) => {
      resolves++;
      if (!usable.has(h.kid as string)) throw new InvalidTokenError('unknown_kid', 'gone');
      return resolver(h, t);
    },
  } as unknown as JwksCache;
  const verifier = new TokenVerifier({ cache, clock, issuer: ISS, audience: 'stellaops-api', tenantClaim: 'stellaops:tenant', clockSkewMs: 5000, ...(maxCachedTokens !== undefined ? { maxCachedTokens } : {}) });
  return { verifier, usable, resolves: () => resolves };
}

async function token(clock: FakeClock, lifetimeS: number): Promise<string> {
  const iat = Math.floor(clock.now() / 1000);
  return new SignJWT({ 'stellaops:tenant': 'tenant-01', scope: 'vuln:read' })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISS)
    .setAudience('stellaops-api')
    .setSubject('tenant-load')
    .setIssuedAt(iat)
    .setExpirationTime(iat + lifetimeS)
    .sign(privateKey);
}

describe('TokenVerifier', () => {
  it('runs one jose verification for a token that arrives 50 times at once', async () => {
    const clock = new FakeClock();
    const { verifier, resolves } = setup(clock);
    const t = await token(clock, 60);
    const principals = await Promise.all(Array.from({ length: 50 }, () => verifier.verify(t)));
    expect(new Set(principals).size).toBe(1);
    expect(resolves()).toBe(1);
    expect(verifier.cached(t)?.tenant).toBe('tenant-01');
  });

  it('serves the token from the cache until exp + skew, then verification says expired', async () => {
    const clock = new FakeClock();
    const { verifier, resolves } = setup(clock);
    const t = await token(clock, 60);
    await verifier.verify(t);
    await clock.advance(64_999);
    expect(verifier.cached(t)).toBeDefined();
    await clock.advance(1);
    expect(verifier.cached(t)).toBeUndefined();
    await expect(verifier.verify(t)).rejects.toMatchObject({ reason: 'expired' });
    expect(resolves()).toBe(2);
  });

  it('stops serving a cached token the moment its kid leaves the key cache', async () => {
    const clock = new FakeClock();
    const { verifier, usable } = setup(clock);
    const t = await token(clock, 600);
    await verifier.verify(t);
    usable.delete('k1');
    expect(verifier.cached(t)).toBeUndefined();
    await expect(verifier.verify(t)).rejects.toMatchObject({ reason: 'unknown_kid' });
  });

  it('verifies every time with --token-cache-size 0', async () => {
    const clock = new FakeClock();
    const { verifier, resolves } = setup(clock, 0);
    const t = await token(clock, 60);
    await verifier.verify(t);
    await verifier.verify(t);
    expect(verifier.cached(t)).toBeUndefined();
    expect(resolves()).toBe(2);
  });

  it('evicts the oldest token when the cache is full', async () => {
    const clock = new FakeClock();
    const { verifier } = setup(clock, 2);
    const [a, b, c] = [await token(clock, 60), await token(clock, 61), await token(clock, 62)];
    for (const t of [a, b, c]) await verifier.verify(t);
    expect([a, b, c].map((t) => verifier.cached(t) !== undefined)).toEqual([false, true, true]);
  });
});
