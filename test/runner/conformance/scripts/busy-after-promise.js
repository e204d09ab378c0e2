// Like busy-early-scenario.js, but `busy` is a plain function that returned a promise on its first
// call: k6-offline times such a function no more (a watchdog per iteration would cost more than
// the iteration), so its busy second iteration is stopped only at the end of the test, by ending
// its worker thread — runner/DIFFERENCES.md. `steady` starves meanwhile: the threshold fails.
export const options = {
  scenarios: {
    busy: { executor: 'per-vu-iterations', vus: 1, iterations: 2, maxDuration: '1s', gracefulStop: '0s', exec: 'busy' },
    steady: { executor: 'constant-vus', vus: 1, duration: '4s', gracefulStop: '0s', exec: 'steady' },
  },
  thresholds: { 'iterations{scenario:steady}': ['count>=20'] },
};
export function busy() {
  if (__ITER > 0) while (true) {}
  return new Promise((r) => setTimeout(r, 10));
}
export async function steady() {
  await new Promise((r) => setTimeout(r, 50));
}
