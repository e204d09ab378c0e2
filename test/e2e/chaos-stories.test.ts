/**
 * The JWKS outage stories end to end, scaled for CI: real processes on loopback (the reference
 * platform from build/tenant-sim.js, the offline runner from build/k6-offline.js running
 * dist/tenant-load.js with its k6/x/disruptor mapped onto the platform's fault agent), ports
 * chosen free. `npm test` builds first (pretest).
 *
 * Scale: 600 requests/s for 30 s (10 s outage from 10 s) — the SLO machinery is the same as at
 * 5,000 requests/s (`npm run bench` runs that profile). Timing tolerances: the outage is placed
 * 10 s into the run so the runner's VU start-up (< 2 s) never overlaps it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combinedVerdict } from '../../launch/combined-verdict';
import { DEFAULT_START_OPTIONS, type StartOptions } from '../../launch/options';
import { chaosEnv } from '../../launch/plan';
import { REPO_ROOT, newSecrets, runStack, type StackResult } from '../../launch/stack';

const SCALED: StartOptions = {
  ...DEFAULT_START_OPTIONS,
  rate: 600,
  duration: '30s',
  rampUp: '3s',
  tenants: 12,
  chaosStart: '10s',
  chaosDuration: '10s',
  engine: 'offline',
  quiet: true,
};

interface Summary {
  verdict: { pass: boolean; rows: Array<{ id: string; ok: boolean; measured: string }> };
  k6: { metrics: Record<string, { values: Record<string, number> }> };
}

/** tenant-verdict's whole-run SLOs and the bundle's threshold rows they correspond to. */
const ROW_OF: Record<string, string> = {
  'read p(95)': 'read_p95',
  'write p(95)': 'write_p95',
  'error rate': 'error_rate',
  'checks rate': 'checks',
  'dropped ratio': 'dropped',
  'fault witness count': 'fault_witness',
  'auth.degraded events count': 'audit_degraded',
};

/** The combined verdict of the run's JSON output, whole-run scope, next to the k6 thresholds' rows. */
async function wholeRunAgreement(r: StackResult, chaos: StartOptions['chaos']): Promise<Array<{ slo: string; verdict: boolean; k6: boolean | undefined }>> {
  const v = await combinedVerdict(r.results, { ...process.env, ...chaosEnv({ chaos }) }, r.summaryJson);
  expect(v.code, v.text).not.toBe(2);
  const slos = (JSON.parse(readFileSync(v.json!, 'utf8')) as { slos: Array<{ name: string; scope: Record<string, unknown>; ok: boolean }> }).slos;
  const rows = summaryOf(r).verdict.rows;
  return slos
    .filter((x) => Object.keys(x.scope).length === 0)
    .map((x) => ({ slo: x.name, verdict: x.ok, k6: rows.find((row) => row.id === ROW_OF[x.name])?.ok }));
}

const summaryOf = (r: StackResult): Summary => JSON.parse(readFileSync(r.summaryJson, 'utf8')) as Summary;
const metric = (s: Summary, key: string, stat: string): number | undefined => s.k6.metrics[key]?.values[stat];
const explain = (r: StackResult): string => `exit ${r.exitCode}\n${r.output.slice(-4000)}`;

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('baseline without chaos', () => {
  let run: StackResult;
  beforeAll(async () => {
    run = await runStack({ ...SCALED, chaos: 'off', outDir: 'out/e2e/baseline' }, { stdio: 'pipe' });
  });
  afterAll(async () => run?.stop());

  it('passes every threshold and exits 0', () => {
    expect(run.exitCode, explain(run)).toBe(0);
    expect(summaryOf(run).verdict.pass).toBe(true);
  });

  it('writes every request to results.json.gz (k6’s JSON output), as many as the summary counts', () => {
    expect(run.results).toEqual([join(REPO_ROOT, 'out/e2e/baseline/results.json.gz')]);
    const lines = gunzipSync(readFileSync(run.results[0]!)).toString('utf8').split('\n');
    const reqs = lines.filter((l) => l.startsWith('{"metric":"http_reqs","type":"Point"')).length;
    expect(reqs).toBe(metric(summaryOf(run), 'http_reqs', 'count'));
    expect(lines.filter((l) => l.startsWith('{"type":"Metric","data":{"name":"http_reqs"'))).toHaveLength(1);
  });

  it('reaches at least ten tenants with a write share within 2 points of 10 %, as the platform counted them', () => {
    const e = run.evidence;
    expect(e).toBeDefined();
    expect(e!.tenantsSeen).toBeGreaterThanOrEqual(10);
    // ~18,000 requests: the standard error of a 10 % share is 0.2 points, so 2 points is 10 sigma.
    expect(e!.writeShare).toBeGreaterThan(0.08);
    expect(e!.writeShare).toBeLessThan(0.12);
    expect(e!.status5xx).toBe(0);
  });
});

