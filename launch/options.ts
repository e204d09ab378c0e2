/**
 * `npm start` options: parsed, defaulted and validated in one pure function. Every problem is
 * reported at once, naming the flag and its allowed values (docs/architecture.md#conventions).
 *
 * Precedence: DEFAULT_START_OPTIONS < flags.
 */
import { parseArgs } from 'node:util';
import { parseGoDuration } from '../contracts/duration';
import { parseDegrade } from '../sim/api/degrade';
import { tenantIds } from '../sim/tenants';

/** The longest duration any npm start flag takes. */
export const LAUNCH_MAX_DURATION_MS = 24 * 3_600_000;

export type ChaosMode = 'off' | 'fallback' | 'expiry';
export type Engine = 'auto' | 'offline' | 'k6';
/** The bundle's CHAOS_FAULT values (lib/config.ts CHAOS_FAULTS; launch/ never imports the k6 side). */
export type ChaosFaultShape = 'error' | 'blackhole' | 'delay' | 'reset' | 'flaky';
export const CHAOS_FAULT_SHAPES: readonly ChaosFaultShape[] = ['error', 'blackhole', 'delay', 'reset', 'flaky'];

export interface StartOptions {
  /** Iterations (= API requests) per second of the load scenario. */
  rate: number;
  /** Load duration, ramp-up included, Go duration string. */
  duration: string;
  /** The first part of `duration`, climbing from a tenth of the rate to the rate (0s: none). */
  rampUp: string;
  tenants: number;
  chaos: ChaosMode;
  chaosStart: string;
  chaosDuration: string;
  /** The outage's shape (the bundle's CHAOS_FAULT). */
  chaosFault: ChaosFaultShape;
  /** Rotate the Authority's signing key mid-outage (the bundle's CHAOS_ROTATE=on). */
  chaosRotate: boolean;
  /** Read share of the mix, 0..1. */
  readRatio: number;
  engine: Engine;
  /**
   * Runner processes splitting the load by k6 execution segments (1..4), as the k6 Operator
   * does, or `auto`: 1 (one runner command uses every core; launch/instances.ts).
   */
  instances: number | 'auto';
  /** Where summary.json, junit.xml, results.json.gz (k6's JSON output) and the audit log go. */
  outDir: string;
  /** A Prometheus remote-write URL: when set, every instance also pushes `-o experimental-prometheus-rw`. */
  prometheus?: string;
  quiet: boolean;
  /** `TENANT_WEIGHTS` for the bundle (uniform when unset). */
  tenantWeights: string | undefined;
  /** The noisy neighbour: a tenant flooding at `rate`/s on top of the load, throttled by the platform. */
  noisy: { tenant: string; rate: number; start: string | undefined; duration: string | undefined } | undefined;
  /** `tenant-sim --degrade` entries: tenants whose answers are slowed or failed on purpose. */
  degrade: string[];
}

/**
 * The newcomer's default: a 10 s ramp, then the full 5,000 RPS for 90 s with a 30 s JWKS outage
 * starting 30 s in, the cache TTL longer than the outage so last-known-good fallback is expected.
 * Finishes in under 3 minutes on a 2-core machine (build and set-up included).
 */
export const DEFAULT_START_OPTIONS: Readonly<StartOptions> = Object.freeze({
  rate: 5000,
  duration: '100s',
  rampUp: '10s',
  tenants: 20,
  chaos: 'fallback',
  chaosStart: '30s',
  chaosDuration: '30s',
  chaosFault: 'error',
  chaosRotate: false,
  readRatio: 0.9,
  engine: 'auto',
  instances: 'auto',
  outDir: 'out',
  quiet: false,
  tenantWeights: undefined,
  noisy: undefined,
  degrade: [],
});

