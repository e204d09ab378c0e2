// Two VUs (one per worker thread with K6_OFFLINE_WORKERS=2): VU 2 never yields, VU 1 aborts the
// test. k6 interrupts VU 2 at the abort; the run exits 108 and teardown runs.
import exec from 'k6/execution';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 1, maxDuration: '10m' } } };
export default async function () {
  if (__VU === 2) while (true) {}
  await new Promise((r) => setTimeout(r, 300));
  exec.test.abort('enough');
}
export function teardown() { console.log('TEARDOWN RAN'); }
