import { Counter, Gauge, Rate } from 'k6/metrics';
const c = new Counter('my_count');
const g = new Gauge('my_gauge');
const r = new Rate('my_rate');
export const options = { iterations: 4, thresholds: {
  my_count: ['count==8', 'rate>0'],
  my_gauge: ['value==3'],
  my_rate: ['rate==0.75'],
} };
let i = 0;
export default function () { c.add(2); g.add(i++ === 0 ? 9 : 3); r.add(i !== 2); }
