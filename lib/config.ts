/**
 * The one typed configuration of the k6 side, read from `__ENV` (through lib/k6-env.ts) in the
 * init context. Every problem is collected and thrown at once as a ConfigError naming the
 * variable and the allowed values, so k6 exits 107 before any request (docs/architecture.md#conventions). Defaults
 * point at the reference platform on loopback (`npm run sim`): they are demo values, documented
 * as such in docs/configuration.md; the platform refuses to listen beyond loopback while they are in use.
 */
import { rampStartRate } from '../contracts/load-profile';
import { ConfigError } from './config-error';
import { MAX_FAULT_DELAY_MS } from '../contracts/http-fault';
import type { Catalog } from './catalog';
import { DEFAULT_CATALOG, parseCatalog } from './catalog';
import type { Env } from '../contracts/env-reader';
import { EnvReader } from '../contracts/env-reader';
import { defaultMarginMs } from './phase';
import type { Tenant } from './tenants';
import { MIN_LOAD_TENANTS, numberedTenants, parseTenantsFile, parseTenantsVar } from './tenants';
import type { SloValues } from '../contracts/slo-table';
import { SLO_TABLE, sloDefault } from '../contracts/slo-table';
import { parseSegment, segmentShare } from './instance-share';
import { parseTenantWeights } from './tenant-weights';

export type Profile = 'load' | 'smoke';
export type ChaosExpect = 'fallback' | 'expiry';
/**
 * The outage's shapes (CHAOS_FAULT): `error` every Authority request answered CHAOS_ERROR_CODE;
 * `blackhole` accepted and never answered (an iptables DROP); `delay` answered CHAOS_DELAY late;
 * `reset` connection closed without an answer; `flaky` CHAOS_ERROR_RATE of requests answered
 * with the error, the rest passed.
 */
export const CHAOS_FAULTS = ['error', 'blackhole', 'delay', 'reset', 'flaky'] as const;
export type ChaosFault = (typeof CHAOS_FAULTS)[number];
export type AuditKind = 'platform' | 'loki';

export interface CloudConfig {
  name: string;
  projectID?: number;
  stackID?: number;
  /** load zone -> percent, summing to 100. */
  distribution?: Record<string, { loadZone: string; percent: number }>;
}

export interface Config {
  profile: Profile;
  baseUrl: string;
  authUrl: string;
  authTokenPath: string;
  authClientId: string;
  authClientSecret: string;
  authScope: string | undefined;
  tenantHeader: string;
  tenants: Tenant[];
  tenantTagCap: number;
  tenantBreakdown: number;
  /** Relative weight per tenant (TENANT_WEIGHTS or TENANTS_FILE `weight`); undefined = uniform. */
  tenantWeights: number[] | undefined;
  /** The noisy neighbour: one tenant's extra arrival-rate traffic on top of the mix. */
  noisy: NoisyConfig | undefined;
  rate: number;
  /** The load scenario's whole length, ramp-up included. */
  durationMs: number;
  /**
   * The first part of `durationMs` in which the rate climbs linearly from `startRate` to `rate`
   * (k6 ramping-arrival-rate); 0 = constant-arrival-rate from the first second.
   */
  rampUpMs: number;
  /** The rate the ramp starts from (a tenth of `rate`, at least 1). */
  startRate: number;
  /**
   * This instance's share of the test, from `K6_EXECUTION_SEGMENT` (k6's own option variable; 1
   * when unset). Passed as a flag instead (`--execution-segment`, as the k6 Operator does), the
   * segment is invisible to init code and the share stays 1.
   */
  instanceShare: number;
  readRatio: number;
  expectedIterationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  requestTimeoutMs: number;
  chaos: {
    enabled: boolean;
    startMs: number;
    durationMs: number;
    expect: ChaosExpect;
    service: string;
    namespace: string;
    port: number | string;
    errorCode: number;
    /** The outage's shape (CHAOS_FAULT): what the Authority's clients see while it lasts. */
    fault: ChaosFault;
    /** `delay`: the added latency (CHAOS_DELAY). */
    delayMs: number;
    /** `flaky`: the share of requests answered with the error (CHAOS_ERROR_RATE). */
    errorRate: number;
    /**
     * CHAOS_ROTATE=on: the Authority's signing key is rotated mid-outage (POST `rotateUrl` with
     * `rotateToken`), and a token of the new key is probed until it passes after the outage.
     */
    rotate: { url: string; token: string } | undefined;
    marginMs: number;
  };
  faultAgent: { url: string; token: string };
  audit: { url: string; token: string; kind: AuditKind; lokiQuery: string };
  prometheusUrl: string | undefined;
  catalog: Catalog;
  catalogSource: string;
  outputs: { summaryJson: string | undefined; junitXml: string | undefined };
  slo: SloValues;
  cloud: CloudConfig;
}

