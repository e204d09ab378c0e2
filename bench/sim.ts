/**
 * Benchmark of the reference platform's read path with full per-request auth (bearer token →
 * verified-token cache → tenant guard → rate limit → handler → metrics), docs/architecture.md#quality-bars:
 *
 * 1. max RPS on one core: tenant-sim pinned with `taskset -c 1`, wrk pinned to core 0, 64
 *    keep-alive connections, requests spread over 10 tenants and 4 read routes (Lua script);
 * 2. p99 at a fixed 5,000 RPS: wrk has no rate control and wrk2 is not packaged here, so an
 *    open-model undici generator of our own (pinned to core 0) sends on a fixed schedule and
 *    measures latency from the *scheduled* send time (no coordinated omission);
 * 3. CPU per 1,000 requests: the server's utime+stime from /proc over run 2.
 *
 * Targets: >= 15,000 RPS per core; p99 < 10 ms at 5,000 RPS.
 * Standalone: `npx tsx bench/sim.ts` writes bench/reports/sim.md and .json.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { sampleProcess } from './proc-sampler';
import { isDirectRun, writeReport, type BenchSection } from './report';
import { simReady } from './sim-ready';

const TENANTS = 10;
const PATHS = ['/api/vuln/findings?limit=20', '/api/vuln/findings/fnd-0042', '/api/policy/policies?limit=20', '/api/policy/policies/pol-007'];
const WRK_SECONDS = 10;
const RATE = 5000;
const RATE_SECONDS = 10;
const TARGET_RPS_PER_CORE = 15_000;
const TARGET_P99_MS = 10;

interface Started {
  child: ChildProcess;
  api: string;
  authority: string;
}

async function startPinned(core: number, extra: string[] = []): Promise<Started> {
  const args = ['-c', String(core), process.execPath, '--import', 'tsx', 'sim/cli.ts', '--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet', '--audit-log', '/dev/null', '--rate-limit', '1000000', '--rate-burst', '1000000', ...extra];
  const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await simReady(child);
  return { child, api: ready.api as string, authority: ready.authority as string };
}

async function tokens(authority: string): Promise<Array<{ tenant: string; token: string }>> {
  const out: Array<{ tenant: string; token: string }> = [];
  for (let i = 1; i <= TENANTS; i++) {
    const tenant = `tenant-${String(i).padStart(2, '0')}`;
    const res = await fetch(`${authority}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: 'local-dev-secret', tenant, scope: 'policy:read vuln:read notify:read' }),
    });
    out.push({ tenant, token: ((await res.json()) as { access_token: string }).access_token });
  }
  return out;
}

function wrkScript(creds: Array<{ tenant: string; token: string }>, delayMs?: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sim-'));
  const file = join(dir, 'auth.lua');
  const lua = [
    `local tokens = {${creds.map((c) => `"${c.token}"`).join(',')}}`,
    `local tenants = {${creds.map((c) => `"${c.tenant}"`).join(',')}}`,
    `local paths = {${PATHS.map((p) => `"${p}"`).join(',')}}`,
    'local i = 0',
    'request = function()',
    '  i = i + 1',
    '  local k = (i % #tokens) + 1',
    '  local p = (math.floor(i / #tokens) % #paths) + 1',
    '  return wrk.format("GET", paths[p], {["Authorization"] = "Bearer " .. tokens[k], ["X-StellaOps-Tenant"] = tenants[k]})',
    'end',
    // Count non-2xx so a misconfigured run cannot report error throughput as success.
    'response = function(status, headers, body) if status ~= 200 then error("status " .. status) end end',
    ...(delayMs !== undefined ? [`delay = function() return ${delayMs} end`] : []),
  ].join('\n');
  writeFileSync(file, lua, { mode: 0o600 });
  return file;
}

function parseWrk(out: string): { rps: number; p50: number; p99: number; requests: number; errors: number } {
  const num = (re: RegExp): number => Number(re.exec(out)?.[1] ?? NaN);
  const ms = (label: string): number => {
    const m = new RegExp(`${label}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!m) return NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const errs = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  return { rps: num(/Requests\/sec:\s+([\d.]+)/), p50: ms('50'), p99: ms('99'), requests: num(/(\d+) requests in/), errors: errs ? Number(errs[1]) : 0 };
}

/** Open-model constant rate: `rate` req/s for `seconds`, latency from the scheduled send time. */
async function constantRate(pool: Pool, creds: Array<{ tenant: string; token: string }>, rate: number, seconds: number): Promise<{ sent: number; ok: number; p50: number; p99: number; max: number; serviceP99: number; lagP99: number }> {
  const latencies: number[] = [];
  const service: number[] = [];
  const lags: number[] = [];
  let ok = 0;
  let sent = 0;
  const total = rate * seconds;
  const start = performance.now();
  const pending: Array<Promise<void>> = [];
  const one = async (scheduled: number, i: number): Promise<void> => {
    const c = creds[i % creds.length]!;
    const sentAt = performance.now();
    lags.push(sentAt - scheduled);
    const res = await pool.request({ method: 'GET', path: PATHS[Math.floor(i / creds.length) % PATHS.length]!, headers: { authorization: `Bearer ${c.token}`, 'x-stellaops-tenant': c.tenant } });
    await res.body.dump();
    const done = performance.now();
    latencies.push(done - scheduled);
    service.push(done - sentAt);
    if (res.statusCode === 200) ok++;
  };
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) / 1000) * rate));
    while (sent < due) {
      const scheduled = start + (sent / rate) * 1000;
      pending.push(one(scheduled, sent).catch(() => void latencies.push(Infinity)));
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  const q = (list: number[], p: number): number => {
    list.sort((a, b) => a - b);
    return list[Math.min(list.length - 1, Math.floor(p * list.length))] as number;
  };
  return { sent, ok, p50: q(latencies, 0.5), p99: q(latencies, 0.99), max: q(latencies, 1), serviceP99: q(service, 0.99), lagP99: q(lags, 0.99) };
}

