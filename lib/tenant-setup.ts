/**
 * `setup()` work shared by the load and smoke bundles: one token per tenant from the Authority,
 * then the ids each tenant's by-id operations need, discovered from the list endpoints (never
 * hard-coded). Requests go out in bounded batches of concurrent `asyncRequest`s.
 */
import { log } from './log';
import http from 'k6/http';
import type { Catalog } from './catalog';
import type { Config } from './config';
import { nowMs } from './k6-exec';
import type { Tenant } from './tenants';
import { requestToken } from './token-client';

export interface TenantSetup {
  id: string;
  token: string;
  obtainedAtMs: number;
  expiresInS: number;
  /** placeholder -> discovered ids. */
  ids: Record<string, string[]>;
}

export interface SetupData {
  /** Unique per setup() run (so per Operator instance): part of every write's unique id. */
  runId: string;
  /** Wall clock when setup() finished: the scenarios start right after. */
  startedAtMs: number;
  tenants: TenantSetup[];
}

const BATCH = 20;

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

async function discover(cfg: Config, catalog: Catalog, tenant: Tenant, token: string): Promise<Record<string, string[]>> {
  const ids: Record<string, string[]> = {};
  await Promise.all(
    catalog.discovery.map(async (d) => {
      const res = await http.asyncRequest('GET', `${cfg.baseUrl}${d.path}`, null, {
        headers: { Authorization: `Bearer ${token}`, [cfg.tenantHeader]: tenant.id, Accept: 'application/json' },
        tags: { traffic: 'setup', name: d.path.split('?')[0] as string, tenant: tenant.id },
        timeout: cfg.requestTimeoutMs,
      });
      ids[d.placeholder] = res.status === 200 ? extractIds(res.body, d.field) : [];
    }),
  );
  return ids;
}

/** Throws (k6 exit 107) when a tenant gets no token: the run would measure nothing but 401s. */
export async function prepareTenants(cfg: Config): Promise<SetupData> {
  const tokens = await inBatches(cfg.tenants, async (t) => ({ tenant: t, at: nowMs(), result: await requestToken(cfg, t, { tenant: t.id, phase: 'setup' }) }));
  const failed = tokens.filter((t) => !t.result.ok);
  if (failed.length > 0) {
    const list = failed.slice(0, 10).map((f) => `${f.tenant.id} (${f.result.reason})`).join(', ');
    throw new Error(`setup: no token for ${failed.length} of ${tokens.length} tenants from ${cfg.authUrl}${cfg.authTokenPath}: ${list}${failed.length > 10 ? ', ...' : ''}`);
  }
  const tenants = await inBatches(tokens, async (t) => ({
    id: t.tenant.id,
    token: t.result.token as string,
    obtainedAtMs: t.at,
    expiresInS: t.result.expiresInS as number,
    ids: await discover(cfg, cfg.catalog, t.tenant, t.result.token as string),
  }));
  const missing = tenants.flatMap((t) => Object.entries(t.ids).filter(([, v]) => v.length === 0).map(([k]) => `${t.id}:{${k}}`));
  if (missing.length > 0) {
    log.warn(`setup: no ids discovered for ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}; operations needing them are skipped for those tenants`);
  }
  return { runId: nowMs().toString(36), startedAtMs: nowMs(), tenants };
}
