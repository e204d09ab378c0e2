/**
 * `setup()` work shared by the load and smoke bundles: one token per tenant from the Authority,
 * then the ids each tenant's by-id operations need, discovered from the list endpoints (never
 * hard-coded). Requests go out in bounded batches of concurrent `asyncRequest`s.
 *
 * Setup data carries no usable credential: the tokens are sealed (lib/token-seal.ts, threat model
 * there), one sealed group per OAuth client — the multi-tenant load client's group holds every
 * tenant's token, so a VU derives one key and decrypts once (lib/vu-token-store.ts).
 *
 * Two kinds of failure, told apart on purpose:
 * - the platform is **unavailable** (network error, timeout, 408/429/5xx): setup counts the
 *   failures in `tenant_setup_failures`, logs one line and returns what it has (tenants without a
 *   token or without discovered ids). The load then fails the way real traffic would — VUs retry
 *   the token with backoff and send their requests regardless — and the error-rate abort gates
 *   (`abortOnFail` + `delayAbortEval`) stop the run with exit 99 well before DURATION;
 * - the platform **refuses** the configuration (Authority: `invalid_client`, `unauthorized_client`,
 *   `invalid_request`, any other 4xx, a 2xx without a token; API: 401/403 to a token just issued):
 *   setup throws a SetupConfigError naming the variables to check — k6 exit 107 at once.
 * When a whole batch of token requests finds the Authority unavailable, setup stops asking (the
 * rest are counted as not tried): a black-holed Authority must not eat the setupTimeout.
 */
import http from 'k6/http';
import type { Catalog } from './catalog';
import type { Config } from './config';
import { nowMs } from './k6-exec';
import { log } from './log';
import { setupFailures } from './metrics';
import { SetupConfigError } from './setup-error';
import { idCount, packIds, type IdPool } from './id-pool';
import type { Tenant } from './tenants';
import type { TokenResult } from './token-client';
import { credentialFor, isUnavailableStatus, K6_REQUEST_TIMEOUT, requestToken } from './token-client';
import type { SealCredential, SealParams } from './token-seal';
import { newSealParams, TokenSealer } from './token-seal';

export interface TenantSetup {
  id: string;
  /** Index into `SetupData.sealed` of the group holding this tenant's token; absent when setup got none. */
  sealedIn?: number;
  obtainedAtMs: number;
  expiresInS: number;
  /** placeholder -> discovered ids, packed (lib/id-pool.ts). */
  ids: Record<string, IdPool>;
}

export interface SetupData {
  /** Unique per setup() run (so per Operator instance): part of every write's unique id. */
  runId: string;
  /** Wall clock when setup() finished: the scenarios start right after. */
  startedAtMs: number;
  /** How the tokens are sealed (salt, algorithms); no secret. */
  seal: SealParams;
  /** Per OAuth client, `{tenant id: token}` sealed with AES-256-GCM (`iv.ciphertext`, base64url). */
  sealed: string[];
  tenants: TenantSetup[];
}

const BATCH = 20;

/** A sealed group is bound to this run and the client whose secret keys it (AES-GCM additional data). */
export function sealBinding(runId: string, clientId: string): string {
  return `${runId}\n${clientId}`;
}

async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(...(await Promise.all(items.slice(i, i + BATCH).map(fn))));
  return out;
}

export function extractIds(body: unknown, field: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(String(body));
  } catch {
    return [];
  }
  const items = (doc as { items?: unknown })?.items;
  if (!Array.isArray(items)) return [];
  return items.map((it) => (it as Record<string, unknown>)?.[field]).filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** A bounded tag value for `tenant_setup_failures{reason}`. */
export function failureReason(status: number, errorCode: number): string {
  if (status === 0) return errorCode === K6_REQUEST_TIMEOUT ? 'timeout' : 'unreachable';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  return 'server_error';
}

interface TokenOutcome {
  tenant: Tenant;
  at: number;
  result: TokenResult;
  tried: boolean;
}

interface Discovery {
  ids: Record<string, IdPool>;
  /** Lists the platform could not answer (unavailable). */
  unavailable: number;
  /** A 401/403 to a fresh token: a configuration error. */
  refused?: string;
}

async function discover(cfg: Config, catalog: Catalog, tenant: Tenant, token: string): Promise<Discovery> {
  const out: Discovery = { ids: {}, unavailable: 0 };
  await Promise.all(
    catalog.discovery.map(async (d) => {
      const name = d.path.split('?')[0] as string;
      const res = await http.asyncRequest('GET', `${cfg.baseUrl}${d.path}`, null, {
        headers: { Authorization: `Bearer ${token}`, [cfg.tenantHeader]: tenant.id, Accept: 'application/json' },
        tags: { traffic: 'setup', name, tenant: tenant.id },
        timeout: cfg.requestTimeoutMs,
      });
      out.ids[d.placeholder] = packIds(res.status === 200 ? extractIds(res.body, d.field) : []);
      if (res.status === 401 || res.status === 403) out.refused ??= `${res.status} on GET ${name} for ${tenant.id}`;
      else if (isUnavailableStatus(res.status)) {
        out.unavailable++;
        setupFailures.add(1, { stage: 'discovery', reason: failureReason(res.status, res.error_code) });
      }
    }),
  );
  return out;
}

const list = (items: string[]): string => `${items.slice(0, 5).join(', ')}${items.length > 5 ? `, ... (${items.length})` : ''}`;

