/**
 * tenant-sim configuration: one defaults object, flags and `SIM_<UPPER_SNAKE>` env variables,
 * precedence defaults < env < flags. Parsing is pure (argv and env passed in) and loud: a bad value
 * throws ConfigError naming the flag and the allowed values; the CLI prints it and exits 2.
 */
import { formatDuration, parseGoDuration } from '../contracts/duration';
import type { DegradeSpec } from './api/degrade';
import { MAX_DEGRADE_ENTRIES, parseDegrade } from './api/degrade';
import { tenantIds } from './tenants';

export const LOCAL_CLIENT_SECRET = 'local-dev-secret';
export const LOCAL_ADMIN_TOKEN = 'local-admin-token';

export interface SimConfig {
  host: string;
  apiPort: number;
  authorityPort: number;
  agentPort: number;
  agentControlPort: number;
  tenants: number;
  clientSecret: string;
  adminToken: string;
  /** All durations in milliseconds. */
  tokenLifetimeMs: number;
  keyGraceMs: number;
  jwksRefreshMs: number;
  /** `Infinity` (flag value `never`) keeps last-known-good keys forever. */
  jwksTtlMs: number;
  jwksRefetchCooldownMs: number;
  jwksFetchTimeoutMs: number;
  degradedAuditIntervalMs: number;
  clockSkewMs: number;
  /** Requests per second per tenant (token bucket refill rate). */
  rateLimit: number;
  rateBurst: number;
  /** Notify deliveries drained per second per tenant. */
  notifyDrainRate: number;
  tenantLabelCap: number;
  maxBodyBytes: number;
  /** Verified-token cache entries; 0 = verify every request with jose (benchmark comparison). */
  tokenCacheSize: number;
  /** File for audit lines; `null` = stdout. */
  auditLog: string | null;
  /**
   * Where the API fetches its JWKS; `null` = the Authority through the embedded fault agent. Set
   * it to reach the same Authority over a path of your own (a proxy, another network namespace).
   */
  jwksUrl: string | null;
  /** Where audit events travel before the store: in process, or through a broker (sim/timeline/). */
  timelineTransport: 'memory' | 'redis' | 'nats';
  redisUrl: string;
  natsUrl: string;
  /** Redis stream key / JetStream stream name of the timeline. */
  timelineStream: string;
  /** NATS subject prefix (`<subject>.<tenant>.<service>`). */
  timelineSubject: string;
  /** Redis consumer group / JetStream durable consumer of the ingester. */
  timelineConsumer: string;
  /** Redis stream key / JetStream stream name of refused envelopes. */
  timelineDeadLetter: string;
  /** Events the publisher holds while the broker is unreachable; past it new events are dropped and counted. */
  timelineBuffer: number;
  quiet: boolean;
  /** Tenants whose API answers are slowed or failed on purpose (--degrade, repeatable). */
  degrade: readonly DegradeSpec[];
}

export const SIM_DEFAULTS: Readonly<SimConfig> = Object.freeze({
  host: '127.0.0.1',
  apiPort: 8080,
  authorityPort: 8440,
  agentPort: 8441,
  agentControlPort: 8442,
  tenants: 20,
  clientSecret: LOCAL_CLIENT_SECRET,
  adminToken: LOCAL_ADMIN_TOKEN,
  tokenLifetimeMs: 3_600_000,
  // At least the token lifetime plus the clock skew: a token signed just before a rotation stays
  // verifiable until it expires (checked in checkConsistency).
  keyGraceMs: 4_200_000,
  jwksRefreshMs: 30_000,
  jwksTtlMs: 900_000,
  jwksRefetchCooldownMs: 10_000,
  jwksFetchTimeoutMs: 2_000,
  degradedAuditIntervalMs: 10_000,
  clockSkewMs: 5_000,
  // 5,000 req/s and a 10,000 burst per tenant: even if a whole 5k RPS run lands on one tenant the
  // default limit does not bite; lower it to exercise 429s.
  rateLimit: 5_000,
  rateBurst: 10_000,
  notifyDrainRate: 50,
  tenantLabelCap: 1_000,
  maxBodyBytes: 65_536,
  tokenCacheSize: 50_000,
  auditLog: null,
  jwksUrl: null,
  timelineTransport: 'memory',
  redisUrl: 'redis://127.0.0.1:6379',
  natsUrl: 'nats://127.0.0.1:4222',
  timelineStream: 'tenant_sim_audit',
  timelineSubject: 'tenant-sim.audit',
  timelineConsumer: 'timeline-ingester',
  timelineDeadLetter: 'tenant_sim_audit_dead',
  // 100,000 events = 200 s of the 5k profile's ~500 audit events/s, ~60 MB at worst.
  timelineBuffer: 100_000,
  quiet: false,
  degrade: Object.freeze([]) as readonly DegradeSpec[],
});

