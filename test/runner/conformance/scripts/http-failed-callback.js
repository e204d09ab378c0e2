import http from 'k6/http';
export const options = { iterations: 1, thresholds: {
  http_req_failed: ['rate==0.5'],
  'http_req_failed{expected_response:false}': ['rate==1'],
  'http_reqs{status:404}': ['count==2'],
  'http_reqs{error_code:1404}': ['count==2'],
  'http_reqs{expected_response:true}': ['count==1'],
} };
export default async function () {
  await http.asyncRequest('GET', `${__ENV.BASE}/`);
  await http.asyncRequest('GET', `${__ENV.BASE}/status/404`);
  http.setResponseCallback(http.expectedStatuses(404));
  await http.asyncRequest('GET', `${__ENV.BASE}/status/404`, null, { responseCallback: null });
}
