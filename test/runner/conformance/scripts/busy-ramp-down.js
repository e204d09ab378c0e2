// ramping-vus: 2 VUs for 1 s, then 1 VU for 3 s, gracefulRampDown 500ms. The VU the ramp-down
// takes away (VU 1: the pool hands VU 2 to the first slot) spins forever in a synchronous
// function; k6 interrupts it 500 ms after the ramp-down, so the other VU iterates for about
// 2.5 s, also when both share one thread. Stopped only at the end of the test, the busy VU would
// block the other throughout.
import exec from 'k6/execution';
import { sleep } from 'k6';

export const options = {
  scenarios: {
    ramp: {
      executor: 'ramping-vus',
      startVUs: 2,
      stages: [
        { duration: '1s', target: 2 },
        { duration: '0s', target: 1 },
        { duration: '3s', target: 1 },
      ],
      gracefulRampDown: '500ms',
      gracefulStop: '0s',
    },
  },
  thresholds: { iterations: ['count>=20'] },
};

export default function () {
  if (exec.vu.idInTest === 1) {
    while (true) {}
  }
  sleep(0.05);
}