export class ConfigError extends Error {
  readonly code = 'ERR_SIM_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

type Kind = 'string' | 'port' | 'int' | 'number' | 'duration' | 'ttl' | 'bool' | 'file' | 'degrade' | 'enum' | 'url' | 'name' | 'subject';

interface FlagSpec {
  flag: string;
  key: keyof SimConfig;
  kind: Kind;
  min?: number;
  max?: number;
  /** `enum`: the allowed values; `url`: the allowed schemes (without ':'). */
  values?: readonly string[];
  help: string;
}

export const SIM_FLAGS: readonly FlagSpec[] = [
  { flag: 'host', key: 'host', kind: 'string', help: 'address every listener binds (loopback unless secrets are changed)' },
  { flag: 'api-port', key: 'apiPort', kind: 'port', help: 'API listener port (0 = any free port)' },
  { flag: 'authority-port', key: 'authorityPort', kind: 'port', help: 'Authority listener port' },
  { flag: 'agent-port', key: 'agentPort', kind: 'port', help: 'fault agent proxy port (in front of the Authority)' },
  { flag: 'agent-control-port', key: 'agentControlPort', kind: 'port', help: 'fault agent control API port' },
  { flag: 'tenants', key: 'tenants', kind: 'int', min: 1, max: 100_000, help: 'number of tenants tenant-01 … tenant-NN' },
  { flag: 'client-secret', key: 'clientSecret', kind: 'string', help: 'secret of every OAuth client' },
  { flag: 'admin-token', key: 'adminToken', kind: 'string', help: 'admin and fault-agent control token' },
  { flag: 'token-lifetime', key: 'tokenLifetimeMs', kind: 'duration', min: 1000, max: DAY_MS, help: 'access token lifetime' },
  { flag: 'key-grace', key: 'keyGraceMs', kind: 'duration', min: 0, max: WEEK_MS, help: 'how long a rotated-out key stays in the JWKS' },
  { flag: 'jwks-refresh', key: 'jwksRefreshMs', kind: 'duration', min: 10, max: DAY_MS, help: 'JWKS cache refresh interval' },
  { flag: 'jwks-ttl', key: 'jwksTtlMs', kind: 'ttl', min: 10, max: WEEK_MS, help: "how long cached keys stay usable after the last successful fetch, or 'never' (keep forever)" },
  { flag: 'jwks-refetch-cooldown', key: 'jwksRefetchCooldownMs', kind: 'duration', min: 0, max: HOUR_MS, help: 'minimum gap between unknown-kid refetches' },
  { flag: 'jwks-fetch-timeout', key: 'jwksFetchTimeoutMs', kind: 'duration', min: 10, max: MINUTE_MS, help: 'timeout of one JWKS fetch' },
  { flag: 'degraded-audit-interval', key: 'degradedAuditIntervalMs', kind: 'duration', min: 10, max: HOUR_MS, help: 'aggregation window of auth.degraded / auth.denied audit events' },
  { flag: 'clock-skew', key: 'clockSkewMs', kind: 'duration', min: 0, max: 10 * MINUTE_MS, help: 'tolerance on exp/nbf' },
  { flag: 'rate-limit', key: 'rateLimit', kind: 'number', min: 0.001, help: 'requests per second per tenant' },
  { flag: 'rate-burst', key: 'rateBurst', kind: 'int', min: 1, help: 'token bucket size per tenant' },
  { flag: 'notify-drain-rate', key: 'notifyDrainRate', kind: 'number', min: 0, help: 'Notify deliveries drained per second per tenant' },
  { flag: 'tenant-label-cap', key: 'tenantLabelCap', kind: 'int', min: 1, max: 100_000, help: 'distinct tenant label values before __overflow__' },
  { flag: 'max-body-bytes', key: 'maxBodyBytes', kind: 'int', min: 1, max: 16 * 1024 * 1024, help: 'largest accepted request body' },
  { flag: 'token-cache-size', key: 'tokenCacheSize', kind: 'int', min: 0, max: 10_000_000, help: 'verified tokens kept (map lookup instead of RSA verify); 0 = verify every request' },
  { flag: 'audit-log', key: 'auditLog', kind: 'file', help: 'file that audit JSON lines are appended to' },
  { flag: 'jwks-url', key: 'jwksUrl', kind: 'url', values: ['http'], help: "the API's JWKS URL (an http:// path to this platform's Authority); unset = through the embedded fault agent" },
  { flag: 'timeline-transport', key: 'timelineTransport', kind: 'enum', values: ['memory', 'redis', 'nats'], help: 'how audit events reach the store: memory (in process), redis (Redis Streams) or nats (NATS JetStream)' },
  { flag: 'redis-url', key: 'redisUrl', kind: 'url', values: ['redis', 'rediss'], help: 'Redis server of --timeline-transport redis' },
  { flag: 'nats-url', key: 'natsUrl', kind: 'url', values: ['nats', 'tls'], help: 'NATS server (JetStream enabled) of --timeline-transport nats' },
  { flag: 'timeline-stream', key: 'timelineStream', kind: 'name', help: 'Redis stream key / JetStream stream name of the audit timeline' },
  { flag: 'timeline-subject', key: 'timelineSubject', kind: 'subject', help: 'NATS subject prefix; events go to <subject>.<tenant>.<service>, dead letters to <subject>-dead' },
  { flag: 'timeline-consumer', key: 'timelineConsumer', kind: 'name', help: 'Redis consumer group / JetStream durable consumer of the ingester' },
  { flag: 'timeline-dead-letter', key: 'timelineDeadLetter', kind: 'name', help: 'Redis stream key / JetStream stream name for envelopes the ingester refuses' },
  { flag: 'timeline-buffer', key: 'timelineBuffer', kind: 'int', min: 1, max: 10_000_000, help: 'audit events held while the broker is unreachable; past it new events are dropped (counted)' },
  { flag: 'quiet', key: 'quiet', kind: 'bool', help: 'no informational log lines on stderr' },
  {
    flag: 'degrade',
    key: 'degrade',
    kind: 'degrade',
    help: "slow or fail one tenant's API answers: TENANT:latency=400ms[,errors=0.05]; repeatable (env: entries separated by ';')",
  },
];

export function envName(flag: string): string {
  return `SIM_${flag.toUpperCase().replace(/-/g, '_')}`;
}

function parseValue(spec: FlagSpec, raw: string, source: string): unknown {
  const bad = (allowed: string): never => {
    throw new ConfigError(`invalid value '${raw}' for ${source}: expected ${allowed}`);
  };
  const range = (n: number, unit = ''): void => {
    if (spec.min !== undefined && n < spec.min) bad(`a value >= ${spec.min}${unit}`);
    if (spec.max !== undefined && n > spec.max) bad(`a value <= ${spec.max}${unit}`);
  };
  switch (spec.kind) {
    case 'string':
    case 'file':
      if (raw.length === 0) bad('a non-empty string');
      return raw;
    case 'bool':
      if (['1', 'true', 'yes', ''].includes(raw)) return true;
      if (['0', 'false', 'no'].includes(raw)) return false;
      return bad('true or false');
    case 'port': {
      if (!/^\d+$/.test(raw) || Number(raw) > 65535) bad('a port number 0-65535 (0 = any free port)');
      return Number(raw);
    }
    case 'int': {
      if (!/^\d+$/.test(raw)) bad(`an integer${spec.min !== undefined ? ` >= ${spec.min}` : ''}`);
      const n = Number(raw);
      range(n);
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) bad(`a number${spec.min !== undefined ? ` >= ${spec.min}` : ''}`);
      range(n);
      return n;
    }
    case 'degrade': {
      const spec = parseDegrade(raw);
      if (typeof spec === 'string') throw new ConfigError(`invalid value '${raw}' for ${source}: ${spec}`);
      return spec;
    }
    case 'enum':
      if (!spec.values?.includes(raw)) bad(`one of ${spec.values?.join(', ')}`);
      return raw;
    case 'name':
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(raw)) bad('1-64 characters from A-Z a-z 0-9 _ - (valid as a Redis key and a JetStream name)');
      return raw;
    case 'subject':
      if (raw.length > 128 || !/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(raw)) bad("dot-separated tokens of A-Z a-z 0-9 _ - (no wildcards), at most 128 characters, e.g. 'tenant-sim.audit'");
      return raw;
    case 'url': {
      let u: URL | null = null;
      try {
        u = new URL(raw);
      } catch {
        /* reported below */
      }
      const schemes = spec.values ?? [];
      if (!u || !schemes.includes(u.protocol.slice(0, -1)) || u.hostname === '') {
        // The value may carry a password: name the flag and the form, never echo it.
        throw new ConfigError(`invalid value for ${source}: expected a URL ${schemes.map((x) => `${x}://host:port`).join(' or ')}`);
      }
      return raw;
    }
    case 'ttl':
    case 'duration': {
      if (spec.kind === 'ttl' && raw === 'never') return Infinity;
      const ms = parseGoDuration(raw);
      const allowed = `a Go duration such as '500ms', '30s', '15m' or '1h'${spec.kind === 'ttl' ? " or 'never'" : ''}`;
      if (ms === undefined || ms < 0) bad(allowed);
      if (spec.min !== undefined && (ms as number) < spec.min) bad(`${allowed}, at least ${spec.min} ms`);
      // Every duration is bounded: Node timers fire at once above 2^31-1 ms (about 24.8 days).
      if (spec.max !== undefined && (ms as number) > spec.max) bad(`${allowed}, at most ${formatGoDuration(spec.max)}`);
      return ms;
    }
  }
}

