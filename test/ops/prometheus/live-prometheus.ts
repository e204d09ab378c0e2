/**
 * A real Prometheus 2.42 (Debian's /usr/bin/prometheus) on a free loopback port, for the live
 * observability test: scrapes the given targets and evaluates the given rule files every
 * `interval`, in a throwaway TSDB directory. Plus the few HTTP API calls the test needs
 * (https://prometheus.io/docs/prometheus/latest/querying/api/: /api/v1/query, /api/v1/alerts,
 * /api/v1/rules).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { parse, stringify } from 'yaml';
import { parseGoDuration } from '../../../contracts/duration';
import { requireTool } from './promtool';

export interface LivePrometheus {
  readonly url: string;
  query(expr: string): Promise<PromSample[]>;
  alerts(): Promise<PromAlert[]>;
  rules(): Promise<PromRuleGroup[]>;
  stop(): Promise<void>;
  /** Prometheus' own log, for assertion messages. */
  log(): string;
}

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}
export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: string;
  value: string;
}
export interface PromRuleGroup {
  name: string;
  file: string;
  rules: { name: string; type: 'alerting' | 'recording'; health: string; lastError?: string; state?: string; duration?: number }[];
}

/** A free loopback TCP port (bind port 0, read it, release it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A copy of a rule file with every `for:` divided by `factor` (at least 1 s), written to `dir`.
 * Used by the live test only: CI cannot wait the production `for:` durations (1-15 minutes), so
 * the test compresses them and says so; windows ([5m] etc.) and thresholds stay as shipped.
 */
export function writeScaledRuleFile(source: string, dir: string, factor: number): { path: string; scaled: Record<string, string> } {
  const doc = parse(readFileSync(source, 'utf8')) as { groups: { rules: { alert?: string; for?: string }[] }[] };
  const scaled: Record<string, string> = {};
  for (const g of doc.groups) {
    for (const r of g.rules) {
      if (r.for === undefined) continue;
      const ms = parseGoDuration(r.for);
      if (ms === undefined) throw new Error(`rule ${r.alert ?? '?'} has an unparsable for: ${r.for}`);
      r.for = `${Math.max(1, Math.round(ms / factor / 1000))}s`;
      scaled[`${r.alert ?? '?'}@${r.for}`] = r.for;
    }
  }
  const path = join(dir, `scaled-${source.split('/').at(-1) ?? 'rules.yaml'}`);
  writeFileSync(path, stringify(doc));
  return { path, scaled };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await request(url, { headersTimeout: 10_000, bodyTimeout: 10_000 });
  const body = (await res.body.json()) as { status: string; data: T; error?: string };
  if (res.statusCode !== 200 || body.status !== 'success') throw new Error(`GET ${url} -> ${res.statusCode}: ${body.error ?? JSON.stringify(body).slice(0, 300)}`);
  return body.data;
}

export async function startPrometheus(options: {
  ruleFiles: readonly string[];
  targets: readonly { job: string; target: string }[];
  /** Scrape and evaluation interval, e.g. '1s'. */
  interval: string;
  /** More command-line flags, e.g. '--web.enable-remote-write-receiver'. */
  extraFlags?: readonly string[];
}): Promise<LivePrometheus> {
  const bin = requireTool('prometheus');
  const dir = mkdtempSync(join(tmpdir(), 'live-prometheus-'));
  const config = {
    global: { scrape_interval: options.interval, evaluation_interval: options.interval, scrape_timeout: options.interval },
    rule_files: [...options.ruleFiles],
    scrape_configs: options.targets.map((t) => ({ job_name: t.job, metrics_path: '/metrics', static_configs: [{ targets: [t.target] }] })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
      ...(options.extraFlags ?? []),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  // Ready within 15 s or fail with Prometheus' own words.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode} before it was ready:\n${output}`);
    try {
      const res = await request(`${url}/-/ready`, { headersTimeout: 1_000 });
      await res.body.dump();
      if (res.statusCode === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus was not ready within 15 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    query: async (expr) => (await getJson<{ resultType: string; result: PromSample[] }>(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    alerts: async () => (await getJson<{ alerts: PromAlert[] }>(`${url}/api/v1/alerts`)).alerts,
    rules: async () => (await getJson<{ groups: PromRuleGroup[] }>(`${url}/api/v1/rules`)).groups,
    stop,
    log: () => output,
  };
}