export const START_USAGE = `Usage: npm start -- [options]

Builds the bundles, starts the reference platform on 127.0.0.1, runs dist/tenant-load.js with a
JWKS outage through the offline runner (or dist/tenant-load-agent.js through k6 when a k6 binary
is on PATH), prints the k6 summary and the SLO / chaos verdict, and exits with the run's exit code.

Options:
  --rate N              requests per second (default ${DEFAULT_START_OPTIONS.rate})
  --duration D          load duration, ramp-up included, e.g. 100s, 5m (default ${DEFAULT_START_OPTIONS.duration})
  --ramp-up D           first part of the duration, climbing from a tenth of the rate to the
                          rate; 0s starts at the full rate (default 10 % of the
                          duration, at most ${DEFAULT_START_OPTIONS.rampUp})
  --tenants N           tenants, at least 10 (default ${DEFAULT_START_OPTIONS.tenants})
  --chaos MODE          off | fallback | expiry (default ${DEFAULT_START_OPTIONS.chaos})
                          fallback: the JWKS cache TTL outlives the outage; requests keep passing
                          expiry:   the TTL is shorter than the outage; the platform must fail closed
  --chaos-start D       when the outage starts (default 30 % of --duration: ${DEFAULT_START_OPTIONS.chaosStart})
  --chaos-duration D    how long the outage lasts (default 30 % of --duration: ${DEFAULT_START_OPTIONS.chaosDuration})
  --chaos-fault SHAPE   error | blackhole | delay | reset | flaky (default ${DEFAULT_START_OPTIONS.chaosFault}): what the
                          Authority's clients see; blackhole and reset run the agent bundle
                          (xk6-disruptor cannot inject them); flaky only with --chaos fallback
  --chaos-rotate        rotate the Authority's signing key mid-outage: new-kid tokens must fail
                          closed (401, counted on their own) until the JWKS is back, then pass
  --read-ratio R        read share 0..1 (default ${DEFAULT_START_OPTIONS.readRatio})
  --engine E            auto | offline | k6 (default ${DEFAULT_START_OPTIONS.engine})
  --instances N         runner processes 1..4, each running its k6 execution segment
                          (i-1)/N:i/N with its own thresholds and summary-<i>.json / junit-<i>.xml;
                          auto = 1: one runner command uses every core (default auto)
  --tenant-weights W    uniform | zipf:S | tenant-03=0.3,tenant-01=5 (TENANT_WEIGHTS; default uniform)
  --noisy-tenant T      the noisy neighbour: tenant T floods on top of the load; the platform's
                          per-tenant rate limit is set to half of --noisy-rate so T is throttled
                          (429) while every other tenant must keep its SLOs
  --noisy-rate N        T's extra requests per second (required with --noisy-tenant)
  --noisy-start D       when the flood starts (default: the end of the ramp-up)
  --noisy-duration D    how long it lasts (default: the rest of the run)
  --degrade SPEC        tenant-sim --degrade TENANT:latency=400ms[,errors=0.05], repeatable:
                          slow or fail one tenant's answers to see its per-tenant gate fail
  --out DIR             where summary.json, junit.xml, results.json.gz (every sample, k6's
                          JSON output; results-<i>.json.gz per instance) and audit.log go
                          (default ${DEFAULT_START_OPTIONS.outDir})
  --prometheus URL      also push the time series to a Prometheus remote-write endpoint
                          (k6's experimental-prometheus-rw output), e.g. http://127.0.0.1:9090
                          (started with --web.enable-remote-write-receiver); a URL without a path
                          gets /api/v1/write
  --quiet               no live progress
  -h, --help            this text
`;

export class StartOptionsError extends Error {
  readonly code = 'ERR_START_OPTIONS';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'StartOptionsError';
  }
}

export type ParsedStart = { help: true } | { help: false; options: StartOptions };

const CHAOS_MODES: readonly ChaosMode[] = ['off', 'fallback', 'expiry'];
const ENGINES: readonly Engine[] = ['auto', 'offline', 'k6'];

/** The remote-write URL for `--prometheus` (a bare server URL gets /api/v1/write), or undefined if not http(s). */
export function remoteWriteUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || raw.length > 2048) return undefined;
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/api/v1/write';
  return url.href;
}

