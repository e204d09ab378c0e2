import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: {
  'http_reqs{url:item-by-id}': ['count==2'],
  'http_reqs{name:item-by-id}': ['count==2'],
} };
export default async function () {
  for (const id of [1, 2]) await http.asyncRequest('GET', `${__ENV.BASE}/?id=${id}`, null, { tags: { name: 'item-by-id' } });
  const code = 201;
  const u = http.url`${__ENV.BASE}/status/${code}`;
  check(u, { 'template name has placeholders': (x) => x.name === '${}/status/${}', 'template url is filled in': (x) => x.url === `${__ENV.BASE}/status/201` });
  const res = await http.asyncRequest('GET', u);
  check(res, { 'template request sent': (r) => r.status === 201 });
}
