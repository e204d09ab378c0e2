/**
 * ops/otel/collector.yaml: the pipeline is wired (every component defined and used, offsets
 * persisted, exporters as documented, retention settings present), and the platform's real audit
 * lines - written by an in-process platform to the file the collector would tail - come out of the
 * config's own operator chain (stanza-chain.ts, driven by the YAML) with every field mapped.
 * What needs a collector binary (otelcol-contrib is not packaged for this machine) is listed in
 * ops/README.md, "Audit pipeline".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { startSim, type Sim } from '../../../sim/index';
import { evaluateCondition, goLayoutToRegExp, parseGoTime, runChain, type LogEntry, type OperatorConfig } from './stanza-chain';

const ADMIN = 'local-admin-token';

async function getToken(sim: Sim, tenant: string): Promise<string> {
  const res = await fetch(`${sim.authority}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: 'local-dev-secret', tenant }),
  });
  if (res.status !== 200) throw new Error(`token request for ${tenant} answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

async function call(sim: Sim, method: string, path: string, o: { token: string; tenant: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number }> {
  const res = await fetch(`${sim.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${o.token}`, 'x-stellaops-tenant': o.tenant, 'content-type': 'application/json', ...o.headers },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  await res.arrayBuffer();
  return { status: res.status };
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CONFIG_TEXT = readFileSync(join(ROOT, 'ops/otel/collector.yaml'), 'utf8');

interface CollectorConfig {
  extensions: Record<string, Record<string, unknown>>;
  receivers: Record<string, Record<string, unknown> & { operators?: OperatorConfig[] }>;
  processors: Record<string, Record<string, unknown>>;
  exporters: Record<string, Record<string, unknown>>;
  service: { extensions: string[]; pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
}

/** `${env:NAME:-default}` -> default, as the collector resolves it when NAME is unset. */
function resolveEnvDefaults(text: string): { text: string; names: string[] } {
  const names: string[] = [];
  const out = text.replace(/\$\{env:([A-Z0-9_]+)(?::-([^}]*))?\}/g, (_m, name: string, def: string | undefined) => {
    names.push(name);
    return def ?? '';
  });
  return { text: out, names };
}

const resolved = resolveEnvDefaults(CONFIG_TEXT);
const config = parse(resolved.text) as CollectorConfig;
const filelog = config.receivers['filelog/audit'] as Record<string, unknown> & { operators: OperatorConfig[] };
const operators = filelog.operators;

/** The mapping contract stated in the config's header: audit field -> where it must end up. */
const MAPPED_ATTRIBUTES: Record<string, string> = {
  tenant: 'tenant.id',
  subject: 'enduser.id',
  action: 'event.action',
  resource: 'audit.resource',
  result: 'event.outcome',
  id: 'log.record.uid',
  service: 'audit.service',
};

/**
 * Everything wrong with how `line` comes out of `ops`, per the mapping contract in the config's
 * header: each audit field where it belongs, nothing left under its raw name, no operator error.
 */
function mappingProblems(ops: readonly OperatorConfig[], line: string): string[] {
  const source = JSON.parse(line) as Record<string, unknown>;
  const entry = runChain(ops, line);
  if (entry === null) return ['the line was dropped'];
  const problems = [...entry.errors];
  for (const [field, attribute] of Object.entries(MAPPED_ATTRIBUTES)) {
    if (entry.attributes[attribute] !== source[field]) problems.push(`${field} is not in attributes["${attribute}"]`);
  }
  if (entry.timestamp?.toISOString() !== source['time']) problems.push(`timestamp ${entry.timestamp?.toISOString()} is not ${String(source['time'])}`);
  const severity = source['result'] === 'success' || source['result'] === 'allowed' ? 'info' : 'warn';
  if (entry.severity !== severity) problems.push(`severity ${entry.severity} is not ${severity}`);
  if ((source['traceId'] ?? undefined) !== entry.traceId) problems.push(`TraceId ${entry.traceId} is not ${String(source['traceId'])}`);
  if (source['count'] !== undefined && entry.attributes['audit.count'] !== source['count']) problems.push('count is not in audit.count');
  if (source['reason'] !== undefined && entry.attributes['audit.reason'] !== source['reason']) problems.push('reason is not in audit.reason');
  const leftovers = Object.keys(entry.attributes).filter((k) => !k.includes('.'));
  if (leftovers.length > 0) problems.push(`unmapped fields left: ${leftovers.join(', ')}`);
  return problems;
}