export interface NoisyConfig {
  tenant: string;
  /** Its index in `tenants`. */
  index: number;
  /** Extra iterations per second for that tenant. */
  rate: number;
  startMs: number;
  durationMs: number;
}

/** The loopback demo defaults (reference platform, docs/architecture.md#platform). */
export const DEFAULTS = {
  BASE_URL: 'http://127.0.0.1:8080',
  AUTH_URL: 'http://127.0.0.1:8441',
  AUTH_TOKEN_PATH: '/connect/token',
  AUTH_CLIENT_ID: 'tenant-load',
  AUTH_CLIENT_SECRET: 'local-dev-secret',
  TENANT_HEADER: 'X-StellaOps-Tenant',
  TENANTS: 20,
  RATE: 5000,
  DURATION_MS: 600_000,
  READ_RATIO: 0.9,
  EXPECTED_ITERATION_MS: 50,
  REQUEST_TIMEOUT_MS: 10_000,
  CHAOS_START_MS: 120_000,
  CHAOS_DURATION_MS: 300_000,
  CHAOS_SERVICE: 'stellaops-authority',
  CHAOS_NAMESPACE: 'stellaops',
  CHAOS_PORT: 80,
  CHAOS_ERROR_CODE: 503,
  // Above the reference platform's JWKS fetch timeout (2 s): a slower JWKS is an outage to it.
  CHAOS_DELAY_MS: 5_000,
  CHAOS_ERROR_RATE: 0.5,
  FAULT_AGENT_URL: 'http://127.0.0.1:8442',
  ADMIN_TOKEN: 'local-admin-token',
  TENANT_TAG_CAP: 1000,
  TENANT_BREAKDOWN: 20,
  LOKI_QUERY: '{job="stellaops-audit"}',
  SUMMARY_JSON: 'summary.json',
  JUNIT_XML: 'junit.xml',
  CLOUD_NAME: 'tenant-load-chaos',
} as const;

/**
 * The documented sizing formula (k6 docs, arrival-rate VU allocation; docs/k6-semantics.md#dropped-iterations):
 * a VU runs one iteration at a time, so VUs needed ~ rate x iteration time; add 50 % for latency
 * variance plus 10 spare. maxVUs defaults to twice that: k6 only initialises the extra VUs when
 * the pre-allocated ones are all busy (and logs "Insufficient VUs" when even those run out).
 */
export function sizeVUs(rate: number, expectedIterationMs: number): { preAllocatedVUs: number; maxVUs: number } {
  const preAllocatedVUs = Math.ceil((rate * expectedIterationMs) / 1000 * 1.5) + 10;
  return { preAllocatedVUs, maxVUs: preAllocatedVUs * 2 };
}

/**
 * RAMP_UP's default: 10 % of DURATION, at most 10 s, in whole seconds. A cold start at the full
 * rate meets an unwarmed platform, new connections and, in the offline runner, cold code at once;
 * k6's guidance for open-model tests is to ramp to the target instead (measured on the 2-core
 * reference machine: a 0 s ramp dropped ~1,500 iterations per instance in the first second at
 * 5,000/s, a 10 s ramp none there).
 */
export function defaultRampUpMs(durationMs: number): number {
  return Math.floor(Math.min(10_000, durationMs / 10) / 1000) * 1000;
}

/** Reads a file for TENANTS_FILE / CATALOG_FILE; in k6 this is `open()` (init context only). */
export type FileReader = (path: string) => string;

function readFileVar(r: EnvReader, name: string, read: FileReader): string | undefined {
  const path = r.raw(name);
  if (path === undefined) return undefined;
  try {
    return read(path);
  } catch (err) {
    r.problem(name, `cannot read '${path}' (${(err as Error).message}); use an absolute path or one relative to the bundle in dist/`);
    return undefined;
  }
}

