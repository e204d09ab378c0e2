/** Starts an in-process platform on free loopback ports and offers request helpers. */
import { startSim, type Sim, type StartSimOptions } from '../../../sim/index';

export const ADMIN = 'local-admin-token';
export const SECRET = 'local-dev-secret';

export async function startTestSim(options: StartSimOptions = {}): Promise<Sim> {
  return startSim({ apiPort: 0, authorityPort: 0, agentPort: 0, agentControlPort: 0, defaultMetrics: false, ...options });
}

export async function getToken(sim: Sim, tenant: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${sim.authority}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: SECRET, tenant, ...extra }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export interface ApiAnswer {
  status: number;
  body: any;
  headers: Headers;
}

export async function call(sim: Sim, method: string, path: string, opts: { token?: string; tenant?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.tenant !== undefined) headers['x-stellaops-tenant'] = opts.tenant;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${sim.api}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function metricValue(sim: Sim, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await sim.metrics.registry.metrics();
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const ls = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => ls[k] === v)) {
      total += Number(m[3]);
      found = true;
    }
  }
  return found ? total : NaN;
}
