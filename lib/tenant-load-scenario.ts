/// <reference path="./k6-utils.d.ts" />
/**
 * The load-and-chaos scenario module behind both load bundles (dist/tenant-load.js with
 * xk6-disruptor, dist/tenant-load-agent.js with the fault agent): options, setup, the load
 * iteration, the chaos iteration, teardown and handleSummary. The bundles differ only in the
 * FaultInjector they pass in.
 *
 * Scenarios (docs/k6-semantics.md#scenarios, #fault-and-load-pattern):
 * - `tenant_load`: constant-arrival-rate, RATE/s for DURATION, exec `tenantLoad`;
 * - `jwks_chaos`: shared-iterations, 1 VU x 1 iteration at CHAOS_START, exec `jwksChaos`
 *   (absent with CHAOS=off). In an Operator run it executes on instance 1 only.
 * - `noisy_neighbour` (with NOISY_TENANT): constant-arrival-rate, NOISY_RATE/s of that tenant's
 *   mix from NOISY_START for NOISY_DURATION, exec `noisyLoad`, on top of `tenant_load`.
 */
import { log } from './log';
import type { Options } from 'k6/options';
import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.6.0/index.js';
import type { FaultInjector } from '../disruptor/fault-injector';
import { jwksOutageFault, xk6ShapeProblem } from '../disruptor/jwks-outage';
import { ConfigError } from './config-error';
import { rotateAndProbe, rotationExclude } from './key-rotation';
import type { SloRow } from '../thresholds/build-thresholds';
import { CHAOS_SCENARIO, LOAD_SCENARIO, NOISY_SCENARIO, buildLoadThresholds } from '../thresholds/build-thresholds';
import { firedAlerts } from './alert-evidence';
import type { CallerPlan } from './api-call';
import { ApiCaller } from './api-call';
import { countDegradedEvents } from './audit-evidence';
import type { Config } from './config';
import { loadConfig, sizeVUs } from './config';
import { formatDuration } from '../contracts/duration';
import type { Env } from '../contracts/env-reader';
import { executionSegment, iterationInTest, nowMs, runElapsedMs, vuIdInTest } from './k6-exec';
import { runsFaultScenario } from './instance-share';
import { k6Env, readTextFile } from './k6-env';
import { alertsFired, authDegradedEvents, faultWitness } from './metrics';
import type { RenderContext } from './catalog';
import { chooseFromMix, MixTable } from './mix';
import type { ChaosWindow, Phase } from './phase';
import { phaseAt } from './phase';
import type { SummaryData } from './summary/summary-data';
import { summaryOutputs } from './summary/handle-summary';
import type { SetupData } from './tenant-setup';
import { prepareTenants } from './tenant-setup';
import { VuTokenStore } from './vu-token-store';
import { tenantTag } from './tenants';
import { TenantPicker } from './tenant-weights';

/** Time the chaos scenario gets beyond CHAOS_DURATION: agent attach (xk6 injectTimeout 30 s) and read-back. */
export const CHAOS_SETUP_ALLOWANCE_MS = 60_000;
/** CHAOS_ROTATE=on: the key rotation and new-kid probe (lib/key-rotation.ts). */
export const ROTATE_SCENARIO = 'jwks_rotate';

export interface LoadScenarioInput {
  bundle: string;
  /** Builds the backend; called inside the chaos exec function, never in init. */
  injector: (cfg: Config) => FaultInjector;
  env?: Env;
  readFile?: (path: string) => string;
  random?: () => number;
  /** Fault backend name for summary.json. */
  backend: string;
}

export function chaosWindow(cfg: Config): ChaosWindow {
  return {
    enabled: cfg.chaos.enabled,
    startMs: cfg.chaos.startMs,
    durationMs: cfg.chaos.durationMs,
    marginMs: cfg.chaos.marginMs,
    settleMs: cfg.chaos.expect === 'expiry' ? cfg.slo.recoveryMs : 0,
  };
}

/** setup() budget: 60 s, plus 100 ms per tenant beyond 100 (tokens + discovery in batches). */
export function setupTimeoutMs(tenants: number): number {
  return 60_000 + Math.max(0, tenants - 100) * 100;
}

