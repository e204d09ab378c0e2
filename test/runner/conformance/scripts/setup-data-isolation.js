import { check } from 'k6';
import exec from 'k6/execution';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 3 } } };
export function setup() { return { n: 0, list: [] }; }
export default function (data) {
  data.n++;
  check(data, { 'mutations stay in this VU': (d) => d.n === exec.vu.iterationInScenario + 1 });
}
export function teardown(data) { check(data, { 'teardown sees pristine data': (d) => d.n === 0 }); }
