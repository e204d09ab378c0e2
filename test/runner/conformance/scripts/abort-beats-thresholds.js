import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
const c = new Counter('things');
export const options = { iterations: 2, thresholds: { things: ['count>5'] } };
export default function () { c.add(1); if (exec.scenario.iterationInTest === 1) exec.test.abort(); }
