import exec from 'k6/execution';
import { check } from 'k6';
export const options = { scenarios: {
  first: { executor: 'shared-iterations', iterations: 1, exec: 'first' },
  later: { executor: 'shared-iterations', iterations: 1, startTime: '700ms', exec: 'later' },
} };
export function first() {}
export function later() {
  check(exec.instance.currentTestRunDuration, { 'started after startTime': (d) => d >= 650 });
}
