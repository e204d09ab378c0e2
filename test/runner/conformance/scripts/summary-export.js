import { check } from 'k6';
import { Rate } from 'k6/metrics';
const r = new Rate('my_rate');
export const options = { iterations: 4, thresholds: { my_rate: ['rate>0.9'], iterations: ['count==4'] } };
export default function () { r.add(true); check(1, { 'a check': () => true }); }