function parseOutputPath(r: EnvReader, name: string, fallback: string): string | undefined {
  const v = r.raw(name) ?? fallback;
  if (v === 'off') return undefined;
  if (/[\0\n]/.test(v) || v === 'stdout' || v === 'stderr') {
    r.problem(name, `must be a file path or 'off' (got '${v}')`);
    return undefined;
  }
  return v;
}

function parseDistribution(r: EnvReader): CloudConfig['distribution'] {
  const v = r.raw('CLOUD_LOAD_ZONES');
  if (v === undefined) return undefined;
  const out: NonNullable<CloudConfig['distribution']> = {};
  let total = 0;
  let ok = true;
  for (const part of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9-]+:[a-z0-9-]+:[a-z0-9-]+)=(\d{1,3})$/.exec(part);
    if (!m) {
      r.problem('CLOUD_LOAD_ZONES', `must be a comma list of <loadZone>=<percent> such as 'amazon:us:ashburn=50,amazon:ie:dublin=50' (bad entry '${part}')`);
      ok = false;
      continue;
    }
    const zone = m[1] as string;
    const percent = Number(m[2]);
    total += percent;
    out[zone.replace(/:/g, '_')] = { loadZone: zone, percent };
  }
  if (ok && total !== 100) r.problem('CLOUD_LOAD_ZONES', `percentages must add up to 100 (got ${total})`);
  return ok ? out : undefined;
}

function readSlo(r: EnvReader, durationMs: number): SloValues {
  const out = {} as SloValues;
  for (const spec of SLO_TABLE) {
    const fallback = sloDefault(spec, durationMs, out);
    if (spec.kind === 'ms') out[spec.key] = r.positiveNumber(spec.env, fallback);
    else if (spec.kind === 'fraction') out[spec.key] = r.fraction(spec.env, fallback);
    else out[spec.key] = r.duration(spec.env, fallback, 0);
  }
  return out;
}

function readTenantWeights(r: EnvReader, tenants: Tenant[]): number[] | undefined {
  const fromFile = tenants.some((t) => t.weight !== undefined);
  if (fromFile && r.has('TENANT_WEIGHTS')) {
    r.problem('TENANT_WEIGHTS', 'set weights either in TENANTS_FILE (`weight`) or in TENANT_WEIGHTS, not both');
    return undefined;
  }
  if (fromFile) return tenants.map((t) => t.weight ?? 1);
  return parseTenantWeights(r.raw('TENANT_WEIGHTS'), tenants, r.problems);
}

/**
 * NOISY_TENANT + NOISY_RATE (+ NOISY_START, default the end of RAMP_UP; NOISY_DURATION, default
 * the rest of the run). The tenant must have its own `tenant` tag (within TENANT_TAG_CAP) so its
 * throttling and gates can be told apart from everyone else's.
 */
function readNoisy(r: EnvReader, tenants: Tenant[], tagCap: number, durationMs: number, rampUpMs: number): NoisyConfig | undefined {
  const id = r.raw('NOISY_TENANT');
  const others = ['NOISY_RATE', 'NOISY_START', 'NOISY_DURATION'].filter((n) => r.has(n));
  if (id === undefined) {
    for (const n of others) r.problem(n, 'needs NOISY_TENANT (the tenant that floods)');
    return undefined;
  }
  const index = tenants.findIndex((t) => t.id === id);
  if (index === -1) r.problem('NOISY_TENANT', `must be a tenant of the pool (TENANTS / TENANTS_FILE), e.g. ${tenants[0]?.id ?? 'tenant-01'} (got '${id}')`);
  else if (index >= tagCap) r.problem('NOISY_TENANT', `must be among the first TENANT_TAG_CAP (${tagCap}) tenants so it has its own tenant tag (got '${id}', tenant ${index + 1})`);
  if (!r.has('NOISY_RATE')) r.problem('NOISY_RATE', 'is required with NOISY_TENANT: the extra requests per second that tenant sends, e.g. 2000');
  const rate = r.integer('NOISY_RATE', 1, 1, 1_000_000);
  const startMs = r.duration('NOISY_START', rampUpMs, 0);
  const length = r.duration('NOISY_DURATION', Math.max(1000, durationMs - startMs), 1000);
  if (startMs + length > durationMs) {
    r.problem('NOISY_DURATION', `the noisy window (NOISY_START + NOISY_DURATION = ${(startMs + length) / 1000}s) must end within DURATION (${durationMs / 1000}s)`);
  }
  return index === -1 ? undefined : { tenant: id, index, rate, startMs, durationMs: length };
}

