/**
 * The API's JWKS cache. jose's remote key set never serves stale keys (jose
 * `createRemoteJWKSet`, https://github.com/panva/jose/blob/main/docs/jwks/remote/functions/createRemoteJWKSet.md), so this wraps a *local* jose key set with the policy the platform needs:
 *
 * - refresh every `refreshMs` in the background (stale-while-revalidate): at most one fetch in
 *   flight (concurrent callers share it), each bounded by `fetchTimeoutMs`;
 * - the request path never waits on a fetch while the JWKS is failing: a request with a known kid
 *   is served from the cache (degraded or not); with no keys or an unknown kid it fails closed at
 *   once (401) and, rate-limited, starts a background fetch. Only while the cache is healthy does
 *   an unknown-kid request wait for the refetch it started or joined (bounded by the fetch
 *   timeout), so a normal key rotation costs no 401;
 * - unknown-kid refetches are rate-limited so that a forged kid cannot lock out a real new one:
 *   a kid that a refetch did not find is not refetched again for `refetchCooldownMs` (a negative
 *   cache of at most MAX_MISSING_KIDS kids), and refetches for any reason are at least
 *   `min(refetchCooldownMs, MAX_REFETCH_GAP_MS)` apart — a kid nobody has asked about yet waits
 *   at most that gap, not the whole cooldown;
 * - keys stay usable for `ttlMs` after the last *successful* fetch (last-known-good). While a
 *   refresh is failing inside that window the cache is *degraded*: requests still verify, each one
 *   counted as a stale serve; `onDegraded`/`onRecovered` report the transitions;
 * - past the TTL the keys are dropped and every verification fails closed with
 *   `jwks_unavailable` until a fetch succeeds again; a request that finds no keys starts a fetch
 *   (rate-limited as above), so recovery does not wait for the next interval. `ttlMs = Infinity`
 *   keeps keys forever.
 *
 * Time comes from the injected Clock, so the whole story runs under a fake clock in tests.
 */
import { createLocalJWKSet, type CryptoKey, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput } from 'jose';
import { request } from 'undici';
import type { Clock, ClockTimer } from '../clock';
import { InvalidTokenError } from '../errors';
import type { SimMetrics } from '../metrics/sim-metrics';

export type RefreshTrigger = 'startup' | 'interval' | 'unknown_kid' | 'no_keys';

export interface JwksCacheOptions {
  url: string;
  clock: Clock;
  refreshMs: number;
  ttlMs: number;
  refetchCooldownMs: number;
  fetchTimeoutMs: number;
  metrics: SimMetrics;
  onDegraded?: (error: string) => void;
  onRecovered?: () => void;
  /** Replaces the HTTP fetch (tests). Must resolve to the parsed JWKS or throw. */
  fetchJwks?: (url: string, timeoutMs: number) => Promise<unknown>;
}

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/** Upper bound of the gap between two request-triggered fetches (see the header). */
export const MAX_REFETCH_GAP_MS = 1_000;
/** Kids remembered as missing after a refetch (bounded: forged kids are unbounded). */
export const MAX_MISSING_KIDS = 1_024;

/** A JWKS larger than this, or with more keys, is refused (a broken or hostile upstream). */
export const MAX_JWKS_BYTES = 1024 * 1024;
export const MAX_JWKS_KEYS = 100;

