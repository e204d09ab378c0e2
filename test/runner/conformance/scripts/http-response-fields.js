import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default async function () {
  const res = await http.asyncRequest('GET', `${__ENV.BASE}/json`);
  check(res, {
    'status': (r) => r.status === 200,
    'json()': (r) => r.json().a.b[1] === 2,
    'json selector': (r) => r.json('a.b.0') === 1,
    'canonical headers': (r) => r.headers['Content-Type'] === 'application/json',
    'a new connection has connecting > 0': (r) => r.timings.connecting > 0,
    'timings add up': (r) => Math.abs(r.timings.duration - (r.timings.sending + r.timings.waiting + r.timings.receiving)) < 1e-6,
    'url': (r) => r.url === `${__ENV.BASE}/json`,
  });
  const binary = await http.asyncRequest('GET', `${__ENV.BASE}/json`, null, { responseType: 'binary' });
  check(binary, { 'json() reads a binary body as JSON, as k6': (r) => r.json('a.b.1') === 2 && r.json().a.b[0] === 1 });
  const html = await http.asyncRequest('GET', `${__ENV.BASE}/`);
  check(html, { 'json(selector) of a body that is not JSON is undefined, as k6': (r) => r.json('a.b') === undefined });
  const refused = await http.asyncRequest('GET', __ENV.CLOSED);
  check(refused, {
    "json() of a failed request throws k6's message": (r) => {
      try {
        r.json();
        return false;
      } catch (e) {
        return String(e).includes("the body is null so we can't transform it to JSON - this likely was because of a request error getting the response");
      }
    },
  });
  const redirected = await http.asyncRequest('GET', `${__ENV.BASE}/redirect`);
  check(redirected, { 'redirect followed': (r) => r.status === 200 && r.url === `${__ENV.BASE}/` });
  const reused = await http.asyncRequest('GET', `${__ENV.BASE}/`);
  check(reused, { 'a reused keep-alive connection has connecting 0': (r) => r.timings.connecting === 0 });
  check(res, {
    'body and request are own enumerable properties (JSON.stringify shows them)': (r) => {
      const j = JSON.parse(JSON.stringify(r));
      return typeof j.body === 'string' && j.body === r.body && j.request.url === r.url && Object.keys(r).includes('body');
    },
    'body can be replaced by the script': (r) => {
      r.body = '{"x":1}';
      return r.body === '{"x":1}';
    },
  });
  // runner-internal (runner/modules/http.ts RESPONSE_ACCESSORS): responses share their accessor
  // functions, so they share one hidden class and are freed by young-generation GC.
  const d1 = Object.getOwnPropertyDescriptor(res, 'body');
  const d2 = Object.getOwnPropertyDescriptor(reused, 'body');
  check(null, { 'responses share their body accessor': () => typeof d1.get === 'function' && d1.get === d2.get && d1.set === d2.set });
}
