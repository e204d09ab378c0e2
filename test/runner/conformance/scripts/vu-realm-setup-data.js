// K6_OFFLINE_VU_REALM: each VU gets its own copy of the setup data, also in a shared realm.
import { check } from 'k6';
import exec from 'k6/execution';

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 3 } } };

export function setup() {
  return { owner: 0, writers: [] };
}

export default async function (data) {
  if (data.owner === 0) data.owner = __VU;
  data.writers.push(__VU);
  // Let the other VUs write to theirs before looking at this one.
  await new Promise((resolve) => setTimeout(resolve, 5));
  check(data, {
    'only this VU wrote to its copy': (d) => d.owner === __VU && d.writers.length === exec.vu.iterationInScenario + 1 && d.writers.every((w) => w === __VU),
  });
}

export function teardown(data) {
  check(data, { 'teardown gets the data as setup returned it': (d) => d.owner === 0 && d.writers.length === 0 });
}
