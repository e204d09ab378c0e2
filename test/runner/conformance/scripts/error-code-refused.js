import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1, thresholds: { 'http_reqs{error_code:1212}': ['count==1'], http_req_failed: ['rate==1'] } };
export default async function () {
  const res = await http.asyncRequest('GET', __ENV.CLOSED);
  check(res, { 'status 0': (r) => r.status === 0, 'error_code 1212': (r) => r.error_code === 1212, 'error text': (r) => r.error.includes('connection refused') });
}
