import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: {
  'http_req_duration{name:fast}': ['max<5000'],
  'http_reqs{kind:read}': ['count==2'],
  'http_reqs{kind:write}': ['count==1'],
  'checks{area:x}': ['rate==1'],
  "http_reqs{ name : 'slowish' }": ['count==1'],
} };
export default async function () {
  await http.asyncRequest('GET', `${__ENV.BASE}/`, null, { tags: { name: 'fast', kind: 'read' } });
  await http.asyncRequest('GET', `${__ENV.BASE}/delay/20`, null, { tags: { name: 'slowish', kind: 'read' } });
  await http.asyncRequest('POST', `${__ENV.BASE}/`, 'x', { tags: { kind: 'write' } });
  check(true, { 'tagged check': (v) => v }, { area: 'x' });
}
