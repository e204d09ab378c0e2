/**
 * The reference tenant platform in one process (docs/architecture.md#platform): Authority, fault agent in front of
 * it, APIs with their JWKS cache (fetching through the agent, so an injected fault is a JWKS
 * outage), audit, metrics. `startSim` is what tests and the CLI call.
 *
 * @example
 *   const sim = await startSim({ apiPort: 0, authorityPort: 0, agentPort: 0, agentControlPort: 0 });
 *   // ... sim.api, sim.authority, sim.authorityViaAgent, sim.agentControl
 *   await sim.close();
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { createApiServer } from './api/api-server';
import { NotifyQueues } from './api/notify-queue';
import { RateLimiter } from './api/rate-limiter';
import { Degrader } from './api/degrade';
import { TenantStore } from './api/store/tenant-store';
import { AuditLog } from './audit/audit-log';
import { AuthAudit } from './audit/auth-audit';
import { JwksCache } from './auth/jwks-cache';
import { TokenVerifier } from './auth/token-verifier';
import { createAuthorityServer } from './authority/authority-server';
import { KeyStore } from './authority/key-store';
import { AUDIENCE, TENANT_CLAIM } from './authority/token-endpoint';
import { systemClock, type Clock } from './clock';
import { checkConsistency, checkDegrade, checkExposure, ConfigError, SIM_DEFAULTS, type SimConfig } from './config';
import { startFaultAgent, type FaultAgent } from './fault-agent/agent';
import type { FaultController } from './fault-agent/fault-controller';
import { closeServer, listen, urlOf } from './http/harden';
import { silentLogger, type Logger } from './logger';
import { SimMetrics } from './metrics/sim-metrics';
import { TenantRegistry } from './tenants';
import { startTimeline, type Timeline } from './timeline/timeline';

export interface StartSimOptions extends Partial<SimConfig> {
  /** Time source for every interval and token check (default: the system clock). */
  clock?: Clock;
  /** Random source of the embedded fault agent (default Math.random). */
  random?: () => number;
  /**
   * Where audit lines go. Default: the `auditLog` file when set, else nowhere (the ring buffer
   * behind /audit/events still records). The CLI passes process.stdout.
   */
  auditSink?: Writable | null;
  logger?: Logger;
  /** Register prom-client's default process metrics (default true). */
  defaultMetrics?: boolean;
  /** Replaces the JWKS HTTP fetch (tests of the cache alone). */
  fetchJwks?: (url: string, timeoutMs: number) => Promise<unknown>;
  /** JetStream ack wait of the timeline consumer (default 10 s); restart tests shorten it. */
  natsAckWaitMs?: number;
}

export interface Sim {
  api: string;
  authority: string;
  authorityViaAgent: string;
  agentControl: string;
  /** The `iss` of every token. */
  issuer: string;
  config: SimConfig;
  clock: Clock;
  metrics: SimMetrics;
  audit: AuditLog;
  authAudit: AuthAudit;
  jwks: JwksCache;
  keys: KeyStore;
  faults: FaultController;
  registry: TenantRegistry;
  /** The broker timeline (publisher, ingester, transport); null with `--timeline-transport memory`. */
  timeline: Timeline | null;
  /** Whether the first JWKS fetch succeeded before start resolved. */
  jwksLoaded: boolean;
  close(): Promise<void>;
}

