// A small run with the bundle's tags (traffic, kind, tenant, phase) on scenario tenant_load, for
// the verdict's Prometheus test: 8 s at 150/s over 6 tenants; from 3 s to 6 s ("chaos") a tenth of
// the requests answer 401; reads wait 2-12 ms, writes 10-30 ms (the loopback server's /delay).
import http from 'k6/http';
import exec from 'k6/execution';

export const options = {
  scenarios: {
    tenant_load: { executor: 'constant-arrival-rate', rate: 150, timeUnit: '1s', duration: '8s', preAllocatedVUs: 20 },
  },
};

const started = Date.now();

export default async function () {
  const i = exec.scenario.iterationInTest;
  const t = Date.now() - started;
  const phase = t < 3000 ? 'baseline' : t < 6000 ? 'chaos' : 'recovery';
  const kind = i % 10 === 0 ? 'write' : 'read';
  const tenant = `tenant-0${(i % 6) + 1}`;
  const path = phase === 'chaos' && i % 10 === 3 ? '/status/401' : `/delay/${kind === 'read' ? 2 + (i % 11) : 10 + (i % 21)}`;
  await http.asyncRequest(kind === 'read' ? 'GET' : 'POST', `${__ENV.BASE}${path}`, kind === 'read' ? null : 'x', {
    tags: { traffic: 'api', kind, tenant, phase },
  });
}
