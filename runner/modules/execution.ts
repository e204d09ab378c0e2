/**
 * `k6/execution` (docs/k6-semantics.md#k6-execution, k6 `internal/js/modules/k6/execution`): instance, scenario,
 * test and vu views over the VU's and the engine's state. Reading `instance`/`scenario`/`vu` in
 * init (or `scenario` outside a scenario) throws, as in k6.
 */
import type { VuApi } from '../vu/vu-api';
import { esModule } from './esm';
import { TestAbortedError } from '../errors';

export function createExecutionModule(vu: VuApi): Record<string, unknown> {
  const engine = vu.engine;
  let optionsCache: unknown;
  const notInInit = (what: string): void => {
    if (vu.phase === 'init') throw new Error(`getting ${what} information in the init context is not supported`);
  };
  const instance = {
    get iterationsInterrupted() {
      notInInit('instance');
      return engine.instanceStats().iterationsInterrupted;
    },
    get iterationsCompleted() {
      notInInit('instance');
      return engine.instanceStats().iterationsCompleted;
    },
    get vusActive() {
      notInInit('instance');
      return engine.instanceStats().vusActive;
    },
    get vusInitialized() {
      notInInit('instance');
      return engine.instanceStats().vusInitialized;
    },
    get currentTestRunDuration() {
      notInInit('instance');
      return engine.instanceStats().currentTestRunDuration;
    },
  };
  const scenarioState = () => {
    notInInit('scenario');
    if (!vu.scenario) throw new Error('getting scenario information outside of a scenario (in setup or teardown) is not supported');
    return vu.scenario;
  };
  const scenario = {
    get name() {
      return scenarioState().config.name;
    },
    get executor() {
      return scenarioState().config.executor;
    },
    get startTime() {
      return scenarioState().startTime;
    },
    get progress() {
      return scenarioState().progress();
    },
    get iterationInInstance() {
      scenarioState();
      return vu.iterationInScenarioInstance();
    },
    get iterationInTest() {
      scenarioState();
      return vu.iterationInTest;
    },
  };
  const metrics = {
    get tags() {
      notInInit('vu');
      return tagProxy(vu, 'metricTags');
    },
    set tags(_v: unknown) {
      throw new TypeError('exec.vu.metrics.tags cannot be replaced; set its keys instead');
    },
    get metadata() {
      notInInit('vu');
      return tagProxy(vu, 'metadata');
    },
  };
  const vuView = {
    get idInInstance() {
      notInInit('vu');
      return vu.id;
    },
    get idInTest() {
      notInInit('vu');
      return vu.idInTest;
    },
    get iterationInInstance() {
      notInInit('vu');
      return Math.max(0, vu.iteration);
    },
    get iterationInScenario() {
      notInInit('vu');
      return Math.max(0, vu.iterationInScenario);
    },
    metrics,
    get tags() {
      return metrics.tags;
    },
  };
  const test = {
    abort(reason?: unknown): never {
      if (vu.phase === 'init') throw new Error('exec.test.abort() is not supported in the init context');
      const r = reason === undefined ? '' : String(reason);
      engine.abortTest(r);
      throw new TestAbortedError(r);
    },
    fail(reason?: unknown): void {
      if (vu.phase === 'init') throw new Error('exec.test.fail() is not supported in the init context');
      engine.failTest(reason === undefined ? 'test marked as failed' : String(reason));
    },
    get options() {
      // Consolidated once before the run and never changed: parse once per VU, frozen.
      if (!engine.options) return deepFreeze(vu.jsonParse('{}'));
      optionsCache ??= deepFreeze(vu.jsonParse(JSON.stringify(engine.options.testOptions)));
      return optionsCache;
    },
  };
  const exec = { instance, scenario, test, vu: vuView };
  return esModule(exec, exec);
}

/** Live view of `vu.metricTags`/`metadata`: only strings, numbers and booleans (docs/k6-semantics.md#k6-execution). */
function tagProxy(vu: VuApi, key: 'metricTags' | 'metadata'): Record<string, unknown> {
  return new Proxy(
    {},
    {
      get: (_t, p) => (typeof p === 'string' ? vu[key][p] : undefined),
      set: (_t, p, v) => {
        if (typeof p !== 'string') return false;
        if (!['string', 'number', 'boolean'].includes(typeof v)) throw new TypeError(`invalid value for exec.vu.metrics.${key === 'metricTags' ? 'tags' : 'metadata'}.${p}: only strings, numbers and booleans are allowed`);
        vu[key][p] = v as string | number | boolean;
        vu.tagsVersion++;
        return true;
      },
      deleteProperty: (_t, p) => {
        vu.tagsVersion++;
        return typeof p === 'string' ? delete vu[key][p] : false;
      },
      has: (_t, p) => typeof p === 'string' && p in vu[key],
      ownKeys: () => Object.keys(vu[key]),
      getOwnPropertyDescriptor: (_t, p) => (typeof p === 'string' && p in vu[key] ? { value: vu[key][p], enumerable: true, configurable: true, writable: true } : undefined),
    },
  );
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}
