// Samples for the --out tests: HTTP in a group with request tags, a 503, checks, custom metrics,
// a threshold with abortOnFail on a sub-metric of a built-in, and two scenarios.
import http from 'k6/http';
import { check, group } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const kb = new Counter('out_kb');
const level = new Gauge('out_level');
const okRate = new Rate('out_ok');
const think = new Trend('out_think', true);

export const options = {
  tags: { run: 'out-test' },
  scenarios: {
    readers: { executor: 'per-vu-iterations', vus: 2, iterations: 5, exec: 'reader', tags: { kind: 'read' } },
    writers: { executor: 'shared-iterations', vus: 1, iterations: 3, exec: 'writer', tags: { kind: 'write' } },
  },
  thresholds: {
    http_req_duration: ['p(95)<5000', { threshold: 'max<10000', abortOnFail: true, delayAbortEval: '10s' }],
    'http_req_duration{kind:read}': ['p(99)<5000'],
    out_kb: ['count>0'],
  },
};

export async function reader() {
  const res = await http.asyncRequest('GET', `${__ENV.BASE}/json`, null, { tags: { tenant: `t${__VU}` } });
  group('reads', () => {
    check(res, { 'read is 200': (r) => r.status === 200 });
    kb.add(2, { tenant: `t${__VU}` });
    level.add(__VU);
    okRate.add(res.status === 200);
    think.add(12.5);
  });
}

export async function writer() {
  const res = await http.asyncRequest('POST', `${__ENV.BASE}/status/503`, 'x', { tags: { tenant: 'tw' } });
  check(res, { 'write is 503': (r) => r.status === 503 });
  okRate.add(false);
}
