import http from 'k6/http';
http.setResponseCallback(http.expectedStatuses(200, { min: 400, max: 404 }));
export const options = { iterations: 1, thresholds: { http_req_failed: ['rate==0.25'] } };
export default async function () {
  await http.asyncRequest('GET', `${__ENV.BASE}/`);
  await http.asyncRequest('GET', `${__ENV.BASE}/status/403`);
  await http.asyncRequest('GET', `${__ENV.BASE}/status/404`);
  await http.asyncRequest('GET', `${__ENV.BASE}/status/500`);
}
