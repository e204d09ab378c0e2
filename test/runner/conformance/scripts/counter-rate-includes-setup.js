// k6 v2.2 internal/execution/scheduler.go Run (MarkStarted before setup(), MarkEnded after
// teardown()), lib/execution.go GetCurrentTestRunDuration: a Counter's rate divides by a test-run
// duration that includes setup and teardown.
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
const things = new Counter('things');
export const options = { iterations: 1, thresholds: { things: ['rate<4'] } };
export function setup() {
  sleep(2);
}
export default function () {
  things.add(10);
}
export function teardown() {
  sleep(1);
}