export async function fetchJwksOverHttp(url: string, timeoutMs: number): Promise<unknown> {
  const res = await request(url, {
    method: 'GET',
    headers: { accept: 'application/json, application/jwk-set+json' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new Error(`JWKS endpoint answered ${res.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > MAX_JWKS_BYTES) {
      res.body.destroy();
      throw new Error(`JWKS is larger than ${MAX_JWKS_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new Error('JWKS is not valid JSON');
  }
}

export function asKeySet(value: unknown): JSONWebKeySet {
  const keys = (value as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error('JWKS has no keys array');
  if (keys.length > MAX_JWKS_KEYS) throw new Error(`JWKS has more than ${MAX_JWKS_KEYS} keys`);
  for (const k of keys) {
    if (typeof k !== 'object' || k === null || typeof (k as { kid?: unknown }).kid !== 'string') throw new Error('JWKS key without a kid');
  }
  return value as JSONWebKeySet;
}

export class JwksCache {
  private resolver: KeyResolver | null = null;
  private kids = new Set<string>();
  private lastSuccessAt: number | null = null;
  private lastTriggeredFetchAt = -Infinity;
  /** Kid → time until which it is not refetched (a refetch did not find it). */
  private readonly missingKids = new Map<string, number>();
  private inflight: Promise<boolean> | null = null;
  private timer: ClockTimer | null = null;
  private degradedFlag = false;
  private lastError: string | null = null;
  private everLoaded = false;

  constructor(private readonly o: JwksCacheOptions) {
    o.metrics.sources.jwksAgeSeconds = () => (this.lastSuccessAt === null ? 0 : (o.clock.now() - this.lastSuccessAt) / 1000);
    o.metrics.sources.jwksKeys = () => {
      this.expireIfPastTtl();
      return this.kids.size;
    };
  }

  /** First fetch, then the refresh interval. Resolves whether the first fetch succeeded. */
  async start(): Promise<boolean> {
    const ok = await this.refresh('startup');
    this.timer = this.o.clock.setInterval(() => void this.refresh('interval'), this.o.refreshMs);
    return ok;
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = null;
  }

  /** Whether a fetch has ever succeeded (`/readyz`). */
  get loaded(): boolean {
    return this.everLoaded;
  }

  get degraded(): boolean {
    return this.degradedFlag;
  }

  get error(): string | null {
    return this.lastError;
  }

  /** Resolves when no fetch is in flight (tests step the fake clock, then wait for this). */
  async settled(): Promise<void> {
    while (this.inflight) await this.inflight;
  }

  /** Fetches the JWKS now (joins a fetch already in flight). Resolves whether it succeeded. */
  refresh(trigger: RefreshTrigger): Promise<boolean> {
    if (this.inflight) return this.inflight;
    this.inflight = this.doRefresh(trigger).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async doRefresh(trigger: RefreshTrigger): Promise<boolean> {
    const fetcher = this.o.fetchJwks ?? fetchJwksOverHttp;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // The HTTP fetch has its own timeout; this bounds an injected fetcher the same way.
      const bounded = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`JWKS fetch timeout: no answer within ${this.o.fetchTimeoutMs} ms`)), this.o.fetchTimeoutMs);
        timer.unref?.();
      });
      const set = asKeySet(await Promise.race([fetcher(this.o.url, this.o.fetchTimeoutMs), bounded]));
      this.resolver = createLocalJWKSet(set);
      this.kids = new Set(set.keys.map((k) => k.kid as string));
      this.lastSuccessAt = this.o.clock.now();
      this.everLoaded = true;
      this.lastError = null;
      this.o.metrics.jwksRefresh.inc({ outcome: 'success', trigger });
      if (this.degradedFlag) {
        this.degradedFlag = false;
        this.o.metrics.jwksDegraded.set(0);
        this.o.onRecovered?.();
      }
      return true;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.o.metrics.jwksRefresh.inc({ outcome: 'failure', trigger });
      if (this.everLoaded && !this.degradedFlag) {
        this.degradedFlag = true;
        this.o.metrics.jwksDegraded.set(1);
        this.o.onDegraded?.(this.lastError);
      }
      this.expireIfPastTtl();
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Drops the keys once the TTL since the last successful fetch has passed (fail closed). */
  private expireIfPastTtl(): void {
    if (this.resolver === null || this.lastSuccessAt === null) return;
    if (this.o.clock.now() - this.lastSuccessAt > this.o.ttlMs) {
      this.resolver = null;
      this.kids = new Set();
    }
  }

  private unavailable(): InvalidTokenError {
    return new InvalidTokenError('jwks_unavailable', 'signing keys are unavailable: the JWKS could not be fetched within its TTL');
  }

  /**
   * Whether `kid` is usable right now without a fetch — the verified-token cache's guard.
   * Counts a hit when it is.
   */
  hasUsableKid(kid: string): boolean {
    this.expireIfPastTtl();
    if (this.kids.has(kid)) {
      this.o.metrics.jwksHits.inc();
      return true;
    }
    return false;
  }

  /** The shortest gap between two request-triggered fetches. */
  private get gapMs(): number {
    return Math.min(this.o.refetchCooldownMs, MAX_REFETCH_GAP_MS);
  }

  /**
   * Starts a fetch for a request if the rate limits allow; returns it (or the one in flight), or
   * null when none may start now.
   */
  private triggerFetch(trigger: RefreshTrigger, kid?: string): Promise<boolean> | null {
    if (this.inflight) return this.inflight;
    const now = this.o.clock.now();
    if (kid !== undefined) {
      const until = this.missingKids.get(kid);
      if (until !== undefined && now < until) return null;
    }
    if (now - this.lastTriggeredFetchAt < this.gapMs) return null;
    this.lastTriggeredFetchAt = now;
    const fetch = this.refresh(trigger);
    if (kid !== undefined) {
      void fetch.then((ok) => {
        if (ok && !this.kids.has(kid)) this.rememberMissing(kid);
      });
    }
    return fetch;
  }

  private rememberMissing(kid: string): void {
    this.missingKids.delete(kid);
    if (this.missingKids.size >= MAX_MISSING_KIDS) this.missingKids.delete(this.missingKids.keys().next().value as string);
    this.missingKids.set(kid, this.o.clock.now() + this.o.refetchCooldownMs);
  }

  /**
   * jose key resolver: selects the key for a token header. Never waits on a failing JWKS: with no
   * keys, or an unknown kid while degraded, it fails closed at once (a rate-limited background
   * fetch may start). With a healthy cache an unknown kid waits for its (bounded) refetch.
   */
  readonly getKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    this.expireIfPastTtl();
    if (this.resolver === null) {
      void this.triggerFetch('no_keys');
      throw this.unavailable();
    }
    const kid = header.kid;
    if (typeof kid !== 'string' || kid.length === 0) throw new InvalidTokenError('malformed', 'token header has no kid');
    if (!this.kids.has(kid)) {
      this.o.metrics.jwksMisses.inc();
      const fetch = this.triggerFetch('unknown_kid', kid.slice(0, 128));
      if (fetch && !this.degradedFlag) await fetch;
      this.expireIfPastTtl();
      if (this.resolver === null) throw this.unavailable();
      if (!this.kids.has(kid)) throw new InvalidTokenError('unknown_kid', 'token was signed with a key the JWKS does not contain');
    } else {
      this.o.metrics.jwksHits.inc();
    }
    return (this.resolver as KeyResolver)(header, token) as Promise<CryptoKey>;
  };
}
