import { Counter } from 'k6/metrics';
const errors = new Counter('errors_seen');
export const options = {
  scenarios: { main: { executor: 'constant-vus', vus: 1, duration: '20s' } },
  thresholds: { errors_seen: [{ threshold: 'count<1', abortOnFail: true }] },
};
export default async function () {
  errors.add(1);
  await new Promise((r) => setTimeout(r, 50));
}
export function teardown() { console.log('TEARDOWN RAN'); }
