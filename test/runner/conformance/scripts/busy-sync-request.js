// A VU blocked in a synchronous request that outlives the scenario: k6 interrupts it at the
// scenario's end (gracefulStop 0s); teardown runs.
import http from 'k6/http';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s' } } };
export default function () {
  http.get(`${__ENV.BASE}/delay/600000`);
}
export function teardown() { console.log('TEARDOWN RAN'); }
