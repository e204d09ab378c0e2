/**
 * One API request for one tenant: render the operation, send it with `http.asyncRequest`, tag it
 * (`traffic:api`, `name`, `service`, `kind`, `tenant`, `phase`), check status and body shape on
 * the resolved response, and feed the fail-closed and 5xx metrics. A VU that has no token for the
 * tenant (the Authority was unavailable) still sends the request, without an Authorization
 * header, so it fails as real traffic would and counts in `http_req_failed{traffic:api}`.
 *
 * The load iteration runs thousands of times a second, so what depends only on the catalog and
 * config is built once per VU (`ApiCaller`): each operation's render plan, check names and check
 * functions, its URL when the path has no placeholders, and — while the pool of tag values is
 * small enough to keep (`CACHE_LIMIT`, `HEADER_CACHE_LIMIT`) — the request tag objects per
 * (operation, tenant tag) and the metric tag objects per (service, kind, tenant tag), both for the
 * current phase, and the header objects per (tenant, token). The runner and k6 copy tags
 * and headers on each call; the cached objects are frozen, so a runner may also memoize what it
 * derives from one by identity.
 */
import { check } from 'k6';
import http from 'k6/http';
import type { RefinedResponse, ResponseType } from 'k6/http';
import type { Operation, OperationPlan, RenderContext } from './catalog';
import { planOf, renderBody, renderPath } from './catalog';
import { hasShape, isFailClosed, parseBody, shapeCheckName, statusCheckName } from './checks';
import { failClosed, rateLimited, requestsWithoutToken, serverErrors } from './metrics';
import type { MixItem } from './mix';

export interface ApiCall {
  baseUrl: string;
  tenantHeader: string;
  tenantId: string;
  tenantTag: string;
  /** The bearer token; '' when the VU has none for the tenant. */
  token: string;
  phase: string;
  timeoutMs: number;
}

/**
 * `traffic` is `api`, or `noisy` for every request of the noisy neighbour (NOISY_TENANT): its
 * 429s are expected, so no `traffic:api` SLO may see them.
 */
export function apiTags(op: Operation, call: Pick<ApiCall, 'tenantTag' | 'phase'>, traffic = 'api'): Record<string, string> {
  return { traffic, name: op.name, service: op.service, kind: op.kind, tenant: call.tenantTag, phase: call.phase };
}

function metricTagsOf(op: Operation, tenantTag: string, phase: string): Record<string, string> {
  return { phase, tenant: tenantTag, kind: op.kind, service: op.service };
}

/** The request headers: tenant, Accept, then Authorization with a token and Content-Type with a body. */
export function requestHeaders(tenantHeader: string, tenantId: string, token: string, withBody: boolean): Record<string, string> {
  return headersWith(tenantHeader, tenantId, token === '' ? '' : `Bearer ${token}`, withBody);
}

function headersWith(tenantHeader: string, tenantId: string, authorization: string, withBody: boolean): Record<string, string> {
  const headers: Record<string, string> = { [tenantHeader]: tenantId, Accept: 'application/json' };
  if (authorization !== '') headers.Authorization = authorization;
  if (withBody) headers['Content-Type'] = 'application/json';
  return headers;
}

type Response = RefinedResponse<ResponseType | undefined>;

/** An operation compiled for sending: render plan, check set and the fields the mix draws on. */
export interface CallPlan extends MixItem {
  readonly op: Operation;
  readonly render: OperationPlan;
  /** `check()` sets, built once; the shape check reads the parsed body from `parsed.doc`. */
  readonly checks: Record<string, (r: Response) => boolean>;
  readonly parsed: { doc: unknown };
}

export function compileCall(op: Operation): CallPlan {
  const parsed: { doc: unknown } = { doc: undefined };
  const render = planOf(op);
  return {
    op,
    render,
    kind: op.kind,
    weight: op.weight,
    needs: render.needs,
    parsed,
    checks: {
      [statusCheckName(op)]: (r) => op.expect.includes(r.status),
      [shapeCheckName(op)]: () => hasShape(op.shape, parsed.doc),
    },
  };
}