describe('the collector pipeline is wired as documented', () => {
  it('every component a pipeline names is defined, and every defined component is used', () => {
    const used = { receivers: new Set<string>(), processors: new Set<string>(), exporters: new Set<string>() };
    for (const p of Object.values(config.service.pipelines)) {
      p.receivers.forEach((r) => used.receivers.add(r));
      (p.processors ?? []).forEach((r) => used.processors.add(r));
      p.exporters.forEach((r) => used.exporters.add(r));
    }
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      expect(new Set(Object.keys(config[kind])), kind).toEqual(used[kind]);
    }
    expect(new Set(config.service.extensions)).toEqual(new Set(Object.keys(config.extensions)));
  });

  it('the audit log is tailed from its first line with offsets persisted in file_storage', () => {
    expect(filelog['start_at']).toBe('beginning');
    expect(filelog['storage']).toBe('file_storage/audit');
    expect(config.extensions['file_storage/audit']?.['directory']).toBe('/var/lib/otelcol/file_storage');
    expect(filelog['include']).toEqual(['/var/log/stellaops/audit*.log']);
  });

  it('logs go to Loki\'s native OTLP endpoint and to ClickHouse, both with persistent retrying queues', () => {
    const loki = config.exporters['otlphttp/loki'] as Record<string, any>;
    expect(loki['endpoint']).toMatch(/^http:\/\/[^/]+\/otlp$/);
    expect(loki['headers']).toHaveProperty('X-Scope-OrgID');
    const ch = config.exporters['clickhouse'] as Record<string, any>;
    expect(ch['endpoint']).toMatch(/^tcp:\/\//);
    for (const e of [loki, ch]) {
      expect(e['sending_queue']).toMatchObject({ enabled: true, storage: 'file_storage/audit' });
      expect(e['retry_on_failure']).toMatchObject({ enabled: true, max_elapsed_time: '0s' });
    }
    expect(Object.keys(config.exporters)).not.toContain('loki'); // deprecated exporter
  });

  it('memory_limiter runs first and the ClickHouse pipeline batches in its queue, not a batch processor', () => {
    for (const p of Object.values(config.service.pipelines)) expect(p.processors?.[0]).toBe('memory_limiter');
    const chPipeline = Object.values(config.service.pipelines).find((p) => p.exporters.includes('clickhouse'));
    expect(chPipeline?.processors?.some((n) => n.startsWith('batch'))).toBe(false);
    expect((config.exporters['clickhouse'] as any)['sending_queue']['batch']).toMatchObject({ min_size: 5000 });
  });

  it('ops/README.md states every retention setting: 30 days of logs, 90 days of metrics downsampled after 30', () => {
    const readme = readFileSync(join(ROOT, 'ops/README.md'), 'utf8');
    for (const setting of ['exporters.clickhouse.ttl: 720h', 'retention_period: 720h', 'retention_enabled: true', '--storage.tsdb.retention.time=30d', '--retention.resolution-raw=30d', '--retention.resolution-5m=90d']) {
      expect(readme).toContain(setting);
    }
  });

  it('logs are kept 30 days: the ClickHouse table TTL and Loki\'s compactor retention', () => {
    expect((config.exporters['clickhouse'] as any)['ttl']).toBe('720h');
    const loki = parse(readFileSync(join(ROOT, 'ops/otel/loki-retention.yaml'), 'utf8')) as any;
    expect(loki.limits_config.retention_period).toBe('720h');
    expect(loki.compactor.retention_enabled).toBe(true);
  });

  it('every environment variable the config reads is documented in its header', () => {
    const header = CONFIG_TEXT.slice(0, CONFIG_TEXT.indexOf('extensions:'));
    for (const name of new Set(resolved.names)) expect(header, name).toContain(name);
  });
});

describe('the operator chain interpreter', () => {
  it.each([
    ['2006-01-02T15:04:05.999Z07:00', '2026-11-29T14:01:40.123Z', '2026-11-29T14:01:40.123Z'],
    ['2006-01-02T15:04:05.999Z07:00', '2026-11-29T14:01:40Z', '2026-11-29T14:01:40.000Z'],
    ['2006-01-02T15:04:05.999Z07:00', '2026-11-29T16:01:40.5+02:00', '2026-11-29T14:01:40.500Z'],
  ])('the Go layout %s parses %s as %s', (layout, value, iso) => {
    expect(parseGoTime(value, layout).toISOString()).toBe(iso);
  });

  it('a time that does not match the layout is an error', () => {
    expect(() => parseGoTime('29/11/2026 14:01', '2006-01-02T15:04:05.999Z07:00')).toThrow(/does not match/);
    expect(goLayoutToRegExp('2006-01-02').test('2026-11-29')).toBe(true);
  });

  it('refuses what it cannot interpret instead of skipping it', () => {
    expect(() => runChain([{ type: 'regex_parser' }], '{}')).toThrow(/regex_parser/);
    const entry: LogEntry = { body: '', attributes: {}, resource: {}, errors: [] };
    expect(() => evaluateCondition('attributes.a == "x"', entry)).toThrow(/unsupported 'if'/);
  });

  it('keeps a line that is not JSON, with the parse error recorded (on_error: send)', () => {
    const entry = runChain(operators, 'not json at all');
    expect(entry).not.toBeNull();
    expect(entry?.body).toBe('not json at all');
    expect(entry?.errors[0]).toMatch(/^audit_json:/);
    expect(entry?.attributes['log.type']).toBe('audit');
  });
});

