// noCookiesReset: the VU's jar survives from one iteration to the next (k6 v2.2 internal/js/runner.go
// runFn replaces the jar only when noCookiesReset is not set).
import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
export const options = { iterations: 2, vus: 1, noCookiesReset: true };
export default async function () {
  if (exec.vu.iterationInScenario === 0) {
    await http.asyncRequest('GET', `${__ENV.BASE}/cookies`);
    return;
  }
  const echo = await http.asyncRequest('GET', `${__ENV.BASE}/echo`);
  check(echo, { 'the second iteration still sends the first one’s cookie': (r) => r.json().headers.cookie === 'a=1' });
}