const callPlans = new WeakMap<Operation, CallPlan>();

function callPlanOf(op: Operation): CallPlan {
  let plan = callPlans.get(op);
  if (!plan) {
    plan = compileCall(op);
    callPlans.set(op, plan);
  }
  return plan;
}

async function send(
  plan: CallPlan,
  url: string,
  body: string | null,
  headers: Record<string, string>,
  timeoutMs: number,
  tags: Record<string, string>,
  metricTags: Record<string, string>,
  tokenless: boolean,
): Promise<boolean> {
  const res = await http.asyncRequest(plan.op.method, url, body, { headers, tags, timeout: timeoutMs });
  const doc = parseBody(res.body);
  serverErrors.add(res.status >= 500, metricTags);
  if (res.status === 429) rateLimited.add(1, metricTags);
  // A 401 to a request without a token is not the platform failing closed: not evidence of it.
  if (tokenless) requestsWithoutToken.add(1, metricTags);
  else if (isFailClosed(res.status, doc)) failClosed.add(1, metricTags);
  // check() runs its functions synchronously, so the shared slot holds this response's body only
  // for the duration of the call.
  plan.parsed.doc = doc;
  try {
    return check(res, plan.checks, tags);
  } finally {
    plan.parsed.doc = undefined;
  }
}

/** Sends the request; resolves with whether every check passed. */
export async function callOperation(op: Operation, call: ApiCall, ctx: RenderContext): Promise<boolean> {
  const plan = callPlanOf(op);
  const path = renderPath(plan.render, ctx);
  const body = renderBody(plan.render, ctx);
  const headers = requestHeaders(call.tenantHeader, call.tenantId, call.token, body !== null);
  return send(plan, `${call.baseUrl}${path}`, body, headers, call.timeoutMs, apiTags(op, call), metricTagsOf(op, call.tenantTag, call.phase), call.token === '');
}

/**
 * Tag objects are cached while (distinct tag values x operations) stays within this bound (two
 * small objects per entry, about 200 kB per VU at most); past it they are built per request.
 */
export const CACHE_LIMIT = 1024;

/**
 * Header objects are cached per tenant while the pool has at most this many tenants: each entry
 * holds one `Bearer` string (a JWT, about 1 kB), so about 300 kB per VU at most; past it they are
 * built per request. Either way a pool of 50,000 tenants cannot grow a VU's memory through them.
 */
export const HEADER_CACHE_LIMIT = 256;

export interface ApiCallerConfig {
  baseUrl: string;
  tenantHeader: string;
  timeoutMs: number;
  tenantCount: number;
  /** Distinct `tenant` tag values: min(tenants, TENANT_TAG_CAP + 1). */
  tenantTagCount: number;
  /** The noisy neighbour's tenant tag: its requests carry `traffic:noisy`. */
  noisyTenantTag?: string;
}

interface HeaderEntry {
  token: string;
  plain: Record<string, string>;
  json: Record<string, string>;
}

/** Keeps `tags` (frozen) in `cache` under `key`; without a cache (past CACHE_LIMIT) returns it as is. */
function remember(cache: Map<string, Record<string, string>> | undefined, key: string, tags: Record<string, string>): Record<string, string> {
  if (!cache) return tags;
  const frozen = Object.freeze(tags);
  cache.set(key, frozen);
  return frozen;
}

/** A plan as one VU's caller holds it: with its URL (when fixed) and its tag objects. */
export interface CallerPlan extends CallPlan {
  /** The full URL when the path has no placeholders. */
  readonly fixedUrl: string | undefined;
  /** Request tag objects by tenant tag, for the caller's current phase; undefined past CACHE_LIMIT. */
  readonly tagCache: Map<string, Record<string, string>> | undefined;
  /** The plan's (service, kind) pair: plans that share it share their metric tag objects. */
  readonly metricGroup: number;
}