export function buildLoadOptions(cfg: Config, rows: { thresholds: Options['thresholds'] }): Options {
  const scenarios: NonNullable<Options['scenarios']> = {
    [LOAD_SCENARIO]:
      cfg.rampUpMs > 0
        ? {
            executor: 'ramping-arrival-rate',
            exec: 'tenantLoad',
            startRate: cfg.startRate,
            timeUnit: '1s',
            stages: [
              { duration: formatDuration(cfg.rampUpMs), target: cfg.rate },
              { duration: formatDuration(cfg.durationMs - cfg.rampUpMs), target: cfg.rate },
            ],
            preAllocatedVUs: cfg.preAllocatedVUs,
            maxVUs: cfg.maxVUs,
            gracefulStop: '10s',
          }
        : {
            executor: 'constant-arrival-rate',
            exec: 'tenantLoad',
            rate: cfg.rate,
            timeUnit: '1s',
            duration: formatDuration(cfg.durationMs),
            preAllocatedVUs: cfg.preAllocatedVUs,
            maxVUs: cfg.maxVUs,
            gracefulStop: '10s',
          },
  };
  if (cfg.noisy) {
    // Throttled answers are fast, but a platform that stops throttling answers at normal speed:
    // the VUs are sized for the normal iteration time.
    const vus = sizeVUs(cfg.noisy.rate, cfg.expectedIterationMs);
    scenarios[NOISY_SCENARIO] = {
      executor: 'constant-arrival-rate',
      exec: 'noisyLoad',
      rate: cfg.noisy.rate,
      timeUnit: '1s',
      duration: formatDuration(cfg.noisy.durationMs),
      startTime: formatDuration(cfg.noisy.startMs),
      preAllocatedVUs: vus.preAllocatedVUs,
      maxVUs: vus.maxVUs,
      gracefulStop: '10s',
    };
  }
  if (cfg.chaos.enabled) {
    scenarios[CHAOS_SCENARIO] = {
      executor: 'shared-iterations',
      exec: 'jwksChaos',
      vus: 1,
      iterations: 1,
      startTime: formatDuration(cfg.chaos.startMs),
      maxDuration: formatDuration(cfg.chaos.durationMs + CHAOS_SETUP_ALLOWANCE_MS),
      gracefulStop: '30s',
    };
  }
  if (cfg.chaos.enabled && cfg.chaos.rotate) {
    const half = Math.floor(cfg.chaos.durationMs / 2);
    scenarios[ROTATE_SCENARIO] = {
      executor: 'shared-iterations',
      exec: 'jwksRotate',
      vus: 1,
      iterations: 1,
      startTime: formatDuration(cfg.chaos.startMs + half),
      maxDuration: formatDuration(cfg.chaos.durationMs - half + cfg.chaos.marginMs + cfg.slo.recoveryMs + CHAOS_SETUP_ALLOWANCE_MS),
      gracefulStop: '30s',
    };
  }
  const cloud: Record<string, unknown> = { name: cfg.cloud.name };
  if (cfg.cloud.projectID !== undefined) cloud.projectID = cfg.cloud.projectID;
  if (cfg.cloud.stackID !== undefined) cloud.stackID = cfg.cloud.stackID;
  if (cfg.cloud.distribution) cloud.distribution = cfg.cloud.distribution;
  return {
    scenarios,
    thresholds: rows.thresholds,
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    setupTimeout: formatDuration(setupTimeoutMs(cfg.tenants.length)),
    teardownTimeout: '60s',
    cloud,
  };
}

export interface LoadScenario {
  config: Config;
  rows: SloRow[];
  options: Options;
  setup: () => Promise<SetupData>;
  tenantLoad: (data: SetupData) => Promise<void>;
  noisyLoad: (data: SetupData) => Promise<void>;
  jwksChaos: () => Promise<void>;
  jwksRotate: () => Promise<void>;
  teardown: (data: SetupData) => Promise<void>;
  handleSummary: (data: SummaryData) => Record<string, string>;
}

