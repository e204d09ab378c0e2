/**
 * One VU's bearer tokens, one per tenant (module state is per VU in k6). A tenant's state is made
 * on the VU's first use of that tenant: its sealed group (one per OAuth client, lib/tenant-setup.ts)
 * is unsealed once per VU (lib/token-seal.ts) and the token's refresh point re-jittered for this VU;
 * a tenant setup() got no token for starts with none. Then lib/token-policy.ts decides when to ask the Authority again — at most once per VU per
 * tenant per interval, so neither VU start nor an outage becomes a refresh storm.
 *
 * A setup token that cannot be unsealed (the VU's client secret differs from setup's, or the setup
 * data was altered) is a configuration error that retrying cannot fix: the VU stops the whole test
 * with `exec.test.abort()` (k6 exit 108) and a message naming the variables, instead of failing
 * every iteration.
 */
import type { Config } from './config';
import { abortTest, nowMs } from './k6-exec';
import { tokenRefreshFailures, tokenRefreshes } from './metrics';
import type { SetupData } from './tenant-setup';
import { sealBinding } from './tenant-setup';
import { credentialFor, requestToken } from './token-client';
import type { TokenState } from './token-policy';
import { adoptToken, afterFailure, decide, newTokenState, noTokenState } from './token-policy';
import type { SealCredential } from './token-seal';
import { TokenSealError, TokenSealer } from './token-seal';

export class VuTokenStore {
  private readonly states: Array<TokenState | undefined> = [];
  private sealer: TokenSealer | undefined;
  /** Unsealed groups of setup data: `{tenant id: token}` by group index. */
  private readonly opened = new Map<number, Promise<Record<string, unknown>>>();

  constructor(
    private readonly cfg: Config,
    private readonly random: () => number,
  ) {}

  private group(data: SetupData, index: number, cred: SealCredential, what: string): Promise<Record<string, unknown>> {
    let group = this.opened.get(index);
    if (!group) {
      this.sealer ??= new TokenSealer(data.seal);
      const sealed = data.sealed?.[index];
      group = (
        typeof sealed === 'string'
          ? this.sealer.unseal(cred, sealBinding(data.runId, cred.clientId), sealed, what)
          : Promise.reject(new TokenSealError(`setup data has no sealed token group ${index} for ${what}`))
      ).then((text) => {
        let doc: unknown;
        try {
          doc = JSON.parse(text);
        } catch {
          doc = undefined;
        }
        if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TokenSealError(`the sealed tokens for ${what} are not a JSON object`);
        return doc as Record<string, unknown>;
      });
      this.opened.set(index, group);
    }
    return group;
  }

  private async initial(data: SetupData, index: number): Promise<TokenState> {
    const t = data.tenants[index];
    const tenant = this.cfg.tenants[index];
    if (t?.sealedIn === undefined || !tenant) return noTokenState(nowMs());
    try {
      const tokens = await this.group(data, t.sealedIn, credentialFor(this.cfg, tenant), `tenant ${t.id}`);
      const token = tokens[t.id];
      if (typeof token !== 'string' || token === '') throw new TokenSealError(`setup data has no sealed token for tenant ${t.id}`);
      return adoptToken(newTokenState(token, t.expiresInS, t.obtainedAtMs, this.random), this.random);
    } catch (err) {
      if (err instanceof TokenSealError) abortTest(`${err.message} [${err.code}]`);
      throw err;
    }
  }

  /**
   * The token for the tenant at `index` when `tokenFor` would return it at once (the VU has a
   * state for the tenant and the policy says `use`); undefined when `tokenFor` has work to do.
   * Lets the iteration skip a promise per request in the common case.
   */
  readyToken(index: number): string | undefined {
    const state = this.states[index];
    return state !== undefined && decide(state, nowMs()) === 'use' ? state.token : undefined;
  }

  /** The token to send for the tenant at `index`, or '' (NO_TOKEN) when the VU has none yet. */
  async tokenFor(data: SetupData, index: number, tenantTag: string, phase: string): Promise<string> {
    let state = this.states[index] ?? (this.states[index] = await this.initial(data, index));
    if (decide(state, nowMs()) === 'refresh') {
      const tenant = this.cfg.tenants[index];
      const result = tenant ? await requestToken(this.cfg, tenant, { tenant: tenantTag, phase }) : { ok: false };
      if (result.ok && result.token && result.expiresInS) {
        state = newTokenState(result.token, result.expiresInS, nowMs(), this.random);
        tokenRefreshes.add(1, { tenant: tenantTag, phase });
      } else {
        state = afterFailure(state, nowMs());
        tokenRefreshFailures.add(1, { tenant: tenantTag, phase });
      }
      this.states[index] = state;
    }
    return state.token;
  }
}
