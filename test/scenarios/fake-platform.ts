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
}

export function fakePlatform(): { state: FakePlatformState; handler: (req: FakeRequest) => FakeResponse } {
  const state: FakePlatformState = {
    authorityUp: true,
    tokenLifetimeS: 3600,
    tokensIssued: 0,
    faultRecord: { id: 'f-1', startedAt: new Date().toISOString(), endsAt: new Date().toISOString(), endedAt: new Date().toISOString(), requests: 120, faulted: 120 },
    auditEvents: [],
    apiStatus: undefined,
  };
  const json = (status: number, doc: unknown): FakeResponse => ({ status, body: JSON.stringify(doc) });
  const handler = (req: FakeRequest): FakeResponse => {
    const url = new URL(req.url);
    const p = url.pathname;
    if (p === '/connect/token') {
      if (!state.authorityUp) return json(503, { error: 'temporarily_unavailable' });
      const form = req.body as Record<string, string>;
      if (form.grant_type !== 'client_credentials' || !form.client_secret) return json(400, { error: 'invalid_request' });
      state.tokensIssued++;
      return json(200, { access_token: `tok-${form.tenant ?? form.client_id}-${state.tokensIssued}`, token_type: 'Bearer', expires_in: state.tokenLifetimeS });
    }
    if (p === '/v1/faults/http') return json(201, { ...state.faultRecord, endedAt: null, requests: 0, faulted: 0 });
    if (p.startsWith('/v1/faults/')) return json(200, state.faultRecord);
    if (p === '/v1/faults') return json(200, { active: null, recent: [state.faultRecord] });
    if (p === '/audit/events') return json(200, { events: state.auditEvents, dropped: 0 });
    if (p.startsWith('/api/')) {
      const auth = req.params.headers?.Authorization ?? '';
      if (!auth.startsWith('Bearer tok-')) return json(401, { error: 'invalid_token', reason: 'missing' });
      if (state.apiStatus !== undefined) return state.apiStatus === 401 ? json(401, { error: 'invalid_token', reason: 'jwks_unavailable' }) : json(state.apiStatus, { error: 'boom' });
      const tenant = req.params.headers?.['X-StellaOps-Tenant'] ?? 'none';
      if (req.method === 'GET' && /^\/api\/(policy\/policies|vuln\/findings|notify\/channels|notify\/rules)$/.test(p)) {
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