/**
 * Builds the configuration from an environment. Pure apart from `read` (file access). Throws a
 * ConfigError listing every problem.
 */
export function loadConfig(env: Env, profile: Profile, read: FileReader): Config {
  const r = new EnvReader(env);

  const baseUrl = r.url('BASE_URL', DEFAULTS.BASE_URL);
  const authUrl = r.url('AUTH_URL', DEFAULTS.AUTH_URL);
  const authTokenPath = r.matching('AUTH_TOKEN_PATH', /^\/[^\s?#]*$/, "a path starting with '/'", DEFAULTS.AUTH_TOKEN_PATH);
  const authClientId = r.string('AUTH_CLIENT_ID', DEFAULTS.AUTH_CLIENT_ID);
  const authClientSecret = r.secret('AUTH_CLIENT_SECRET', DEFAULTS.AUTH_CLIENT_SECRET);
  const authScope = r.raw('AUTH_SCOPE');
  const tenantHeader = r.matching('TENANT_HEADER', /^[A-Za-z0-9-]{1,64}$/, 'an HTTP header name (letters, digits, dashes)', DEFAULTS.TENANT_HEADER);

  if (r.has('TENANTS') && r.has('TENANTS_FILE')) r.problem('TENANTS', 'set either TENANTS or TENANTS_FILE, not both');
  let tenants: Tenant[];
  const fileText = readFileVar(r, 'TENANTS_FILE', read);
  if (fileText !== undefined) tenants = parseTenantsFile(fileText, r.problems);
  else if (r.has('TENANTS')) tenants = parseTenantsVar(r.raw('TENANTS') as string, r.problems);
  else tenants = r.has('TENANTS_FILE') ? [] : numberedTenants(DEFAULTS.TENANTS);
  if (profile === 'load' && tenants.length > 0 && tenants.length < MIN_LOAD_TENANTS) {
    r.problem(r.has('TENANTS_FILE') ? 'TENANTS_FILE' : 'TENANTS', `the load needs at least ${MIN_LOAD_TENANTS} tenants (got ${tenants.length}); use tenant-smoke.js for fewer`);
  }
  const tenantTagCap = r.integer('TENANT_TAG_CAP', DEFAULTS.TENANT_TAG_CAP, 1, 100_000);
  const tenantBreakdown = r.integer('TENANT_BREAKDOWN', DEFAULTS.TENANT_BREAKDOWN, 0, 1000);

  const rate = r.integer('RATE', DEFAULTS.RATE, 1, 1_000_000);
  const durationMs = r.duration('DURATION', DEFAULTS.DURATION_MS, 1000);
  const rampUpMs = r.duration('RAMP_UP', defaultRampUpMs(durationMs), 0);
  const tenantWeights = readTenantWeights(r, tenants);
  const noisy = readNoisy(r, tenants, tenantTagCap, durationMs, rampUpMs);
  if (rampUpMs >= durationMs) r.problem('RAMP_UP', `must be shorter than DURATION (${durationMs / 1000}s) so the run holds the full rate (got ${rampUpMs / 1000}s); 0s starts at the full rate`);
  const segmentText = r.raw('K6_EXECUTION_SEGMENT');
  if (segmentText !== undefined && parseSegment(segmentText) === undefined) {
    r.problem('K6_EXECUTION_SEGMENT', `must be a k6 execution segment such as 0:1/2, 1/2:1 or 25%:50% (got '${segmentText}')`);
  }
  const instanceShare = segmentShare(segmentText);
  const readRatio = r.fraction('READ_RATIO', DEFAULTS.READ_RATIO);
  const expectedIterationMs = r.positiveNumber('EXPECTED_ITERATION_MS', DEFAULTS.EXPECTED_ITERATION_MS);
  const sized = sizeVUs(rate, expectedIterationMs);
  const preAllocatedVUs = r.integer('PRE_ALLOCATED_VUS', sized.preAllocatedVUs, 1, 1_000_000);
  const maxVUs = r.integer('MAX_VUS', r.has('PRE_ALLOCATED_VUS') ? Math.max(preAllocatedVUs, sized.maxVUs) : sized.maxVUs, 1, 1_000_000);
  if (maxVUs < preAllocatedVUs) r.problem('MAX_VUS', `must be at least PRE_ALLOCATED_VUS (${preAllocatedVUs}), k6 rejects maxVUs < preAllocatedVUs (got ${maxVUs})`);
  const requestTimeoutMs = r.duration('REQUEST_TIMEOUT', DEFAULTS.REQUEST_TIMEOUT_MS, 1);

  const chaosEnabled = r.oneOf('CHAOS', ['on', 'off'] as const, 'on') === 'on' && profile === 'load';
  const chaosStartMs = r.duration('CHAOS_START', DEFAULTS.CHAOS_START_MS, 0);
  const chaosDurationMs = r.duration('CHAOS_DURATION', DEFAULTS.CHAOS_DURATION_MS, 1000);
  const expect = r.oneOf('CHAOS_EXPECT', ['fallback', 'expiry'] as const, 'fallback');
  const service = r.matching('CHAOS_SERVICE', /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a Kubernetes service name', DEFAULTS.CHAOS_SERVICE);
  const namespace = r.matching('CHAOS_NAMESPACE', /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a Kubernetes namespace name', DEFAULTS.CHAOS_NAMESPACE);
  const portRaw = r.matching('CHAOS_PORT', /^(\d{1,5}|[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?)$/, 'a port number 1-65535 or a named port such as http', String(DEFAULTS.CHAOS_PORT));
  const port: number | string = /^\d+$/.test(portRaw) ? Number(portRaw) : portRaw;
  if (typeof port === 'number' && (port < 1 || port > 65535)) r.problem('CHAOS_PORT', `must be a port number 1-65535 or a named port (got '${portRaw}')`);
  const errorCode = r.integer('CHAOS_ERROR_CODE', DEFAULTS.CHAOS_ERROR_CODE, 500, 599);
  const fault = r.oneOf('CHAOS_FAULT', CHAOS_FAULTS, 'error');
  const delayMs = r.duration('CHAOS_DELAY', DEFAULTS.CHAOS_DELAY_MS, 1);
  if (delayMs > MAX_FAULT_DELAY_MS) r.problem('CHAOS_DELAY', `must be at most ${MAX_FAULT_DELAY_MS / 1000}s, the fault agent's limit (got ${r.raw('CHAOS_DELAY')})`);
  const errorRate = r.fraction('CHAOS_ERROR_RATE', DEFAULTS.CHAOS_ERROR_RATE, { exclusiveMin: true });
  if (r.has('CHAOS_DELAY') && fault !== 'delay') r.problem('CHAOS_DELAY', `applies only to CHAOS_FAULT=delay (CHAOS_FAULT is '${fault}')`);
  if (r.has('CHAOS_ERROR_RATE') && fault !== 'flaky') r.problem('CHAOS_ERROR_RATE', `applies only to CHAOS_FAULT=flaky (CHAOS_FAULT is '${fault}'; error answers every request)`);
  const rotateOn = r.oneOf('CHAOS_ROTATE', ['on', 'off'] as const, 'off') === 'on';
  const rotateUrl = r.url('CHAOS_ROTATE_URL', `${authUrl}/admin/keys/rotate`);
  const rotateToken = r.secret('CHAOS_ROTATE_TOKEN', DEFAULTS.ADMIN_TOKEN);
  if (chaosEnabled && fault === 'flaky' && expect === 'expiry') {
    r.problem('CHAOS_FAULT', "flaky cannot be judged with CHAOS_EXPECT=expiry: a JWKS that still answers some of the time keeps the platform's keys fresh, so whether they ever expire is chance; use CHAOS_EXPECT=fallback, or CHAOS_FAULT=error|blackhole|delay|reset");
  }
  const marginMs = r.duration('PHASE_MARGIN', defaultMarginMs(chaosDurationMs), 0);
  if (chaosEnabled) {
    if (marginMs * 2 >= chaosDurationMs) r.problem('PHASE_MARGIN', `must be less than half of CHAOS_DURATION so the chaos phase has samples (got ${marginMs} ms for a ${chaosDurationMs} ms outage)`);
    if (chaosStartMs + chaosDurationMs > durationMs) {
      r.problem('CHAOS_DURATION', `the outage (CHAOS_START + CHAOS_DURATION = ${(chaosStartMs + chaosDurationMs) / 1000}s) must end within DURATION (${durationMs / 1000}s) so recovery is measured; set CHAOS=off for a baseline run`);
    }
    if (chaosStartMs < marginMs) r.problem('CHAOS_START', `must leave a baseline before the outage: at least PHASE_MARGIN (${marginMs} ms)`);
    if (chaosStartMs < rampUpMs) r.problem('CHAOS_START', `must not be before the end of RAMP_UP (${rampUpMs / 1000}s): the outage is measured at the full rate (got ${chaosStartMs / 1000}s)`);
  }

  const faultAgentUrl = r.url('FAULT_AGENT_URL', DEFAULTS.FAULT_AGENT_URL);
  const faultAgentToken = r.secret('FAULT_AGENT_TOKEN', DEFAULTS.ADMIN_TOKEN);
  const auditUrl = r.url('AUDIT_URL', baseUrl);
  const auditToken = r.secret('AUDIT_TOKEN', DEFAULTS.ADMIN_TOKEN);
  const auditKind = r.oneOf('AUDIT_KIND', ['platform', 'loki'] as const, 'platform');
  const lokiQuery = r.string('AUDIT_LOKI_QUERY', DEFAULTS.LOKI_QUERY);
  const prometheusUrl = r.url('PROMETHEUS_URL', undefined);

  let catalog = DEFAULT_CATALOG;
  let catalogSource = 'built-in';
  const catalogText = readFileVar(r, 'CATALOG_FILE', read);
  if (catalogText !== undefined) {
    const parsed = parseCatalog(catalogText, r.problems);
    if (parsed) {
      catalog = parsed;
      catalogSource = r.raw('CATALOG_FILE') as string;
    }
  }

  const outputs = {
    summaryJson: parseOutputPath(r, 'SUMMARY_JSON', DEFAULTS.SUMMARY_JSON),
    junitXml: parseOutputPath(r, 'JUNIT_XML', DEFAULTS.JUNIT_XML),
  };
  const slo = readSlo(r, durationMs);
  if (chaosEnabled && expect === 'expiry' && chaosStartMs + chaosDurationMs + marginMs + slo.recoveryMs >= durationMs) {
    r.problem('SLO_RECOVERY_TIME', `in expiry mode the run must continue past the outage + PHASE_MARGIN + SLO_RECOVERY_TIME (${(chaosStartMs + chaosDurationMs + marginMs + slo.recoveryMs) / 1000}s) to measure recovery; DURATION is ${durationMs / 1000}s`);
  }
  const cloud: CloudConfig = { name: r.string('CLOUD_NAME', DEFAULTS.CLOUD_NAME) };
  const projectID = r.optionalInteger('CLOUD_PROJECT_ID', 1);
  if (projectID !== undefined) cloud.projectID = projectID;
  const stackID = r.optionalInteger('CLOUD_STACK_ID', 1);
  if (stackID !== undefined) cloud.stackID = stackID;
  const distribution = parseDistribution(r);
  if (distribution) cloud.distribution = distribution;

  if (r.problems.length > 0) throw new ConfigError(r.problems);

  return {
    profile,
    baseUrl,
    authUrl,
    authTokenPath,
    authClientId,
    authClientSecret,
    authScope,
    tenantHeader,
    tenants,
    tenantTagCap,
    tenantBreakdown,
    tenantWeights,
    noisy,
    rate,
    durationMs,
    rampUpMs,
    startRate: rampStartRate(rate),
    instanceShare,
    readRatio,
    expectedIterationMs,
    preAllocatedVUs,
    maxVUs,
    requestTimeoutMs,
    chaos: { enabled: chaosEnabled, startMs: chaosStartMs, durationMs: chaosDurationMs, expect, service, namespace, port, errorCode, fault, delayMs, errorRate, rotate: chaosEnabled && rotateOn ? { url: rotateUrl, token: rotateToken } : undefined, marginMs },
    faultAgent: { url: faultAgentUrl, token: faultAgentToken },
    audit: { url: auditUrl, token: auditToken, kind: auditKind, lokiQuery },
    prometheusUrl,
    catalog,
    catalogSource,
    outputs,
    slo,
    cloud,
  };
}
