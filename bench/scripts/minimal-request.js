/**
 * The cost baseline for bench/bundle-iteration.ts: the smallest k6 script that does what one
 * tenant_load iteration does on the wire — one authenticated, tenant-scoped read of the
 * reference platform — with nothing else (no mix, no tags of its own, no checks, no custom
 * metrics). Same executor and rate as the bundle, so runner CPU per iteration compares directly.
 * Plain k6 JavaScript: it runs unchanged in k6 (`k6 run bench/scripts/minimal-request.js`).
 */
import http from 'k6/http';

const RATE = Number(__ENV.RATE || 2000);
const TENANT = 'tenant-01';

export const options = {
  scenarios: {
    tenant_load: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: __ENV.DURATION || '15s',
      preAllocatedVUs: Math.max(20, Math.ceil(RATE / 50)),
      maxVUs: Math.max(40, Math.ceil(RATE / 25)),
    },
  },
};

// Async so that it also runs with every VU on the main thread (K6_OFFLINE_WORKERS=0, the layout
// whose CPU profile covers every VU), where k6-offline has no synchronous HTTP.
export async function setup() {
  const res = await http.asyncRequest('POST', `${__ENV.AUTH_URL}/connect/token`, {
    grant_type: 'client_credentials',
    client_id: 'tenant-load',
    client_secret: 'local-dev-secret',
    tenant: TENANT,
  });
  if (res.status !== 200) throw new Error(`token request answered ${res.status}`);
  return { token: res.json('access_token') };
}

export default async function (data) {
  await http.asyncRequest('GET', `${__ENV.BASE_URL}/api/policy/policies?limit=20`, null, {
    headers: { 'X-StellaOps-Tenant': TENANT, Accept: 'application/json', Authorization: `Bearer ${data.token}` },
  });
}
