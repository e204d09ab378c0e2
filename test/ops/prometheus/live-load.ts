/**
 * Load for the live observability test, two ways:
 * - `runTenantLoadBundle`: the product path - the offline runner executing the k6 bundle
 *   (`node build/k6-offline.js run dist/tenant-load-agent.js`), its JWKS outage driven through
 *   the fault agent's control API, configured by the bundle's environment (docs/architecture.md#k6-side);
 * - `driveTenantTraffic`: a small open-model undici loop - real tokens from the Authority, real
 *   API requests with the 90/10 read/write mix, the same fault-agent outage - used while the
 *   runner path cannot carry the load (which one ran is printed by the test).
 * Both are bounded in time and request count and stop by themselves.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { LOCAL_ADMIN_TOKEN, LOCAL_CLIENT_SECRET, requireBuilt, type PlatformUrls } from './live-platform';

export interface OutagePlan {
  /** Offset from the start of the load. */
  startMs: number;
  /** Go duration, as the fault agent takes it. */
  duration: string;
}

export interface LoadPlan {
  tenants: readonly string[];
  rate: number;
  durationMs: number;
  readRatio: number;
  outage: OutagePlan;
}

export interface LoadReport {
  driver: 'k6-offline runner' | 'undici loop';
  requests: number;
  byStatus: Record<string, number>;
  outageInjected: boolean;
  detail: string;
  /** Runner only: k6's exit code and the runner's stdout + stderr. */
  exitCode?: number | null;
  output?: string;
}

export async function fetchToken(urls: PlatformUrls, tenant: string): Promise<string> {
  const res = await request(`${urls.authority}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: LOCAL_CLIENT_SECRET, tenant }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (res.statusCode !== 200 || !body.access_token) throw new Error(`token request for ${tenant} answered ${res.statusCode}`);
  return body.access_token;
}

export async function injectJwksOutage(urls: PlatformUrls, duration: string): Promise<boolean> {
  const res = await request(`${urls.agentControl}/v1/faults/http`, {
    method: 'POST',
    headers: { authorization: `Bearer ${LOCAL_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ fault: { errorRate: 1, errorCode: 503, errorBody: 'jwks outage (observability live test)' }, duration }),
  });
  await res.body.dump();
  return res.statusCode === 201;
}

/** n requests for one tenant as fast as 16 connections allow: pushes it past its rate limit. */
export async function burst(urls: PlatformUrls, tenant: string, n: number): Promise<Record<string, number>> {
  const token = await fetchToken(urls, tenant);
  const byStatus: Record<string, number> = {};
  const dispatcher = new Agent({ connections: 16 });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next += 1;
      const res = await request(`${urls.api}/api/notify/channels`, { dispatcher, headers: { authorization: `Bearer ${token}`, 'x-stellaops-tenant': tenant } });
      await res.body.dump();
      byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await dispatcher.close();
  return byStatus;
}

type Op = { method: 'GET' | 'PUT' | 'POST'; path: (t: TenantCtx, n: number) => string; body?: (t: TenantCtx, n: number) => unknown };
interface TenantCtx {
  tenant: string;
  token: string;
  channelId: string;
}

const READS: Op[] = [
  { method: 'GET', path: () => '/api/policy/policies' },
  { method: 'GET', path: () => '/api/vuln/findings' },
  { method: 'GET', path: () => '/api/notify/channels' },
  { method: 'GET', path: () => '/api/notify/rules' },
];
const WRITES: Op[] = [
  { method: 'PUT', path: (_t, n) => `/api/policy/policies/live-${n % 50}`, body: (_t, n) => ({ name: `live ${n}`, rules: [{ effect: 'allow', condition: 'severity != "low"' }] }) },
  { method: 'POST', path: () => '/api/notify/rules', body: (t, n) => ({ name: `live rule ${n}`, channelId: t.channelId, event: 'finding.created' }) },
];

/**
 * Open model: requests start on schedule (rate/s) whatever the answers do, capped at 256 in
 * flight (later starts are counted as dropped, never queued without bound).
 */