/** One VU's compiled operations and request-part caches for the load iteration. */
export class ApiCaller {
  readonly plans: readonly CallerPlan[];
  private readonly headers: Array<HeaderEntry | undefined> | undefined;
  /** Metric tag objects by tenant tag, one map per (service, kind); undefined past CACHE_LIMIT. */
  private readonly metricCaches: Array<Map<string, Record<string, string>>> | undefined;
  /** The phase every cached tag object carries; a new phase empties the caches. */
  private cachedPhase = '';

  constructor(
    operations: readonly Operation[],
    private readonly cfg: ApiCallerConfig,
  ) {
    const cacheTags = cfg.tenantTagCount * operations.length <= CACHE_LIMIT;
    const groups: string[] = [];
    this.plans = operations.map((op) => {
      const plan = compileCall(op);
      const path = plan.render.path;
      const group = `${op.service}\u0000${op.kind}`;
      let metricGroup = groups.indexOf(group);
      if (metricGroup < 0) metricGroup = groups.push(group) - 1;
      return {
        ...plan,
        fixedUrl: path.slots.length === 0 ? `${cfg.baseUrl}${path.literals[0]}` : undefined,
        tagCache: cacheTags ? new Map<string, Record<string, string>>() : undefined,
        metricGroup,
      };
    });
    this.metricCaches = cacheTags ? groups.map(() => new Map<string, Record<string, string>>()) : undefined;
    this.headers = cfg.tenantCount <= HEADER_CACHE_LIMIT ? [] : undefined;
  }

  private trafficOf(tenantTag: string): string {
    return tenantTag === this.cfg.noisyTenantTag ? 'noisy' : 'api';
  }

  private usePhase(phase: string): void {
    if (phase === this.cachedPhase) return;
    this.cachedPhase = phase;
    for (const plan of this.plans) plan.tagCache?.clear();
    if (this.metricCaches) for (const m of this.metricCaches) m.clear();
  }

  private apiTagsFor(plan: CallerPlan, tenantTag: string, phase: string): Record<string, string> {
    return plan.tagCache?.get(tenantTag) ?? remember(plan.tagCache, tenantTag, apiTags(plan.op, { tenantTag, phase }, this.trafficOf(tenantTag)));
  }

  private metricTagsFor(plan: CallerPlan, tenantTag: string, phase: string): Record<string, string> {
    const cache = this.metricCaches?.[plan.metricGroup];
    return cache?.get(tenantTag) ?? remember(cache, tenantTag, metricTagsOf(plan.op, tenantTag, phase));
  }

  private headersFor(tenantIndex: number, tenantId: string, token: string, withBody: boolean): Record<string, string> {
    const cache = this.headers;
    if (!cache) return requestHeaders(this.cfg.tenantHeader, tenantId, token, withBody);
    let entry = cache[tenantIndex];
    if (entry?.token !== token) {
      const authorization = token === '' ? '' : `Bearer ${token}`;
      entry = {
        token,
        plain: Object.freeze(headersWith(this.cfg.tenantHeader, tenantId, authorization, false)),
        json: Object.freeze(headersWith(this.cfg.tenantHeader, tenantId, authorization, true)),
      };
      cache[tenantIndex] = entry;
    }
    return withBody ? entry.json : entry.plain;
  }

  /**
   * `callOperation` for one of `plans`, with the cached parts: same request, tags, checks and
   * metrics. Not `async` (one promise less per request): a missing discovered id throws here
   * instead of rejecting, and the awaiting iteration rejects either way.
   */
  call(plan: CallerPlan, tenantIndex: number, tenantId: string, tenantTag: string, token: string, phase: string, ctx: RenderContext): Promise<boolean> {
    const url = plan.fixedUrl ?? `${this.cfg.baseUrl}${renderPath(plan.render, ctx)}`;
    const body = renderBody(plan.render, ctx);
    const headers = this.headersFor(tenantIndex, tenantId, token, body !== null);
    this.usePhase(phase);
    return send(plan, url, body, headers, this.cfg.timeoutMs, this.apiTagsFor(plan, tenantTag, phase), this.metricTagsFor(plan, tenantTag, phase), token === '');
  }
}
