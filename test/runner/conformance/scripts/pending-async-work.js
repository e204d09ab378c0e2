import { Counter } from 'k6/metrics';
const late = new Counter('late_callbacks');
export const options = { iterations: 2, thresholds: { late_callbacks: ['count==2'], iteration_duration: ['min>=150'] } };
export default function () {
  // Not awaited: the iteration still ends only when this timer has fired (k6 waits for pending async work).
  setTimeout(() => late.add(1), 150);
}
