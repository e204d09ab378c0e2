// Deterministic samples: the same multiset of values whatever the number of worker threads.
import { Counter, Rate, Trend } from 'k6/metrics';
import { check, group } from 'k6';
const t = new Trend('merged_trend');
const c = new Counter('merged_counter');
const r = new Rate('merged_rate');
export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 4, iterations: 50 } },
  thresholds: { 'merged_trend{kind:odd}': ['p(95)<100000'], merged_counter: ['count==200'] },
};
export default function () {
  const v = __VU * 1000 + __ITER;
  group('g', () => {
    t.add(v, { kind: v % 2 ? 'odd' : 'even' });
    c.add(1);
    r.add(v % 3 === 0);
    check(v, { 'is positive': (x) => x > 0 });
  });
}
