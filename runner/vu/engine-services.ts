/**
 * What a VU needs from the engine: the metrics registry, the consolidated options, logging, the
 * test-wide controls behind `exec.test.abort()/fail()`, the HTTP client and shared state.
 */
import type { MetricRegistry } from '../contract';
import type { ConsolidatedOptions } from '../options/consolidate';
import type { Logger } from '../progress/logger';
import type { HttpClient } from '../http/client';
import type { SyncHttpCaller } from '../http/sync-bridge';

export interface InstanceStats {
  iterationsInterrupted: number;
  iterationsCompleted: number;
  vusActive: number;
  vusInitialized: number;
  currentTestRunDuration: number;
}

export type VuRealm = 'isolated' | 'shared';

export const VU_REALMS: readonly VuRealm[] = ['isolated', 'shared'];

export interface FaultAgentConfig {
  url: string;
  token: string | undefined;
}

export interface EngineServices {
  registry: MetricRegistry;
  options: ConsolidatedOptions | undefined;
  /** `__ENV` before scenario env: system env (unless disabled) overlaid with `-e`. */
  env: Record<string, string>;
  scriptDir: string;
  logger: Logger;
  http: HttpClient;
  /** Synchronous HTTP for VUs in a worker thread; undefined on the main thread (K6_OFFLINE_WORKERS=0). */
  syncHttp?: SyncHttpCaller;
  /** `K6_OFFLINE_FAULT_AGENT_URL` / `_TOKEN` from the runner's own process env (not __ENV). */
  faultAgent: FaultAgentConfig | undefined;
  /**
   * `K6_OFFLINE_VU_REALM` from the runner's own process env: `isolated` (default, as in k6: a
   * JavaScript realm per VU) or `shared` (one realm, a module instance per VU; runner/DIFFERENCES.md).
   */
  vuRealm: VuRealm;
  /** SharedArray data by name, JSON strings, filled by the first VU that constructs it. */
  sharedArrays: Map<string, string[]>;
  abortTest(reason: string): void;
  /**
   * A script reached something not implemented: logs `what` once, stops the run with 107 and
   * returns the error to throw into the script (runner/errors.ts NotImplementedError).
   */
  notImplemented(what: string): Error;
  failTest(reason: string): void;
  instanceStats(): InstanceStats;
  /** Unix ms when the test run started (0 before). */
  testStartTime(): number;
}
