import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const c = new Counter('f_count'); const g = new Gauge('f_gauge'); const r = new Rate('f_rate'); const t = new Trend('f_trend');
export const options = { iterations: 1, thresholds: {
  f_count: ['count>1', 'rate>1000'],
  f_gauge: ['value<0'],
  f_rate: ['rate>0.5'],
  f_trend: ['avg<1', 'min<1', 'max<1', 'med<1', 'p(99)<1'],
} };
export default function () { c.add(1); g.add(5); r.add(false); t.add(5); }
