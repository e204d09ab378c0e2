// Like busy-early-scenario.js, but `busy` first runs three short iterations and only then spins.
// Each iteration lasts PAUSE_MS (sync sleep). The runner times a synchronous iteration (a watchdog
// thread per call) only on a VU's first iteration or after one of at least 50 ms: after 60 ms
// iterations the spin is stopped at the scenario's end, after 1 ms ones only at the test's end.
import { sleep } from 'k6';
import exec from 'k6/execution';

export const options = {
  scenarios: {
    busy: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '0s', exec: 'busy' },
    steady: { executor: 'constant-vus', vus: 1, duration: '3s', gracefulStop: '0s', exec: 'steady' },
  },
  thresholds: { 'iterations{scenario:steady}': ['count>=10'] },
};

export function busy() {
  if (exec.vu.iterationInScenario >= 3) {
    while (true) {}
  }
  sleep(Number(__ENV.PAUSE_MS) / 1000);
}

export async function steady() {
  await new Promise((r) => setTimeout(r, 50));
}
