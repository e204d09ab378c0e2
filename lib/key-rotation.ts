/**
 * CHAOS_ROTATE=on: the Authority rotates its signing key in the middle of the outage, so tokens
 * minted afterwards carry a kid the platform's JWKS cache does not know. The `jwks_rotate`
 * scenario (1 VU x 1 iteration at the outage's midpoint) asks the Authority to rotate, mints one
 * token with the new key, and probes the API with it every PROBE_INTERVAL_MS:
 *
 * - while the JWKS is unreachable, the new-kid token must fail closed (401): counted in
 *   `chaos_new_kid_rejected`, an expected count of its own, never an API error (the probe's
 *   traffic is `traffic:probe`, outside every API SLO);
 * - after the outage it must pass after one refetch: the first 200 counts in
 *   `chaos_new_kid_accepted`, within the outage end + PHASE_MARGIN + SLO_RECOVERY_TIME.
 *
 * The load's own tokens (cached kids; the old key stays published for its grace period) keep
 * passing throughout, and are refreshed as without rotation.
 */
import http from 'k6/http';
import { setTimeout } from 'k6/timers';
import type { Config } from './config';
import { nowMs } from './k6-exec';
import { log } from './log';
import { keyRotations, newKidAccepted, newKidRejected } from './metrics';
import { requestToken } from './token-client';

export const PROBE_INTERVAL_MS = 250;

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The first read of the catalog without placeholders: what the probe requests. */
export function probePath(cfg: Pick<Config, 'catalog'>): string | undefined {
  return cfg.catalog.operations.find((o) => o.kind === 'read' && o.method === 'GET' && !o.path.includes('{'))?.path;
}

/** The path part of a URL (no scheme, host or query), for the fault's `exclude`. */
export function pathOf(url: string): string {
  return url.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0] || '/';
}

/**
 * Paths the outage must leave alone when the key rotates mid-outage: the token endpoint (clients
 * still reach the Authority, that is how new-kid tokens exist) and the rotation endpoint. The
 * platform's JWKS fetch stays faulted.
 */
export function rotationExclude(cfg: Pick<Config, 'authTokenPath' | 'chaos'>): string | undefined {
  const r = cfg.chaos.rotate;
  return r ? `${cfg.authTokenPath},${pathOf(r.url)}` : undefined;
}

/**
 * Rotates, mints a new-kid token, and probes. `outageEndMs`/`deadlineMs` are absolute (Date.now()
 * based) times: the end of the outage, and the last moment a pass may come.
 */
export async function rotateAndProbe(cfg: Config, outageEndMs: number, deadlineMs: number): Promise<void> {
  const rotate = cfg.chaos.rotate;
  const path = probePath(cfg);
  const tenant = cfg.tenants[0];
  if (!rotate || !path || !tenant) {
    log.error(`jwks_rotate: nothing to probe (${!path ? 'the catalog has no read without placeholders' : 'no tenant'})`);
    return;
  }
  const tags = { traffic: 'control', name: 'rotate', service: 'authority' };
  const res = await http.asyncRequest('POST', rotate.url, null, { headers: { Authorization: `Bearer ${rotate.token}` }, tags, timeout: cfg.requestTimeoutMs });
  if (res.status !== 200) {
    log.error(`jwks_rotate: the Authority did not rotate its key (POST ${rotate.url} answered ${res.status})`);
    return;
  }
  keyRotations.add(1);
  const token = await requestToken(cfg, tenant, { traffic: 'probe' });
  if (!token.ok) {
    log.error(`jwks_rotate: no token after the rotation (${token.reason})`);
    return;
  }
  log.info(`jwks_rotate: key rotated; probing ${path} for ${tenant.id} with a token of the new key`);
  const params = {
    headers: { Authorization: `Bearer ${token.token}`, [cfg.tenantHeader]: tenant.id },
    tags: { traffic: 'probe', name: 'new-kid probe', service: 'api' },
    timeout: cfg.requestTimeoutMs,
    responseCallback: http.expectedStatuses(200, 401),
  };
  let rejectedDuring = 0;
  let rejectedAfter = 0;
  while (nowMs() < deadlineMs) {
    const r = await http.asyncRequest('GET', `${cfg.baseUrl}${path}`, null, params);
    const during = nowMs() < outageEndMs;
    if (r.status === 401) {
      newKidRejected.add(1, { phase: during ? 'chaos' : 'recovery' });
      if (during) rejectedDuring++;
      else rejectedAfter++;
    } else if (r.status === 200 && !during) {
      newKidAccepted.add(1);
      log.info(`jwks_rotate: the new-kid token passed after the outage (${rejectedDuring} 401s during it, ${rejectedAfter} after it)`);
      return;
    }
    await sleepMs(PROBE_INTERVAL_MS);
  }
  log.error(`jwks_rotate: the new-kid token never passed after the outage (${rejectedDuring} 401s during it, ${rejectedAfter} after it)`);
}