/** Gets the tokens, batch by batch, stopping once a whole batch finds the Authority unavailable. */
async function fetchTokens(cfg: Config): Promise<TokenOutcome[]> {
  const out: TokenOutcome[] = [];
  let giveUp = false;
  for (let i = 0; i < cfg.tenants.length; i += BATCH) {
    const batch = cfg.tenants.slice(i, i + BATCH);
    if (giveUp) {
      for (const t of batch) out.push({ tenant: t, at: nowMs(), result: { ok: false, failure: 'unavailable', reason: 'not tried: Authority unavailable' }, tried: false });
      continue;
    }
    const results = await Promise.all(batch.map(async (t) => ({ tenant: t, at: nowMs(), result: await requestToken(cfg, t, { tenant: t.id, phase: 'setup' }), tried: true })));
    out.push(...results);
    giveUp = results.every((r) => r.result.failure === 'unavailable');
  }
  return out;
}

function refusedTokens(cfg: Config, outcomes: TokenOutcome[]): SetupConfigError {
  const refused = outcomes.filter((o) => o.result.failure === 'refused');
  const detail = refused.map((o) => `${o.tenant.id} via client '${credentialFor(cfg, o.tenant).clientId}' (${o.result.reason})`);
  return new SetupConfigError(
    `setup: the Authority at ${cfg.authUrl}${cfg.authTokenPath} refused ${refused.length} of ${outcomes.length} token requests: ${list(detail)}. ` +
      'This is a configuration error, not an outage: check AUTH_URL, AUTH_TOKEN_PATH, AUTH_CLIENT_ID, AUTH_CLIENT_SECRET, AUTH_SCOPE and TENANTS_FILE',
  );
}

/**
 * Tokens and ids for every tenant. Throws SetupConfigError (k6 exit 107) when the platform refuses
 * the configuration; tolerates (counts, logs once) an unavailable platform.
 */
export async function prepareTenants(cfg: Config): Promise<SetupData> {
  const runId = nowMs().toString(36);
  const seal = newSealParams();
  const sealer = new TokenSealer(seal);

  const tokens = await fetchTokens(cfg);
  if (tokens.some((t) => t.result.failure === 'refused')) throw refusedTokens(cfg, tokens);
  const noToken = tokens.filter((t) => !t.result.ok);
  for (const t of noToken) setupFailures.add(1, { stage: 'token', reason: t.tried ? failureReason(t.result.status ?? 0, t.result.errorCode ?? 0) : 'not_tried' });

  let unavailableLists = 0;
  const refusedLists: string[] = [];
  const tokenOf = new Map<string, string>();
  const tenants = await inBatches(tokens, async (t): Promise<TenantSetup> => {
    const placeholders = Object.fromEntries(cfg.catalog.discovery.map((d) => [d.placeholder, packIds([])]));
    if (!t.result.ok || !t.result.token) return { id: t.tenant.id, obtainedAtMs: t.at, expiresInS: 0, ids: placeholders };
    const found = await discover(cfg, cfg.catalog, t.tenant, t.result.token);
    unavailableLists += found.unavailable;
    if (found.refused) refusedLists.push(found.refused);
    tokenOf.set(t.tenant.id, t.result.token);
    return { id: t.tenant.id, obtainedAtMs: t.at, expiresInS: t.result.expiresInS as number, ids: { ...placeholders, ...found.ids } };
  });
  if (refusedLists.length > 0) {
    throw new SetupConfigError(
      `setup: the API at ${cfg.baseUrl} refused tokens the Authority had just issued (${list(refusedLists)}). ` +
        'This is a configuration error, not an outage: BASE_URL and AUTH_URL may point at different environments, TENANT_HEADER may be wrong, ' +
        'the client may lack the scopes (AUTH_SCOPE), or the API cannot verify the Authority\'s keys',
    );
  }

  if (noToken.length > 0 || unavailableLists > 0) {
    const reasons = [...new Set(noToken.map((t) => t.result.reason))].slice(0, 3).join('; ');
    log.warn(
      `setup: the platform is unavailable: no token for ${noToken.length} of ${tokens.length} tenants${noToken.length > 0 ? ` (${reasons})` : ''}, ` +
        `${unavailableLists} id discovery request(s) unanswered; requests go out anyway and fail like real traffic, so the error-rate thresholds decide (exit 99)`,
    );
  }
  const sealed = await sealGroups(cfg, runId, sealer, tenants, tokenOf);
  const missing = tenants
    .filter((t) => t.sealedIn !== undefined)
    .flatMap((t) => Object.entries(t.ids).filter(([, v]) => idCount(v) === 0).map(([k]) => `${t.id}:{${k}}`));
  if (missing.length > 0 && unavailableLists === 0) {
    log.warn(`setup: no ids discovered for ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}; operations needing them are skipped for those tenants`);
  }
  return { runId, startedAtMs: nowMs(), seal, sealed, tenants };
}

/** Seals the tokens, one group per client, and points each tenant at its group. */
async function sealGroups(cfg: Config, runId: string, sealer: TokenSealer, tenants: TenantSetup[], tokenOf: Map<string, string>): Promise<string[]> {
  const groups = new Map<string, { cred: SealCredential; tokens: Record<string, string>; index: number }>();
  cfg.tenants.forEach((tenant, i) => {
    const token = tokenOf.get(tenant.id);
    const setup = tenants[i];
    if (token === undefined || !setup) return;
    const cred = credentialFor(cfg, tenant);
    const id = `${cred.clientId}\n${cred.clientSecret}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { cred, tokens: {}, index: groups.size }));
    group.tokens[tenant.id] = token;
    setup.sealedIn = group.index;
  });
  return Promise.all([...groups.values()].map((g) => sealer.seal(g.cred, sealBinding(runId, g.cred.clientId), JSON.stringify(g.tokens))));
}
