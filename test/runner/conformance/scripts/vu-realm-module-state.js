// K6_OFFLINE_VU_REALM: module state, __VU and __ENV are per VU in either realm mode.
import { check } from 'k6';
import exec from 'k6/execution';
import { Trend } from 'k6/metrics';

const countSeen = new Trend('module_count_seen');
// Two scenarios at once, 3 VUs × 5 iterations each, with different scenario env.
export const options = {
  scenarios: {
    first: { executor: 'per-vu-iterations', vus: 3, iterations: 5, env: { SCOPED: 'first' } },
    second: { executor: 'per-vu-iterations', vus: 3, iterations: 5, env: { SCOPED: 'second' } },
  },
};

let count = 0;

export default async function () {
  count++;
  __ENV.MINE = String(__VU);
  // Let the other VUs run (and set their own __ENV.MINE) before looking again.
  await new Promise((resolve) => setTimeout(resolve, 5));
  countSeen.add(count);
  check(count, {
    'the module counter counts this VU’s iterations only': (n) => n === exec.vu.iterationInScenario + 1,
    '__VU is this VU': () => __VU === exec.vu.idInTest,
    '__ENV keeps what this VU wrote': () => __ENV.MINE === String(__VU),
    'the env of this VU’s scenario applies': () => __ENV.SCOPED === exec.scenario.name,
    '-e variables are there': () => __ENV.FROM_FLAG === 'flag',
  });
}
