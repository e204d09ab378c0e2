/**
 * The tenant pool: who the load speaks for. Built from `TENANTS` (a count -> `tenant-01` ...
 * `tenant-NN`, matching the reference platform, or a comma list of ids) or from `TENANTS_FILE`
 * (JSON with optional per-tenant OAuth2 client credentials and weights). Picking is by weight
 * (lib/tenant-weights.ts, uniform by default);
 * the `tenant` tag is capped so a pool of 50,000 tenants cannot explode k6's time series
 * (docs/k6-semantics.md#system-tags: k6 warns at 100,000 time series).
 */
import { TENANT_ID_PATTERN } from '../contracts/tenant-id';
import type { ConfigProblem } from './config-error';
import { fileWeight } from './tenant-weights';

export interface Tenant {
  id: string;
  /** Per-tenant client (`<tenant>-load` on the reference platform); else the multi-tenant client is used. */
  clientId?: string;
  clientSecret?: string;
  /** Relative share of the load from TENANTS_FILE (lib/tenant-weights.ts); unset = 1. */
  weight?: number;
}


/** The `tenant` tag value shared by every tenant past `TENANT_TAG_CAP` (same as the platform's label). */
export const OVERFLOW_TENANT_TAG = '__overflow__';

/** The design's floor: the load speaks for at least ten tenants (docs/architecture.md#what-it-is). */
export const MIN_LOAD_TENANTS = 10;

/** `tenant-01` ... `tenant-NN`, zero-padded to at least two digits like the reference platform. */
export function numberedTenants(count: number): Tenant[] {
  const width = Math.max(2, String(count).length);
  const out: Tenant[] = [];
  for (let i = 1; i <= count; i++) out.push({ id: `tenant-${String(i).padStart(width, '0')}` });
  return out;
}

/** Parses `TENANTS`: a count (`20`) or a comma list (`acme,globex,...`). Problems name `TENANTS`. */
export function parseTenantsVar(value: string, problems: ConfigProblem[]): Tenant[] {
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (n < 1 || n > 100_000) {
      problems.push({ variable: 'TENANTS', message: `a count must be from 1 to 100000 (got '${value}')` });
      return [];
    }
    return numberedTenants(n);
  }
  const ids = value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const bad = ids.filter((id) => !TENANT_ID_PATTERN.test(id));
  if (bad.length > 0) {
    problems.push({
      variable: 'TENANTS',
      message: `must be a count or a comma list of tenant ids matching ${TENANT_ID_PATTERN.source} (bad: ${bad.slice(0, 5).map((b) => `'${b}'`).join(', ')})`,
    });
  }
  const dupes = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dupes.length > 0) problems.push({ variable: 'TENANTS', message: `lists ${dupes[0]} more than once` });
  return ids.filter((id) => TENANT_ID_PATTERN.test(id)).map((id) => ({ id }));
}

/**
 * Parses the `TENANTS_FILE` JSON: `[{"id": "acme", "clientId": "acme-load", "clientSecret": "..."}]`
 * or `{"tenants": [...]}`; a bare string entry is an id without its own client. Secrets are never
 * echoed in problems.
 */
export function parseTenantsFile(text: string, problems: ConfigProblem[]): Tenant[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // The parser's own message is not echoed: engines quote the text around the error (V8:
    // `..."-secret"},]" is not valid JSON`), which here may be a client secret. Only a position is.
    const at = /position (\d+)/.exec(String((err as Error)?.message))?.[1];
    problems.push({ variable: 'TENANTS_FILE', message: `is not valid JSON${at !== undefined ? ` (error at character ${at})` : ''}; its text is not shown because it holds client secrets` });
    return [];
  }
  const list = Array.isArray(doc) ? doc : typeof doc === 'object' && doc !== null ? (doc as { tenants?: unknown }).tenants : undefined;
  if (!Array.isArray(list)) {
    problems.push({ variable: 'TENANTS_FILE', message: 'must hold a JSON array of tenants or an object {"tenants": [...]}' });
    return [];
  }
  const out: Tenant[] = [];
  const seen = new Set<string>();
  list.forEach((entry: unknown, i: number) => {
    const at = `TENANTS_FILE[${i}]`;
    const e: Record<string, unknown> = typeof entry === 'string' ? { id: entry } : (entry as Record<string, unknown>);
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      problems.push({ variable: at, message: 'must be a tenant id string or an object {id, clientId?, clientSecret?, weight?}' });
      return;
    }
    for (const key of Object.keys(e)) {
      if (!['id', 'clientId', 'clientSecret', 'weight'].includes(key)) {
        problems.push({ variable: `${at}.${key}`, message: 'unknown field; allowed fields are id, clientId, clientSecret, weight' });
      }
    }
    if (typeof e.id !== 'string' || !TENANT_ID_PATTERN.test(e.id)) {
      problems.push({ variable: `${at}.id`, message: `must be a tenant id matching ${TENANT_ID_PATTERN.source}` });
      return;
    }
    if (seen.has(e.id)) {
      problems.push({ variable: `${at}.id`, message: `duplicates tenant ${e.id}` });
      return;
    }
    seen.add(e.id);
    const hasId = e.clientId !== undefined;
    const hasSecret = e.clientSecret !== undefined;
    if (hasId !== hasSecret) {
      problems.push({ variable: `${at}.${hasId ? 'clientSecret' : 'clientId'}`, message: 'clientId and clientSecret go together' });
    }
    if (hasId && (typeof e.clientId !== 'string' || e.clientId.length === 0)) {
      problems.push({ variable: `${at}.clientId`, message: 'must be a non-empty string' });
    }
    if (hasSecret && (typeof e.clientSecret !== 'string' || e.clientSecret.length === 0)) {
      problems.push({ variable: `${at}.clientSecret`, message: 'must be a non-empty string' });
    }
    const t: Tenant = { id: e.id };
    if (typeof e.clientId === 'string' && typeof e.clientSecret === 'string') {
      t.clientId = e.clientId;
      t.clientSecret = e.clientSecret;
    }
    if (e.weight !== undefined) {
      const w = fileWeight(e.weight, `${at}.weight`, problems);
      if (w !== undefined) t.weight = w;
    }
    out.push(t);
  });
  if (list.length === 0) problems.push({ variable: 'TENANTS_FILE', message: 'lists no tenants' });
  return out;
}

/**
 * The `tenant` tag for the tenant at `index` in the pool: its id for the first `cap` tenants,
 * `__overflow__` for the rest, so the number of tag values never exceeds `cap + 1`.
 */
export function tenantTag(tenants: readonly Tenant[], index: number, cap: number): string {
  return index < cap ? (tenants[index] as Tenant).id : OVERFLOW_TENANT_TAG;
}
