// K6_OFFLINE_VU_REALM: a VU's timers (global and k6/timers) keep its async iteration alive.
import { check } from 'k6';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import { setTimeout as k6SetTimeout, setInterval as k6SetInterval, clearInterval as k6ClearInterval } from 'k6/timers';

const fired = new Counter('timer_callbacks');
export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } },
  thresholds: { 'timer_callbacks{via:global}': ['count==6'], 'timer_callbacks{via:k6/timers}': ['count==6'], 'timer_callbacks{via:interval}': ['count==12'] },
};

let firedHere = 0;

export default async function () {
  check(firedHere, { 'every timer of this VU’s earlier iterations fired before this one started': (n) => n === 4 * exec.vu.iterationInScenario });
  await Promise.resolve();
  // Neither timer is awaited: the iteration still ends only after both have fired.
  setTimeout(() => {
    firedHere++;
    fired.add(1, { via: 'global' });
  }, 30);
  k6SetTimeout(() => {
    firedHere++;
    fired.add(1, { via: 'k6/timers' });
  }, 40);
  let ticks = 0;
  const id = k6SetInterval(() => {
    fired.add(1, { via: 'interval' });
    if (++ticks === 2) {
      firedHere += 2;
      k6ClearInterval(id);
    }
  }, 10);
}
