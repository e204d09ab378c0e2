// user:pass@host in the URL: Go's http.Client sends Basic auth (k6 lib/netext/httpext/request.go
// leaves it to the client), unless Authorization is set; tags show the URL masked (url.go Clean).
import http from 'k6/http';
import { check } from 'k6';
const masked = `${__ENV.BASE.replace('http://', 'http://****:****@')}/echo`;
export const options = { iterations: 1, thresholds: { [`http_reqs{name:${masked}}`]: ['count==2'] } };
export default async function () {
  const withCreds = __ENV.BASE.replace('http://', 'http://us%40er:p%3Ass@');
  const res = await http.asyncRequest('GET', `${withCreds}/echo`);
  check(res, {
    'Basic auth from the URL': (r) => r.json().headers.authorization === `Basic ${'dXNAZXI6cDpzcw=='}`,
    'the credentials do not reach the server in the URL': (r) => r.status === 200,
  });
  const own = await http.asyncRequest('GET', `${withCreds}/echo`, null, { headers: { Authorization: 'Bearer t' } });
  check(own, { 'an Authorization header wins': (r) => r.json().headers.authorization === 'Bearer t' });
}