export async function startSim(options: StartSimOptions = {}): Promise<Sim> {
  const { clock: clockOpt, random, auditSink, logger: loggerOpt, defaultMetrics, fetchJwks, natsAckWaitMs, ...partial } = options;
  const config: SimConfig = { ...SIM_DEFAULTS, ...partial };
  checkExposure(config);
  checkConsistency(config);
  checkDegrade(config);
  const clock = clockOpt ?? systemClock;
  const logger = loggerOpt ?? silentLogger;
  const metrics = new SimMetrics({ tenantLabelCap: config.tenantLabelCap, defaultMetrics: defaultMetrics ?? true });
  let fileSink: WriteStream | null = null;
  if (auditSink === undefined && config.auditLog) {
    const file = config.auditLog;
    fileSink = createWriteStream(file, { flags: 'a' });
    await new Promise<void>((resolve, reject) => {
      fileSink!.once('open', () => resolve());
      fileSink!.once('error', (err: NodeJS.ErrnoException) => reject(new ConfigError(`cannot open --audit-log '${file}' for appending: ${err.code ?? err.message}`)));
    });
  }
  const audit = new AuditLog(clock, auditSink ?? fileSink, () => metrics.auditDropped.inc());
  const registry = new TenantRegistry(config.tenants);
  let timeline: Timeline | null;
  try {
    timeline = await startTimeline({ config, audit, metrics, registry, clock, logger, ...(natsAckWaitMs ? { natsAckWaitMs } : {}) });
  } catch (err) {
    if (fileSink) fileSink.end();
    // Not a bad flag value (the CLI exits 1, not 2): the broker did not answer.
    throw new Error(`--timeline-transport ${config.timelineTransport}: ${(err as Error).message}`);
  }
  const keys = await KeyStore.create(clock, config.keyGraceMs);

  let issuer = '';
  const closeTimeline = async (): Promise<void> => {
    await timeline?.close();
  };
  const authorityServer = createAuthorityServer({
    clock,
    keys,
    registry,
    issuer: () => issuer,
    clientSecret: config.clientSecret,
    adminToken: config.adminToken,
    tokenLifetimeMs: config.tokenLifetimeMs,
    jwksMaxAgeS: Math.max(1, Math.floor(config.jwksRefreshMs / 1000)),
    audit,
    logger,
  });
  let authorityPort: number;
  try {
    authorityPort = await listen(authorityServer, config.authorityPort, config.host);
  } catch (err) {
    await closeTimeline();
    throw err;
  }
  issuer = urlOf(config.host, authorityPort);

  let agent: FaultAgent;
  try {
    agent = await startFaultAgent({
      upstream: issuer,
      host: config.host,
      proxyPort: config.agentPort,
      controlPort: config.agentControlPort,
      adminToken: config.adminToken,
      clock,
      logger,
      ...(random ? { random } : {}),
    });
  } catch (err) {
    await closeServer(authorityServer);
    await closeTimeline();
    throw err;
  }

  const authAudit = new AuthAudit(audit, clock, config.degradedAuditIntervalMs);
  const jwks = new JwksCache({
    url: config.jwksUrl ?? `${agent.proxy}/jwks`,
    clock,
    refreshMs: config.jwksRefreshMs,
    ttlMs: config.jwksTtlMs,
    refetchCooldownMs: config.jwksRefetchCooldownMs,
    fetchTimeoutMs: config.jwksFetchTimeoutMs,
    metrics,
    onDegraded: (error) => logger.info(`JWKS refresh failing, serving last-known-good keys: ${error}`),
    onRecovered: () => {
      authAudit.noteRecovered();
      logger.info('JWKS refresh recovered');
    },
    ...(fetchJwks ? { fetchJwks } : {}),
  });
  const verifier = new TokenVerifier({ cache: jwks, clock, issuer, audience: AUDIENCE, tenantClaim: TENANT_CLAIM, clockSkewMs: config.clockSkewMs, maxCachedTokens: config.tokenCacheSize });
  const queues = new NotifyQueues(clock, config.notifyDrainRate, (tenant) => metrics.queueDropped.inc({ tenant: metrics.tenants.label(tenant), service: 'notify' }));
  const apiServer = createApiServer({
    clock,
    verifier,
    jwks,
    store: new TenantStore(),
    registry,
    limiter: new RateLimiter(config.rateLimit, config.rateBurst),
    ...(config.degrade.length > 0 ? { degrader: new Degrader(config.degrade) } : {}),
    queues,
    metrics,
    audit,
    authAudit,
    adminToken: config.adminToken,
    maxBodyBytes: config.maxBodyBytes,
    logger,
  });
  let apiPort: number;
  try {
    apiPort = await listen(apiServer, config.apiPort, config.host);
  } catch (err) {
    authAudit.stop();
    queues.stop();
    await Promise.all([closeServer(authorityServer), agent.close()]);
    await closeTimeline();
    throw err;
  }
  const jwksLoaded = await jwks.start();
  if (!jwksLoaded) logger.error(`first JWKS fetch failed (${jwks.error ?? 'unknown'}); /readyz answers 503 until one succeeds`);

  let closing: Promise<void> | null = null;
  return {
    api: urlOf(config.host, apiPort),
    authority: issuer,
    authorityViaAgent: agent.proxy,
    agentControl: agent.control,
    issuer,
    config,
    clock,
    metrics,
    audit,
    authAudit,
    jwks,
    keys,
    faults: agent.controller,
    registry,
    timeline,
    jwksLoaded,
    close() {
      closing ??= (async () => {
        jwks.stop();
        authAudit.stop();
        queues.stop();
        await Promise.all([closeServer(apiServer), closeServer(authorityServer), agent.close()]);
        // After the listeners: events of the last requests still travel through the broker.
        await closeTimeline();
        if (fileSink) await new Promise<void>((resolve) => fileSink!.end(() => resolve()));
      })();
      return closing;
    },
  };
}

export { SIM_DEFAULTS, type SimConfig } from './config';
export type { AuditEvent } from './audit/audit-event';
export type { FaultRecord } from './fault-agent/fault-controller';
