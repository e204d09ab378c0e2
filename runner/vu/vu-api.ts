/**
 * The VU as the k6 modules (runner/modules/) see it: exactly the members they use. It lives apart
 * from vu.ts, which imports the module registry, so that modules never import vu.ts and the two
 * form no import cycle (test/boundaries.test.ts keeps it so). Nothing here imports runner/modules/.
 */
import type vm from 'node:vm';
import type { Tags } from '../contract';
import type { ScenarioConfig } from '../options/scenario-config';
import type { EngineServices } from './engine-services';

export type VuPhase = 'init' | 'setup' | 'iteration' | 'teardown' | 'summary';

/** The scenario a VU is activated for, as `k6/execution` shows it. */
export interface ScenarioState {
  config: ScenarioConfig;
  readonly startTime: number;
  progress(): number;
  /** Iterations this instance started in the scenario so far. */
  iterationInInstance: number;
}

export interface VuApi {
  readonly id: number;
  readonly idInTest: number;
  readonly engine: EngineServices;
  readonly context: vm.Context;
  readonly phase: VuPhase;
  /** `__ITER`: iterations this VU started (0-based for the current one). */
  readonly iteration: number;
  readonly iterationInScenario: number;
  readonly iterationInTest: number;
  readonly scenario: ScenarioState | undefined;
  groupPath: string;
  /** `exec.vu.metrics.tags` (script-visible, mutable) and `.metadata`. */
  readonly metricTags: Record<string, string | number | boolean>;
  readonly metadata: Record<string, string | number | boolean>;
  /** Bump whenever `metricTags` changes, to invalidate the cached base tags. */
  tagsVersion: number;
  /** `http.setResponseCallback` state; `undefined` = k6's default (200–399). */
  responseCallback: unknown;
  /** Whether `sleep()` may defer (inside the synchronous call of a non-async function). */
  readonly inSyncFrame: boolean;
  syncSleepMs: number;
  readonly jsonParse: (text: string) => unknown;
  /** The context's own Math: `randomSeed` replaces its `random`. */
  readonly math: { random: () => number };
  /** Whether this VU shares its realm with the others (K6_OFFLINE_VU_REALM=shared). */
  readonly sharedRealm: boolean;
  /** The k6 globals that are this VU's own (timers, open, console, __VU, __ENV, ...). */
  readonly vuGlobals: Record<string, unknown>;
  readonly currentEpoch: number;
  /** Registers one unit of pending async work; call the returned function once when it is done. */
  hold(): () => void;
  /** Whether callbacks registered in an earlier (interrupted) iteration should still run. */
  isCurrent(epoch: number): boolean;
  /** `exec.scenario.iterationInInstance` of the current iteration. */
  iterationInScenarioInstance(): number;
  /** The cached base tags themselves: callers must not mutate the object (samples share it). */
  sharedBaseTags(): Readonly<Record<string, string>>;
  /** `{...baseTags, ...extra}`, shared (read-only). */
  mergedTags(extra: Tags): Tags;
  /** `{...baseTags, ...extra, check: name}`, shared (read-only). */
  checkTags(extra: Tags, name: string): Tags;
  /** Emits one sample; `tags` is shared with the registry and must not be mutated afterwards. */
  emit(metric: string, value: number, tags: Tags, time?: number): void;
}
