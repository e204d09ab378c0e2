/**
 * Fake of `k6/http`: `asyncRequest` hands the request to `fakeK6.handler` and records the
 * built-in HTTP samples k6 would emit (`http_reqs`, `http_req_duration`, `http_req_failed` with
 * the request's tags plus `status`). Synchronous calls fail as they do in the offline runner.
 */
import { fakeK6 } from './recorder';
import type { FakeRequest } from './recorder';

function syncRefused(): never {
  throw new Error('synchronous k6/http calls are not supported: use http.asyncRequest');
}

export async function asyncRequest(method: string, url: string, body?: unknown, params?: FakeRequest['params'] | null) {
  const req: FakeRequest = { method, url, body: body ?? null, params: params ?? {} };
  fakeK6.requests.push(req);
  const res = await fakeK6.handler(req);
  const tags = { ...(req.params.tags ?? {}), method, status: String(res.status) };
  fakeK6.samples.push({ metric: 'http_reqs', type: 'counter', value: 1, tags });
  fakeK6.samples.push({ metric: 'http_req_duration', type: 'trend', value: 1, tags });
  fakeK6.samples.push({ metric: 'http_req_failed', type: 'rate', value: res.status >= 200 && res.status < 400 ? 0 : 1, tags });
  let parsed: unknown;
  return {
    status: res.status,
    body: res.body,
    headers: res.headers ?? {},
    error: res.error ?? '',
    error_code: res.error_code ?? 0,
    request: { method, url, body: req.body, headers: req.params.headers ?? {}, cookies: {} },
    timings: { duration: 1 },
    json() {
      parsed ??= JSON.parse(String(res.body));
      return parsed;
    },
  };
}

export const request = syncRefused;
export const get = syncRefused;
export const post = syncRefused;
export const put = syncRefused;
export const del = syncRefused;
export const batch = syncRefused;
export function expectedStatuses(...s: unknown[]) {
  return { expected: s };
}
export function setResponseCallback(_cb: unknown): void {}

export default { asyncRequest, request, get, post, put, del, batch, expectedStatuses, setResponseCallback };
