/**
 * What k6's synchronous HTTP API costs in the offline runner (runner/http/sync-bridge.ts: the VU's
 * worker thread blocks on Atomics.wait while the main thread does the I/O), side by side in one
 * run against a minimal loopback node:http server in its own process:
 *   (a) one VU in a closed loop for 10 s: `http.get` vs `await http.asyncRequest` — requests/s
 *       and the extra time per request of the synchronous round trip;
 *   (b) k6's typical script shape, `http.get(); sleep(1)`, at N VUs (constant-vus, 20 s, default
 *       K6_OFFLINE_WORKERS): achieved iterations/s against the N/s it should reach, and the
 *       runner's peak RSS per VU.
 * Needs `npm run build` (build/k6-offline.js). `npx tsx bench/sync-http.ts [--vus 100,1000]`
 * → bench/reports/sync-http.md. The machine may be shared: compare the rows of one run.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDirectRun, writeReport, type BenchSection } from './report';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const CLI = join(ROOT, 'build/k6-offline.js');
const CLOSED_SECONDS = 10;
const SLEEP_SECONDS = 20;

const SERVER = `
const { createServer } = require('node:http');
const s = createServer((req, res) => { req.resume(); res.setHeader('content-type', 'text/plain'); res.end('ok'); });
s.keepAliveTimeout = 65000;
s.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: s.address().port }) + '\\n'));
`;

async function startServer(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res, rej) => {
    child.stdout.once('data', (d: Buffer) => res((JSON.parse(d.toString()) as { port: number }).port));
    child.once('exit', () => rej(new Error('bench server exited')));
  });
  return { port, stop: () => child.kill() };
}

interface CliRun {
  metrics: Record<string, Record<string, number>>;
  cpuSeconds: number;
  maxRssMB: number;
}

function runCli(script: string, base: string): Promise<CliRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-'));
  const exportFile = join(dir, 'export.json');
  const args = ['-f', 'TIME %U %S %M', process.execPath, CLI, 'run', '--quiet', '--summary-mode', 'disabled', '--summary-export', exportFile, '-e', `BASE=${base}`, script];
  return new Promise((res, rej) => {
    execFile('/usr/bin/time', args, { maxBuffer: 64 * 1024 * 1024 }, (err, _stdout, stderr) => {
      const m = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(stderr);
      if (!m || !existsSync(exportFile)) return rej(new Error(`k6-offline failed: ${err?.message ?? ''}\n${stderr.slice(-2000)}`));
      const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as { metrics: CliRun['metrics'] };
      res({ metrics: exported.metrics, cpuSeconds: Number(m[1]) + Number(m[2]), maxRssMB: Number(m[3]) / 1024 });
    });
  });
}

export async function run(vuCounts: number[] = [100, 1000]): Promise<BenchSection> {
  if (!existsSync(CLI)) throw new Error('bench/sync-http: run `npm run build` first (build/k6-offline.js)');
  const dir = mkdtempSync(join(tmpdir(), 'bench-sync-scripts-'));
  const closed = (sync: boolean): string => {
    const file = join(dir, `closed-${sync ? 'sync' : 'async'}.js`);
    writeFileSync(
      file,
      `import http from 'k6/http';
export const options = { scenarios: { c: { executor: 'constant-vus', vus: 1, duration: '${CLOSED_SECONDS}s' } } };
export default ${sync ? 'function () { http.get(__ENV.BASE); }' : 'async function () { await http.asyncRequest("GET", __ENV.BASE); }'}
`,
    );
    return file;
  };
  const sleeper = (vus: number): string => {
    const file = join(dir, `sleep-${vus}.js`);
    writeFileSync(
      file,
      `import http from 'k6/http';
import { sleep } from 'k6';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: ${vus}, duration: '${SLEEP_SECONDS}s' } } };
export default function () { http.get(__ENV.BASE); sleep(1); }
`,
    );
    return file;
  };
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}/`;
  const rows: BenchSection['rows'] = [];
  const findings: string[] = [];
  const load = [loadavg()[0]!];
  try {
    const a = await runCli(closed(false), base);
    const s = await runCli(closed(true), base);
    const rate = (r: CliRun): number => (r.metrics.http_reqs?.count ?? 0) / CLOSED_SECONDS;
    const [ra, rs] = [rate(a), rate(s)];
    rows.push({ measure: '1 VU closed loop: await http.asyncRequest', value: `${ra.toFixed(0)} req/s`, detail: `${(1e6 / ra).toFixed(0)} µs/request, CPU ${a.cpuSeconds.toFixed(1)} s` });
    rows.push({ measure: '1 VU closed loop: http.get (synchronous)', value: `${rs.toFixed(0)} req/s`, detail: `${(1e6 / rs).toFixed(0)} µs/request, CPU ${s.cpuSeconds.toFixed(1)} s` });
    findings.push(`Synchronous/async request rate for one VU: ${(rs / ra).toFixed(2)}; the synchronous round trip (post to the main thread, Atomics.wait, reply) adds ${(1e6 / rs - 1e6 / ra).toFixed(0)} µs per request.`);
    const rss: Array<[number, number]> = [];
    for (const n of vuCounts) {
      const r = await runCli(sleeper(n), base);
      rss.push([n, r.maxRssMB]);
      const its = (r.metrics.iterations?.count ?? 0) / SLEEP_SECONDS;
      // Each iteration is ~1 s of sleep plus its request: N VUs should give just under N it/s.
      rows.push({ measure: `${n} VUs, http.get(); sleep(1)`, value: `${its.toFixed(0)} it/s of ≤ ${n}`, detail: `peak RSS ${r.maxRssMB.toFixed(0)} MB = ${((r.maxRssMB * 1024) / n).toFixed(0)} KB/VU (whole process), CPU ${r.cpuSeconds.toFixed(1)} s` });
      findings.push(`${n} synchronous VUs reached ${((100 * its) / n).toFixed(0)} % of their ideal rate.`);
    }
    if (rss.length >= 2) {
      const [[n0, m0], [n1, m1]] = [rss[0]!, rss[rss.length - 1]!];
      findings.push(`Memory per synchronous VU, marginal between ${n0} and ${n1} VUs: ${(((m1 - m0) * 1024) / (n1 - n0)).toFixed(0)} KB (peak RSS of the whole process; a synchronous VU holds nothing more than an async one: the SharedArrayBuffer and channel are per worker thread).`);
    }
  } finally {
    server.stop();
  }
  load.push(loadavg()[0]!);
  findings.push(`Load average before/after: ${load.map((l) => l.toFixed(1)).join(' / ')} on this machine (shared with other jobs: compare rows of one run, not runs).`);
  return { title: 'Synchronous HTTP (http.get) vs async', command: `npx tsx bench/sync-http.ts --vus ${vuCounts.join(',')}`, rows, findings };
}

if (isDirectRun('bench/sync-http.ts')) {
  const i = process.argv.indexOf('--vus');
  const counts = i > 0 ? (process.argv[i + 1] ?? '').split(',').map(Number) : [100, 1000];
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 5000)) {
    console.error('bench/sync-http: --vus takes whole numbers from 1 to 5000, comma-separated');
    process.exit(2);
  }
  run(counts).then(
    (section) => {
      console.log(section.rows, section.findings);
      console.log(writeReport(join(ROOT, 'bench/reports/sync-http'), 'Synchronous HTTP in k6-offline', [section]));
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
