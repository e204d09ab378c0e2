// VU 2 never yields; VU 1 fails a threshold with abortOnFail, evaluated on the merged metrics.
import { Counter } from 'k6/metrics';
const bad = new Counter('bad_things');
export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 1000000, maxDuration: '10m' } },
  thresholds: { bad_things: [{ threshold: 'count<1', abortOnFail: true }] },
};
export default async function () {
  if (__VU === 2) while (true) {}
  bad.add(1);
  await new Promise((r) => setTimeout(r, 50));
}
