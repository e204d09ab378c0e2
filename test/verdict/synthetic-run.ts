/**
 * Synthetic k6 JSON outputs (k6's NDJSON: Metric declarations, then Points), written the way k6
 * and the runner write them, for the verdict's tests and bench. Requests carry the bundle's tags
 * (traffic, kind, tenant, phase, scenario, status, expected_response) and come with the lines k6
 * writes for every request (http_reqs, timing breakdown, checks, iterations).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { createGzip, type Gzip } from 'node:zlib';
import { seededRandom } from '../../runner/modules/k6';

export interface SynthRequest {
  /** ms since the run's start */
  t: number;
  kind: 'read' | 'write';
  tenant: string;
  phase: string;
  ms: number;
  status: number;
}

export const T0 = Date.parse('2026-01-05T10:00:00.000Z');

/** RFC 3339 with nanoseconds and a zone offset, as Go's time.Time marshals (k6). */
export function rfc3339(ms: number, offsetMin = 0): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const ns = String(Math.round((ms - Math.floor(ms / 1000) * 1000) * 1e6)).padStart(9, '0');
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const zone = offsetMin === 0 ? 'Z' : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}.${ns}${zone}`;
}

export type Style = 'current' | 'legacy';

const tagJson = new WeakMap<object, string>();

/** One Point line; `current` is k6 ≥ v0.4x's key order (metric, type, data), `legacy` the docs' (type, data, metric). */
export function point(metric: string, ms: number, value: number, tags: Record<string, string> | null, style: Style = 'current', offsetMin = 0): string {
  let t = tags === null ? 'null' : tagJson.get(tags);
  if (t === undefined) tagJson.set(tags!, (t = JSON.stringify(tags)));
  const data = `{"time":"${rfc3339(ms, offsetMin)}","value":${value},"tags":${t}}`;
  return style === 'current' ? `{"metric":"${metric}","type":"Point","data":${data}}` : `{"type":"Point","data":${data},"metric":"${metric}"}`;
}

const TYPES: Record<string, [string, string]> = {
  http_reqs: ['counter', 'default'],
  http_req_duration: ['trend', 'time'],
  http_req_blocked: ['trend', 'time'],
  http_req_connecting: ['trend', 'time'],
  http_req_tls_handshaking: ['trend', 'time'],
  http_req_sending: ['trend', 'time'],
  http_req_waiting: ['trend', 'time'],
  http_req_receiving: ['trend', 'time'],
  data_sent: ['counter', 'data'],
  data_received: ['counter', 'data'],
  http_req_failed: ['rate', 'default'],
  checks: ['rate', 'default'],
  iterations: ['counter', 'default'],
  iteration_duration: ['trend', 'time'],
  dropped_iterations: ['counter', 'default'],
  vus: ['gauge', 'default'],
  chaos_fault_witness: ['counter', 'default'],
  chaos_auth_degraded_events: ['counter', 'default'],
  tenant_server_errors: ['rate', 'default'],
  tenant_fail_closed: ['counter', 'default'],
};

export function declaration(metric: string): string {
  const [type, contains] = TYPES[metric] ?? ['counter', 'default'];
  return `{"type":"Metric","data":{"name":"${metric}","type":"${type}","contains":"${contains}","thresholds":[],"submetrics":null},"metric":"${metric}"}`;
}

const ITERATION_TAGS = Object.freeze({ group: '', scenario: 'tenant_load' }) as Record<string, string>;

/** A k6 JSON output being written: declares each metric before its first Point. */
export class K6JsonWriter {
  private readonly declared = new Set<string>();
  private readonly out: WriteStream;
  private readonly gz: Gzip | undefined;
  private buf: string[] = [];
  bytes = 0;

  constructor(
    readonly path: string,
    readonly style: Style = 'current',
  ) {
    this.out = createWriteStream(path);
    if (path.endsWith('.gz')) {
      this.gz = createGzip({ level: 1 });
      this.gz.pipe(this.out);
    }
  }

  private async push(line: string): Promise<void> {
    this.buf.push(line);
    if (this.buf.length >= 4096) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.buf.length === 0) return;
    const text = `${this.buf.join('\n')}\n`;
    this.buf = [];
    this.bytes += text.length;
    const sink = this.gz ?? this.out;
    if (!sink.write(text)) await new Promise<void>((r) => sink.once('drain', () => r()));
  }

  async sample(metric: string, ms: number, value: number, tags: Record<string, string> | null): Promise<void> {
    if (!this.declared.has(metric)) {
      this.declared.add(metric);
      await this.push(declaration(metric));
    }
    await this.push(point(metric, ms, value, tags, this.style));
  }

  private readonly tagCache = new Map<string, { http: Record<string, string>; check: Record<string, string> }>();

  /** Tag sets are shared between requests, as k6 shares its TagSets (and the JSON cache keys on them). */
  private tagsOf(r: SynthRequest): { http: Record<string, string>; check: Record<string, string> } {
    const key = `${r.kind}|${r.tenant}|${r.phase}|${r.status}`;
    let t = this.tagCache.get(key);
    if (!t) {
      const failed = r.status >= 400;
      t = {
        http: {
          expected_response: failed ? 'false' : 'true',
          group: '',
          kind: r.kind,
          method: r.kind === 'read' ? 'GET' : 'POST',
          name: r.kind === 'read' ? '/api/v1/policies' : '/api/v1/notify/rules',
          phase: r.phase,
          proto: 'HTTP/1.1',
          scenario: 'tenant_load',
          service: r.kind === 'read' ? 'policy' : 'notify',
          status: String(r.status),
          tenant: r.tenant,
          traffic: 'api',
        },
        check: { check: 'status is 2xx', group: '', phase: r.phase, scenario: 'tenant_load', tenant: r.tenant, traffic: 'api' },
      };
      this.tagCache.set(key, t);
    }
    return t;
  }

  /** The lines k6 writes for one API request of the bundle (one iteration of the load scenario). */
  async request(r: SynthRequest, t0 = T0): Promise<void> {
    const ms = t0 + r.t;
    const failed = r.status >= 400 ? 1 : 0;
    const { http: tags, check } = this.tagsOf(r);
    await this.sample('http_reqs', ms, 1, tags);
    await this.sample('http_req_duration', ms, r.ms, tags);
    await this.sample('http_req_blocked', ms, 0.002, tags);
    await this.sample('http_req_connecting', ms, 0, tags);
    await this.sample('http_req_tls_handshaking', ms, 0, tags);
    await this.sample('http_req_sending', ms, 0.01, tags);
    await this.sample('http_req_waiting', ms, r.ms * 0.98, tags);
    await this.sample('http_req_receiving', ms, r.ms * 0.02, tags);
    await this.sample('http_req_failed', ms, failed, tags);
    await this.sample('checks', ms, failed ? 0 : 1, check);
    await this.sample('data_sent', ms, 412, ITERATION_TAGS);
    await this.sample('data_received', ms, 980, ITERATION_TAGS);
    await this.sample('iterations', ms, 1, ITERATION_TAGS);
    await this.sample('iteration_duration', ms, r.ms + 0.2, ITERATION_TAGS);
  }

  async close(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve, reject) => {
      this.out.once('finish', resolve);
      this.out.once('error', reject);
      if (this.gz) this.gz.end();
      else this.out.end();
    });
  }
}

/** The bundle's phases for an outage from `start` to `end` (ms) with a `margin` either side. */
export function phaseOf(t: number, outage?: { start: number; end: number; margin: number }): string {
  if (!outage) return 'baseline';
  if (t < outage.start - outage.margin) return 'baseline';
  if (t < outage.start + outage.margin) return 'transition';
  if (t < outage.end - outage.margin) return 'chaos';
  if (t < outage.end + outage.margin) return 'transition';
  return 'recovery';
}

export interface SynthPlan {
  rate: number;
  durationS: number;
  tenants: number;
  outage?: { start: number; end: number; margin: number };
  /** Tenant weights (index -> relative weight); uniform by default. */
  weight?: (tenantIndex: number) => number;
  latency: (t: number, tenant: string, kind: 'read' | 'write', rand: () => number) => number;
  status: (t: number, tenant: string, phase: string, rand: () => number) => number;
  seed?: number;
  /** Only this instance's arrivals, [index, count]: every count-th, as k6 execution segments interleave them. */
  instance?: [number, number];
}

export const tenantName = (i: number): string => `tenant-${String(i + 1).padStart(2, '0')}`;

/** Writes a run's requests (open model: evenly spaced arrivals) through `w`; returns the requests' count. */
export async function writeRun(w: K6JsonWriter, plan: SynthPlan): Promise<number> {
  // The runner's seeded PRNG (mulberry32), so files are reproducible.
  const rand = seededRandom(plan.seed ?? 1);
  const weights = Array.from({ length: plan.tenants }, (_, i) => plan.weight?.(i) ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const n = plan.rate * plan.durationS;
  const [index, count] = plan.instance ?? [0, 1];
  let written = 0;
  for (let i = 0; i < n; i++) {
    const t = (i * 1000) / plan.rate;
    let x = rand() * total;
    let ti = 0;
    while (ti < weights.length - 1 && x >= weights[ti]!) x -= weights[ti++]!;
    const kind = rand() < 0.9 ? 'read' : 'write';
    const tenant = tenantName(ti);
    const phase = phaseOf(t, plan.outage);
    const ms = plan.latency(t, tenant, kind, rand);
    const status = plan.status(t, tenant, phase, rand);
    if (i % count !== index) continue;
    await w.request({ t, kind, tenant, phase, ms, status });
    written++;
  }
  return written;
}
