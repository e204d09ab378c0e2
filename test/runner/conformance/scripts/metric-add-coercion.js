import { Counter, Trend } from 'k6/metrics';
const c = new Counter('coerced');
const t = new Trend('coerced_trend', true);
export const options = { iterations: 1, thresholds: { coerced: ['count==4'], coerced_trend: ['max==1'] } };
export default function () {
  c.add(true);      // 1
  c.add('2');       // 2
  c.add('x');       // dropped: NaN
  c.add(null);      // dropped
  c.add(false);     // 0
  c.add({});        // dropped: NaN
  c.add([1]);       // 1 ([1] -> 1)
  t.add('abc' === 'abc');
}
