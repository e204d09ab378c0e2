import { check, group } from 'k6';
import { Counter } from 'k6/metrics';
const reached = new Counter('reached_after_async_group');
export const options = { scenarios: {
  asyncGroup: { executor: 'shared-iterations', iterations: 1, exec: 'asyncGroup' },
  asyncCheck: { executor: 'shared-iterations', iterations: 1, exec: 'asyncCheck' },
  timerThrows: { executor: 'shared-iterations', iterations: 1, exec: 'timerThrows' },
} };
export function asyncGroup() {
  group('g', async () => {});
  reached.add(1);
}
export function asyncCheck() {
  check(1, { 'async checker': async () => true });
}
export function timerThrows() {
  setTimeout(() => { throw new Error('thrown in a timer callback'); }, 10);
}
