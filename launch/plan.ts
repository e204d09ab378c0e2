/**
 * Turns `npm start` options into the concrete run: the platform's flags (JWKS cache timing chosen
 * so the requested chaos story happens), the bundle to run, and its environment. Pure: the same
 * options and secrets always give the same plan, which test/launch checks.
 */
import { parseGoDuration } from '../contracts/duration';
import type { StartOptions } from './options';

export interface RunSecrets {
  /** The platform's admin / fault-agent control token for this run. */
  adminToken: string;
  /** The platform's client secret for this run. */
  clientSecret: string;
}

export interface PlatformEndpoints {
  api: string;
  authority: string;
  authorityViaAgent: string;
  agentControl: string;
}

export interface JwksTiming {
  refresh: string;
  ttl: string;
  degradedAuditInterval: string;
}

const seconds = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))}s`;

/**
 * JWKS cache timing for the chaos story:
 * - refresh every 2 s, so an outage is noticed at once even in a compressed run;
 * - `fallback`: the TTL outlives the outage with room to spare (2 × outage + 10 s), so the
 *   platform keeps serving on cached keys and the run must stay inside its SLOs;
 * - `expiry`: the TTL is a third of the outage, so the keys expire mid-outage and the platform
 *   must fail closed (401) until the JWKS is back;
 * - `off`: the platform's production-like default TTL.
 */
export function jwksTiming(opts: Pick<StartOptions, 'chaos' | 'chaosDuration'>): JwksTiming {
  const outage = parseGoDuration(opts.chaosDuration) ?? 30_000;
  const ttl = opts.chaos === 'fallback' ? seconds(2 * outage + 10_000) : opts.chaos === 'expiry' ? seconds(outage / 3) : '15m';
  return { refresh: '2s', ttl, degradedAuditInterval: '5s' };
}

/**
 * In expiry mode the bundle asserts the error rate is back under its SLO within a stated recovery
 * time after the outage, and that window must fit in the run (lib/config.ts checks it): a third of
 * what is left after the outage, between 2 s and the bundle's 30 s default. The platform itself
 * recovers within one JWKS refresh (2 s).
 */
export function recoveryTime(opts: Pick<StartOptions, 'duration' | 'chaosStart' | 'chaosDuration'>): string {
  const left = (parseGoDuration(opts.duration) ?? 0) - (parseGoDuration(opts.chaosStart) ?? 0) - (parseGoDuration(opts.chaosDuration) ?? 0);
  return seconds(Math.min(30_000, Math.max(2_000, left / 3)));
}

/**
 * The per-tenant rate limit of a noisy-neighbour run: half the flood, with a one-second burst, so
 * the noisy tenant is answered 429 for at least half its requests while every other tenant
 * (options.ts checks: at most half the limit) never meets it. Without a noisy tenant the
 * platform's default (5,000/s, burst 10,000) stays.
 */
export function noisyRateLimit(opts: Pick<StartOptions, 'noisy'>): number | undefined {
  return opts.noisy ? Math.max(1, Math.floor(opts.noisy.rate / 2)) : undefined;
}

/** Flags for `tenant-sim`: loopback, free ports, this run's secrets passed through the env. */
export function simArgs(opts: StartOptions, auditLog: string): string[] {
  const t = jwksTiming(opts);
  const limit = noisyRateLimit(opts);
  return [
    '--host', '127.0.0.1',
    '--api-port', '0',
    '--authority-port', '0',
    '--agent-port', '0',
    '--agent-control-port', '0',
    '--tenants', String(opts.tenants),
    '--jwks-refresh', t.refresh,
    '--jwks-ttl', t.ttl,
    '--degraded-audit-interval', t.degradedAuditInterval,
    '--audit-log', auditLog,
    ...(limit !== undefined ? ['--rate-limit', String(limit), '--rate-burst', String(limit)] : []),
    ...opts.degrade.flatMap((d) => ['--degrade', d]),
  ];
}

/** Secrets travel in the environment, never on a command line that `ps` shows. */
export function simEnv(secrets: RunSecrets): Record<string, string> {
  return { SIM_ADMIN_TOKEN: secrets.adminToken, SIM_CLIENT_SECRET: secrets.clientSecret };
}

/** The chaos mode as the bundle reads it, and tenant-verdict after the run (same variables). */
export function chaosEnv(opts: Pick<StartOptions, 'chaos'>): { CHAOS: 'on' | 'off'; CHAOS_EXPECT: 'fallback' | 'expiry' } {
  return { CHAOS: opts.chaos === 'off' ? 'off' : 'on', CHAOS_EXPECT: opts.chaos === 'expiry' ? 'expiry' : 'fallback' };
}

/**
 * The bundle's environment (docs/architecture.md#k6-side names). k6 and the offline runner both put the process
 * environment into `__ENV`, so nothing secret needs `-e` on the command line.
 */
export function bundleEnv(
  opts: StartOptions,
  urls: PlatformEndpoints,
  secrets: RunSecrets,
  files: { summaryJson: string; junitXml: string },
): Record<string, string> {
  return {
    BASE_URL: urls.api,
    AUTH_URL: urls.authorityViaAgent,
    AUTH_CLIENT_SECRET: secrets.clientSecret,
    AUDIT_URL: urls.api,
    AUDIT_TOKEN: secrets.adminToken,
    FAULT_AGENT_URL: urls.agentControl,
    FAULT_AGENT_TOKEN: secrets.adminToken,
    TENANTS: String(opts.tenants),
    RATE: String(opts.rate),
    DURATION: opts.duration,
    RAMP_UP: opts.rampUp,
    READ_RATIO: String(opts.readRatio),
    ...chaosEnv(opts),
    CHAOS_START: opts.chaosStart,
    CHAOS_DURATION: opts.chaosDuration,
    ...(opts.chaosFault !== 'error' ? { CHAOS_FAULT: opts.chaosFault } : {}),
    // The Authority's admin endpoint (through the agent; the outage leaves it alone).
    ...(opts.chaosRotate && opts.chaos !== 'off' ? { CHAOS_ROTATE: 'on', CHAOS_ROTATE_TOKEN: secrets.adminToken } : {}),
    ...(opts.chaos === 'expiry' ? { SLO_RECOVERY_TIME: recoveryTime(opts) } : {}),
    SUMMARY_JSON: files.summaryJson,
    JUNIT_XML: files.junitXml,
    ...(opts.tenantWeights !== undefined ? { TENANT_WEIGHTS: opts.tenantWeights } : {}),
    ...(opts.noisy
      ? {
          NOISY_TENANT: opts.noisy.tenant,
          NOISY_RATE: String(opts.noisy.rate),
          ...(opts.noisy.start !== undefined ? { NOISY_START: opts.noisy.start } : {}),
          ...(opts.noisy.duration !== undefined ? { NOISY_DURATION: opts.noisy.duration } : {}),
        }
      : {}),
  };
}

/** How the offline runner's `k6/x/disruptor` reaches the fault agent (runner/README.md). */
export function runnerEnv(urls: PlatformEndpoints, secrets: RunSecrets): Record<string, string> {
  return {
    // Our bundles keep no state on the global object, so their VUs may share one realm: every VU
    // then runs the same warmed-up code (runner/DIFFERENCES.md, K6_OFFLINE_VU_REALM).
    K6_OFFLINE_VU_REALM: 'shared',
    K6_OFFLINE_FAULT_AGENT_URL: urls.agentControl,
    K6_OFFLINE_FAULT_AGENT_TOKEN: secrets.adminToken,
  };
}

/**
 * The offline runner executes the Kubernetes bundle (`tenant-load.js`), its `k6/x/disruptor`
 * mapped onto the platform's fault agent: the very script users run on the Operator. A stock k6
 * binary has no xk6-disruptor, so with k6 the agent bundle runs instead.
 */
export function bundleFor(engine: 'offline' | 'k6', chaosFault: StartOptions['chaosFault'] = 'error'): string {
  // xk6-disruptor cannot black-hole or reset (tenant-load.js refuses them at init): those shapes
  // run the agent bundle, as users must.
  const agentOnly = chaosFault === 'blackhole' || chaosFault === 'reset';
  return engine === 'offline' && !agentOnly ? 'dist/tenant-load.js' : 'dist/tenant-load-agent.js';
}