export async function driveTenantTraffic(urls: PlatformUrls, plan: LoadPlan): Promise<LoadReport> {
  const ctxs: TenantCtx[] = [];
  for (const tenant of plan.tenants) {
    const token = await fetchToken(urls, tenant);
    const res = await request(`${urls.api}/api/notify/channels`, { headers: { authorization: `Bearer ${token}`, 'x-stellaops-tenant': tenant } });
    const channels = (await res.body.json()) as { items?: { id: string }[] };
    const channelId = channels.items?.[0]?.id;
    if (res.statusCode !== 200 || channelId === undefined) throw new Error(`could not read the notify channels of ${tenant} (${res.statusCode})`);
    ctxs.push({ tenant, token, channelId });
  }
  const dispatcher = new Agent({ connections: 64, pipelining: 1 });
  const byStatus: Record<string, number> = {};
  let sent = 0;
  let inFlight = 0;
  let dropped = 0;
  let outageInjected = false;
  const pending = new Set<Promise<void>>();
  const started = Date.now();
  const outageTimer = setTimeout(() => {
    void injectJwksOutage(urls, plan.outage.duration).then((ok) => (outageInjected = ok), () => (outageInjected = false));
  }, plan.outage.startMs);

  const one = async (n: number): Promise<void> => {
    const ctx = ctxs[Math.floor(Math.random() * ctxs.length)] as TenantCtx;
    const ops = Math.random() < plan.readRatio ? READS : WRITES;
    const op = ops[Math.floor(Math.random() * ops.length)] as Op;
    inFlight += 1;
    try {
      const res = await request(`${urls.api}${op.path(ctx, n)}`, {
        dispatcher,
        method: op.method,
        headers: { authorization: `Bearer ${ctx.token}`, 'x-stellaops-tenant': ctx.tenant, 'content-type': 'application/json' },
        ...(op.body ? { body: JSON.stringify(op.body(ctx, n)) } : {}),
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
      });
      await res.body.dump();
      byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
    } catch {
      byStatus['error'] = (byStatus['error'] ?? 0) + 1;
    } finally {
      inFlight -= 1;
    }
  };

  while (Date.now() - started < plan.durationMs) {
    const due = Math.floor(((Date.now() - started) * plan.rate) / 1000) - sent - dropped;
    for (let i = 0; i < due; i++) {
      if (inFlight >= 256) {
        dropped += 1;
        continue;
      }
      sent += 1;
      const p = one(sent);
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  clearTimeout(outageTimer);
  await Promise.all(pending);
  await dispatcher.close();
  return {
    driver: 'undici loop',
    requests: sent,
    byStatus,
    outageInjected,
    detail: `${sent} requests at ${plan.rate}/s over ${plan.durationMs / 1000}s for ${ctxs.length} tenants, ${dropped} dropped`,
  };
}

/**
 * The offline runner running the k6 agent bundle. The bundle's own teardown queries
 * PROMETHEUS_URL for the expiry alerts; its exit code is k6's (0 pass, 99 thresholds failed).
 */
export async function runTenantLoadBundle(
  root: string,
  urls: PlatformUrls,
  plan: LoadPlan & { expect: 'expiry' | 'fallback'; prometheusUrl: string; remoteWriteUrl?: string },
): Promise<LoadReport> {
  requireBuilt(root, ['build/k6-offline.js', 'dist/tenant-load-agent.js']);
  const seconds = (ms: number): string => `${Math.round(ms / 1000)}s`;
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    BASE_URL: urls.api,
    AUTH_URL: urls.authority,
    AUTH_CLIENT_SECRET: LOCAL_CLIENT_SECRET,
    AUDIT_URL: urls.api,
    AUDIT_TOKEN: LOCAL_ADMIN_TOKEN,
    FAULT_AGENT_URL: urls.agentControl,
    FAULT_AGENT_TOKEN: LOCAL_ADMIN_TOKEN,
    PROMETHEUS_URL: plan.prometheusUrl,
    TENANTS: plan.tenants.join(','),
    RATE: String(plan.rate),
    DURATION: seconds(plan.durationMs),
    READ_RATIO: String(plan.readRatio),
    CHAOS: 'on',
    CHAOS_START: seconds(plan.outage.startMs),
    CHAOS_DURATION: plan.outage.duration,
    CHAOS_EXPECT: plan.expect,
    SLO_RECOVERY_TIME: '3s',
  };
  // k6's remote-write output into the test's Prometheus (the dashboard's load-generator row).
  const outputs: string[] = [];
  if (plan.remoteWriteUrl !== undefined) {
    outputs.push('-o', 'experimental-prometheus-rw');
    Object.assign(env, { K6_PROMETHEUS_RW_SERVER_URL: plan.remoteWriteUrl, K6_PROMETHEUS_RW_PUSH_INTERVAL: '5s', K6_PROMETHEUS_RW_TREND_STATS: 'p(95),p(99),avg,max' });
  }
  const child = spawn(process.execPath, [join(root, 'build/k6-offline.js'), 'run', '--quiet', ...outputs, join(root, 'dist/tenant-load-agent.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr.on('data', (b: Buffer) => (output += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), plan.durationMs + 60_000);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(timer);
  const requests = Number(/http_reqs\.*:\s*(\d+)/.exec(output)?.[1] ?? 0);
  return { driver: 'k6-offline runner', requests, byStatus: {}, outageInjected: /fault witness [1-9]/.test(output), detail: `k6-offline exit code ${exitCode}`, exitCode, output };
}