describe('a JWKS outage inside the cache TTL (fallback)', () => {
  let run: StackResult;
  const secrets = newSecrets();
  beforeAll(async () => {
    run = await runStack({ ...SCALED, chaos: 'fallback', outDir: 'out/e2e/fallback' }, { stdio: 'pipe', secrets });
  });
  afterAll(async () => run?.stop());

  it('holds the SLOs and exits 0', () => {
    expect(run.exitCode, explain(run)).toBe(0);
  });

  it('gets the same whole-run verdict from tenant-verdict over results.json.gz as from its k6 thresholds', async () => {
    const rows = await wholeRunAgreement(run, 'fallback');
    expect(rows.map((x) => x.slo)).toEqual(Object.keys(ROW_OF));
    for (const x of rows) expect(x.verdict, x.slo).toBe(x.k6);
    // And the same numbers: the merged p95 within the histogram's 0.05 %.
    const v = JSON.parse(readFileSync(join(dirname(run.summaryJson), 'verdict.json'), 'utf8')) as { slos: Array<{ name: string; scope: object; value: number }> };
    const read = v.slos.find((x) => x.name === 'read p(95)' && Object.keys(x.scope).length === 0)!.value;
    const k6Read = metric(summaryOf(run), 'http_req_duration{kind:read,expected_response:true}', 'p(95)')!;
    expect(Math.abs(read - k6Read) / k6Read).toBeLessThanOrEqual(0.001);
  });

  it('keeps the error rate during the outage under 1 % with requests really measured in it', () => {
    const s = summaryOf(run);
    expect(metric(s, 'http_reqs{traffic:api,phase:chaos}', 'count')).toBeGreaterThan(0);
    expect(metric(s, 'http_req_failed{traffic:api,phase:chaos}', 'rate')).toBeLessThan(0.01);
  });

  it('records auth.degraded audit events and an auth.recovered after the outage', () => {
    expect(run.evidence?.degradedEvents).toBeGreaterThan(0);
    expect(run.evidence?.recoveredEvents).toBeGreaterThan(0);
  });

  it('loses no write: every write the platform acknowledged is readable afterwards', async () => {
    const audit = readFileSync(join(REPO_ROOT, 'out/e2e/fallback/audit.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"data.write"'))
      .map((l) => JSON.parse(l) as { tenant: string; resource: string; result: string });
    const s = summaryOf(run);
    // The write-latency SLO's sample counter: writes answered 200-399 (every write, in this story).
    const k6Writes = metric(s, 'http_reqs{kind:write,expected_response:true}', 'count') ?? 0;
    expect(audit.length).toBeGreaterThan(0);
    // The bundle saw every acknowledged write: nothing failed on its side in this story.
    expect(audit.length).toBe(k6Writes);

    const tokens = new Map<string, string>();
    const tokenFor = async (tenant: string): Promise<string> => {
      const cached = tokens.get(tenant);
      if (cached) return cached;
      const res = await fetch(`${run.urls.authority}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'tenant-load', client_secret: secrets.clientSecret, tenant }),
      });
      const token = ((await res.json()) as { access_token: string }).access_token;
      tokens.set(tenant, token);
      return token;
    };
    const get = async (tenant: string, path: string): Promise<{ status: number; body: any }> => {
      const res = await fetch(`${run.urls.api}${path}`, {
        headers: { authorization: `Bearer ${await tokenFor(tenant)}`, 'x-stellaops-tenant': tenant },
      });
      return { status: res.status, body: await res.json() };
    };

    const rulesByTenant = new Map<string, Set<string>>();
    const rulesOf = async (tenant: string): Promise<Set<string>> => {
      let ids = rulesByTenant.get(tenant);
      if (ids) return ids;
      ids = new Set();
      let cursor: string | null = null;
      do {
        const page = await get(tenant, `/api/notify/rules?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        for (const r of page.body.items as Array<{ id: string }>) ids.add(r.id);
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      rulesByTenant.set(tenant, ids);
      return ids;
    };

    const missing: string[] = [];
    for (const w of audit) {
      const [kind, id] = w.resource.split('/') as [string, string];
      if (kind === 'policy') {
        if ((await get(w.tenant, `/api/policy/policies/${encodeURIComponent(id)}`)).status !== 200) missing.push(`${w.tenant} ${w.resource}`);
      } else if (kind === 'rule') {
        if (!(await rulesOf(w.tenant)).has(id)) missing.push(`${w.tenant} ${w.resource}`);
      } else if (kind === 'finding') {
        const f = await get(w.tenant, `/api/vuln/findings/${encodeURIComponent(id)}`);
        if (f.status !== 200 || f.body.triage === null) missing.push(`${w.tenant} ${w.resource}`);
      } else {
        missing.push(`unknown resource ${w.resource}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('a JWKS outage past the cache TTL (expiry)', () => {
  let run: StackResult;
  beforeAll(async () => {
    run = await runStack({ ...SCALED, chaos: 'expiry', outDir: 'out/e2e/expiry' }, { stdio: 'pipe' });
  });
  afterAll(async () => run?.stop());

  it('passes, because the platform failed closed as the expiry expectations require (exit 0)', () => {
    expect(run.exitCode, explain(run)).toBe(0);
  });

  it('fails closed with 401s and never a 5xx', () => {
    expect(run.evidence?.status401).toBeGreaterThan(0);
    expect(run.evidence?.status5xx).toBe(0);
  });
});

describe('a platform that keeps stale keys forever under expiry expectations', () => {
  let run: StackResult;
  beforeAll(async () => {
    run = await runStack({ ...SCALED, chaos: 'expiry', outDir: 'out/e2e/stale-forever' }, { stdio: 'pipe', simArgs: ['--jwks-ttl', 'never'] });
  });
  afterAll(async () => run?.stop());

  it('gets the same whole-run verdict from tenant-verdict over results.json.gz as from its k6 thresholds', async () => {
    const rows = await wholeRunAgreement(run, 'expiry');
    expect(rows.length).toBeGreaterThan(3);
    for (const x of rows) if (x.k6 !== undefined) expect(x.verdict, x.slo).toBe(x.k6);
  });

  it('fails the run with exit 99: the expected fail-closed behaviour never happened', () => {
    expect(run.exitCode, explain(run)).toBe(99);
    expect(run.evidence?.status401).toBe(0);
  });
});

describe('a platform that is down from the start', () => {
  it('stops the run through abortOnFail well before its duration, with exit 99', async () => {
    const port = await deadPort();
    const url = `http://127.0.0.1:${port}`;
    const started = Date.now();
    const run = await runStack(
      { ...SCALED, duration: '60s', chaos: 'off', outDir: 'out/e2e/down' },
      { stdio: 'pipe', platform: { api: url, authority: url, authorityViaAgent: url, agentControl: url } },
    );
    const elapsed = Date.now() - started;
    expect(run.exitCode, explain(run)).toBe(99);
    // The abort gates have a delayAbortEval of a few seconds; half the duration is a wide margin.
    expect(elapsed).toBeLessThan(30_000);
  });
});