export const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Refuses a non-loopback host while a local default secret is unchanged (docs/architecture.md#platform). */
export function checkExposure(config: Pick<SimConfig, 'host' | 'clientSecret' | 'adminToken'>): void {
  if (isLoopbackHost(config.host)) return;
  const unchanged = [
    config.clientSecret === LOCAL_CLIENT_SECRET ? '--client-secret (SIM_CLIENT_SECRET)' : '',
    config.adminToken === LOCAL_ADMIN_TOKEN ? '--admin-token (SIM_ADMIN_TOKEN)' : '',
  ].filter(Boolean);
  if (unchanged.length > 0) {
    throw new ConfigError(
      `refusing to listen on non-loopback --host '${config.host}' with the local default ${unchanged.join(' and ')}; set your own values or use 127.0.0.1`,
    );
  }
}

/** Checks that need more than one value (and the duration bounds, for callers of startSim). */
export function checkConsistency(config: Pick<SimConfig, 'jwksTtlMs' | 'jwksRefreshMs'> & Partial<SimConfig>): void {
  for (const spec of SIM_FLAGS) {
    const v = (config as Record<string, unknown>)[spec.key];
    if ((spec.kind === 'duration' || spec.kind === 'ttl') && typeof v === 'number' && v !== Infinity && spec.max !== undefined && !(v <= spec.max)) {
      throw new ConfigError(`--${spec.flag} (${formatGoDuration(v)}) must be at most ${formatGoDuration(spec.max)}`);
    }
  }
  if (config.keyGraceMs !== undefined && config.tokenLifetimeMs !== undefined && config.keyGraceMs < config.tokenLifetimeMs + (config.clockSkewMs ?? 0)) {
    throw new ConfigError(
      `--key-grace (${formatGoDuration(config.keyGraceMs)}) must be at least --token-lifetime (${formatGoDuration(config.tokenLifetimeMs)}) plus --clock-skew (${formatGoDuration(config.clockSkewMs ?? 0)}): a token signed just before a key rotation must verify until it expires, not break when the old key leaves the JWKS`,
    );
  }
  if (config.jwksTtlMs <= config.jwksRefreshMs) {
    throw new ConfigError(
      `--jwks-ttl (${formatGoDuration(config.jwksTtlMs)}) must be longer than --jwks-refresh (${formatGoDuration(config.jwksRefreshMs)}), otherwise keys expire between two refreshes even without an outage`,
    );
  }
}

/** --degrade names tenants of this platform, each once, at most MAX_DEGRADE_ENTRIES. */
export function checkDegrade(config: Pick<SimConfig, 'degrade' | 'tenants'>): void {
  if (config.degrade.length > MAX_DEGRADE_ENTRIES) throw new ConfigError(`--degrade: at most ${MAX_DEGRADE_ENTRIES} tenants (got ${config.degrade.length})`);
  const ids = new Set(tenantIds(config.tenants));
  const seen = new Set<string>();
  for (const d of config.degrade) {
    if (!ids.has(d.tenant)) {
      const list = tenantIds(Math.min(config.tenants, 2));
      throw new ConfigError(`--degrade: '${d.tenant}' is not a tenant of this platform (--tenants ${config.tenants}: ${list.join(', ')}${config.tenants > 2 ? ' …' : ''})`);
    }
    if (seen.has(d.tenant)) throw new ConfigError(`--degrade: '${d.tenant}' given twice; give one entry per tenant, e.g. ${d.tenant}:latency=400ms,errors=0.05`);
    seen.add(d.tenant);
  }
}

export interface ParsedArgs {
  config: SimConfig;
  help: boolean;
}

/** Parses argv (without node and script) and env. Precedence: defaults < env < flags. */
export function parseSimArgs(argv: readonly string[], env: Record<string, string | undefined>): ParsedArgs {
  const config: SimConfig = { ...SIM_DEFAULTS };
  let degradeFromFlags = false;
  const set = (spec: FlagSpec, raw: string, source: string): void => {
    if (spec.kind === 'degrade') {
      // Repeatable: flags add up, and replace (not extend) what the env said.
      const fromFlag = source.startsWith('--');
      const base = fromFlag && !degradeFromFlags ? [] : config.degrade;
      if (fromFlag) degradeFromFlags = true;
      config.degrade = [...base, parseValue(spec, raw, source) as DegradeSpec];
      return;
    }
    (config as unknown as Record<string, unknown>)[spec.key] = parseValue(spec, raw, source);
  };
  for (const spec of SIM_FLAGS) {
    const name = envName(spec.flag);
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (spec.kind === 'degrade') for (const entry of raw.split(';').map((e) => e.trim()).filter(Boolean)) set(spec, entry, name);
    else set(spec, raw, `${name}`);
  }
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg}': tenant-sim takes only --flags (see --help)`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = SIM_FLAGS.find((s) => s.flag === name);
    if (!spec) {
      throw new ConfigError(`unknown flag --${name}; allowed flags: ${SIM_FLAGS.map((s) => `--${s.flag}`).join(', ')}, --help`);
    }
    let raw: string;
    if (eq !== -1) raw = arg.slice(eq + 1);
    else if (spec.kind === 'bool') raw = 'true';
    else {
      const next = argv[i + 1];
      if (next === undefined) throw new ConfigError(`flag --${name} needs a value: ${spec.help}`);
      raw = next;
      i++;
    }
    set(spec, raw, `--${name}`);
  }
  checkExposure(config);
  checkConsistency(config);
  checkDegrade(config);
  return { config, help };
}

/** Formats milliseconds as a Go duration string (`3600000` → `1h`, `90000` → `1m30s`), `never` for a TTL that never ends. */
export function formatGoDuration(ms: number): string {
  return ms === Infinity ? 'never' : formatDuration(ms);
}

export function usage(): string {
  const lines = SIM_FLAGS.map((s) => {
    const def = SIM_DEFAULTS[s.key];
    const shown = s.kind === 'degrade' ? 'none' : def === null ? (s.kind === 'url' ? 'through the fault agent' : 'stdout') : s.kind === 'duration' || s.kind === 'ttl' ? formatGoDuration(def as number) : String(def);
    return `  --${s.flag.padEnd(26)} ${s.help} (default ${shown}; env ${envName(s.flag)})`;
  });
  return ['Usage: tenant-sim [flags]', '', 'Runs the reference tenant platform (Authority, APIs, fault agent) on one machine.', 'Durations are Go duration strings (500ms, 30s, 15m, 1h). Flags win over env.', '', ...lines, ''].join('\n');
}
