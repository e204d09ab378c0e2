/**
 * A fake of the reference platform behind the `k6/http` fake: enough of docs/platform-api.md for
 * the scenario module (token endpoint, lists with ids, by-id reads, writes, audit, fault agent).
 */
import type { FakeRequest, FakeResponse } from '../fakes/k6/recorder';

export interface FakePlatformState {
  authorityUp: boolean;
  tokenLifetimeS: number;
  tokensIssued: number;
  faultRecord: { id: string; startedAt: string; endsAt: string; endedAt: string | null; requests: number; faulted: number };
  auditEvents: Array<{ time: string; action: string; tenant: string }>;
  apiStatus: number | undefined;
  /** No answer at all (k6 status 0, like a refused connection): the Authority / the API. */
  authorityUnreachable: boolean;
  apiUnreachable: boolean;
  /** The Authority refuses every client with this status and RFC 6749 error. */
  tokenRefusal: { status: number; error: string } | undefined;
  /** Status of the list endpoints used for discovery (undefined: normal answers). */
  listStatus: number | undefined;
  /** Every access_token issued, to check where they end up. */
  issued: string[];
}

/** 32 hex characters: the unguessable part of a fake token (a real JWT has far more). */
const entropy = (): string => Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

export function fakePlatform(): { state: FakePlatformState; handler: (req: FakeRequest) => FakeResponse } {
  const state: FakePlatformState = {
    authorityUp: true,
    tokenLifetimeS: 3600,
    tokensIssued: 0,
    faultRecord: { id: 'f-1', startedAt: new Date().toISOString(), endsAt: new Date().toISOString(), endedAt: new Date().toISOString(), requests: 120, faulted: 120 },
    auditEvents: [],
    apiStatus: undefined,
    authorityUnreachable: false,
    apiUnreachable: false,
    tokenRefusal: undefined,
    listStatus: undefined,
    issued: [],
  };
  const unreachable: FakeResponse = { status: 0, body: null, error: 'dial tcp 127.0.0.1:1: connect: connection refused', error_code: 1212 };
  const json = (status: number, doc: unknown): FakeResponse => ({ status, body: JSON.stringify(doc) });
  const handler = (req: FakeRequest): FakeResponse => {
    const url = new URL(req.url);
    const p = url.pathname;
    if (p === '/connect/token') {
      if (state.authorityUnreachable) return unreachable;
      if (!state.authorityUp) return json(503, { error: 'temporarily_unavailable' });
      const form = req.body as Record<string, string>;
      if (form.grant_type !== 'client_credentials' || !form.client_secret) return json(400, { error: 'invalid_request' });
      if (state.tokenRefusal) return json(state.tokenRefusal.status, { error: state.tokenRefusal.error });
      state.tokensIssued++;
      const token = `tok-${form.tenant ?? form.client_id}-${entropy()}-${state.tokensIssued}`;
      state.issued.push(token);
      return json(200, { access_token: token, token_type: 'Bearer', expires_in: state.tokenLifetimeS });
    }
    if (p === '/v1/faults/http') return json(201, { ...state.faultRecord, endedAt: null, requests: 0, faulted: 0 });
    if (p.startsWith('/v1/faults/')) return json(200, state.faultRecord);
    if (p === '/v1/faults') return json(200, { active: null, recent: [state.faultRecord] });
    if (p === '/audit/events') return json(200, { events: state.auditEvents, dropped: 0 });
    if (p.startsWith('/api/')) {
      if (state.apiUnreachable) return unreachable;
      const auth = req.params.headers?.Authorization ?? '';
      if (!auth.startsWith('Bearer tok-')) return json(401, { error: 'invalid_token', reason: 'missing' });
      if (state.apiStatus !== undefined) return state.apiStatus === 401 ? json(401, { error: 'invalid_token', reason: 'jwks_unavailable' }) : json(state.apiStatus, { error: 'boom' });
      const tenant = req.params.headers?.['X-StellaOps-Tenant'] ?? 'none';
      if (req.method === 'GET' && /^\/api\/(policy\/policies|vuln\/findings|notify\/channels|notify\/rules)$/.test(p)) {
        if (state.listStatus !== undefined) return json(state.listStatus, { error: state.listStatus === 403 ? 'forbidden' : 'unavailable' });
        return json(200, { items: [{ id: `${tenant}-a` }, { id: `${tenant}-b` }], nextCursor: null });
      }
      if (req.method === 'GET') return json(200, { id: p.split('/').pop() });
      if (req.method === 'PUT') return json(201, { id: p.split('/').pop(), version: 1 });
      if (p.endsWith('/triage')) return json(200, { id: p.split('/')[4], triage: {} });
      if (p === '/api/notify/rules') return json(201, { id: (JSON.parse(String(req.body)) as { id: string }).id });
    }
    return json(404, { error: 'not_found' });
  };
  return { state, handler };
}