/** Server-side latency histogram (all tenants and routes) as cumulative counts by `le`. */
async function serverBuckets(api: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^tenant_request_duration_seconds_bucket\{le="([^"]+)",[^}]*\} (\S+)$/gm)) {
    out.set(m[1] as string, (out.get(m[1] as string) ?? 0) + Number(m[2]));
  }
  return out;
}

/** The smallest bucket bound (ms) holding >= 99 % of the requests between two readings. */
function serverP99Bound(before: Map<string, number>, after: Map<string, number>): string {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  for (const [le, n] of after) {
    if (le === '+Inf') continue;
    if (n - (before.get(le) ?? 0) >= 0.99 * total) return `<= ${Number(le) * 1000} ms`;
  }
  return '> 5000 ms';
}

const round = (v: number, d = 2): number => Math.round(v * 10 ** d) / 10 ** d;

function maxRun(sim: Started, script: string, connections = 64): { w: ReturnType<typeof parseWrk>; usageMax: { cpuSeconds: number } } {
  const cpuMax = sampleProcess(sim.child.pid!);
  const wrk = spawnSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${connections}`, `-d${WRK_SECONDS}s`, '--latency', '-s', script, sim.api], { encoding: 'utf8' });
  const usageMax = cpuMax.stop();
  if (wrk.status !== 0) throw new Error(`wrk failed: ${wrk.stderr}`);
  return { w: parseWrk(wrk.stdout), usageMax };
}

async function stop(sim: Started): Promise<void> {
  if (sim.child.exitCode !== null) return;
  sim.child.kill('SIGTERM');
  await new Promise((r) => sim.child.once('exit', r));
}

export async function run(): Promise<BenchSection> {
  // Pin this process (the load generator) to core 0; the server gets core 1. The original
  // affinity is restored at the end, so sections that run after this one in the same process
  // (npm run bench) are not confined to one core.
  const originalMask = /affinity mask: ([0-9a-f]+)/.exec(spawnSync('taskset', ['-p', String(process.pid)], { encoding: 'utf8' }).stdout ?? '')?.[1];
  spawnSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
  try {
    return await measure();
  } finally {
    if (originalMask) spawnSync('taskset', ['-a', '-p', originalMask, String(process.pid)], { stdio: 'ignore' });
  }
}

async function measure(): Promise<BenchSection> {
  const startLoad = loadavg();
  const sim = await startPinned(1);
  const rows: BenchSection['rows'] = [];
  const findings: string[] = [];
  try {
    const creds = await tokens(sim.authority);
    const script = wrkScript(creds);
    // Warm-up: fills the verified-token cache and JIT-compiles the hot path.
    spawnSync('taskset', ['-c', '0', 'wrk', '-t1', '-c16', '-d3s', '-s', script, sim.api], { encoding: 'utf8' });

    const { w, usageMax } = maxRun(sim, script);
    rows.push({
      measurement: 'max throughput (wrk -t1 -c64, server on 1 core)',
      requests: w.requests,
      'req/s': Math.round(w.rps),
      'p50 ms': round(w.p50),
      'p99 ms': round(w.p99),
      'server CPU ms / 1k req': round((usageMax.cpuSeconds * 1e6) / w.requests),
      'non-200': w.errors,
    });

    // Paced closed model in C: 52 connections each waiting 10 ms between requests ≈ 5,000 req/s
    // minus latency; wrk's own overhead is tiny, so this isolates the server from generator lag.
    const paced = maxRun(sim, wrkScript(creds, 10), 52);
    rows.push({
      measurement: 'paced ≈5,000 req/s (wrk, 52 connections × 10 ms think time)',
      requests: paced.w.requests,
      'req/s': Math.round(paced.w.rps),
      'p50 ms': round(paced.w.p50),
      'p99 ms': round(paced.w.p99),
      'server CPU ms / 1k req': round((paced.usageMax.cpuSeconds * 1e6) / paced.w.requests),
      'non-200': paced.w.errors,
    });
    findings.push(`Paced by wrk at ${Math.round(paced.w.rps)} req/s: p99 ${round(paced.w.p99)} ms (${paced.w.p99 < TARGET_P99_MS ? 'under' : 'OVER'} the ${TARGET_P99_MS} ms target); this closed model does not count requests the generator would have sent late, the open-model row below does.`);

    const pool = new Pool(sim.api, { connections: 64, pipelining: 1 });
    await constantRate(pool, creds, RATE, 2); // warm-up: connections open, generator JIT-compiled
    const bucketsBefore = await serverBuckets(sim.api);
    const cpuRate = sampleProcess(sim.child.pid!);
    const c = await constantRate(pool, creds, RATE, RATE_SECONDS);
    const usageRate = cpuRate.stop();
    const serverP99 = serverP99Bound(bucketsBefore, await serverBuckets(sim.api));
    await pool.close();
    rows.push({
      measurement: `fixed ${RATE} req/s for ${RATE_SECONDS} s (open model, undici)`,
      requests: c.sent,
      'req/s': RATE,
      'p50 ms': round(c.p50),
      'p99 ms': round(c.p99),
      'server CPU ms / 1k req': round((usageRate.cpuSeconds * 1e6) / c.sent),
      'non-200': c.sent - c.ok,
    });
    const cpuShare = usageRate.cpuSeconds / RATE_SECONDS;
    const busyDuringWrk = usageMax.cpuSeconds / WRK_SECONDS;
    const capacity = w.requests / usageMax.cpuSeconds;
    findings.push(
      `Server CPU during the wrk run: ${round(busyDuringWrk * 100, 1)} % of its core; CPU-derived capacity ${Math.round(capacity)} req/s per fully used core (${round(capacity / TARGET_RPS_PER_CORE)}× the target)${busyDuringWrk < 0.9 ? ' — below 90 %, so the measured req/s is partly bounded by the load generator (wrk on the other core) or by other processes on the machine' : ''}.`,
      `Machine load average when the run began: ${startLoad.map((l) => round(l)).join(' / ')} (1/5/15 min) on this machine; other work on the machine inflates latency and lowers throughput.`,
      `Max throughput ${Math.round(w.rps)} req/s on one core: ${round(w.rps / TARGET_RPS_PER_CORE)}× the ${TARGET_RPS_PER_CORE} req/s/core target (${w.rps >= TARGET_RPS_PER_CORE ? 'met' : 'NOT met'}).`,
      `p99 ${round(c.p99)} ms at a fixed ${RATE} req/s, measured from the scheduled send time (max ${round(c.max)} ms): ${c.p99 < TARGET_P99_MS ? 'under' : 'OVER'} the ${TARGET_P99_MS} ms target. Of that, the generator's own send lag had p99 ${round(c.lagP99)} ms and the request's time on the wire and in the server (send to last byte) p99 ${round(c.serviceP99)} ms; the server's own histogram (first byte read to response end) puts its p99 at ${serverP99}.`,
      `At ${RATE} req/s the server used ${round(cpuShare * 100, 1)} % of one core (${round((usageRate.cpuSeconds * 1e6) / c.sent)} ms CPU per 1,000 requests), leaving the rest of the 2-core machine to the runner.`,
      'wrk2 is not packaged on Debian 12, hence the own constant-rate generator; load generator and server share the machine (cores 0 and 1), other processes may add noise.',
    );
  } finally {
    await stop(sim);
  }

  // Side by side: the same wrk run against a platform that verifies every token with jose.
  const uncached = await startPinned(1, ['--token-cache-size', '0']);
  try {
    const creds = await tokens(uncached.authority);
    const script = wrkScript(creds);
    spawnSync('taskset', ['-c', '0', 'wrk', '-t1', '-c16', '-d2s', '-s', script, uncached.api], { encoding: 'utf8' });
    const { w, usageMax } = maxRun(uncached, script);
    const cachedCpu = rows[0]?.['server CPU ms / 1k req'] as number;
    const uncachedCpu = round((usageMax.cpuSeconds * 1e6) / w.requests);
    rows.push({
      measurement: 'max throughput, verified-token cache off (--token-cache-size 0: jose RS256 verify per request)',
      requests: w.requests,
      'req/s': Math.round(w.rps),
      'p50 ms': round(w.p50),
      'p99 ms': round(w.p99),
      'server CPU ms / 1k req': uncachedCpu,
      'non-200': w.errors,
    });
    findings.push(`The verified-token cache cuts server CPU per request ${round(uncachedCpu / cachedCpu)}× (${uncachedCpu} vs ${cachedCpu} ms per 1,000 requests): a full jose RS256 verification costs about ${round(uncachedCpu - cachedCpu)} µs of CPU per request more.`);
  } finally {
    await stop(uncached);
  }
  return { title: 'Reference platform: read path with full per-request auth', command: 'npx tsx bench/sim.ts', rows, findings };
}

if (isDirectRun('bench/sim.ts')) {
  run().then(
    (section) => {
      const path = writeReport('bench/reports/sim', 'tenant-sim benchmark', [section]);
      process.stdout.write(`${section.rows.map((r) => JSON.stringify(r)).join('\n')}\n${section.findings.join('\n')}\nwrote ${path}\n`);
    },
    (err: unknown) => {
      process.stderr.write(`bench/sim: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
