import { Counter, Rate, Trend } from 'k6/metrics';
const t = new Trend('empty_trend'); const r = new Rate('empty_rate'); const c = new Counter('empty_counter');
export const options = { iterations: 1, thresholds: {
  empty_trend: ['p(95)<100', 'avg>1'],
  empty_rate: ['rate>0.9'],
  empty_counter: ['count>0'],
} };
export default function () {}
