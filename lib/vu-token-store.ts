/**
 * One VU's bearer tokens, one per tenant (module state is per VU in k6). A tenant's state is made
 * on the VU's first use of that tenant: the sealed setup token is unsealed once (lib/token-seal.ts)
 * and its refresh point re-jittered for this VU; a tenant setup() got no token for starts with
 * none. Then lib/token-policy.ts decides when to ask the Authority again — at most once per VU per
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
import { TokenSealError, TokenSealer } from './token-seal';

export class VuTokenStore {
  private readonly states: Array<TokenState | undefined> = [];
  private sealer: TokenSealer | undefined;

  constructor(
    private readonly cfg: Config,
    private readonly random: () => number,
  ) {}

  private async initial(data: SetupData, index: number): Promise<TokenState> {
    const t = data.tenants[index];
    const tenant = this.cfg.tenants[index];
    if (!t?.sealedToken || !tenant) return noTokenState(nowMs());
    try {
      this.sealer ??= new TokenSealer(data.seal);
      const token = await this.sealer.unseal(credentialFor(this.cfg, tenant), sealBinding(data.runId, t.id), t.sealedToken, `tenant ${t.id}`);
      return adoptToken(newTokenState(token, t.expiresInS, t.obtainedAtMs, this.random), this.random);
    } catch (err) {
      if (err instanceof TokenSealError) abortTest(`${err.message} [${err.code}]`);
      throw err;
    }
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
