/// <reference path="./k6-utils.d.ts" />
/**
 * The pre-flight smoke (dist/tenant-smoke.js): 1 VU, one iteration that calls every operation of
 * the catalog once per tenant, in order, and passes only if every check passed and no API
 * request failed. Same config, tokens, discovery, tags and checks as the load bundles.
 */
import { log } from './log';
import type { Options } from 'k6/options';
import { uuidv4 } from 'https://jslib.k6.io/k6-utils/1.6.0/index.js';
import type { SloRow } from '../thresholds/build-thresholds';
import { SMOKE_SCENARIO, buildSmokeThresholds } from '../thresholds/build-thresholds';
import { callOperation } from './api-call';
import { isRunnable } from './catalog';
import type { Config } from './config';
import { loadConfig } from './config';
import { formatDuration } from '../contracts/duration';
import type { Env } from '../contracts/env-reader';
import { iterationInTest, vuIdInTest } from './k6-exec';
import { k6Env, readTextFile } from './k6-env';
import type { SummaryData } from './summary/summary-data';
import { summaryOutputs } from './summary/handle-summary';
import type { SetupData } from './tenant-setup';
import { prepareTenants } from './tenant-setup';
import { tenantTag } from './tenants';
import { VuTokenStore } from './vu-token-store';

export interface SmokeScenario {
  config: Config;
  rows: SloRow[];
  options: Options;
  setup: () => Promise<SetupData>;
  tenantSmoke: (data: SetupData) => Promise<void>;
  handleSummary: (data: SummaryData) => Record<string, string>;
}

export function createSmokeScenario(input: { env?: Env; readFile?: (path: string) => string; random?: () => number } = {}): SmokeScenario {
  const cfg = loadConfig(input.env ?? k6Env(), 'smoke', input.readFile ?? readTextFile);
  const plan = buildSmokeThresholds(cfg);
  const random = input.random ?? Math.random;
  const tokens = new VuTokenStore(cfg, random);
  // Every operation of every tenant, sequentially, within a generous bound.
  const maxDurationMs = Math.max(60_000, cfg.tenants.length * cfg.catalog.operations.length * cfg.requestTimeoutMs);
  return {
    config: cfg,
    rows: plan.rows,
    options: {
      scenarios: {
        [SMOKE_SCENARIO]: { executor: 'per-vu-iterations', exec: 'tenantSmoke', vus: 1, iterations: 1, maxDuration: formatDuration(maxDurationMs) },
      },
      thresholds: plan.thresholds,
      summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
      setupTimeout: formatDuration(60_000 + Math.max(0, cfg.tenants.length - 100) * 100),
    },
    setup: () => prepareTenants(cfg),
    async tenantSmoke(data: SetupData): Promise<void> {
      if (!data?.tenants || !data.seal) throw new Error('tenant_smoke needs the tokens from setup(); do not run it with --no-setup');
      let n = 0;
      for (let index = 0; index < data.tenants.length; index++) {
        const t = data.tenants[index];
        if (!t) continue;
        const tag = tenantTag(cfg.tenants, index, cfg.tenantTagCap);
        const token = await tokens.tokenFor(data, index, tag, 'baseline');
        for (const op of cfg.catalog.operations) {
          if (!isRunnable(op, t.ids)) {
            log.error(`tenant_smoke: ${op.id} skipped for ${t.id}: no discovered ids`);
            continue;
          }
          await callOperation(
            op,
            { baseUrl: cfg.baseUrl, tenantHeader: cfg.tenantHeader, tenantId: t.id, tenantTag: tag, token, phase: 'baseline', timeoutMs: cfg.requestTimeoutMs },
            { tenant: t.id, ids: t.ids, uniqueId: `smoke-${data.runId}-${vuIdInTest()}-${iterationInTest()}-${n++}`, requestId: uuidv4(), random },
          );
        }
      }
    },
    handleSummary(data: SummaryData): Record<string, string> {
      return summaryOutputs(data, {
        bundle: 'tenant-smoke',
        rows: plan.rows,
        tenants: plan.tenants,
        chaosEnabled: false,
        summaryJson: cfg.outputs.summaryJson,
        junitXml: cfg.outputs.junitXml,
        run: { tenants: cfg.tenants.length, operations: cfg.catalog.operations.length, catalog: cfg.catalogSource },
      });
    },
  };
}