export function createLoadScenario(input: LoadScenarioInput): LoadScenario {
  const cfg = loadConfig(input.env ?? k6Env(), 'load', input.readFile ?? readTextFile);
  const shapeProblem = input.backend === 'xk6-disruptor' && cfg.chaos.enabled ? xk6ShapeProblem(cfg.chaos.fault) : undefined;
  if (shapeProblem) throw new ConfigError([{ variable: 'CHAOS_FAULT', message: shapeProblem }]);
  // k6 runs this init code in every VU. The SLO plan (a row object, title and key strings per
  // global and per-tenant SLO) is only read here, for options, and by handleSummary, which runs
  // once: no closure below may capture it, or every VU keeps its own copy alive (at 5,000/s, 385
  // VUs held ~190 row objects each, the largest share of a VU's heap and of the GC's marking).
  const options = buildLoadOptions(cfg, buildLoadThresholds(cfg));
  const random = input.random ?? Math.random;
  const window = chaosWindow(cfg);
  const ops = cfg.catalog.operations;

  // Per-VU state (module state is per VU in k6): this VU's copy of each tenant's token.
  const tokens = new VuTokenStore(cfg, random);
  // The catalog compiled once per VU (render plans, checks, URLs, tag and header caches), and per
  // tenant the operations it can run by kind: the iteration only draws and fills.
  const caller = new ApiCaller(ops, {
    baseUrl: cfg.baseUrl,
    tenantHeader: cfg.tenantHeader,
    timeoutMs: cfg.requestTimeoutMs,
    tenantCount: cfg.tenants.length,
    tenantTagCount: Math.min(cfg.tenants.length, cfg.tenantTagCap + 1),
    ...(cfg.noisy ? { noisyTenantTag: cfg.noisy.tenant } : {}),
  });
  const picker = new TenantPicker(cfg.tenants.length, cfg.tenantWeights);
  const mixes = new MixTable<CallerPlan>(caller.plans);
  // Without chaos every request is `baseline` (phaseAt does not read the clock then either).
  const phaseNow = (): Phase => (window.enabled ? phaseAt(runElapsedMs(), window) : 'baseline');
  // Reused by every iteration of this VU: rendering is synchronous, so no two iterations share it at once.
  const ctx: RenderContext = { tenant: '', uniqueId: '', requestId: '', ids: {}, random };

  // One iteration for one tenant: token, phase, operation from the mix, the request.
  async function iteration(data: SetupData, index: number): Promise<void> {
    if (!data?.tenants || !data.seal) throw new Error('tenant_load needs the tokens from setup(); do not run it with --no-setup');
    const setupTenant = data.tenants[index];
    if (!setupTenant) return;
    const tag = tenantTag(cfg.tenants, index, cfg.tenantTagCap);
    let phase = phaseNow();
    let token = tokens.readyToken(index);
    if (token === undefined) {
      token = await tokens.tokenFor(data, index, tag, phase);
      // The request's phase is the one it is sent in: read the clock again after the wait.
      phase = phaseNow();
    }
    const chosen = chooseFromMix(mixes.for(setupTenant.ids), cfg.readRatio, random);
    if (!chosen) return;
    ctx.tenant = setupTenant.id;
    ctx.ids = setupTenant.ids;
    // Only operations whose templates use them pay for a unique id and a UUID.
    ctx.uniqueId = chosen.render.usesUniqueId ? `lt-${data.runId}-${vuIdInTest()}-${iterationInTest()}` : '';
    ctx.requestId = chosen.render.usesRequestId ? uuidv4() : '';
    await caller.call(chosen, index, setupTenant.id, tag, token, phase, ctx);
  }

  return {
    config: cfg,
    get rows(): SloRow[] {
      return buildLoadThresholds(cfg).rows;
    },
    options,

    setup: () => prepareTenants(cfg),

    tenantLoad: (data: SetupData): Promise<void> => iteration(data, picker.pick(random)),

    noisyLoad: (data: SetupData): Promise<void> => iteration(data, cfg.noisy ? cfg.noisy.index : picker.pick(random)),

    async jwksChaos(): Promise<void> {
      const injector = input.injector(cfg);
      const c = cfg.chaos;
      const fault = jwksOutageFault({ port: c.port, errorCode: c.errorCode, fault: c.fault, delayMs: c.delayMs, errorRate: c.errorRate, exclude: rotationExclude(cfg) });
      log.info(`jwks_chaos: injecting the JWKS outage (${c.fault}) through ${injector.backend} for ${formatDuration(c.durationMs)}`);
      const witness = await injector.inject(fault, cfg.chaos.durationMs);
      faultWitness.add(witness.witnessed ? 1 : 0, { backend: witness.backend, source: 'chaos' });
      (witness.witnessed ? log.info : log.error)(`jwks_chaos: ${witness.detail}`);
    },

    async jwksRotate(): Promise<void> {
      // Started at the outage's midpoint: the outage ends half its length from now.
      const outageEnd = nowMs() + (cfg.chaos.durationMs - Math.floor(cfg.chaos.durationMs / 2));
      await rotateAndProbe(cfg, outageEnd, outageEnd + cfg.chaos.marginMs + cfg.slo.recoveryMs);
    },

    async teardown(data: SetupData): Promise<void> {
      if (!cfg.chaos.enabled || !data) return;
      const since = data.startedAtMs + Math.max(0, cfg.chaos.startMs - cfg.chaos.marginMs);
      const until = nowMs();
      const audit = await countDegradedEvents({ ...cfg.audit, requestTimeoutMs: cfg.requestTimeoutMs }, since, until);
      authDegradedEvents.add(audit.count, { source: cfg.audit.kind });
      log.info(`teardown: ${audit.detail}`);
      const injector = input.injector(cfg);
      if (injector.witnessSince) {
        const w = await injector.witnessSince(since, until);
        if (w) faultWitness.add(w.witnessed ? 1 : 0, { backend: w.backend, source: 'teardown' });
      } else if (!runsFaultScenario(executionSegment())) {
        // Distributed run (k6 Operator): jwks_chaos ran on the instance whose segment starts at 0,
        // and only it saw the disruptor's answer. Here the platform's record of the outage (the
        // auth.degraded events just counted) is the evidence that the fault happened; without it
        // this instance fails its witness threshold like the injecting one would.
        faultWitness.add(audit.count > 0 ? 1 : 0, { backend: injector.backend, source: 'platform-audit' });
        log.info(`teardown: jwks_chaos ran on another instance (segment ${executionSegment()}); fault witnessed here by ${audit.count} auth.degraded events`);
      }
      if (cfg.chaos.expect === 'expiry' && cfg.prometheusUrl) {
        const names = await firedAlerts(cfg.prometheusUrl, since, until, cfg.requestTimeoutMs);
        alertsFired.add(names.length, { source: 'prometheus' });
        log.info(`teardown: alerts fired: ${names.length > 0 ? names.join(', ') : 'none'}`);
      }
    },

    handleSummary(data: SummaryData): Record<string, string> {
      const plan = buildLoadThresholds(cfg);
      return summaryOutputs(data, {
        bundle: input.bundle,
        rows: plan.rows,
        tenants: plan.tenants,
        chaosEnabled: cfg.chaos.enabled,
        summaryJson: cfg.outputs.summaryJson,
        junitXml: cfg.outputs.junitXml,
        run: {
          rate: cfg.rate,
          duration: formatDuration(cfg.durationMs),
          rampUp: formatDuration(cfg.rampUpMs),
          readRatio: cfg.readRatio,
          tenants: cfg.tenants.length,
          tenantWeights: cfg.tenantWeights ? 'weighted (TENANT_WEIGHTS / TENANTS_FILE)' : 'uniform',
          noisy: cfg.noisy ? { tenant: cfg.noisy.tenant, rate: cfg.noisy.rate, start: formatDuration(cfg.noisy.startMs), duration: formatDuration(cfg.noisy.durationMs) } : 'off',
          catalog: cfg.catalogSource,
          chaos: cfg.chaos.enabled ? { backend: input.backend, fault: cfg.chaos.fault, start: formatDuration(cfg.chaos.startMs), duration: formatDuration(cfg.chaos.durationMs), expect: cfg.chaos.expect, margin: formatDuration(cfg.chaos.marginMs) } : 'off',
        },
      });
    },
  };
}