describe('the platform\'s real audit lines satisfy the collector\'s parsing and mapping', () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-pipeline-'));
  const auditFile = join(dir, 'audit.log');
  let sim: Sim | undefined;
  let lines: string[] = [];
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

  beforeAll(async () => {
    // Real time, compressed: JWKS refresh every 100 ms, degraded events aggregated per 100 ms.
    sim = await startSim({ apiPort: 0, authorityPort: 0, agentPort: 0, agentControlPort: 0, defaultMetrics: false, tenants: 3, auditLog: auditFile, jwksRefreshMs: 100, jwksTtlMs: 60_000, degradedAuditIntervalMs: 100 });
    const s = sim;
    const t1 = await getToken(s, 'tenant-01');
    // data.write with a W3C trace context
    const put = await call(s, 'PUT', '/api/policy/policies/audit-check', {
      token: t1,
      tenant: 'tenant-01',
      body: { name: 'audit check', rules: [{ effect: 'deny', condition: 'severity == "critical"' }] },
      headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    expect(put.status).toBe(201);
    // auth.denied: the token's tenant is not the header's; and a malformed token
    expect((await call(s, 'GET', '/api/vuln/findings', { token: t1, tenant: 'tenant-02' })).status).toBe(403);
    expect((await call(s, 'GET', '/api/vuln/findings', { token: 'not-a-jwt', tenant: 'tenant-03' })).status).toBe(401);
    // auth.degraded then auth.recovered: the JWKS refresh fails behind the fault agent, requests
    // are served on cached keys, then the fault is lifted.
    const fault = await fetch(`${s.agentControl}/v1/faults/http`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ fault: { errorRate: 1, errorCode: 503 }, duration: '30s' }),
    });
    expect(fault.status).toBe(201);
    const deadline = Date.now() + 5_000; // real-time wait, bounded: a few 100 ms refresh cycles
    while (!s.jwks.degraded && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(s.jwks.degraded).toBe(true);
    expect((await call(s, 'GET', '/api/notify/channels', { token: t1, tenant: 'tenant-01' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 250)); // two aggregation intervals
    await fetch(`${s.agentControl}/v1/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN}` } });
    while (s.jwks.degraded && Date.now() < deadline + 5_000) await new Promise((r) => setTimeout(r, 20));
    await s.close();
    sim = undefined;
    lines = readFileSync(auditFile, 'utf8').split('\n').filter((l) => l.length > 0);
  }, 30_000);

  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the platform wrote the actions the pipeline must carry', () => {
    const actions = new Set(lines.map((l) => (JSON.parse(l) as { action: string }).action));
    for (const a of ['token.issued', 'data.write', 'auth.denied', 'auth.degraded', 'auth.recovered']) expect(actions).toContain(a);
  });

  it('every line parses without an operator error and maps tenant, subject, action, resource and result', () => {
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) expect(mappingProblems(operators, line), line).toEqual([]);
  });

  // The check above can fail: the same lines through a broken copy of the chain show problems.
  it.each<[string, (ops: OperatorConfig[]) => OperatorConfig[]]>([
    ['the tenant move is dropped', (ops) => ops.filter((o) => o.id !== 'map_tenant')],
    ['the trace parser is dropped', (ops) => ops.filter((o) => o.type !== 'trace_parser')],
    ['the timestamp layout has no fraction', (ops) => ops.map((o) => (o.type === 'json_parser' ? { ...o, timestamp: { ...(o['timestamp'] as object), layout: '2006-01-02T15:04:05Z07:00' } } : o))],
    ['denied results have no severity', (ops) => ops.map((o) => (o.type === 'json_parser' ? { ...o, severity: { parse_from: 'attributes.result', mapping: { info: ['success', 'allowed'] } } } : o))],
    ['the subject lands under another name', (ops) => ops.map((o) => (o.id === 'map_subject' ? { ...o, to: 'attributes["user.id"]' } : o))],
  ])('a chain where %s fails the mapping check on the real lines', (_what, mutate) => {
    const broken = mutate(operators.map((o) => ({ ...o })));
    const problems = lines.flatMap((l) => mappingProblems(broken, l));
    expect(problems.length).toBeGreaterThan(0);
  });

  it('the trace id of a traced request becomes the record\'s TraceId; untraced lines have none', () => {
    const entries = lines.map((l) => [JSON.parse(l) as Record<string, unknown>, runChain(operators, l)] as const);
    const traced = entries.filter(([src]) => src['traceId'] !== null);
    expect(traced.map(([src]) => src['action'])).toContain('data.write');
    for (const [src, entry] of traced) expect(entry?.traceId).toBe(src['traceId']);
    for (const [src, entry] of entries.filter(([s]) => s['traceId'] === null)) expect(entry?.traceId, String(src['action'])).toBeUndefined();
  });

  it('no audit line carries a token, a secret or an Authorization header', () => {
    for (const line of lines) {
      expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // a JWT
      expect(line).not.toContain('local-dev-secret');
      expect(line).not.toContain(ADMIN);
      expect(line.toLowerCase()).not.toContain('bearer');
    }
  });
});
