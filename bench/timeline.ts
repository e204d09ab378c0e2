/**
 * Benchmark of the audit timeline (sim/timeline/, issue 17): tenant-sim as a real process with
 * `--timeline-transport memory|redis|nats` (Debian redis-server / nats-server with JetStream on
 * free loopback ports), side by side in one run:
 *
 * 1. steady: writes (PUT policy, each one audit event) at the 5k profile’s write rate, 500/s over
 *    10 tenants, open model (latency from the scheduled send time); audit events per second that
 *    reached the store, write p50/p99, and the p99 a broker transport adds to a write against
 *    `memory` measured in the same run (the three platforms up at once, the load interleaved in
 *    slices so background load on a shared machine falls on each about equally);
 * 2. outage (broker transports): the same load, the broker stopped for 30 s and started again;
 *    the publisher buffer and the broker backlog sampled every second during and after, the time
 *    until both are empty, and the audit events stored against the writes the API accepted.
 *
 * Standalone: `npx tsx bench/timeline.ts` writes bench/reports/timeline.md and .json;
 * `npm run bench -- timeline` includes it in bench/reports/bench.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { Pool } from 'undici';
import { REPO_ROOT } from '../launch/stack';
import { startNats, startRedis, type Broker } from '../test/sim/helpers/brokers';
import { sampleProcess } from './proc-sampler';
import { isDirectRun, writeReport, type BenchSection } from './report';
import { simReady } from './sim-ready';

const TENANTS = 10;
const WRITE_RATE = 500;
const STEADY_SECONDS = 20;
const OUTAGE_SECONDS = 30;
const BEFORE_OUTAGE_SECONDS = 5;
const DRAIN_LIMIT_SECONDS = 60;
const POLICY = JSON.stringify({ name: 'bench', rules: [{ effect: 'deny', condition: 'severity == critical' }] });

type Transport = 'memory' | 'redis' | 'nats';

interface Sim {
  child: ChildProcess;
  api: string;
  authority: string;
}

async function startSimProcess(transport: Transport, broker: Broker | null): Promise<Sim> {
  const args = ['--import', 'tsx', 'sim/cli.ts', '--api-port', '0', '--authority-port', '0', '--agent-port', '0', '--agent-control-port', '0', '--quiet', '--audit-log', '/dev/null', '--tenants', String(TENANTS), '--timeline-transport', transport];
  if (broker) args.push(transport === 'redis' ? '--redis-url' : '--nats-url', broker.url);
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = await simReady(child);
  return { child, api: ready.api as string, authority: ready.authority as string };
}

async function stopSim(sim: Sim): Promise<void> {
  if (sim.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    sim.child.once('exit', () => resolve());
    sim.child.kill('SIGTERM');
  });
}

async function tokens(authority: string): Promise<Array<{ tenant: string; token: string }>> {
  const out: Array<{ tenant: string; token: string }> = [];
  for (let i = 1; i <= TENANTS; i++) {
    const tenant = `tenant-${String(i).padStart(2, '0')}`;
    const res = await fetch(`${authority}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: 'local-dev-secret', tenant }),
    });
    out.push({ tenant, token: ((await res.json()) as { access_token: string }).access_token });
  }
  return out;
}

/** Sum of a metric's samples matching the labels, from the platform's /metrics. */
async function scrape(api: string): Promise<(name: string, labels?: Record<string, string>) => number> {
  const text = await (await fetch(`${api}/metrics`)).text();
  return (name, labels = {}) => {
    let total = 0;
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
      if (!m || m[1] !== name) continue;
      const ls = Object.fromEntries([...(m[2] ?? '').matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      if (Object.entries(labels).every(([k, v]) => ls[k] === v)) total += Number(m[3]);
    }
    return total;
  };
}

const WRITE_ROUTE = 'PUT /api/policy/policies/{id}';

/** The write route's latency histogram as the platform measured it: cumulative count per bucket bound. */
async function writeBuckets(api: string): Promise<Map<number, number>> {
  const text = await (await fetch(`${api}/metrics`)).text();
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('tenant_request_duration_seconds_bucket{') || !line.includes(`route="${WRITE_ROUTE}"`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (!le) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    out.set(bound, (out.get(bound) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return out;
}

/** The bucket bound holding the p-quantile of the requests between two histogram readings (an upper bound). */
function bucketQuantile(before: Map<number, number>, after: Map<number, number>, p: number): string {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  if (total <= 0) return '-';
  for (const b of bounds) {
    if ((after.get(b) ?? 0) - (before.get(b) ?? 0) >= p * total) return b === Infinity ? '> 5000' : `≤ ${b * 1000}`;
  }
  return '-';
}

const q = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
};
const r1 = (n: number): number => Math.round(n * 10) / 10;
const r2 = (n: number): number => Math.round(n * 100) / 100;

interface Load {
  stop(): Promise<{ sent: number; accepted: number; failed: number; latencies: number[] }>;
}

/** Open-model writes at WRITE_RATE: each request is sent at its scheduled time, latency measured from it. */
function startLoad(sim: Sim, creds: Array<{ tenant: string; token: string }>, prefix: string): Load {
  const pool = new Pool(sim.api, { connections: 32, pipelining: 1 });
  const latencies: number[] = [];
  let sent = 0;
  let accepted = 0;
  let failed = 0;
  const inflight = new Set<Promise<void>>();
  const t0 = performance.now();
  let running = true;
  const tick = (): void => {
    if (!running) return;
    const due = Math.floor(((performance.now() - t0) / 1000) * WRITE_RATE);
    while (sent < due) {
      const i = sent++;
      const scheduled = t0 + (i / WRITE_RATE) * 1000;
      const c = creds[i % creds.length] as { tenant: string; token: string };
      const p = pool
        .request({ method: 'PUT', path: `/api/policy/policies/${prefix}-${i}`, headers: { authorization: `Bearer ${c.token}`, 'x-stellaops-tenant': c.tenant, 'content-type': 'application/json' }, body: POLICY })
        .then(async (res) => {
          await res.body.dump();
          latencies.push(performance.now() - scheduled);
          if (res.statusCode === 201) accepted++;
          else failed++;
        })
        .catch(() => {
          failed++;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    setTimeout(tick, 2);
  };
  tick();
  return {
    async stop() {
      running = false;
      await Promise.all(inflight);
      await pool.close();
      return { sent, accepted, failed, latencies };
    },
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Events in the store: ingested (broker transports) or recorded directly (memory: the write count itself). */
async function storedEvents(sim: Sim, transport: Transport): Promise<number> {
  const m = await scrape(sim.api);
  return transport === 'memory' ? NaN : m('audit_timeline_ingested_total', { outcome: 'stored' });
}

interface Setup {
  transport: Transport;
  broker: Broker | null;
  sim: Sim;
  creds: Array<{ tenant: string; token: string }>;
}

async function setUp(transport: Transport): Promise<Setup> {
  const broker = transport === 'redis' ? await startRedis() : transport === 'nats' ? await startNats() : null;
  const sim = await startSimProcess(transport, broker);
  const creds = await tokens(sim.authority);
  // Warm-up: JIT, connections, the broker's first entries.
  const warm = startLoad(sim, creds, 'warm');
  await sleep(2000);
  await warm.stop();
  return { transport, broker, sim, creds };
}

async function tearDown(s: Setup): Promise<void> {
  await stopSim(s.sim);
  await s.broker?.destroy();
}

/**
 * Steady load, interleaved: ROUNDS rounds of SLICE_SECONDS per transport in rotating order, all
 * three platforms up at once, so the machine's background load falls on each about equally.
 */
const ROUNDS = 4;
const SLICE_SECONDS = STEADY_SECONDS / ROUNDS;

async function steady(setups: Setup[]): Promise<Array<{ row: Record<string, string | number>; p99: number; simCpuPer1k: number }>> {
  const acc = setups.map(() => ({ sent: 0, accepted: 0, seconds: 0, latencies: [] as number[], storedBefore: 0, lastStoredMs: 0, simCpu: 0, brokerCpu: 0, buckets: new Map<number, number>() }));
  for (const [i, s] of setups.entries()) {
    acc[i]!.storedBefore = await storedEvents(s.sim, s.transport);
    acc[i]!.buckets = await writeBuckets(s.sim.api);
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < setups.length; k++) {
      const i = (k + round) % setups.length;
      const s = setups[i] as Setup;
      const a = acc[i]!;
      const start = performance.now();
      const simCpu = sampleProcess(s.sim.child.pid as number, 250);
      const brokerPid = s.broker?.pid();
      const brokerCpu = brokerPid ? sampleProcess(brokerPid, 250) : null;
      const load = startLoad(s.sim, s.creds, `steady-${round}`);
      await sleep(SLICE_SECONDS * 1000);
      const res = await load.stop();
      a.seconds += (performance.now() - start) / 1000;
      a.sent += res.sent;
      a.accepted += res.accepted;
      a.latencies.push(...res.latencies);
      // Wait for this slice's events to reach the store before the next slice starts.
      const end = performance.now();
      while (s.transport !== 'memory' && (await storedEvents(s.sim, s.transport)) - a.storedBefore < a.accepted && performance.now() - end < 10_000) await sleep(20);
      a.lastStoredMs = Math.max(a.lastStoredMs, performance.now() - end);
      // CPU from the slice's start until its events are stored: the whole cost of carrying them.
      a.simCpu += simCpu.stop().cpuSeconds;
      a.brokerCpu += brokerCpu?.stop().cpuSeconds ?? 0;
    }
  }
  const out = [];
  for (const [i, s] of setups.entries()) {
    const a = acc[i]!;
    const m = await scrape(s.sim.api);
    const waitCount = m('audit_timeline_publish_wait_seconds_count');
    const waitMean = waitCount > 0 ? (m('audit_timeline_publish_wait_seconds_sum') / waitCount) * 1000 : NaN;
    const stored = s.transport === 'memory' ? a.accepted : (await storedEvents(s.sim, s.transport)) - a.storedBefore;
    const after = await writeBuckets(s.sim.api);
    out.push({
      p99: q(a.latencies, 0.99),
      simCpuPer1k: (a.simCpu / a.accepted) * 1e6,
      row: {
        transport: s.transport,
        'writes sent': a.sent,
        'writes accepted': a.accepted,
        'write rate /s': r1(a.sent / a.seconds),
        'audit events stored': stored,
        'audit events /s': r1(stored / a.seconds),
        'write p50 ms': r2(q(a.latencies, 0.5)),
        'write p99 ms': r2(q(a.latencies, 0.99)),
        'write p99 ms, platform-side (bucket)': bucketQuantile(a.buckets, after, 0.99),
        'platform CPU ms / 1,000 writes': Math.round((a.simCpu / a.accepted) * 1e6),
        'broker CPU ms / 1,000 events': s.broker ? Math.round((a.brokerCpu / a.accepted) * 1e6) : '-',
        'publish wait mean ms (buffer → broker ack)': Number.isNaN(waitMean) ? '-' : r2(waitMean),
        'slowest slice: last event stored after load end ms': s.transport === 'memory' ? 0 : Math.round(a.lastStoredMs),
      },
    });
  }
  return out;
}

async function outage(s: Setup): Promise<Record<string, string | number>> {
  const { sim, creds } = s;
  const broker = s.broker as Broker;
  const base = await scrape(sim.api);
  const storedBase = base('audit_timeline_ingested_total', { outcome: 'stored' });
  const dupBase = base('audit_timeline_ingested_total', { outcome: 'duplicate' });
  const bucketsBase = await writeBuckets(sim.api);
  const samples: Array<{ t: number; buffered: number; backlog: number }> = [];
  const t0 = performance.now();
  const sample = async (): Promise<{ buffered: number; backlog: number }> => {
    const m = await scrape(sim.api);
    const row = { t: (performance.now() - t0) / 1000, buffered: m('audit_timeline_buffered'), backlog: m('tenant_queue_depth', { queue: 'audit_timeline' }) };
    samples.push(row);
    return row;
  };
  const load = startLoad(sim, creds, 'outage');
  await sleep(BEFORE_OUTAGE_SECONDS * 1000);
  await broker.stop();
  const downAt = performance.now();
  while (performance.now() - downAt < OUTAGE_SECONDS * 1000) {
    await sample();
    await sleep(1000);
  }
  await broker.start();
  const upAt = performance.now();
  // The load runs on for 10 s after the restart, then stops; until then new events keep arriving,
  // so "caught up" = at most one batch (500) waiting. Then wait until every accepted write's
  // event is stored and both are empty.
  let res: Awaited<ReturnType<Load['stop']>> | null = null;
  let bufferCaughtUp = NaN;
  let backlogCaughtUp = NaN;
  let peakSeen = false;
  let drainedAt = NaN;
  while (performance.now() - upAt < DRAIN_LIMIT_SECONDS * 1000) {
    const x = await sample();
    const since = (performance.now() - upAt) / 1000;
    if (Number.isNaN(bufferCaughtUp) && x.buffered <= 500) bufferCaughtUp = since;
    if (x.backlog > 500) peakSeen = true;
    if (Number.isNaN(backlogCaughtUp) && !Number.isNaN(bufferCaughtUp) && (peakSeen || since > 2) && x.backlog <= 500) backlogCaughtUp = since;
    if (!res && since >= 10) res = await load.stop();
    if (res && x.buffered === 0 && x.backlog === 0) {
      const m = await scrape(sim.api);
      if (m('audit_timeline_ingested_total', { outcome: 'stored' }) - storedBase >= res.accepted) {
        drainedAt = performance.now();
        break;
      }
    }
    await sleep(250);
  }
  res ??= await load.stop();
  const end = await scrape(sim.api);
  const bucketsEnd = await writeBuckets(sim.api);
  const after = samples.filter((x) => x.t * 1000 > upAt - t0);
  return {
    transport: s.transport,
    'writes accepted': res.accepted,
    'writes refused': res.failed,
    'write p50 ms': r2(q(res.latencies, 0.5)),
    'write p99 ms': r2(q(res.latencies, 0.99)),
    'write p99 ms, platform-side (bucket)': bucketQuantile(bucketsBase, bucketsEnd, 0.99),
    'max buffered (publisher)': Math.max(0, ...samples.map((x) => x.buffered)),
    'max backlog after restart (broker)': Math.max(0, ...after.map((x) => x.backlog)),
    'publisher buffer caught up after restart s': Number.isNaN(bufferCaughtUp) ? `> ${DRAIN_LIMIT_SECONDS}` : r1(bufferCaughtUp),
    'broker backlog caught up after restart s': Number.isNaN(backlogCaughtUp) ? `> ${DRAIN_LIMIT_SECONDS}` : r1(backlogCaughtUp),
    'all stored after restart s (load stops at 10 s)': Number.isNaN(drainedAt) ? `> ${DRAIN_LIMIT_SECONDS}` : r1((drainedAt - upAt) / 1000),
    'events stored': end('audit_timeline_ingested_total', { outcome: 'stored' }) - storedBase,
    'duplicates skipped': end('audit_timeline_ingested_total', { outcome: 'duplicate' }) - dupBase,
    dropped: end('audit_timeline_dropped_total'),
    'publish retries': end('audit_timeline_publish_failures_total'),
  };
}

export async function run(): Promise<BenchSection[]> {
  const setups: Setup[] = [];
  try {
    for (const t of ['memory', 'redis', 'nats'] as const) {
      console.error(`bench timeline: starting ${t} ...`);
      setups.push(await setUp(t));
    }
    console.error('bench timeline: steady load, interleaved ...');
    const results = await steady(setups);
    const outageRows: Array<Record<string, string | number>> = [];
    for (const s of setups.filter((x) => x.broker)) {
      console.error(`bench timeline: ${s.transport} outage ...`);
      outageRows.push(await outage(s));
    }
    return sections(results, outageRows);
  } finally {
    for (const s of setups) await tearDown(s);
  }
}

function sections(results: Array<{ row: Record<string, string | number>; p99: number; simCpuPer1k: number }>, outageRows: Array<Record<string, string | number>>): BenchSection[] {
  const memoryP99 = results[0]?.p99 ?? NaN;
  const memoryCpu = results[0]?.simCpuPer1k ?? NaN;
  const rows: BenchSection['rows'] = results.map((r) => ({ ...r.row, 'p99 added vs memory ms': r2(r.p99 - memoryP99) }));
  const findings: string[] = [
    `Load: ${WRITE_RATE} writes/s (the 5k profile's write share) over ${TENANTS} tenants, open model (latency from the scheduled send), one audit event per write; ${ROUNDS} rounds of ${SLICE_SECONDS} s per transport, interleaved, the three platforms (tenant-sim processes) up at once; brokers from Debian on loopback. Load average at the end ${loadavg()[0]?.toFixed(2)} on 2 cores shared with other work: absolute latencies are noisy, compare within this run.`,
    ...results.slice(1).map((r) => `${r.row.transport}: ${r.row['audit events /s']} audit events/s stored for ${r.row['write rate /s']} writes/s (every accepted write's event); write p99 ${r.row['write p99 ms']} ms vs ${results[0]?.row['write p99 ms']} ms with memory (${r2(r.p99 - memoryP99)} ms), platform-side p99 bucket ${r.row['write p99 ms, platform-side (bucket)']} ms vs ${results[0]?.row['write p99 ms, platform-side (bucket)']} ms; platform CPU per write ${r2(r.simCpuPer1k / memoryCpu)}× memory's (the request path only pushes onto the publisher buffer; the publish and ingest I/O share the event loop).`),
    ...outageRows.map((o) => `${o.transport}, ${OUTAGE_SECONDS} s broker outage under load: up to ${o['max buffered (publisher)']} events held in the publisher buffer; after the restart the buffer caught up in ${o['publisher buffer caught up after restart s']} s and the broker backlog (peak ${o['max backlog after restart (broker)']}) in ${o['broker backlog caught up after restart s']} s; ${o['events stored']} events stored for ${o['writes accepted']} accepted writes, ${o['duplicates skipped']} redelivered duplicates skipped, ${o.dropped} dropped.`),
  ];
  return [
    {
      title: 'Audit timeline: audit events per second through each transport at 500 writes/s, write latency added',
      command: 'npx tsx bench/timeline.ts',
      rows,
      findings,
    },
    {
      title: `Audit timeline: a ${OUTAGE_SECONDS} s broker outage under the same load`,
      command: 'npx tsx bench/timeline.ts',
      rows: outageRows,
      findings: [
        'During the outage the backlog is the publisher buffer (the broker cannot be asked); after the restart the buffer drains to the broker in batches of 500 while the ingester reads them back, so the broker backlog peaks and empties within seconds. That burst is CPU in the platform process (publish plus ingest of every held event): on a starved machine it delays requests queued behind it, which is what the outage write p99 shows next to the platform-side request time (first byte read to response end).',
        `The broker is stopped (SIGTERM) ${BEFORE_OUTAGE_SECONDS} s into the load and started again ${OUTAGE_SECONDS} s later; the load runs on for 10 s; the publisher buffer (audit_timeline_buffered) and the broker backlog (tenant_queue_depth{queue="audit_timeline"}) are read from /metrics every second during the outage and every 250 ms after it, until both are empty and every accepted write's event is stored. "Caught up" = at most one batch (500 events) waiting while the load goes on.`,
      ],
    },
  ];
}

if (isDirectRun('bench/timeline.ts')) {
  const file = writeReport(join(REPO_ROOT, 'bench/reports/timeline'), 'Audit timeline benchmark', await run());
  console.log(`bench: report written to ${file}`);
}