/** Parses `npm start` arguments; throws {@link StartOptionsError} listing every problem. */
export function parseStartArgs(argv: readonly string[]): ParsedStart {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        rate: { type: 'string' },
        duration: { type: 'string' },
        'ramp-up': { type: 'string' },
        tenants: { type: 'string' },
        chaos: { type: 'string' },
        'chaos-start': { type: 'string' },
        'chaos-duration': { type: 'string' },
        'chaos-fault': { type: 'string' },
        'chaos-rotate': { type: 'boolean' },
        'read-ratio': { type: 'string' },
        engine: { type: 'string' },
        instances: { type: 'string' },
        out: { type: 'string' },
        prometheus: { type: 'string' },
        quiet: { type: 'boolean' },
        'tenant-weights': { type: 'string' },
        'noisy-tenant': { type: 'string' },
        'noisy-rate': { type: 'string' },
        'noisy-start': { type: 'string' },
        'noisy-duration': { type: 'string' },
        degrade: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new StartOptionsError([`${(err as Error).message} (see --help)`]);
  }
  if (values.help) return { help: true };

  const problems: string[] = [];
  const opts: StartOptions = { ...DEFAULT_START_OPTIONS };
  const str = (k: string): string | undefined => values[k] as string | undefined;


  const int = (flag: string, min: number, max: number): number | undefined => {
    const raw = str(flag);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      problems.push(`--${flag}: must be a whole number from ${min} to ${max} (got '${raw}')`);
      return undefined;
    }
    return n;
  };
  const duration = (flag: string, minMs: number): string | undefined => {
    const raw = str(flag);
    if (raw === undefined) return undefined;
    const ms = parseGoDuration(raw);
    // Bounded: Node timers fire at once above 2^31-1 ms, and no run is longer than a day.
    if (ms === undefined || ms < minMs || ms > LAUNCH_MAX_DURATION_MS) {
      problems.push(`--${flag}: must be a duration from ${minMs / 1000}s to 24h such as 30s, 2m or 1m30s (got '${raw.slice(0, 32)}')`);
      return undefined;
    }
    return raw;
  };
  const oneOf = <T extends string>(flag: string, allowed: readonly T[]): T | undefined => {
    const raw = str(flag);
    if (raw === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`--${flag}: must be one of ${allowed.join(', ')} (got '${raw}')`);
      return undefined;
    }
    return raw as T;
  };

  opts.rate = int('rate', 1, 100_000) ?? opts.rate;
  opts.tenants = int('tenants', 10, 10_000) ?? opts.tenants;
  opts.duration = duration('duration', 5_000) ?? opts.duration;
  const rampUp = duration('ramp-up', 0);
  // Unset: the bundle's own default (lib/config.ts defaultRampUpMs), 10 % of the run, at most 10 s.
  opts.rampUp = rampUp ?? `${Math.floor(Math.min(10_000, (parseGoDuration(opts.duration) ?? 0) / 10) / 1000)}s`;
  // Unset: 30 % of the run each (30s and 30s of the default 100s), so `--duration` alone scales the
  // story (baseline, outage, recovery) instead of being refused for an outage that outlasts it.
  const scaled = `${Math.max(1, Math.floor((parseGoDuration(opts.duration) ?? 0) * 0.3 / 1000))}s`;
  opts.chaosStart = duration('chaos-start', 1_000) ?? scaled;
  opts.chaosDuration = duration('chaos-duration', 1_000) ?? scaled;
  opts.chaos = oneOf('chaos', CHAOS_MODES) ?? opts.chaos;
  opts.chaosFault = oneOf('chaos-fault', CHAOS_FAULT_SHAPES) ?? opts.chaosFault;
  if (values['chaos-rotate'] === true) opts.chaosRotate = true;
  if (opts.chaosFault === 'flaky' && opts.chaos === 'expiry') {
    problems.push("--chaos-fault: flaky cannot be judged with --chaos expiry (a JWKS that still answers some of the time keeps the platform's keys fresh); use --chaos fallback or another shape");
  }
  opts.engine = oneOf('engine', ENGINES) ?? opts.engine;
  const instances = str('instances');
  if (instances !== undefined && instances !== 'auto') {
    if (/^[1-4]$/.test(instances)) opts.instances = Number(instances);
    else problems.push(`--instances: must be auto or a whole number from 1 to 4 (got '${instances}')`);
  }
  const ratio = str('read-ratio');
  if (ratio !== undefined) {
    const r = Number(ratio);
    if (!/^(0(\.\d+)?|1(\.0+)?)$/.test(ratio) || r < 0 || r > 1) {
      problems.push(`--read-ratio: must be a number from 0 to 1 such as 0.9 (got '${ratio}')`);
    } else {
      opts.readRatio = r;
    }
  }
  opts.outDir = str('out') ?? opts.outDir;
  const prometheus = str('prometheus');
  if (prometheus !== undefined) {
    const url = remoteWriteUrl(prometheus);
    if (url === undefined) problems.push(`--prometheus: must be an http:// or https:// URL such as http://127.0.0.1:9090 or http://host:9090/api/v1/write (got '${prometheus.slice(0, 64)}')`);
    else opts.prometheus = url;
  }
  opts.quiet = values.quiet === true;
  const weights = str('tenant-weights');
  if (weights !== undefined) {
    // Checked in full by the bundle (TENANT_WEIGHTS, exit 107); here only its shape.
    if (!/^(uniform|zipf:[0-9.eE+-]+|[a-z0-9][a-z0-9-]*=[0-9.eE+-]+(,[a-z0-9][a-z0-9-]*=[0-9.eE+-]+)*)$/.test(weights)) {
      problems.push(`--tenant-weights: must be uniform, zipf:S or a list such as tenant-03=0.3,tenant-01=5 (got '${weights}')`);
    } else {
      opts.tenantWeights = weights;
    }
  }
  const ids = new Set(tenantIds(opts.tenants));
  const noisyTenant = str('noisy-tenant');
  const noisyRate = int('noisy-rate', 1, 100_000);
  if (noisyTenant !== undefined) {
    if (!ids.has(noisyTenant)) problems.push(`--noisy-tenant: must be one of the ${opts.tenants} tenants, ${[...ids][0]} … ${[...ids][opts.tenants - 1]} (got '${noisyTenant}')`);
    if (str('noisy-rate') === undefined) problems.push('--noisy-rate: required with --noisy-tenant (the extra requests per second, e.g. 2000)');
    else if (noisyRate !== undefined) {
      // The platform limits each tenant to half the flood; the other tenants must stay well under it.
      const perTenant = opts.rate / opts.tenants;
      if (noisyRate / 2 < 2 * perTenant) {
        problems.push(`--noisy-rate: must be at least ${Math.ceil(4 * perTenant)} so the tenant's limit (half of it) is twice every other tenant's ${perTenant.toFixed(0)}/s share of --rate (got ${noisyRate})`);
      }
    }
    opts.noisy = { tenant: noisyTenant, rate: noisyRate ?? 1, start: duration('noisy-start', 0), duration: duration('noisy-duration', 1_000) };
  } else {
    for (const f of ['noisy-rate', 'noisy-start', 'noisy-duration']) if (str(f) !== undefined) problems.push(`--${f}: needs --noisy-tenant`);
  }
  const degrade = (values.degrade as string[] | undefined) ?? [];
  for (const entry of degrade) {
    const d = parseDegrade(entry);
    if (typeof d === 'string') problems.push(`--degrade: ${d} (got '${entry}')`);
    else if (!ids.has(d.tenant)) problems.push(`--degrade: '${d.tenant}' is not one of the ${opts.tenants} tenants`);
  }
  opts.degrade = degrade;

  if (problems.length === 0 && (parseGoDuration(opts.rampUp) as number) >= (parseGoDuration(opts.duration) as number)) {
    problems.push(`--ramp-up: must be shorter than --duration (${opts.duration}) so the run holds the full rate (got '${opts.rampUp}'); 0s starts at the full rate`);
  }
  if (opts.chaos !== 'off' && problems.length === 0 && (parseGoDuration(opts.chaosStart) as number) < (parseGoDuration(opts.rampUp) as number)) {
    problems.push(`--chaos-start: must not be before the end of --ramp-up (${opts.rampUp}): the outage is measured at the full rate (got '${opts.chaosStart}')`);
  }
  if (opts.chaos !== 'off' && problems.length === 0) {
    const total = parseGoDuration(opts.duration) as number;
    const start = parseGoDuration(opts.chaosStart) as number;
    const length = parseGoDuration(opts.chaosDuration) as number;
    // Expiry mode needs room after the outage to measure recovery (a stated recovery time of at
    // least 2 s plus the phase margin); fallback only needs the outage to end inside the run.
    const room = opts.chaos === 'expiry' ? 6_000 : 1;
    if (start + length + room > total) {
      problems.push(
        `--chaos-start + --chaos-duration (${opts.chaosStart} + ${opts.chaosDuration}) must end ${opts.chaos === 'expiry' ? 'at least 6s ' : ''}before --duration (${opts.duration}) so the run sees the recovery`,
      );
    }
  }
  if (problems.length > 0) throw new StartOptionsError(problems);
  return { help: false, options: opts };
}
