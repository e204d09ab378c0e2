// Like busy-early-scenario.js, with two VUs in `busy`: the VU that starts first (VU 3: the pool
// hands out the VU initialised last) returns a promise; the other spins in synchronous code.
// In isolated realms the spinning VU is timed on its first iteration and stopped at its
// scenario's end. In the shared realm what one VU's copy of `busy` did holds for every VU's
// (one code), so it is not timed and is stopped only at the test's end.
import exec from 'k6/execution';

export const options = {
  scenarios: {
    busy: { executor: 'constant-vus', vus: 2, duration: '1s', gracefulStop: '0s', exec: 'busy' },
    steady: { executor: 'constant-vus', vus: 1, duration: '3s', gracefulStop: '0s', exec: 'steady' },
  },
  thresholds: { 'iterations{scenario:steady}': ['count>=10'] },
};

export function busy() {
  if (exec.vu.idInTest === 3) return new Promise((r) => setTimeout(r, 10));
  while (true) {}
}

export async function steady() {
  await new Promise((r) => setTimeout(r, 50));
}
