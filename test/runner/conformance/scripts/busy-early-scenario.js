// Two scenarios: `busy` (1 VU, 1 s, gracefulStop 0s) spins forever in a synchronous function;
// `steady` (1 VU, 4 s) keeps iterating. k6 interrupts the busy VU at the end of its own scenario,
// so `steady` iterates for about 3 s more, also when both VUs share one thread. Stopped only at
// the end of the test, the busy VU would block `steady` throughout: the threshold would fail.
export const options = {
  scenarios: {
    busy: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s', exec: 'busy' },
    steady: { executor: 'constant-vus', vus: 1, duration: '4s', gracefulStop: '0s', exec: 'steady', startTime: '0s' },
  },
  thresholds: { 'iterations{scenario:steady}': ['count>=20'] },
};
export function busy() {
  while (true) {}
}
export async function steady() {
  await new Promise((r) => setTimeout(r, 50));
}
