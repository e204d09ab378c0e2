// k6's synchronous HTTP API as ordinary k6 scripts use it: in setup, iterations (inside a
// synchronous group) and teardown; get/post/put/patch/del/head/options/request and batch (array
// and object forms), redirects, checks, sleep.
import http from 'k6/http';
import { check, group, sleep } from 'k6';

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 2 } } };

export function setup() {
  return { b: http.get(`${__ENV.BASE}/json`).json('a.b.1') };
}

export default function (data) {
  const B = __ENV.BASE;
  group('sync', () => {
    check(http.get(`${B}/`), { 'get: 200 ok': (r) => r.status === 200 && r.body === 'ok' });
    const p = http.post(`${B}/echo`, JSON.stringify({ x: 1 }), { headers: { 'Content-Type': 'application/json' } });
    check(p, { 'post: body sent': (r) => r.json('method') === 'POST' && r.json('body') === '{"x":1}' });
  });
  check(http.get(`${B}/redirect`), { 'redirect followed': (r) => r.status === 200 && r.body === 'ok' });
  const arr = http.batch([`${B}/`, ['PUT', `${B}/echo`, 'b'], { method: 'DELETE', url: `${B}/echo` }]);
  check(arr, { 'batch (array)': (a) => a.length === 3 && a[0].body === 'ok' && a[1].json('method') === 'PUT' && a[1].json('body') === 'b' && a[2].json('method') === 'DELETE' });
  const obj = http.batch({ one: `${B}/status/201`, two: ['GET', `${B}/status/404`] });
  check(obj, { 'batch (object)': (o) => o.one.status === 201 && o.two.status === 404 });
  check(http.head(`${B}/`), { head: (r) => r.status === 200 });
  check(http.patch(`${B}/echo`, 'p'), { patch: (r) => r.json('method') === 'PATCH' && r.json('body') === 'p' });
  check(http.put(`${B}/echo`, 'u'), { put: (r) => r.json('method') === 'PUT' });
  check(http.options(`${B}/echo`), { options: (r) => r.json('method') === 'OPTIONS' });
  check(http.del(`${B}/echo`), { del: (r) => r.json('method') === 'DELETE' });
  check(http.request('GET', `${B}/status/204`), { request: (r) => r.status === 204 });
  check(data, { 'setup data came from a synchronous request': (d) => d.b === 2 });
  sleep(0.01);
}

export function teardown() {
  console.log(`TEARDOWN STATUS ${http.get(`${__ENV.BASE}/`).status}`);
}
